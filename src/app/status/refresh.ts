/**
 * Progress: a refresh of one status comment (after a push to a task branch, or a command) re-reads the dispatch's
 * unfinished tasks (one GraphQL query), posts new questions once, delivers finished tasks (PR or output reply),
 * starts the tasks waiting for them, and edits the status comment, all inside the thread's serialized run.
 */
import { parsePlan } from "../../core/plan.js";
import { parseIpcName } from "../../core/ipc.js";
import { isFinished, isStalePlan, taskViewFromPlan, type TaskView } from "../../core/status-view.js";
import { renderStatus } from "../../core/status-render.js";
import { parseQuestionComment, renderQuestion } from "../../core/question.js";
import { blockedForever } from "../../core/workflow.js";
import { editComment } from "../github/comments.js";
import { readTasks, type TaskSnapshot } from "../github/queries.js";
import type { RunContext, StatusTarget } from "./run-context.js";
import { deliverResult } from "./deliver.js";
import { postOnce } from "./post-once.js";
import { startDependents } from "./start-tasks.js";

/** Questions on the branch, lowest first, with whether each is answered. */
function questionsOf(snapshot: TaskSnapshot): Array<{ seq: number; text: string; answered: boolean }> {
  const answers = new Set<number>();
  const questions: Array<{ seq: number; text: string }> = [];
  for (const file of snapshot.ipc) {
    const name = parseIpcName(file.name);
    if (name?.kind === "answer") answers.add(name.seq);
    if (name?.kind === "question") questions.push({ seq: name.seq, text: file.text ?? "" });
  }
  return questions.sort((a, b) => a.seq - b.seq).map((q) => ({ ...q, answered: answers.has(q.seq) }));
}

/** Re-read one status comment's unfinished tasks and bring the thread up to date. */
export async function refreshStatus(ctx: RunContext, target: StatusTarget): Promise<void> {
  const { gh } = ctx;
  const unfinished = target.view.tasks.filter((task) => !isFinished(task));
  const snapshots = await readTasks(gh, unfinished.map((task) => ({ id: task.id, branch: task.branch, head: task.head })));
  /** The app's question comments on the thread: `<task>/<seq>` → comment id. */
  const posted = new Map<string, number>(
    ctx.comments.flatMap((comment) => {
      if (!ctx.trusts(comment.author)) return [];
      const question = parseQuestionComment(comment.body);
      return question ? [[`${question.task}/${question.seq}`, comment.id] as const] : [];
    }),
  );
  const newlyDone: TaskView[] = [];
  const tasks: TaskView[] = [];
  for (const previous of target.view.tasks) {
    const snapshot = snapshots.get(previous.id);
    if (isFinished(previous) || !snapshot) {
      tasks.push(previous);
      continue;
    }
    const plan = snapshot.plan !== null ? parsePlan(snapshot.plan) : null;
    if (snapshot.plan !== null && !plan) gh.log.warn(`${previous.branch}: plan.md does not parse, keeping the last state`);
    let next: TaskView = plan && !isStalePlan(previous, plan) ? taskViewFromPlan({ previous, plan, repoUrl: target.view.repoUrl }) : previous;
    const asked = new Set(next.asked);
    let open: TaskView["question"];
    if (!isFinished(next)) {
      for (const question of questionsOf(snapshot)) {
        const key = `${next.id}/${question.seq}`;
        if (!asked.has(question.seq) && !question.answered && !posted.has(key)) {
          const body = renderQuestion({ task: next.id, seq: question.seq, model: next.model, question: question.text, repoUrl: target.view.repoUrl });
          const is = (comment: { body: string }) => {
            const found = parseQuestionComment(comment.body);
            return found?.task === next.id && found.seq === question.seq;
          };
          posted.set(key, await postOnce(ctx, { body, is }));
        }
        asked.add(question.seq);
        // The oldest unanswered question is the one the next answer goes to; its comment is linked from the status.
        const comment = posted.get(key) ?? (next.question?.seq === question.seq ? next.question.comment : undefined);
        if (!open && !question.answered && comment !== undefined) open = { seq: question.seq, comment };
      }
    }
    const { question: _previous, ...rest } = next;
    next = { ...rest, asked: [...asked].sort((a, b) => a - b), ...(open ? { question: open } : {}), head: snapshot.head };
    if (next.status === "done" && previous.status !== "done") {
      const pr = await deliverResult(ctx, { statusId: target.commentId, view: target.view, task: next, output: snapshot.output ?? "" });
      if (pr) next = { ...next, pr };
      newlyDone.push(next);
    }
    tasks.push(next);
  }
  target.view = { ...target.view, tasks };
  await startDependents(ctx, target, newlyDone);
  markBlocked(target);
  const body = renderStatus(target.view);
  if (body === target.body) return void gh.log.debug(`status ${target.commentId}: nothing changed, no edit`);
  await editComment(gh, { id: target.commentId, body });
  target.body = body;
}

/** Queued tasks waiting for a task that failed or was cancelled will never start: say so. */
function markBlocked(target: StatusTarget): void {
  const blocked = new Map(blockedForever(target.view.tasks).map((task) => [task.id, task]));
  if (blocked.size === 0) return;
  const finished = new Map(target.view.tasks.map((task) => [task.id, task]));
  target.view = {
    ...target.view,
    tasks: target.view.tasks.map((task) => {
      if (!blocked.has(task.id)) return task;
      const cause = task.after.find((id) => finished.get(id)?.status !== "done" && !blocked.has(id)) ?? task.after[0];
      return { ...task, status: "cancelled", error: `not started: \`${cause}\` did not finish; \`/dispatch retry ${task.id}\` starts it anyway` };
    }),
  };
}
