/**
 * Branch naming: one branch per task of a dispatch, `<branch_prefix><issue>/<task-id>-<dispatch>`, where `<dispatch>`
 * is the /dispatch comment's id in base 36: two dispatches on one thread whose tasks get the same id never share a
 * branch, and a retry (same comment) continues its own. Without a comment id (a worker run by hand): no suffix.
 */
import { isTaskId } from "./task.js";

export interface TaskBranch {
  issue: number;
  task: string;
}

export function taskBranch(prefix: string, issue: number, task: string, command?: number): string {
  return `${prefix}${issue}/${task}${command ? `-${dispatchSuffix(command)}` : ""}`;
}

/** The short, unique mark of a dispatch in its branches: its /dispatch comment's id in base 36 (`2512345678` → `15jsaby`). */
export function dispatchSuffix(command: number): string {
  return command.toString(36);
}

/**
 * Read a branch or ref (`refs/heads/dispatch/42/api-tests`) back into its issue and task; null when it is not a task
 * branch. A dispatch's suffix reads as part of the task (`api-tests-15jlwjq`): callers compare whole branch names.
 */
export function parseTaskBranch(prefix: string, ref: string): TaskBranch | null {
  const name = ref.startsWith("refs/heads/") ? ref.slice("refs/heads/".length) : ref;
  if (!name.startsWith(prefix)) return null;
  const match = /^(\d+)\/([^/]+)$/.exec(name.slice(prefix.length));
  if (!match) return null;
  const issue = Number(match[1]);
  const task = match[2]!;
  if (!Number.isSafeInteger(issue) || issue <= 0 || !isTaskId(task)) return null;
  return { issue, task };
}

/** The prefix a task branch was named with (`ai/42/fix` of issue 42, task `fix` → `ai/`); null when it is not one. */
export function prefixOfBranch(branch: string, issue: number, task: string): string | null {
  const tail = `${issue}/${task}`;
  if (!branch.endsWith(tail)) return null;
  const prefix = branch.slice(0, branch.length - tail.length);
  return prefix.length > 0 && prefix.endsWith("/") ? prefix : null;
}
