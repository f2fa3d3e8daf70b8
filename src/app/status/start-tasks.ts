/**
 * Starting tasks of a dispatch after its first workflow_dispatch: dependents whose tasks finished, retries, answered
 * waiting tasks. Used by the refresh and by commands; it depends on neither. A command is claimed by its 👀; a
 * dependent, started by whichever refresh saw its dependency finish, is claimed by creating its branch (refs.ts).
 */
import { prefixOfBranch } from "../../core/branch.js";
import type { DispatchConfig } from "../../core/config.js";
import { specOfView, type StatusView, type TaskView } from "../../core/status-view.js";
import { unblockedBy, workflowInputs } from "../../core/workflow.js";
import { reason } from "../github/client.js";
import { createDispatch } from "../github/actions.js";
import { branchCommit, claimBranch, releaseBranch } from "../github/refs.js";
import type { RunContext, StatusTarget } from "./run-context.js";

/** The branch a task starts from: the branch of the last task it waits for, else the dispatch's base. */
export function baseOf(view: StatusView, task: TaskView): string {
  const dependency = task.after[task.after.length - 1];
  return view.tasks.find((t) => t.id === dependency)?.branch ?? view.base;
}

/**
 * Start some tasks of a dispatch with one workflow_dispatch. Their specs are those recorded in the status comment at
 * the dispatch (`specOfView`), never the /dispatch comment's current text, which its author may have edited since.
 * Returns an error or null.
 */
export async function startTasks(
  ctx: RunContext,
  { target, ids, base }: { target: StatusTarget; ids: readonly string[]; base: string },
): Promise<string | null> {
  const loaded = await ctx.loadConfig();
  if (!loaded.ok) return `\`.github/dispatch.yml\` is invalid: ${loaded.error}`;
  const config: DispatchConfig = loaded.config;
  const command = target.view.command;
  const tasks = ids.flatMap((id) => {
    const view = target.view.tasks.find((t) => t.id === id);
    return view ? [specOfView(view)] : [];
  });
  // The branches the status already links keep their prefix, even when `branch_prefix` changed since.
  const first = target.view.tasks.find((t) => ids.includes(t.id));
  const branchPrefix = (first && prefixOfBranch(first.branch, target.view.issue, first.id)) ?? config.branch_prefix;
  const inputs = workflowInputs({
    issue: ctx.thread.issue,
    base,
    comment: command,
    tasks,
    branchPrefix,
    questionTimeoutMinutes: config.question_timeout_minutes,
    maxParallel: config.max_parallel,
  });
  if (!inputs.ok) return inputs.error;
  try {
    await createDispatch(ctx.gh, { workflow: config.workflow, ref: ctx.defaultBranch, inputs: inputs.inputs });
    return null;
  } catch (error) {
    return `the workflow \`${config.workflow}\` could not be started: ${reason(error)}`;
  }
}

/**
 * Start the queued tasks that waited for the tasks just done, each once (several of its dependencies may finish in one
 * refresh, and several refreshes may see them finish), on the branch of the last task it names in `after` (the base
 * its pull request will target). Each dependent's branch is created first, at its base's head: the refresh that
 * creates it starts the task; one that finds it there leaves the task to that one. A start that fails gives its
 * branches back and marks the tasks failed.
 */
export async function startDependents(ctx: RunContext, target: StatusTarget, newlyDone: readonly TaskView[]): Promise<void> {
  const ready = new Map<string, TaskView>();
  for (const done of newlyDone) for (const task of unblockedBy(target.view.tasks, done.id)) ready.set(task.id, task);
  const byBase = new Map<string, TaskView[]>();
  for (const task of ready.values()) {
    const base = baseOf(target.view, task);
    byBase.set(base, [...(byBase.get(base) ?? []), task]);
  }
  for (const [base, tasks] of byBase) {
    const claimed = await claimBranches(ctx, { base, tasks });
    if (!claimed.ok) {
      markFailed(target, tasks.map((task) => task.id), claimed.error);
      continue;
    }
    if (claimed.tasks.length === 0) continue;
    const ids = claimed.tasks.map((task) => task.id);
    const error = await startTasks(ctx, { target, ids, base });
    if (!error) {
      ctx.gh.log.info(`started ${ids.join(", ")} from ${base}`);
      continue;
    }
    await releaseBranches(ctx, claimed.tasks);
    markFailed(target, ids, error);
  }
}

/** Create each task's branch at `base`'s head: the tasks whose branch this call made. */
async function claimBranches(ctx: RunContext, { base, tasks }: { base: string; tasks: readonly TaskView[] }): Promise<{ ok: true; tasks: TaskView[] } | { ok: false; error: string }> {
  const claimed: TaskView[] = [];
  try {
    const sha = await branchCommit(ctx.gh, base);
    if (!sha) return { ok: false, error: `not started: its base branch \`${base}\` is gone` };
    for (const task of tasks) {
      if ((await claimBranch(ctx.gh, { branch: task.branch, sha })) === "claimed") claimed.push(task);
      else ctx.gh.log.info(`${task.id}: ${task.branch} exists already, so another run started it; not starting it again`);
    }
    return { ok: true, tasks: claimed };
  } catch (error) {
    await releaseBranches(ctx, claimed);
    return { ok: false, error: `not started: its branch could not be created: ${reason(error)}` };
  }
}

async function releaseBranches(ctx: RunContext, tasks: readonly TaskView[]): Promise<void> {
  for (const task of tasks) {
    await releaseBranch(ctx.gh, task.branch).catch((e: unknown) => ctx.gh.log.warn(`could not delete ${task.branch} after a failed start: ${reason(e)}`));
  }
}

function markFailed(target: StatusTarget, ids: readonly string[], error: string): void {
  const failed = new Set(ids);
  target.view = {
    ...target.view,
    tasks: target.view.tasks.map((task) => (failed.has(task.id) ? { ...task, status: "failed", error } : task)),
  };
}
