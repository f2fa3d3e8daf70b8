/**
 * Staging the worktree as the worker reads it, never with `git add`. git add opens each file by path after its
 * lstat (an agent that swaps a file, or a folder above it, for a link in between has git store the link's target, a
 * file of the worker's, as the blob), and it enters a repository the agent made inside the worktree, running that
 * repository's own commands (its config's filters) as the worker. Here every changed path `git status` lists (which,
 * with submodules ignored, enters no repository) is read through `fileState` (O_NOFOLLOW through folder descriptors)
 * and put in the index from those bytes: a file as a blob, a link as its target, anything else (a folder, a nested
 * repository, nothing) as absent.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Git } from "./git.js";
import { fileState } from "./safe-file.js";

/** Paths per git command (far below the command-line limit). */
const PER_COMMAND = 200;

interface Entry {
  path: string;
  mode: string;
  content: Buffer;
}

/** Put every changed path into the index as the worker reads it; the paths skipped as folders or repositories. */
export async function stageWorktree(opts: { git: Git; changed: readonly string[] }): Promise<string[]> {
  const { git } = opts;
  const entries: Entry[] = [];
  const absent: string[] = [];
  const skipped: string[] = [];
  for (const path of opts.changed) {
    // `sub/`: an untracked folder git status does not enter (a repository of the agent's).
    if (path.endsWith("/")) {
      skipped.push(path);
      continue;
    }
    const state = await fileState(join(git.dir, path));
    if (state.kind === "file") entries.push({ path, mode: state.executable ? "100755" : "100644", content: state.content });
    else if (state.kind === "link") entries.push({ path, mode: "120000", content: Buffer.from(state.target) });
    else absent.push(path);
  }
  if (entries.length > 0) {
    const scratch = await mkdtemp(join(tmpdir(), "dispatch-stage-"));
    try {
      for (let at = 0; at < entries.length; at += PER_COMMAND) {
        const chunk = entries.slice(at, at + PER_COMMAND);
        const files = await Promise.all(
          chunk.map(async (entry, i) => {
            const file = join(scratch, String(at + i));
            await writeFile(file, entry.content, { mode: 0o600 });
            return file;
          }),
        );
        const ids = (await git.raw(["hash-object", "-w", "--no-filters", "--", ...files])).trim().split("\n");
        if (ids.length !== chunk.length) throw new Error(`git hash-object gave ${ids.length} ids for ${chunk.length} files`);
        await git.raw(["update-index", "--add", "--replace", ...chunk.flatMap((entry, i) => ["--cacheinfo", `${entry.mode},${ids[i]},${entry.path}`])]);
      }
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }
  }
  for (let at = 0; at < absent.length; at += PER_COMMAND) {
    await git.raw(["update-index", "--force-remove", "--", ...absent.slice(at, at + PER_COMMAND)]);
  }
  // The index's file times for what was just staged, so the next looks compare times instead of reading every file
  // again (a refresh only records times for a file whose content matches the index: it never changes what is staged).
  if (entries.length > 0) await git.raw(["update-index", "-q", "--refresh"]).catch(() => "");
  return skipped;
}
