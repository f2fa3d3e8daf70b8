/**
 * The stand-in's git: plain git commands over a REAL bare repository on disk. Argument arrays only.
 */
import { execa } from "execa";
import { chmod, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const ZERO_SHA = "0000000000000000000000000000000000000000";

export interface Signature {
  name: string;
  email: string;
  date?: Date;
}

/** Run git in `dir` (a bare repository); never through a shell. */
export async function git(
  dir: string,
  args: string[],
  options: { input?: string | Buffer; env?: Record<string, string>; reject?: boolean } = {},
): Promise<{ stdout: string; exitCode: number; stderr: string }> {
  const result = await execa("git", args, {
    cwd: dir,
    input: options.input,
    env: { GIT_CONFIG_NOSYSTEM: "1", ...options.env },
    reject: options.reject ?? true,
    stripFinalNewline: true,
  });
  return { stdout: String(result.stdout), stderr: String(result.stderr), exitCode: result.exitCode ?? 0 };
}

/** The object id a revision expression names, or null when there is none. */
export async function revParse(dir: string, expression: string): Promise<string | null> {
  const result = await git(dir, ["rev-parse", "--verify", "--quiet", "--end-of-options", expression], { reject: false });
  return result.exitCode === 0 && result.stdout ? result.stdout : null;
}

/** The commit a branch points at, or null. */
export async function branchHead(dir: string, branch: string): Promise<string | null> {
  const result = await git(dir, ["rev-parse", "--verify", "--quiet", `refs/heads/${branch}^{commit}`], {
    reject: false,
  });
  return result.exitCode === 0 && result.stdout ? result.stdout : null;
}

export async function objectType(dir: string, oid: string): Promise<"blob" | "tree" | "commit" | "tag"> {
  return (await git(dir, ["cat-file", "-t", oid])).stdout as "blob" | "tree" | "commit" | "tag";
}

export async function readBlob(dir: string, oid: string): Promise<Buffer> {
  const result = await execa("git", ["cat-file", "blob", oid], { cwd: dir, encoding: "buffer", stripFinalNewline: false });
  return Buffer.from(result.stdout);
}

export interface TreeEntry {
  mode: string;
  type: "blob" | "tree" | "commit";
  oid: string;
  size: number | null;
  name: string;
}

export async function listTree(dir: string, treeish: string): Promise<TreeEntry[]> {
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
  const names = (await git(dir, ["diff", "--no-renames", "--name-status", "-z", from, to])).stdout.split("\0");
  const counts = new Map<string, [number, number]>();
  for (const line of (await git(dir, ["diff", "--no-renames", "--numstat", from, to])).stdout.split("\n")) {
    const [add = "0", del = "0", file = ""] = line.split("\t");
    if (file) counts.set(file, [Number(add) || 0, Number(del) || 0]);
  }
  const changes: FileChange[] = [];
  for (let i = 0; i + 1 < names.length; i += 2) {
    const code = names[i]!;
    const filename = names[i + 1]!;
    const [additions, deletions] = counts.get(filename) ?? [0, 0];
    const status = code === "A" ? "added" : code === "D" ? "removed" : "modified";
    changes.push({ status, filename, additions, deletions });
  }
  return changes;
}

export async function mergeBase(dir: string, a: string, b: string): Promise<string | null> {
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

/** A new bare repository whose default branch holds `files`, with a post-receive hook reporting to the stand-in. */
export async function createBareRepo(options: {
  dir: string;
  defaultBranch: string;
  files: Record<string, string>;
  author: Signature;
  hook: { node: string; script: string; url: string; repo: string };
}): Promise<string> {
  const { dir, defaultBranch, files, author, hook } = options;
  await execa("git", ["init", "--bare", "--quiet", `--initial-branch=${defaultBranch}`, dir]);
  const scratch = await mkdtemp(join(tmpdir(), "standin-seed-"));
  const env = {
    GIT_INDEX_FILE: join(scratch, "index"),
    GIT_AUTHOR_NAME: author.name,
    GIT_AUTHOR_EMAIL: author.email,
    GIT_COMMITTER_NAME: author.name,
    GIT_COMMITTER_EMAIL: author.email,
  };
  try {
    for (const [path, text] of Object.entries(files)) {
      const blob = (await git(dir, ["hash-object", "-w", "--stdin"], { input: text, env })).stdout;
      const mode = /^(bin|scripts)\//.test(path) && text.startsWith("#!") ? "100755" : "100644";
      await git(dir, ["update-index", "--add", "--cacheinfo", `${mode},${blob},${path}`], { env });
    }
    const tree = (await git(dir, ["write-tree"], { env })).stdout;
    const commit = (await git(dir, ["commit-tree", tree, "-m", "Initial commit"], { env })).stdout;
    await git(dir, ["update-ref", `refs/heads/${defaultBranch}`, commit, ZERO_SHA]);
    // Workers push over file://: let them update refs of a bare repo like any remote.
    await git(dir, ["config", "receive.denyCurrentBranch", "ignore"]);
    const hookPath = join(dir, "hooks", "post-receive");
    const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
    await writeFile(
      hookPath,
      `#!/bin/sh\nexec ${quote(hook.node)} ${quote(hook.script)} ${quote(hook.url)} ${quote(hook.repo)}\n`,
    );
    await chmod(hookPath, 0o755);
    return commit;
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}
