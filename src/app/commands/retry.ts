/**
 * `/dispatch retry <task>`: start a failed or cancelled task again; its worker continues the existing branch.
 */
import type { CommandContext } from "./context.js";
import { unknownTask } from "./context.js";
import { baseOf, startTasks } from "../status/start-tasks.js";
import { findTask, updateTask } from "../status/thread.js";

export async function retryCommand(cc: CommandContext, task: string): Promise<void> {
  let found = false;
  let refusal: string | null = null;
  await cc.edit({
    task,
    apply: async (target, ctx) => {
      const view = findTask(target, task)!;
      if (view.status !== "failed" && view.status !== "cancelled") {
        return `\`${task}\` is ${view.status}: only a failed or cancelled task can be retried.`;
      }
      const error = await startTasks(ctx, { target, ids: [task], base: baseOf(target.view, view) });
      if (error) return `\`${task}\` could not be started again: ${error}`;
      // The run URL stays: a plan still naming that run is the old run's, not this one's (see status/refresh.ts).
      updateTask(target, task, ({ error: _gone, ...rest }) => ({ ...rest, status: "queued" }));
      return null;
    },
    report: ({ target, refused }) => {
      found = target !== null;
      refusal = refused;
    },
  });
  if (!found) return cc.reply(unknownTask(task));
  if (refusal) return cc.reply(refusal);
}
