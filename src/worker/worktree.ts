/**
 * The task's worktree: the task branch checked out outside the runner's checkout, created from the base or
 * continued from the remote when the branch already exists (a retry or a resume).
 */
import { rm } from "node:fs/promises";
import { type Git, remoteRef } from "./git.js";
import { removePath } from "./safe-file.js";

export interface WorktreeOptions {
  /** Git over the runner's checkout (remote `origin`). */
  git: Git;
  branch: string;
  base: string;
  /** Where the worktree goes; must be outside the checkout. */
  path: string;
  log?: (line: string) => void;
}

export interface Worktree {
  /** Git over the worktree, its git directory pinned (read before the agent could touch the worktree). */
  git: Git;
  path: string;
  /** The branch existed on the remote and is being continued. */
  continued: boolean;
}

export class WorktreeError extends Error {}

export async function prepareWorktree(opts: WorktreeOptions): Promise<Worktree> {
  const log = opts.log ?? (() => undefined);
  await opts.git.raw(["worktree", "prune"]);
  await rm(opts.path, { recursive: true, force: true });
  const existing = await opts.git.fetchBranch(opts.branch);
  if (existing) {
    log(`continuing ${opts.branch} from the remote (${existing.slice(0, 7)})`);
    await opts.git.addWorktree(opts.path, opts.branch, remoteRef(opts.branch));
    return { git: await opts.git.at(opts.path).pinned(), path: opts.path, continued: true };
  }
  const base = await opts.git.fetchBranch(opts.base);
  if (!base) throw new WorktreeError(`the base branch "${opts.base}" does not exist on the remote`);
  log(`creating ${opts.branch} from ${opts.base} (${base.slice(0, 7)})`);
  await opts.git.addWorktree(opts.path, opts.branch, remoteRef(opts.base));
  return { git: await opts.git.at(opts.path).pinned(), path: opts.path, continued: false };
}

/** Remove the worktree (its files never followed through a link: safe-file.ts), then git's record of it. */
export async function removeWorktree(git: Git, path: string): Promise<void> {
  await removePath(path);
  await git.raw(["worktree", "prune"]).catch(() => undefined);
}
