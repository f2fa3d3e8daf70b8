/**
 * The worker's one git wrapper: argument arrays over simple-git, never a shell string.
 *
 * The GitHub token is handed to git only on the commands that talk to the remote (fetch, push, ls-remote), as an
 * `http.<server>/.extraheader` in that command's own environment (GIT_CONFIG_COUNT): it is never written to
 * .git/config, which the agent's worktree shares, nor put on a command line.
 *
 * Nothing the agent can write steers the worker's git: no system or global configuration (GIT_CONFIG_NOSYSTEM,
 * GIT_CONFIG_GLOBAL=/dev/null; the agent's home is not the worker's), the git directory given explicitly (GIT_DIR,
 * GIT_WORK_TREE: a `.git` file planted in the worktree is never followed), the remote by its URL (no
 * `remote.origin.*`), and the dangerous settings pinned on every command (`HARDENED`).
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { isWorkflowRefusal } from "../core/workflow-files.js";
import { join } from "node:path";
import { simpleGit, type SimpleGit } from "simple-git";
import { stageWorktree } from "./stage.js";

export interface GitIdentity {
  name: string;
  email: string;
}

export interface GitOptions {
  /** The repository (or worktree) the commands run in. */
  dir: string;
  /** Token for fetch/push over HTTPS; none for file:// remotes and tests. */
  token?: string;
  /** Server the token is for, e.g. `https://github.com`. */
  server?: string;
  author?: GitIdentity;
  /** Log line sink. */
  log?: (line: string) => void;
  /** The git directory, given explicitly (GIT_DIR, GIT_WORK_TREE = `dir`); default: found from `dir`. */
  gitDir?: string;
  /** The remote's URL; default the remote named `origin`. */
  remoteUrl?: string;
  /** An index file of the worker's own (GIT_INDEX_FILE), for building trees without touching the worktree's. */
  indexFile?: string;
}

/** `refused-workflows`: GitHub refused the push because it changes .github/workflows/ (no retry helps). */
export type PushResult = "pushed" | "rejected" | "refused-workflows";

export const DEFAULT_AUTHOR: GitIdentity = {
  name: "github-actions[bot]",
  email: "41898282+github-actions[bot]@users.noreply.github.com",
};

const REMOTE = "origin";

/**
 * Settings pinned on every worker git command (command-line scope, above any file): no hooks, no fsmonitor command,
 * no credential helper, no ssh command, no askpass, only the https, http and file transports (no `ext::`), and no
 * housekeeping in the background (`gc --auto`, `maintenance run --auto` after commits and fetches): the checkout
 * lives for one job, and each would be one more process every few seconds.
 */
export function hardenedConfig(env: Readonly<Record<string, string | undefined>> = process.env): Array<[string, string]> {
  return [
    ["core.hooksPath", "/dev/null"],
    ["core.fsmonitor", "false"],
    ["core.sshCommand", "false"],
    ["core.askPass", ""],
    ["credential.helper", ""],
    ["http.proxy", env["HTTPS_PROXY"] ?? env["https_proxy"] ?? ""],
    ["protocol.allow", "never"],
    ["protocol.https.allow", "always"],
    ["protocol.http.allow", "always"],
    ["protocol.file.allow", "always"],
    ["safe.directory", "*"],
    ["gc.auto", "0"],
    ["maintenance.auto", "false"],
    // A repository the agent makes inside the worktree is never entered: git status and diff would run its commands
    // (its own config's filters) as the worker.
    ["diff.ignoreSubmodules", "all"],
    ["status.submoduleSummary", "false"],
    ["submodule.recurse", "false"],
  ];
}

/** GIT_CONFIG_COUNT/KEY_n/VALUE_n for `entries`. */
function configEnv(entries: ReadonlyArray<readonly [string, string]>): Record<string, string> {
  const out: Record<string, string> = { GIT_CONFIG_COUNT: String(entries.length) };
  entries.forEach(([key, value], i) => {
    out[`GIT_CONFIG_KEY_${i}`] = key;
    out[`GIT_CONFIG_VALUE_${i}`] = value;
  });
  return out;
}

/** A staged change: the path and its mode as staged (`000000` for a deletion). */
export interface StagedChange {
  path: string;
  deleted: boolean;
  added: boolean;
  mode: string;
}

