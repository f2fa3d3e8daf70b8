/**
 * Bringing the remote's new commits (the app's answers, notes, `.cancel`; a maintainer's commit) under the worker's
 * own, with the agent still working in the worktree. A `git rebase` there would check the remote out and replay our
 * commits onto it: for that moment the agent's files are the remote's (its work gone, plan.md with conflict markers),
 * and an agent that reads or writes then fails or loses work. So the replay happens in git's object store, through an
 * index of the worker's own; HEAD moves without a checkout; and only the files the remote changed are written into
 * the worktree, each in one step and never through a link (`safe-file.ts`), merged with what the agent has there now.
 *
 * A path only the remote changed takes the remote's version (also where it turns a file into a folder or back). A
 * path both sides changed: `resolve` decides when it has an opinion (plan.md: ours plus the remote's notes); else two
 * texts are merged line by line (`git merge-file`, our lines winning where both changed the same ones), and anything
 * else keeps ours (a file we deleted that the remote changed comes back). Bytes stay bytes throughout.
 */
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Git } from "./git.js";
import { fileState, replaceAtomically, type FileState } from "./safe-file.js";

/**
 * Settles a path both sides changed, given both texts (null: absent on that side): the text to keep, null to remove
 * the file, undefined for no opinion (the texts are merged line by line).
 */
export type ConflictResolver = (path: string, local: string | null, remote: string | null) => string | null | undefined;

/** A path's entry in a tree: `<mode> <object>`, or null when the tree does not have it. */
type Entry = { mode: string; oid: string } | null;

export interface ReplayOptions {
  git: Git;
  /** The commit to bring in (the fetched remote branch). */
  onto: string;
  resolve: ConflictResolver;
  log?: (line: string) => void;
}

/** How the replay ended: the new head (our commits on top of `onto`), or why not. */
export type ReplayResult = { ok: true; head: string } | { ok: false; why: string };

