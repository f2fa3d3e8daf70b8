/**
 * Bringing the remote's new commits (the app's answers, notes, `.cancel`) under the worker's own, with the agent still
 * working in the worktree. A `git rebase` there would check the remote out and replay our commits onto it: for that
 * moment the agent's files are the remote's (its work gone, plan.md missing while git rewrites it), and an agent that
 * reads or writes then fails or loses work. So the replay happens in git's object store, through an index of the
 * worker's own; HEAD moves without a checkout; and only the files the remote changed are written into the worktree,
 * each in one step (`replaceAtomically`), merged with what the agent has there now.
 *
 * A file both sides changed is settled by `resolve` (plan.md: ours plus the remote's notes); one only the remote
 * changed takes the remote's version; everything else is ours as committed.
 */
import { lstat, mkdtemp, readlink, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Git } from "./git.js";
import { readPlain, replaceAtomically, type FileState } from "./safe-file.js";

/** Settles a file both sides changed: `local` ours (null: absent), `remote` the remote's; null removes the file. */
export type ConflictResolver = (path: string, local: string | null, remote: string | null) => string | null;

/** A path's entry in a tree: `<mode> <object>`, or null when the tree does not have it. */
type Entry = { mode: string; oid: string } | null;

export interface ReplayOptions {
  git: Git;
  /** The commit to bring in (the fetched remote branch). */
  onto: string;
  resolve: ConflictResolver;
  log?: (line: string) => void;
}

/** How the replay ended: the new head (our commits on top of `onto`), or why nothing changed. */
export type ReplayResult = { ok: true; head: string } | { ok: false; why: string };

export async function replayOnto(opts: ReplayOptions): Promise<ReplayResult> {
  try {
    return await replay(opts);
  } catch (error) {
    // Nothing moved: HEAD and the index move last, after the worktree's files were written.
    return { ok: false, why: error instanceof Error ? error.message.split("\n")[0] ?? "" : String(error) };
  }
}

