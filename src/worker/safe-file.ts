/**
 * Reading and writing files in the agent's worktree from the worker, which may be root: a file the agent replaced by
 * a symbolic link (plan.md → /etc/shadow, output.md → the worker's own files) is never followed. Reads refuse a link,
 * writes replace the link by a plain file.
 */
import { constants } from "node:fs";
import { lstat, open, unlink } from "node:fs/promises";

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
