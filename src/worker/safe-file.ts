/**
 * Reading, writing and removing files in the agent's worktree from the worker, which may be root, while the agent
 * (another user, maybe still running a process it left behind) can swap any of its files or folders for a symbolic
 * link at any moment. A name is never followed through a link: every folder on the way is opened with
 * O_DIRECTORY|O_NOFOLLOW through the descriptor of the one before it (`/proc/self/fd/<fd>/<name>` resolves inside the
 * folder that descriptor holds, whatever its path means by now), from `/` down, and files are made, renamed and
 * removed only inside the last descriptor. A folder swapped for a link fails the operation (ELOOP/ENOTDIR) instead of
 * leading it elsewhere. Paths are absolute and hold no link the worker did not resolve (the worker resolves its work
 * folder with realpath before the agent starts).
 *
 * Where the system has no /proc/self/fd (not Linux: there the agent cannot run as a user of its own either), the
 * same operations go by path, each folder checked with lstat first.
 */
import { randomBytes } from "node:crypto";
import { constants, existsSync } from "node:fs";
import { lstat, mkdir, open, readdir, readlink, rename, rmdir, symlink, unlink, type FileHandle } from "node:fs/promises";
import { join, sep } from "node:path";

/** What a path in the worktree is, or is to become: a plain file (executable or not), a symbolic link, or nothing. */
export type FileState = { kind: "file"; content: Buffer; executable: boolean } | { kind: "link"; target: string } | { kind: "none" };

const BY_DESCRIPTOR = process.platform === "linux" && existsSync("/proc/self/fd");
const DIRECTORY = constants.O_RDONLY | constants.O_DIRECTORY | constants.O_NOFOLLOW;
/** A fixed-length temporary name: a long file name plus a suffix could pass the 255-byte limit. */
const TEMPORARY = () => `.dispatch-${randomBytes(8).toString("hex")}`;
/** Temporary names of ours (never committed, should one be left behind). */
export const TEMPORARY_NAME = /(^|\/)\.dispatch-[0-9a-f]{16}$/;

/** A folder held open: names inside it resolve in it. */
interface Folder {
  at(name: string): string;
  close(): Promise<void>;
}

function held(handle: FileHandle): Folder {
  return { at: (name) => `/proc/self/fd/${handle.fd}/${name}`, close: () => handle.close() };
}

function byPath(path: string): Folder {
  return { at: (name) => join(path, name), close: async () => undefined };
}

const code = (error: unknown) => (error as { code?: string }).code;

/** The parts of an absolute path; throws on one that is not plain (`..`, `.`, empty). */
function partsOf(path: string): string[] {
  if (!path.startsWith(sep)) throw new Error(`not an absolute path: ${path}`);
  const parts = path.split(sep).filter((part) => part.length > 0);
  if (parts.some((part) => part === "." || part === "..")) throw new Error(`not a plain path: ${path}`);
  return parts;
}

/**
 * The folder holding `path`'s last part, opened part by part; null when one is missing (and `create` is off).
 * `create`: missing folders are made; `makeWay` too: a link or a file where a folder must be is removed first (the
 * worktree is to match a tree in which that is a folder).
 */
async function openParent(path: string, options: { create?: boolean; makeWay?: boolean } = {}): Promise<{ folder: Folder; name: string } | null> {
  const parts = partsOf(path);
  const name = parts.pop();
  if (!name) throw new Error(`no file name in ${path}`);
  if (!BY_DESCRIPTOR) return openParentByPath(parts, name, options);
  let folder = held(await open(sep, DIRECTORY));
  try {
    for (const part of parts) {
      let next: FileHandle | null = null;
      try {
        next = await open(folder.at(part), DIRECTORY);
      } catch (error) {
        const missing = code(error) === "ENOENT";
        const inTheWay = code(error) === "ELOOP" || code(error) === "ENOTDIR";
        if (!(missing && options.create) && !(inTheWay && options.makeWay)) {
          await folder.close();
          if (missing) return null;
          throw new Error(`${path}: ${part} is not a folder (${code(error)})`);
        }
        if (inTheWay) await unlink(folder.at(part));
        await mkdir(folder.at(part)).catch((e: unknown) => {
          if (code(e) !== "EEXIST") throw e;
        });
        next = await open(folder.at(part), DIRECTORY);
      }
      await folder.close();
      folder = held(next);
    }
    return { folder, name };
  } catch (error) {
    await folder.close().catch(() => undefined);
    throw error;
  }
}

async function openParentByPath(parts: string[], name: string, options: { create?: boolean; makeWay?: boolean }): Promise<{ folder: Folder; name: string } | null> {
  let dir: string = sep;
  for (const part of parts) {
    dir = join(dir, part);
    const info = await lstat(dir).catch(() => null);
    if (info?.isDirectory()) continue;
    if (info && !options.makeWay) throw new Error(`${join(dir, name)}: ${part} is not a folder`);
    if (!info && !options.create && !options.makeWay) return null;
    if (info) await unlink(dir);
    await mkdir(dir);
  }
  return { folder: byPath(dir), name };
}

