/**
 * Reading and writing files in the agent's worktree from the worker, which may be root: a file the agent replaced by
 * a symbolic link (plan.md → /etc/shadow, output.md → the worker's own files) is never followed. Reads refuse a link,
 * writes replace the link by a plain file.
 */
import { randomBytes } from "node:crypto";
import { constants } from "node:fs";
import { lstat, mkdir, open, rename, symlink, unlink } from "node:fs/promises";
import { join } from "node:path";

/** A file's text; null when it is missing, not a plain file, or a symbolic link. */
export async function readPlain(path: string): Promise<string | null> {
  try {
    const handle = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
    try {
      if (!(await handle.stat()).isFile()) return null;
      return await handle.readFile("utf8");
    } finally {
      await handle.close();
    }
  } catch {
    return null;
  }
}

/** Write `text` to `path` as a plain file; a symbolic link (or anything but a plain file) there is removed first. */
export async function writePlain(path: string, text: string): Promise<void> {
  const info = await lstat(path).catch(() => null);
  if (info && !info.isFile()) await unlink(path);
  const handle = await open(path, constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | constants.O_NOFOLLOW, 0o644);
  try {
    await handle.writeFile(text);
  } finally {
    await handle.close();
  }
}

/** What a file in the worktree is to become: a plain file (executable or not), a symbolic link, or nothing. */
export type FileState = { kind: "file"; text: string; executable: boolean } | { kind: "link"; target: string } | { kind: "none" };

/**
 * Put `state` at `rel` under `root` in one step, as the agent sees it: the new file is written beside the old one and
 * renamed over it, so a reader finds the old content or the new, never a missing or half-written file. Folders on the
 * way are created; one that is a symbolic link (the agent planted it) is refused, never followed.
 */
export async function replaceAtomically(root: string, rel: string, state: FileState): Promise<void> {
  const parts = rel.split("/");
  const name = parts.pop() ?? "";
  if (!name || parts.some((part) => part === "" || part === "." || part === "..") || name === "." || name === "..") {
    throw new Error(`not a path inside the worktree: ${rel}`);
  }
  let dir = root;
  for (const part of parts) {
    dir = join(dir, part);
    const info = await lstat(dir).catch(() => null);
    if (info?.isSymbolicLink() || (info && !info.isDirectory())) {
      if (state.kind === "none") return; // nothing of ours is in there to remove
      throw new Error(`${rel}: ${dir} is not a folder`);
    }
    if (!info) {
      if (state.kind === "none") return;
      await mkdir(dir);
    }
  }
  const path = join(dir, name);
  if (state.kind === "none") {
    const info = await lstat(path).catch(() => null);
    if (info && !info.isDirectory()) await unlink(path);
    return;
  }
  const temporary = join(dir, `.${name}.dispatch-${randomBytes(6).toString("hex")}`);
  if (state.kind === "link") await symlink(state.target, temporary);
  else {
    const handle = await open(temporary, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, state.executable ? 0o755 : 0o644);
    try {
      await handle.writeFile(state.text);
    } finally {
      await handle.close();
    }
  }
  try {
    await rename(temporary, path);
  } catch (error) {
    await unlink(temporary).catch(() => undefined);
    throw error;
  }
}