/** The mode of a repository inside the repository (a submodule's commit). */
const GITLINK_MODE = "160000";

/** Paths per git command (far below the command-line limit). */
const PATHS_PER_COMMAND = 500;

export interface CommitOptions {
  /** Paths to leave out of the commit (unstaged again). */
  keepOut?: (path: string, deleted: boolean) => boolean;
  /** Secrets to take out of every staged text file, right before the commit. */
  redact?: {
    secrets: readonly string[];
    apply: (text: string) => string;
    onRedacted?: (path: string) => void;
    /** A binary file holding a secret: not committed. */
    onLeftOut?: (path: string) => void;
  };
}

export class Git {
  readonly dir: string;
  private readonly opts: GitOptions;
  private readonly local: SimpleGit;
  private readonly network: SimpleGit;
  /** Folders `commitAll` left out (said once). */
  private readonly skippedFolders = new Set<string>();

  constructor(opts: GitOptions) {
    this.opts = opts;
    this.dir = opts.dir;
    const author = opts.author ?? DEFAULT_AUTHOR;
    const config = [`user.name=${author.name}`, `user.email=${author.email}`, "commit.gpgsign=false"];
    const fixed: Record<string, string> = {
      GIT_TERMINAL_PROMPT: "0",
      GIT_CONFIG_NOSYSTEM: "1",
      GIT_CONFIG_GLOBAL: "/dev/null",
      // Paths after `--` are file names (the agent names files): `:(exclude)*` is a file, not pathspec magic.
      GIT_LITERAL_PATHSPECS: "1",
      // The worker's looks (`git status` every tick) never take the index lock: a look that did would fail the
      // agent's own `git add` or `git commit` with "index.lock: File exists" (29 in 200 tries in a tight loop).
      GIT_OPTIONAL_LOCKS: "0",
      ...(opts.gitDir ? { GIT_DIR: opts.gitDir, GIT_WORK_TREE: opts.dir } : {}),
      ...(opts.indexFile ? { GIT_INDEX_FILE: opts.indexFile } : {}),
    };
    const hardened = hardenedConfig();
    const localEnv = { ...stringEnv(), ...fixed, GIT_EDITOR: "true", ...configEnv(hardened) };
    const networkEnv = { ...stringEnv(), ...fixed, ...configEnv([...hardened, ...authEntries(opts.token, opts.server)]) };
    const base = {
      baseDir: opts.dir,
      config,
      // simple-git guards these settings against untrusted callers; here they are the worker's own, pinned safe.
      unsafe: {
        allowUnsafeConfigEnvCount: true,
        allowUnsafeConfigPaths: true,
        allowUnsafeEditor: true,
        allowUnsafeHooksPath: true,
        allowUnsafeFsMonitor: true,
        allowUnsafeSshCommand: true,
        allowUnsafeAskPass: true,
        allowUnsafeCredentialHelper: true,
        allowUnsafeProtocolOverride: true,
        allowUnsafeGitProxy: true,
      },
    };
    this.local = simpleGit({ ...base, allowEnvironment: Object.keys(localEnv).filter((k) => /^GIT_/.test(k)) }).env(localEnv);
    this.network = simpleGit({ ...base, allowEnvironment: Object.keys(networkEnv).filter((k) => /^GIT_/.test(k)) }).env(networkEnv);
  }

  /** The same settings in another folder (a worktree), with its git directory when given. */
  at(dir: string, gitDir?: string): Git {
    const { gitDir: _ignored, ...rest } = this.opts;
    return new Git({ ...rest, dir, ...(gitDir ? { gitDir } : {}) });
  }

  /** The same repository with a private index file (`GIT_INDEX_FILE`): trees built there never touch the worktree's. */
  withIndex(indexFile: string): Git {
    return new Git({ ...this.opts, indexFile });
  }

  /** Pin the git directory and the remote's URL from now on: read them while only the worker has written here. */
  async pinned(): Promise<Git> {
    const gitDir = this.opts.gitDir ?? (await this.local.raw(["rev-parse", "--absolute-git-dir"])).trim();
    const remoteUrl = this.opts.remoteUrl ?? ((await this.local.raw(["config", "--get", `remote.${REMOTE}.url`]).catch(() => "")).trim() || undefined);
    return new Git({ ...this.opts, gitDir, ...(remoteUrl ? { remoteUrl } : {}) });
  }

