/**
 * The stand-in's git: plain git commands over a REAL bare repository on disk. Argument arrays only.
 *
 * Three economies, so that a scenario does not spend its CPU on thousands of git processes: a ref is read from the
 * bare repository's ref files (loose, then packed-refs) the way git itself resolves it; objects, and what an
 * expression on a full object id names (`<id>:<path>`, `<id>~1`), are read through one long-running
 * `git cat-file --batch-command` per repository (object-reader.ts); and what an object id names (its type, content,
 * tree, commit, a path under it, a diff between two commits) never changes, so it is kept per repository once read.
 * Anything else (`main^{commit}`, `HEAD~1`, an abbreviated id) goes to git as before.
 */
import { execFile } from "node:child_process";
import { appendFile, chmod, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { objectReader } from "./object-reader.js";

export const ZERO_SHA = "0000000000000000000000000000000000000000";

export interface Signature {
  name: string;
  email: string;
  date?: Date;
}

/**
 * Run git in `dir` (a bare repository); never through a shell. Node's own `execFile`, not execa: the stand-in runs
 * thousands of these from a large test process, and execa's option handling costs more than the process start.
 */
export async function git(
  dir: string,
  args: string[],
  options: { input?: string | Buffer; env?: Record<string, string>; reject?: boolean } = {},
): Promise<{ stdout: string; exitCode: number; stderr: string }> {
  const { stdout, stderr, exitCode } = await run(dir, args, options);
  const result = { stdout: stdout.toString("utf8").replace(/\r?\n$/, ""), stderr: stderr.toString("utf8").replace(/\r?\n$/, ""), exitCode };
  if (exitCode !== 0 && (options.reject ?? true)) throw new Error(`git ${args.join(" ")} failed (${exitCode}) in ${dir}: ${result.stderr}`);
  return result;
}

function run(dir: string, args: string[], options: { input?: string | Buffer; env?: Record<string, string> }): Promise<{ stdout: Buffer; stderr: Buffer; exitCode: number }> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      "git",
      args,
      { cwd: dir, env: { ...process.env, GIT_CONFIG_NOSYSTEM: "1", ...options.env }, encoding: "buffer", maxBuffer: 256 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = (error as { code?: unknown } | null)?.code;
        if (error && typeof code !== "number") return reject(error);
        resolve({ stdout, stderr, exitCode: typeof code === "number" ? code : 0 });
      },
    );
    // git may exit before it reads its input (or without reading it at all): a closed pipe is no failure.
    child.stdin?.on("error", () => undefined);
    if (options.input === undefined) child.stdin?.end();
    else child.stdin?.end(options.input);
  });
}

const FULL_ID = /^[0-9a-f]{40}$/;

/** Per repository: what full object ids name. Objects never change, so nothing here is ever stale. */
const immutable = new Map<string, Map<string, Promise<unknown>>>();

/** `compute()` once per repository and key, when every id in the key is a full object id; else every time. */
function once<T>(dir: string, key: string, ids: readonly string[], compute: () => Promise<T>): Promise<T> {
  if (!ids.every((id) => FULL_ID.test(id))) return compute();
  let cache = immutable.get(dir);
  if (!cache) immutable.set(dir, (cache = new Map()));
  const known = cache.get(key) as Promise<T> | undefined;
  if (known) return known;
  const value = compute();
  cache.set(key, value);
  // A failure (an object not there yet) is not remembered.
  value.catch(() => cache.delete(key));
  return value;
}

/** A ref's object id as git resolves it: the loose ref file (following `ref: …`), then packed-refs; null if none. */
async function readRef(dir: string, ref: string, hops = 0): Promise<string | null> {
  if (hops > 5) return null;
  const loose = await readFile(join(dir, ref), "utf8").catch(() => null);
  if (loose !== null) {
    const text = loose.trim();
    if (text.startsWith("ref: ")) return readRef(dir, text.slice(5).trim(), hops + 1);
    return FULL_ID.test(text) ? text : null;
  }
  const packed = await readFile(join(dir, "packed-refs"), "utf8").catch(() => "");
  for (const line of packed.split("\n")) {
    const [id, name] = line.split(" ");
    if (name === ref && id && FULL_ID.test(id)) return id;
  }
  return null;
}

