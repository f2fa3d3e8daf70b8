/**
 * An answer (`/dispatch answer <task> <text>` or a quote reply of a question comment): write `ipc/NNN.answer` onto
 * the task's branch for its oldest unanswered question (or the quoted one), react 👍, and start the task again when
 * its worker had stopped waiting (`waiting`).
 */
import { ipcPath, parseIpcName, pendingQuestionSeq, seqLabel } from "../../core/ipc.js";
import { sanitizeText } from "../../core/sanitize.js";
import { isFinished } from "../../core/status-view.js";
import type { CommandContext } from "./context.js";
import { unknownTask } from "./context.js";
import { writeFile } from "../github/contents.js";
import { reason } from "../github/client.js";
import { readTasks } from "../github/queries.js";
import { baseOf, startTasks } from "../status/start-tasks.js";
import { findTask, updateTask } from "../status/thread.js";

export interface Answer {
  task: string;
  text: string;
  /** The question quoted (quote reply); absent: the oldest unanswered one. */
  seq?: number;
}

export async function answerCommand(cc: CommandContext, answer: Answer): Promise<void> {
  const { gh } = cc;
  let found = false;
  let refusal: string | null = null;
  let repeated = false;
  await cc.edit({
    task: answer.task,
    refresh: false,
    apply: async (target, ctx) => {
      const task = findTask(target, answer.task)!;
      if (isFinished(task)) return `\`${task.id}\` is already ${task.status}: it takes no more answers.`;
      const snapshot = (await readTasks(gh, [{ id: task.id, branch: task.branch }])).get(task.id);
      const files = snapshot?.ipc ?? [];
      const names = files.map((file) => file.name);
      const text = sanitizeText(answer.text).trim();
      if (text === "") return `The answer to \`${task.id}\` is empty once hidden text is left out: nothing was written.`;
      if (task.answeredBy?.includes(cc.comment.id)) {
        repeated = true;
        return void gh.log.info(`${task.id}: comment ${cc.comment.id} was answered already (a redelivery), not written again`);
      }
      const asked = new Set(names.flatMap((name) => (parseIpcName(name)?.kind === "question" ? [parseIpcName(name)!.seq] : [])));
      const answered = new Set(names.flatMap((name) => (parseIpcName(name)?.kind === "answer" ? [parseIpcName(name)!.seq] : [])));
      let seq: number | null;
      if (answer.seq !== undefined) {
        if (!asked.has(answer.seq)) return `\`${task.id}\` has no question ${seqLabel(answer.seq)}.`;
        if (answered.has(answer.seq)) return `Question ${seqLabel(answer.seq)} of \`${task.id}\` was already answered.`;
        seq = answer.seq;
      } else {
        seq = pendingQuestionSeq(names);
        if (seq === null) {
          return asked.size > 0
            ? `Every question of \`${task.id}\` is already answered.`
            : `\`${task.id}\` has asked no question yet.`;
        }
      }
      try {
        // A 409 (the worker pushed meanwhile) is written again against the new head by writeFile.
        await writeFile(gh, {
          branch: task.branch,
          path: ipcPath(task.id, seq, "answer"),
          text: `${text}\n`,
          message: `dispatch(${task.id}): answer ${seqLabel(seq)}`,
        });
      } catch (error) {
        return `The answer could not be written to \`${task.branch}\`: ${reason(error)}`;
      }
      gh.log.info(`${task.id}: answer ${seqLabel(seq)} written`);
      updateTask(target, task.id, ({ question, ...view }) => ({
        ...view,
        answeredBy: [...(view.answeredBy ?? []), cc.comment.id].slice(-20),
        // The answered question no longer blocks the task: the status stops asking for it.
        ...(question && question.seq !== seq ? { question } : {}),
      }));
      if (task.status !== "waiting") return null;
      const error = await startTasks(ctx, { target, ids: [task.id], base: baseOf(target.view, task) });
      return error ? `The answer was written, but \`${task.id}\` could not be started again: ${error}` : null;
    },
    report: ({ target, refused }) => {
      found = target !== null;
      refusal = refused;
    },
  });
  if (!found) return cc.reply(unknownTask(answer.task));
  if (refusal) return cc.reply(refusal);
  if (!repeated) await cc.react("+1");
}