/** Make the folder `path` and the missing ones on the way, never through a link. */
export async function ensureFolder(path: string): Promise<void> {
  const parent = await openParent(path, { create: true });
  if (!parent) return;
  const { folder, name } = parent;
  try {
    await mkdir(folder.at(name)).catch((error: unknown) => {
      if (code(error) !== "EEXIST") throw error;
    });
    // What is there now must be a folder, not a link to one.
    if (BY_DESCRIPTOR) await (await open(folder.at(name), DIRECTORY)).close();
    else if (!(await lstat(folder.at(name))).isDirectory()) throw new Error(`${path} is not a folder`);
  } finally {
    await folder.close();
  }
}

/** What is at `path` now: a plain file with its bytes, a link with its target, or nothing (a folder counts as none). */
export async function fileState(path: string): Promise<FileState> {
  const parent = await openParent(path).catch(() => null);
  if (!parent) return { kind: "none" };
  const { folder, name } = parent;
  try {
    try {
      const handle = await open(folder.at(name), constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
      try {
        const info = await handle.stat();
        if (!info.isFile()) return { kind: "none" };
        return { kind: "file", content: await handle.readFile(), executable: (info.mode & 0o111) !== 0 };
      } finally {
        await handle.close();
      }
    } catch (error) {
      if (code(error) !== "ELOOP") return { kind: "none" };
      return { kind: "link", target: await readlink(folder.at(name)) };
    }
  } finally {
    await folder.close();
  }
}

/** A file's text; null when it is missing, not a plain file, a symbolic link, or behind one. */
export async function readPlain(path: string): Promise<string | null> {
  const state = await fileState(path);
  return state.kind === "file" ? state.content.toString("utf8") : null;
}

/** Write `text` to `path` as a plain file, in one step (see `replaceAtomically`); a link there is replaced. */
export async function writePlain(path: string, text: string): Promise<void> {
  await replaceAtomically(path, { kind: "file", content: Buffer.from(text, "utf8"), executable: false });
}

/**
 * Put `state` at `path` in one step, as the agent sees it: the new file is written beside the old one and renamed
 * over it, so a reader finds the old content or the new, never a missing or half-written file. Missing folders on the
 * way are made. `makeWay`: a link or file where a folder must be, and a folder where the file goes, are removed first
 * (the worktree is to match a tree that says so); without it they fail the write.
 */
export async function replaceAtomically(path: string, state: FileState, options: { makeWay?: boolean } = {}): Promise<void> {
  if (state.kind === "none") return removePath(path);
  const parent = await openParent(path, { create: true, ...(options.makeWay ? { makeWay: true } : {}) });
  if (!parent) return;
  const { folder, name } = parent;
  try {
    const temporary = TEMPORARY();
    if (state.kind === "link") await symlink(state.target, folder.at(temporary));
    else {
      const flags = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;
      const handle = await open(folder.at(temporary), flags, state.executable ? 0o755 : 0o644);
      try {
        await handle.writeFile(state.content);
      } finally {
        await handle.close();
      }
    }
    try {
      if (options.makeWay) await removeFolderIn(folder, name);
      await rename(folder.at(temporary), folder.at(name));
    } catch (error) {
      await unlink(folder.at(temporary)).catch(() => undefined);
      throw error;
    }
  } finally {
    await folder.close();
  }
}

/**
 * Remove what is at `path` (a file, a link, or a folder with everything in it), never following a link; nothing when
 * a folder on the way is missing or is a link (nothing of the worktree's is behind it).
 */
export async function removePath(path: string): Promise<void> {
  const parent = await openParent(path).catch((error: unknown) => {
    if (code(error) === "ELOOP" || code(error) === "ENOTDIR" || /is not a folder/.test(String(error))) return null;
    throw error;
  });
  if (!parent) return;
  try {
    await removeIn(parent.folder, parent.name);
  } finally {
    await parent.folder.close();
  }
}

async function removeIn(folder: Folder, name: string): Promise<void> {
  try {
    await unlink(folder.at(name));
  } catch (error) {
    if (code(error) === "ENOENT") return;
    if (code(error) !== "EISDIR" && code(error) !== "EPERM") throw error;
    await removeFolderIn(folder, name);
  }
}

/** Remove the folder `name` inside `folder` with all it holds; nothing when `name` is no folder (a link is not one). */
async function removeFolderIn(folder: Folder, name: string): Promise<void> {
  let inner: Folder;
  try {
    inner = BY_DESCRIPTOR ? held(await open(folder.at(name), DIRECTORY)) : await byPathFolder(folder.at(name));
  } catch {
    return;
  }
  try {
    for (const entry of await readdir(inner.at("."))) await removeIn(inner, entry);
  } finally {
    await inner.close();
  }
  await rmdir(folder.at(name)).catch((error: unknown) => {
    if (code(error) !== "ENOENT") throw error;
  });
}

async function byPathFolder(path: string): Promise<Folder> {
  const info = await lstat(path);
  if (!info.isDirectory()) throw new Error(`${path} is not a folder`);
  return byPath(path);
}
