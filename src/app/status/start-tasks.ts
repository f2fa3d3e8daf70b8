/**
 * Starting tasks of a dispatch after its first workflow_dispatch: dependents whose tasks finished, retries, answered
 * waiting tasks. Used by the refresh and by commands; it depends on neither.
 */
import { prefixOfBranch } from "../../core/branch.js";
import type { DispatchConfig } from "../../core/config.js";
import { specOfView, type StatusView, type TaskView } from "../../core/status-view.js";
import { workflowInputs } from "../../core/workflow.js";
import { reason } from "../github/client.js";
import { createDispatch } from "../github/actions.js";
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