  private get remote(): string {
    return this.opts.remoteUrl ?? REMOTE;
  }

  async raw(args: string[]): Promise<string> {
    return this.local.raw(args);
  }

  /** The commit the remote's branch points at (`ls-remote`: nothing fetched), or null when there is no such branch. */
  async remoteHead(branch: string): Promise<string | null> {
    const out = await this.network.raw(["ls-remote", "--heads", this.remote, `refs/heads/${branch}`]);
    for (const line of out.split("\n")) {
      const [oid, ref] = line.split("\t");
      if (ref === `refs/heads/${branch}` && oid) return oid;
    }
    return null;
  }

  /** Whether the remote has this branch. */
  async remoteHasBranch(branch: string): Promise<boolean> {
    const out = await this.network.raw(["ls-remote", "--heads", this.remote, `refs/heads/${branch}`]);
    return out.trim().length > 0;
  }

  /** Fetch one branch into `refs/remotes/origin/<branch>`; its commit, or null when the remote has no such branch. */
  async fetchBranch(branch: string): Promise<string | null> {
    try {
      await this.network.raw(["fetch", "--quiet", "--no-tags", this.remote, `+refs/heads/${branch}:${remoteRef(branch)}`]);
    } catch (error) {
      if (/couldn't find remote ref|no such ref/i.test(String(error))) return null;
      throw error;
    }
    return this.revParse(remoteRef(branch));
  }

  /** Push `commit` (default HEAD) to the branch. */
  async push(branch: string, commit = "HEAD"): Promise<PushResult> {
    try {
      await this.network.raw(["push", "--quiet", "--no-verify", this.remote, `${commit}:refs/heads/${branch}`]);
      return "pushed";
    } catch (error) {
      if (isWorkflowRefusal(String(error))) return "refused-workflows";
      if (/\[rejected\]|non-fast-forward|fetch first|failed to push some refs|stale info/i.test(String(error))) return "rejected";
      throw error;
    }
  }

  async revParse(ref: string): Promise<string | null> {
    try {
      return (await this.local.raw(["rev-parse", "--verify", "--quiet", `${ref}^{commit}`])).trim() || null;
    } catch {
      return null;
    }
  }

  async head(): Promise<string> {
    return (await this.local.raw(["rev-parse", "HEAD"])).trim();
  }

  /** Whether `ancestor` is contained in `descendant`. */
  async contains(descendant: string, ancestor: string): Promise<boolean> {
    // (`merge-base --is-ancestor` answers by exit code alone, which simple-git does not report.)
    const id = /^[0-9a-f]{40}$/;
    const [a, d] = await Promise.all([id.test(ancestor) ? ancestor : this.revParse(ancestor), id.test(descendant) ? descendant : this.revParse(descendant)]);
    if (!a || !d) return false;
    const base = await this.local.raw(["merge-base", a, d]).catch(() => "");
    return base.trim() === a;
  }

  /** `git worktree add -B <branch> <path> <start>`: the branch is (re)set to `start` and checked out at `path`. */
  async addWorktree(path: string, branch: string, start: string): Promise<void> {
    await this.local.raw(["worktree", "add", "--force", "-B", branch, path, start]);
  }

  /**
   * HEAD and the paths with changes (tracked or untracked, relative to the repository root), from one `git status`:
   * the monitor asks every few hundred milliseconds, and most times nothing changed.
   */
  async state(): Promise<{ head: string | null; changed: string[] }> {
    const out = await this.local.raw(["status", "--porcelain=v2", "--branch", "-z", "--untracked-files=all", "--ignore-submodules=all"]);
    const fields = out.split("\0");
    let head: string | null = null;
    const changed: string[] = [];
    for (let i = 0; i < fields.length; i++) {
      const entry = fields[i]!;
      if (entry.startsWith("# branch.oid ")) {
        const oid = entry.slice("# branch.oid ".length);
        head = oid === "(initial)" ? null : oid;
        continue;
      }
      // `1 XY sub mH mI mW hH hI path`, `2 … score path` + the source path, `u … path` (8, 9 and 10 fields), `? path`.
      const kind = entry[0];
      if (kind === "?") changed.push(entry.slice(2));
      else if (kind === "1") changed.push(afterFields(entry, 8));
      else if (kind === "2") {
        changed.push(afterFields(entry, 9));
        i++; // the rename's source follows
      } else if (kind === "u") changed.push(afterFields(entry, 10));
    }
    return { head, changed };
  }

  /** Paths with changes (tracked or untracked), relative to the repository root. */
  async changedFiles(): Promise<string[]> {
    const out = await this.local.raw(["status", "--porcelain=v1", "-z", "--untracked-files=all", "--ignore-submodules=all"]);
    const entries = out.split("\0").filter((e) => e.length > 0);
    const files: string[] = [];
    for (let i = 0; i < entries.length; i++) {
      const entry = entries[i]!;
      const code = entry.slice(0, 2);
      files.push(entry.slice(3));
      if (code.includes("R") || code.includes("C")) i++; // the rename's source follows
    }
    return files;
  }

  /**
   * Stage everything and commit; false when there was nothing to commit. Staged changes `keepOut` picks (given the
   * path and whether the change is a deletion) are unstaged first and stay in the worktree only. Everything is staged
   * as the worker reads it (`stageWorktree`: never `git add`), a repository inside the worktree not at all.
   * `message` may be made from the paths the commit adds.
   */
  async commitAll(message: string | ((added: string[]) => string), options: CommitOptions = {}): Promise<boolean> {
    // Its own look, right before staging: a file the agent wrote since the caller's look goes in this commit.
    const skipped = await stageWorktree({ git: this, changed: (await this.state()).changed });
    for (const path of skipped) {
      if (this.skippedFolders.has(path)) continue;
      this.skippedFolders.add(path);
      this.opts.log?.(`left ${path} out: a repository inside the worktree`);
    }
    const staged = await this.stagedChanges();
    const { keepOut } = options;
    const left = staged.filter((c) => c.mode === GITLINK_MODE || keepOut?.(c.path, c.deleted)).map((c) => c.path);
    if (left.length > 0) await this.local.raw(["reset", "--quiet", "--", ...left]);
    if (staged.length === left.length) return false;
    if (options.redact) {
      const kept = staged.filter((c) => !c.deleted && !left.includes(c.path)).map((c) => c.path);
      await this.redactStaged(kept, options.redact);
    }
    const subject = typeof message === "string" ? message : message(staged.filter((c) => c.added && !left.includes(c.path)).map((c) => c.path));
    await this.local.raw(["commit", "--quiet", "--no-verify", "-m", subject]);
    return true;
  }

  /**
   * What is staged is what gets committed: a file the agent rewrote with a secret after the worker redacted it in the
   * working tree is redacted again here, in the index (the working tree keeps the agent's file). Text files and
   * symbolic links (their target is their content) are rewritten; a binary file holding a secret is left out of the
   * commit. Fails closed: an error of git here fails the commit.
   */
  private async redactStaged(paths: readonly string[], redact: NonNullable<CommitOptions["redact"]>): Promise<void> {
    // Line by line: grep matches within a line; a file with any line of a secret is read and redacted whole.
    const secrets = [...new Set(redact.secrets.flatMap((s) => s.split("\n")).filter((line) => line.length > 0))];
    if (paths.length === 0 || secrets.length === 0) return;
    // The secrets go to git in a file only the worker can read: never on a command line, which every user can read
    // in /proc (the agent included).
    const scratch = await mkdtemp(join(tmpdir(), "dispatch-redact-"));
    try {
      await writeFile(join(scratch, "patterns"), `${secrets.join("\n")}\n`, { mode: 0o600 });
      const suspects = new Set<string>();
      const modes = new Map<string, string>();
      for (let at = 0; at < paths.length; at += PATHS_PER_COMMAND) {
        const chunk = paths.slice(at, at + PATHS_PER_COMMAND);
        // Exit 1 with nothing printed is "no match" (simple-git resolves it); anything git prints on error rejects.
        const grep = await this.local.raw(["grep", "--cached", "-l", "-z", "-F", "-f", join(scratch, "patterns"), "--", ...chunk]);
        for (const path of grep.split("\0")) if (path.length > 0) suspects.add(path);
        // `<mode> <blob> <stage>\t<path>`; git grep does not look into symbolic links: their targets are read below.
        const entries = await this.local.raw(["ls-files", "-s", "-z", "--", ...chunk]);
        for (const entry of entries.split("\0")) {
          const tab = entry.indexOf("\t");
          if (tab < 0) continue;
          const [mode = "100644"] = entry.slice(0, tab).split(" ");
          modes.set(entry.slice(tab + 1), mode);
          if (mode === "120000") suspects.add(entry.slice(tab + 1));
        }
      }
      for (const path of suspects) {
        const mode = modes.get(path) ?? "100644";
        const content = await this.local.raw(["show", `:${path}`]);
        const clean = redact.apply(content);
        if (clean === content) continue;
        if (content.includes("\0")) {
          await this.local.raw(["reset", "--quiet", "--", path]);
          redact.onLeftOut?.(path);
          continue;
        }
        await writeFile(join(scratch, "blob"), clean, { mode: 0o600 });
        const blob = (await this.local.raw(["hash-object", "-w", "--no-filters", "--", join(scratch, "blob")])).trim();
        await this.local.raw(["update-index", "--cacheinfo", `${mode},${blob},${path}`]);
        redact.onRedacted?.(path);
      }
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }
  }

  /** Staged changes against HEAD, renames as a deletion and an addition. */
  async stagedChanges(): Promise<StagedChange[]> {
    // `:<old mode> <new mode> <old id> <new id> <status>` NUL `<path>` NUL
    const out = await this.local.raw(["diff", "--cached", "--raw", "--no-renames", "-z"]);
    const fields = out.split("\0").filter((f) => f.length > 0);
    const changes: StagedChange[] = [];
    for (let i = 0; i + 1 < fields.length; i += 2) {
      const [, mode = "", , , status = ""] = fields[i]!.slice(1).split(" ");
      changes.push({ path: fields[i + 1]!, deleted: status.startsWith("D"), added: status.startsWith("A"), mode });
    }
    return changes;
  }

  /** A blob's bytes (binary files as they are, not decoded as text). */
  async blob(oid: string): Promise<Buffer> {
    return this.local.binaryCatFile(["blob", oid]);
  }

  /** A file's content at a ref; null when it does not exist there. */
  async show(ref: string, path: string): Promise<string | null> {
    try {
      return await this.local.raw(["show", `${ref}:${path}`]);
    } catch {
      return null;
    }
  }

  /** File names directly under `dir` at `ref`. */
  async listDir(ref: string, dir: string): Promise<string[]> {
    try {
      const out = await this.local.raw(["ls-tree", "--name-only", `${ref}:${dir}`]);
      return out.split("\n").filter((l) => l.length > 0);
    } catch {
      return [];
    }
  }
}

/** What follows the first `count` space-separated fields of a status line: the path, which may hold spaces. */
function afterFields(entry: string, count: number): string {
  let at = 0;
  for (let n = 0; n < count; n++) at = entry.indexOf(" ", at) + 1;
  return entry.slice(at);
}

export function remoteRef(branch: string): string {
  return `refs/remotes/${REMOTE}/${branch}`;
}

/** The per-command git configuration that carries the token; empty without a token. */
export function authEnv(token: string | undefined, server = "https://github.com"): Record<string, string> {
  const entries = authEntries(token, server);
  return entries.length === 0 ? {} : configEnv(entries);
}

function authEntries(token: string | undefined, server = "https://github.com"): Array<[string, string]> {
  if (!token) return [];
  return [[`http.${server.replace(/\/+$/, "")}/.extraheader`, `AUTHORIZATION: basic ${authHeaderValue(token)}`]];
}

/** The base64 credential git sends in its AUTHORIZATION header for `token`. */
export function authHeaderValue(token: string): string {
  return Buffer.from(`x-access-token:${token}`, "utf8").toString("base64");
}

/**
 * Variables not passed on to git: those simple-git refuses (every GIT_* and the editor/pager ones), and the runner's
 * credentials (the Action's inputs hold the token), which git never needs: only the network calls get the token.
 */
const GUARDED = /^(GIT_.*|EDITOR|VISUAL|PAGER|PREFIX|SSH_ASKPASS|INPUT_.*|ACTIONS_.*|GITHUB_TOKEN|GH_TOKEN)$/i;

function stringEnv(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !GUARDED.test(k)) out[k] = v;
  return out;
}
