/**
 * `/dispatch note <task> <text>`: append a `> **Note:** …` line to the task's plan on its branch; the worker shows
 * it to the agent.
 */
import { appendNote } from "../../core/plan.js";
import { planPath } from "../../core/ipc.js";
import { isFinished } from "../../core/status-view.js";
import type { CommandContext } from "./context.js";
import { unknownTask } from "./context.js";
import { readFile, writeFile } from "../github/contents.js";
import { reason } from "../github/client.js";
import { findTask } from "../status/thread.js";

export async function noteCommand(cc: CommandContext, task: string, text: string): Promise<void> {
  const { gh } = cc;
  let found = false;
  let refusal: string | null = null;
  await cc.edit({
    task,
    refresh: false,
    apply: async (target) => {
      const view = findTask(target, task)!;
      if (isFinished(view)) return `\`${task}\` is already ${view.status}: a note would reach no one.`;
      const path = planPath(task);
      // The worker may push between the read and the write (409/422 on a stale sha): read again once.
      for (let attempt = 1; ; attempt++) {
        const plan = await readFile(gh, { branch: view.branch, path });
        if (!plan) return `\`${task}\` has not started yet: its plan does not exist, so there is nowhere to put the note.`;
        try {
          await writeFile(gh, { branch: view.branch, path, text: appendNote(plan.text, text), message: `dispatch(${task}): note`, sha: plan.sha });
          return null;
        } catch (error) {
          const status = (error as { status?: number }).status;
          if (attempt < 2 && (status === 409 || status === 422)) continue;
          return `The note could not be written to \`${view.branch}\`: ${reason(error)}`;
        }
      }
    },
    report: ({ target, refused }) => {
      found = target !== null;
      refusal = refused;
    },
  });
  if (!found) return cc.reply(unknownTask(task));
  if (refusal) return cc.reply(refusal);
  await cc.react("+1");
}