async function replay(opts: ReplayOptions): Promise<ReplayResult> {
  const { git } = opts;
  const local = await git.head();
  const remote = (await git.revParse(opts.onto)) ?? "";
  if (!remote) return { ok: false, why: `${opts.onto} is not a commit` };
  const base = (await git.raw(["merge-base", local, remote]).catch(() => "")).trim();
  if (!base) return { ok: false, why: "our branch and the remote's share no history" };
  if (base === remote) return { ok: true, head: local };
  const changedThere = await changedPaths(git, base, remote);
  const ours = (await git.raw(["rev-list", "--reverse", "--first-parent", `${base}..${local}`])).split("\n").filter(Boolean);

  const scratch = await mkdtemp(join(tmpdir(), "dispatch-replay-"));
  try {
    const privateGit = git.withIndex(join(scratch, "index"));
    const [atBase, atRemote] = await Promise.all([entries(git, base, changedThere), entries(git, remote, changedThere)]);
    let parent = remote;
    for (const commit of ours) {
      const mine = await entries(git, commit, changedThere);
      const overlay = new Map<string, Entry>();
      for (const path of changedThere) {
        const [b, c, r] = [atBase.get(path) ?? null, mine.get(path) ?? null, atRemote.get(path) ?? null];
        if (same(c, b) || same(c, r)) overlay.set(path, r);
        else overlay.set(path, await settle({ git, scratch, path, local: c, remote: r, resolve: opts.resolve }));
      }
      await privateGit.raw(["read-tree", commit]);
      for (const [path, entry] of overlay) {
        if (entry) await privateGit.raw(["update-index", "--add", "--cacheinfo", `${entry.mode},${entry.oid},${path}`]);
        else await privateGit.raw(["update-index", "--force-remove", "--", path]);
      }
      const tree = (await privateGit.raw(["write-tree"])).trim();
      if (tree === (await git.raw(["rev-parse", `${parent}^{tree}`])).trim()) continue; // nothing of ours left in it
      const message = await git.raw(["log", "-1", "--format=%B", commit]);
      await writeFile(join(scratch, "message"), message);
      parent = (await git.raw(["commit-tree", tree, "-p", parent, "-F", join(scratch, "message")])).trim();
    }
    const head = parent;
    await bringIntoWorktree({ git, scratch, from: local, to: head, paths: changedThere, resolve: opts.resolve, ...(opts.log ? { log: opts.log } : {}) });
    await git.raw(["reset", "--soft", head]);
    // The worktree's index follows HEAD for the paths that moved (the rest of it is HEAD's already).
    const now = await entries(git, head, changedThere);
    for (const path of changedThere) {
      const entry = now.get(path) ?? null;
      if (entry) await git.raw(["update-index", "--add", "--cacheinfo", `${entry.mode},${entry.oid},${path}`]);
      else await git.raw(["update-index", "--force-remove", "--", path]);
    }
    return { ok: true, head };
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

/** Paths that differ between two commits (renames as a deletion and an addition). */
async function changedPaths(git: Git, from: string, to: string): Promise<string[]> {
  const out = await git.raw(["diff", "--name-only", "--no-renames", "-z", from, to]);
  return out.split("\0").filter((path) => path.length > 0);
}

/** The entries of `paths` in a commit's tree. */
async function entries(git: Git, commit: string, paths: readonly string[]): Promise<Map<string, Entry>> {
  const found = new Map<string, Entry>();
  for (let at = 0; at < paths.length; at += 500) {
    const out = await git.raw(["ls-tree", "-r", "-z", "--full-tree", commit, "--", ...paths.slice(at, at + 500)]);
    for (const line of out.split("\0")) {
      const tab = line.indexOf("\t");
      if (tab < 0) continue;
      const [mode = "", , oid = ""] = line.slice(0, tab).split(" ");
      found.set(line.slice(tab + 1), { mode, oid });
    }
  }
  return found;
}

function same(a: Entry, b: Entry): boolean {
  return a === null || b === null ? a === b : a.mode === b.mode && a.oid === b.oid;
}

/** A path both sides changed: what `resolve` makes of the two texts, as an entry. */
async function settle(opts: { git: Git; scratch: string; path: string; local: Entry; remote: Entry; resolve: ConflictResolver }): Promise<Entry> {
  const text = async (entry: Entry) => (entry ? opts.git.raw(["cat-file", "blob", entry.oid]) : null);
  const merged = opts.resolve(opts.path, await text(opts.local), await text(opts.remote));
  if (merged === null) return null;
  const mode = opts.local?.mode ?? opts.remote?.mode ?? "100644";
  return { mode: mode === "100755" ? mode : "100644", oid: await writeBlob(opts.git, opts.scratch, merged) };
}

async function writeBlob(git: Git, scratch: string, text: string): Promise<string> {
  const file = join(scratch, "blob");
  await writeFile(file, text, { mode: 0o600 });
  return (await git.raw(["hash-object", "-w", "--no-filters", "--", file])).trim();
}

/**
 * Write into the worktree what moved between our head and the new one, merged with the agent's uncommitted changes:
 * a file the agent left as we committed it takes the new version; one it changed since is settled by `resolve`.
 */
async function bringIntoWorktree(opts: {
  git: Git;
  scratch: string;
  from: string;
  to: string;
  paths: readonly string[];
  resolve: ConflictResolver;
  log?: (line: string) => void;
}): Promise<void> {
  const { git } = opts;
  const [before, after] = await Promise.all([entries(git, opts.from, opts.paths), entries(git, opts.to, opts.paths)]);
  for (const path of opts.paths) {
    const was = before.get(path) ?? null;
    const next = after.get(path) ?? null;
    if (same(was, next)) continue;
    const state = await stateOf(git, next);
    if (state === null) {
      opts.log?.(`replay: ${path} is a submodule; left as it is in the worktree`);
      continue;
    }
    const current = await worktreeState(join(git.dir, path));
    const untouched = sameState(current, await stateOf(git, was));
    if (untouched) await replaceAtomically(git.dir, path, state);
    else {
      const mine = current.kind === "file" ? current.text : null;
      const merged = opts.resolve(path, mine, state.kind === "file" ? state.text : null);
      if (merged === mine && current.kind !== "link") continue; // the agent's file is kept as it is
      await replaceAtomically(git.dir, path, merged === null ? { kind: "none" } : { kind: "file", text: merged, executable: current.kind === "file" && current.executable });
    }
  }
}

/** What a tree entry is as a file; null for a submodule (nothing to write). */
async function stateOf(git: Git, entry: Entry): Promise<FileState | null> {
  if (!entry) return { kind: "none" };
  if (entry.mode === "160000") return null;
  const content = await git.raw(["cat-file", "blob", entry.oid]);
  return entry.mode === "120000" ? { kind: "link", target: content } : { kind: "file", text: content, executable: entry.mode === "100755" };
}

/** What is at `path` in the worktree now (a folder counts as no file). */
async function worktreeState(path: string): Promise<FileState> {
  const info = await lstat(path).catch(() => null);
  if (!info || info.isDirectory()) return { kind: "none" };
  if (info.isSymbolicLink()) return { kind: "link", target: await readlink(path) };
  const text = await readPlain(path);
  return text === null ? { kind: "none" } : { kind: "file", text, executable: (info.mode & 0o111) !== 0 };
}

function sameState(a: FileState, b: FileState | null): boolean {
  if (!b || a.kind !== b.kind) return false;
  if (a.kind === "file" && b.kind === "file") return a.text === b.text;
  if (a.kind === "link" && b.kind === "link") return a.target === b.target;
  return true;
}