/** A plain ref name (what `git check-ref-format` allows, roughly): resolved from the ref files, not by git. */
const PLAIN_REF = /^(?!.*\.\.)(?!.*\/\/)(?!.*@\{)[A-Za-z0-9._\/-]+$/;

/** `<rev>` as rev-parse resolves a name: full id, `refs/…`, then refs/tags/, refs/heads/, refs/remotes/. */
async function resolveName(dir: string, rev: string): Promise<string | null | undefined> {
  if (FULL_ID.test(rev)) return (await objectExists(dir, rev)) ? rev : null;
  if (!PLAIN_REF.test(rev) || rev.endsWith(".lock") || rev.endsWith("/") || rev.endsWith(".")) return undefined;
  if (rev === "HEAD" || rev.startsWith("refs/")) return readRef(dir, rev);
  for (const candidate of [`refs/${rev}`, `refs/tags/${rev}`, `refs/heads/${rev}`, `refs/remotes/${rev}`]) {
    const id = await readRef(dir, candidate);
    if (id) return id;
  }
  // An abbreviated id, or nothing: git decides.
  return /^[0-9a-f]{4,39}$/.test(rev) ? undefined : null;
}

function objectExists(dir: string, oid: string): Promise<boolean> {
  return once(dir, `exists ${oid}`, [oid], async () => {
    if (!(await objectReader(dir).info(oid))) throw new Error("missing"); // not remembered: it may arrive with a push
    return true;
  }).catch(() => false);
}

/** The object id a revision expression names, or null when there is none. */
export async function revParse(dir: string, expression: string): Promise<string | null> {
  const colon = expression.indexOf(":");
  const rev = colon === -1 ? expression : expression.slice(0, colon);
  // `name~2`, `name^`, `name^{commit}`: the name resolved here, the walk from its (immutable) commit by git, once.
  const [, name = rev, walk = ""] = /^(.*?)((?:~\d*|\^\d*|\^\{[a-z]*\})*)$/.exec(rev) ?? [];
  const resolved = colon === 0 || name === "" ? undefined : await resolveName(dir, name);
  if (resolved === null) return null;
  if (resolved !== undefined && colon === -1 && walk === "") return resolved;
  const exact = resolved === undefined ? expression : `${resolved}${walk}${colon === -1 ? "" : expression.slice(colon)}`;
  if (resolved === undefined) {
    const result = await git(dir, ["rev-parse", "--verify", "--quiet", "--end-of-options", exact], { reject: false });
    return result.exitCode === 0 && result.stdout ? result.stdout : null;
  }
  // On a full id, the expression names the same object forever: asked once, over the pipe (a line break cannot be).
  return once(dir, `rev-parse ${exact}`, [resolved], async () => {
    if (/[\n\r]/.test(exact)) return null;
    return (await objectReader(dir).info(exact))?.oid ?? null;
  });
}

/** The commit a branch points at, or null. */
export async function branchHead(dir: string, branch: string): Promise<string | null> {
  const id = PLAIN_REF.test(branch) ? await readRef(dir, `refs/heads/${branch}`) : undefined;
  if (id === null) return null;
  if (id !== undefined && (await objectType(dir, id).catch(() => null)) === "commit") return id;
  const result = await git(dir, ["rev-parse", "--verify", "--quiet", `refs/heads/${branch}^{commit}`], {
    reject: false,
  });
  return result.exitCode === 0 && result.stdout ? result.stdout : null;
}

export async function objectType(dir: string, oid: string): Promise<"blob" | "tree" | "commit" | "tag"> {
  return once(dir, `type ${oid}`, [oid], async () => {
    const info = FULL_ID.test(oid) ? await objectReader(dir).info(oid) : null;
    if (info) return info.type;
    return (await git(dir, ["cat-file", "-t", oid])).stdout as "blob" | "tree" | "commit" | "tag";
  });
}

export async function readBlob(dir: string, oid: string): Promise<Buffer> {
  return once(dir, `blob ${oid}`, [oid], async () => {
    const object = FULL_ID.test(oid) ? await objectReader(dir).contents(oid) : null;
    if (object?.type === "blob") return object.content;
    const result = await run(dir, ["cat-file", "blob", oid], {});
    if (result.exitCode !== 0) throw new Error(`git cat-file blob ${oid} failed in ${dir}: ${result.stderr.toString("utf8")}`);
    return result.stdout;
  });
}

export interface TreeEntry {
  mode: string;
  type: "blob" | "tree" | "commit";
  oid: string;
  size: number | null;
  name: string;
}

export async function listTree(dir: string, treeish: string): Promise<TreeEntry[]> {
  return once(dir, `ls-tree ${treeish}`, [treeish.split(":")[0] ?? ""], () => lsTree(dir, treeish));
}

async function lsTree(dir: string, treeish: string): Promise<TreeEntry[]> {
  const { stdout } = await git(dir, ["ls-tree", "-l", "-z", treeish]);
  return stdout
    .split("\0")
    .filter((line) => line.length > 0)
    .map((line) => {
      const [meta = "", name = ""] = line.split("\t");
      const [mode = "", type = "blob", oid = "", size = "-"] = meta.split(/\s+/);
      return { mode, type: type as TreeEntry["type"], oid, size: size === "-" ? null : Number(size), name };
    });
}

export interface CommitInfo {
  sha: string;
  tree: string;
  parents: string[];
  message: string;
  author: Signature & { date: Date };
  committer: Signature & { date: Date };
}

export async function readCommit(dir: string, sha: string): Promise<CommitInfo> {
  return once(dir, `commit ${sha}`, [sha], async () => {
    const object = FULL_ID.test(sha) ? await objectReader(dir).contents(sha) : null;
    return object?.type === "commit" ? parseCommit(sha, object.content.toString("utf8")) : showCommit(dir, sha);
  });
}

/** A raw commit object: headers (`tree`, `parent`…, `author`, `committer`; others skipped), a blank line, the message. */
function parseCommit(sha: string, raw: string): CommitInfo {
  const split = raw.indexOf("\n\n");
  const headers = (split < 0 ? raw : raw.slice(0, split)).split("\n");
  const message = split < 0 ? "" : raw.slice(split + 2);
  let tree = "";
  const parents: string[] = [];
  let author: (Signature & { date: Date }) | null = null;
  let committer: (Signature & { date: Date }) | null = null;
  for (const header of headers) {
    if (header.startsWith(" ")) continue; // a continued header (gpgsig)
    const space = header.indexOf(" ");
    const [key, value] = [header.slice(0, space), header.slice(space + 1)];
    if (key === "tree") tree = value;
    else if (key === "parent") parents.push(value);
    else if (key === "author") author = signature(value);
    else if (key === "committer") committer = signature(value);
  }
  if (!tree || !author || !committer) throw new Error(`commit ${sha} does not read as a commit`);
  return { sha, tree, parents, message: message.trimEnd(), author, committer };
}

/** `Name <email> <seconds> <zone>` */
function signature(text: string): Signature & { date: Date } {
  const match = /^(.*) <([^>]*)> (\d+) [+-]\d{4}$/.exec(text);
  if (!match) throw new Error(`not a git signature: ${text}`);
  return { name: match[1]!, email: match[2]!, date: new Date(Number(match[3]) * 1000) };
}

async function showCommit(dir: string, sha: string): Promise<CommitInfo> {
  const sep = "\x1f";
  const { stdout } = await git(dir, [
    "show",
    "-s",
    `--format=%H${sep}%T${sep}%P${sep}%an${sep}%ae${sep}%aI${sep}%cn${sep}%ce${sep}%cI${sep}%B`,
    sha,
  ]);
  const [h = "", t = "", p = "", an = "", ae = "", ad = "", cn = "", ce = "", cd = "", ...body] = stdout.split(sep);
  return {
    sha: h,
    tree: t,
    parents: p ? p.split(" ") : [],
    message: body.join(sep).trimEnd(),
    author: { name: an, email: ae, date: new Date(ad) },
    committer: { name: cn, email: ce, date: new Date(cd) },
  };
}

/** Commits reachable from `head` but not from `base` (oldest first); a `base` of null means all of them. */
export async function commitsBetween(dir: string, base: string | null, head: string, limit = 250): Promise<string[]> {
  const range = base ? [`${base}..${head}`] : [head];
  const { stdout } = await git(dir, ["rev-list", "--reverse", `--max-count=${limit}`, ...range]);
  return stdout ? stdout.split("\n") : [];
}

/** Commits a push of `ref` brought that no other branch had (the push webhook's `commits`). */
export async function newCommitsOfPush(dir: string, ref: string, before: string, after: string): Promise<string[]> {
  if (after === ZERO_SHA) return [];
  if (before !== ZERO_SHA) return commitsBetween(dir, before, after);
  const others = (await git(dir, ["for-each-ref", "--format=%(refname)", "refs/heads/"])).stdout
    .split("\n")
    .filter((name) => name && name !== ref);
  const { stdout } = await git(dir, ["rev-list", "--reverse", after, ...others.map((name) => `^${name}`)]);
  return stdout ? stdout.split("\n") : [];
}

export interface FileChange {
  status: "added" | "removed" | "modified" | "renamed";
  filename: string;
  additions: number;
  deletions: number;
}

/** Files changed between two commits, with line counts. */
export async function diffFiles(dir: string, from: string, to: string): Promise<FileChange[]> {
  return once(dir, `diff ${from} ${to}`, [from, to], () => diff(dir, from, to));
}

/** One `git diff --raw --numstat -z`: `:<modes> <ids> <status>\0<path>\0` per file, then `<add>\t<del>\t<path>\0`. */
async function diff(dir: string, from: string, to: string): Promise<FileChange[]> {
  const fields = (await git(dir, ["diff", "--no-renames", "--raw", "--numstat", "-z", from, to])).stdout.split("\0");
  const statuses: Array<{ code: string; filename: string }> = [];
  const counts = new Map<string, [number, number]>();
  for (let i = 0; i < fields.length; i++) {
    const field = fields[i]!;
    if (field.startsWith(":")) {
      statuses.push({ code: field.split(" ").at(-1) ?? "M", filename: fields[++i] ?? "" });
      continue;
    }
    const [add = "0", del = "0", file = ""] = field.split("\t");
    if (file) counts.set(file, [Number(add) || 0, Number(del) || 0]);
  }
  return statuses.map(({ code, filename }) => {
    const [additions, deletions] = counts.get(filename) ?? [0, 0];
    const status = code === "A" ? "added" : code === "D" ? "removed" : "modified";
    return { status, filename, additions, deletions };
  });
}

export async function mergeBase(dir: string, a: string, b: string): Promise<string | null> {
  return once(dir, `merge-base ${a} ${b}`, [a, b], () => findMergeBase(dir, a, b));
}

async function findMergeBase(dir: string, a: string, b: string): Promise<string | null> {
  const result = await git(dir, ["merge-base", a, b], { reject: false });
  return result.exitCode === 0 ? result.stdout : null;
}

export type CommitFileResult =
  | { ok: true; commit: string; blob: string }
  | { ok: false; reason: "stale" };

/**
 * Commit one file onto `branch` without a working tree: a temporary index built from the branch head, then
 * hash-object, update-index, write-tree, commit-tree, and `update-ref <new> <old>` so that a concurrent push makes
 * this fail (`stale`) instead of losing either commit.
 */
export async function commitFile(options: {
  dir: string;
  branch: string;
  parent: string;
  path: string;
  content: Buffer;
  message: string;
  author: Signature;
  committer: Signature;
}): Promise<CommitFileResult> {
  const { dir, branch, parent, path, content, message, author, committer } = options;
  const scratch = await mkdtemp(join(tmpdir(), "standin-index-"));
  const env = {
    GIT_INDEX_FILE: join(scratch, "index"),
    GIT_AUTHOR_NAME: author.name,
    GIT_AUTHOR_EMAIL: author.email,
    GIT_AUTHOR_DATE: (author.date ?? new Date()).toISOString(),
    GIT_COMMITTER_NAME: committer.name,
    GIT_COMMITTER_EMAIL: committer.email,
    GIT_COMMITTER_DATE: (committer.date ?? new Date()).toISOString(),
  };
  try {
    await git(dir, ["read-tree", parent], { env });
    const blob = (await git(dir, ["hash-object", "-w", "--stdin"], { input: content, env })).stdout;
    await git(dir, ["update-index", "--add", "--cacheinfo", `100644,${blob},${path}`], { env });
    const tree = (await git(dir, ["write-tree"], { env })).stdout;
    const commit = (await git(dir, ["commit-tree", tree, "-p", parent, "-m", message], { env })).stdout;
    const moved = await git(dir, ["update-ref", `refs/heads/${branch}`, commit, parent], { env, reject: false });
    if (moved.exitCode !== 0) return { ok: false, reason: "stale" };
    return { ok: true, commit, blob };
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

/**
 * A new bare repository whose default branch holds `files`, with a post-receive hook reporting to the stand-in: git
 * gives the hook one `<old> <new> <ref>` line per moved ref, and curl posts them as they are (a shell and curl start
 * in a few milliseconds; a Node hook cost a quarter of a second of CPU per push). STANDIN_PUSHER (optional, in the
 * pusher's environment) names who pushed.
 */
export async function createBareRepo(options: {
  dir: string;
  defaultBranch: string;
  files: Record<string, string>;
  author: Signature;
  hook: { url: string; repo: string };
}): Promise<string> {
  const { dir, defaultBranch, files, author, hook } = options;
  await git(process.cwd(), ["init", "--bare", "--quiet", `--initial-branch=${defaultBranch}`, dir]);
  const scratch = await mkdtemp(join(tmpdir(), "standin-seed-"));
  const env = {
    GIT_INDEX_FILE: join(scratch, "index"),
    GIT_AUTHOR_NAME: author.name,
    GIT_AUTHOR_EMAIL: author.email,
    GIT_COMMITTER_NAME: author.name,
    GIT_COMMITTER_EMAIL: author.email,
  };
  try {
    // Two git processes for all the files: their blobs written from files named on stdin, then the index in one go.
    const entries = Object.entries(files);
    const names = await Promise.all(
      entries.map(async ([, text], i) => {
        const name = join(scratch, `file-${i}`);
        await writeFile(name, text);
        return name;
      }),
    );
    const blobs = entries.length === 0 ? [] : (await git(dir, ["hash-object", "-w", "--no-filters", "--stdin-paths"], { input: `${names.join("\n")}\n`, env })).stdout.split("\n");
    const index = entries.map(([path, text], i) => {
      const mode = /^(bin|scripts)\//.test(path) && text.startsWith("#!") ? "100755" : "100644";
      return `${mode} ${blobs[i]}\t${path}\n`;
    });
    if (index.length > 0) await git(dir, ["update-index", "--add", "--index-info"], { input: index.join(""), env });
    const tree = (await git(dir, ["write-tree"], { env })).stdout;
    const commit = (await git(dir, ["commit-tree", tree, "-m", "Initial commit"], { env })).stdout;
    await git(dir, ["update-ref", `refs/heads/${defaultBranch}`, commit, ZERO_SHA]);
    // Workers push over file://: let them update refs of a bare repo like any remote. No `gc --auto` after each push
    // (a process per push; GitHub's repositories are not packed by the pusher either).
    await appendFile(join(dir, "config"), "[receive]\n\tdenyCurrentBranch = ignore\n\tautogc = false\n");
    const hookPath = join(dir, "hooks", "post-receive");
    const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
    await writeFile(
      hookPath,
      [
        "#!/bin/sh",
        `exec curl --silent --show-error --fail --noproxy '*' --max-time 30 --data-binary @- -H 'content-type: text/plain' \\`,
        `  -H ${quote(`x-standin-repo: ${hook.repo}`)} -H "x-standin-pusher: \${STANDIN_PUSHER:-}" ${quote(hook.url)}`,
        "",
      ].join("\n"),
    );
    await chmod(hookPath, 0o755);
    return commit;
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}