export async function replayOnto(opts: ReplayOptions): Promise<ReplayResult> {
  try {
    return await replay(opts);
  } catch (error) {
    // HEAD and the index move last: a failure leaves them where they were (files written so far are the remote's).
    return { ok: false, why: error instanceof Error ? (error.message.split("\n")[0] ?? "") : String(error) };
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
        else overlay.set(path, await settle({ git, scratch, path, base: b, local: c, remote: r, resolve: opts.resolve }));
      }
      await privateGit.raw(["read-tree", commit]);
      await setEntries(privateGit, overlay);
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
    await setEntries(git, await entries(git, head, changedThere), changedThere);
    return { ok: true, head };
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

/** Set (or remove) index entries; `--replace` lets a file take the place of a folder and the other way round. */
async function setEntries(git: Git, found: ReadonlyMap<string, Entry>, paths: Iterable<string> = found.keys()): Promise<void> {
  for (const path of paths) {
    const entry = found.get(path) ?? null;
    if (entry) await git.raw(["update-index", "--add", "--replace", "--cacheinfo", `${entry.mode},${entry.oid},${path}`]);
    else await git.raw(["update-index", "--force-remove", "--", path]);
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
  for (let at = 0; at < paths.length; at += 100) {
    const out = await git.raw(["ls-tree", "-r", "-z", "--full-tree", commit, "--", ...paths.slice(at, at + 100)]);
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

const isFileMode = (entry: Entry) => entry !== null && (entry.mode === "100644" || entry.mode === "100755");
/** Text git would merge: no NUL byte. */
const isText = (bytes: Buffer) => !bytes.includes(0);

/** A path both sides changed, as an entry of the replayed commit (see the header). */
async function settle(opts: { git: Git; scratch: string; path: string; base: Entry; local: Entry; remote: Entry; resolve: ConflictResolver }): Promise<Entry> {
  const { git, local, remote } = opts;
  if (local === null) return remote; // deleted by us, changed by them: theirs, as a rebase settled it
  if (!isFileMode(local) || (remote !== null && !isFileMode(remote))) return local;
  const [mine, theirs] = await Promise.all([git.blob(local.oid), remote ? git.blob(remote.oid) : Promise.resolve(null)]);
  if (!isText(mine) || (theirs !== null && !isText(theirs))) return local;
  const decided = opts.resolve(opts.path, mine.toString("utf8"), theirs?.toString("utf8") ?? null);
  if (decided === null) return null;
  if (decided !== undefined) return { mode: local.mode, oid: await writeBlob(git, opts.scratch, Buffer.from(decided, "utf8")) };
  if (theirs === null) return local; // changed by us, deleted by them: ours
  const older = opts.base && isFileMode(opts.base) ? await git.blob(opts.base.oid) : Buffer.alloc(0);
  const merged = await mergeTexts(git, opts.scratch, { mine, older, theirs });
  return merged === null ? local : { mode: local.mode, oid: await writeBlob(git, opts.scratch, merged) };
}

/** `git merge-file --ours`: both sides' changes, ours where they touch the same lines; null when git will not merge. */
async function mergeTexts(git: Git, scratch: string, texts: { mine: Buffer; older: Buffer; theirs: Buffer }): Promise<Buffer | null> {
  const [mine, older, theirs] = ["mine", "older", "theirs"].map((name) => join(scratch, name)) as [string, string, string];
  await Promise.all([writeFile(mine, texts.mine), writeFile(older, texts.older), writeFile(theirs, texts.theirs)]);
  try {
    // The result replaces `mine` (the worker's own scratch folder).
    await git.raw(["merge-file", "--ours", "--quiet", "--", mine, older, theirs]);
  } catch {
    return null;
  }
  return readFile(mine);
}

async function writeBlob(git: Git, scratch: string, content: Buffer): Promise<string> {
  const file = join(scratch, "blob");
  await writeFile(file, content, { mode: 0o600 });
  return (await git.raw(["hash-object", "-w", "--no-filters", "--", file])).trim();
}

/**
 * Write into the worktree what moved between our head and the new one, merged with the agent's uncommitted changes:
 * a file the agent left as we committed it takes the new version; a text the agent changed since gets the new
 * version's changes merged in (`resolve` first, then line by line, the agent's lines winning); anything else the agent
 * changed stays as it is.
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
  // In path order: a file that becomes a folder is removed before the files inside it are written.
  for (const path of [...opts.paths].sort()) {
    const was = before.get(path) ?? null;
    const next = after.get(path) ?? null;
    if (same(was, next)) continue;
    const state = await stateOf(git, next);
    if (state === null) {
      opts.log?.(`replay: ${path} is a submodule; left as it is in the worktree`);
      continue;
    }
    const where = join(git.dir, path);
    const current = await fileState(where);
    if (sameState(current, await stateOf(git, was))) {
      await replaceAtomically(where, state, { makeWay: true });
      continue;
    }
    // The agent changed the file since our commit: the new version's changes are merged into the agent's.
    if (current.kind !== "file" || state.kind !== "file" || !isText(current.content) || !isText(state.content)) continue;
    const decided = opts.resolve(path, current.content.toString("utf8"), state.content.toString("utf8"));
    const older = was !== null && isFileMode(was) ? await git.blob(was.oid) : Buffer.alloc(0);
    const merged =
      decided === null ? null : decided !== undefined ? Buffer.from(decided, "utf8") : await mergeTexts(git, opts.scratch, { mine: current.content, older, theirs: state.content });
    if (merged !== null && merged.equals(current.content)) continue;
    if (merged === null && decided !== null) continue; // git would not merge them: the agent's stays
    await replaceAtomically(where, merged === null ? { kind: "none" } : { kind: "file", content: merged, executable: current.executable }, { makeWay: true });
  }
}

/** What a tree entry is as a file; null for a submodule (nothing to write). */
async function stateOf(git: Git, entry: Entry): Promise<FileState | null> {
  if (!entry) return { kind: "none" };
  if (entry.mode === "160000") return null;
  const content = await git.blob(entry.oid);
  return entry.mode === "120000" ? { kind: "link", target: content.toString("utf8") } : { kind: "file", content, executable: entry.mode === "100755" };
}

function sameState(a: FileState, b: FileState | null): boolean {
  if (!b || a.kind !== b.kind) return false;
  if (a.kind === "file" && b.kind === "file") return a.executable === b.executable && a.content.equals(b.content);
  if (a.kind === "link" && b.kind === "link") return a.target === b.target;
  return true;
}
