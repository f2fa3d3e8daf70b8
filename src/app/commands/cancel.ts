/**
 * `/dispatch cancel <task|all>`: write `ipc/.cancel` onto each task's branch (the worker stops when it fetches it);
 * when every unfinished task of the dispatch is cancelled, also cancel their workflow runs; mark them cancelled. A task
 * whose cancel file could not be written (and whose run was not cancelled) is not marked: the reply says so.
 */
import { CANCEL_FILE, ipcDir } from "../../core/ipc.js";
import { isFinished } from "../../core/status-view.js";
import type { CommandContext } from "./context.js";
import { unknownTask } from "./context.js";
import { writeFile } from "../github/contents.js";
import { cancelRun } from "../github/actions.js";
import { reason, runIdFromUrl } from "../github/client.js";
import { updateTask } from "../status/thread.js";

export async function cancelCommand(cc: CommandContext, task: string): Promise<void> {
  const { gh } = cc;
  const all = task === "all";
  let found = false;
  let refusal: string | null = null;
  let partial: string | null = null;
  await cc.edit({
    task: all ? null : task,
    apply: async (target) => {
      const unfinished = target.view.tasks.filter((t) => !isFinished(t));
      const chosen = all ? unfinished : unfinished.filter((t) => t.id === task);
      if (chosen.length === 0) {
        return all
          ? "Every task of the last dispatch has already finished."
          : `\`${task}\` is already ${target.view.tasks.find((t) => t.id === task)?.status}.`;
      }
      /** Tasks whose worker the cancel could not reach, with why. */
      const unreached = new Map<string, string>();
      for (const t of chosen) {
        try {
          await writeFile(gh, {
            branch: t.branch,
            path: `${ipcDir(t.id)}/${CANCEL_FILE}`,
            text: `cancelled by @${cc.comment.author}\n`,
            message: `dispatch(${t.id}): cancel`,
          });
        } catch (error) {
          if ((error as { status?: number }).status === 404) {
            gh.log.info(`${t.id}: no cancel file written (${reason(error)}); the task has not started`);
          } else {
            gh.log.warn(`${t.id}: no cancel file written (${reason(error)})`);
            unreached.set(t.id, reason(error));
          }
        }
      }
      if (chosen.length === unfinished.length) {
        const runs = new Set(chosen.flatMap((t) => (runIdFromUrl(t.run) ? [runIdFromUrl(t.run)!] : [])));
        for (const run of runs) {
          try {
            await cancelRun(gh, run);
            for (const t of chosen) if (runIdFromUrl(t.run) === run) unreached.delete(t.id);
          } catch (error) {
            gh.log.info(`run ${run}: not cancelled (${reason(error)}), it may be over already`);
          }
        }
      }
      for (const t of chosen) {
        if (unreached.has(t.id)) continue;
        updateTask(target, t.id, (view) => ({ ...view, status: "cancelled", error: `cancelled by @${cc.comment.author}` }));
      }
      if (unreached.size === 0) return null;
      const lines = [...unreached].map(([id, why]) => `- \`${id}\`: ${why}`);
      // Not a refusal: the tasks it reached are marked cancelled and the status is written.
      partial = `The cancel could not reach ${unreached.size === 1 ? "this task's worker" : "these tasks' workers"}, still running: post the cancel again.\n\n${lines.join("\n")}`;
      return null;
    },
    report: ({ target, refused }) => {
      found = target !== null;
      refusal = refused;
    },
  });
  if (!found) return cc.reply(unknownTask(all ? null : task));
  if (refusal) return cc.reply(refusal);
  if (partial) return cc.reply(partial);
}
