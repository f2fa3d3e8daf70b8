/**
 * A task's job ended: whatever its conclusion, when its worker did not record the task's end on the branch, the task
 * is marked failed (or cancelled) with a link to the job's log. One logic for the hosted app (the `workflow_job`
 * webhook, events/workflow-job.ts) and the Actions mode, where no webhook comes and the monitor reads the jobs of
 * the unfinished tasks' runs (src/actions-app/monitor.ts).
 */
import { FINISHED_STATUSES, parsePlan } from "../../core/plan.js";
import { isFinished, isStalePlan } from "../../core/status-view.js";
import { runIdFromUrl, type GitHub } from "../github/client.js";
import { readTasks } from "../github/queries.js";
import type { StatusTarget } from "./run-context.js";
import { findTask, updateTask } from "./thread.js";

/** A completed job of a task, as a webhook or the jobs of a run tell it. */
export interface EndedJob {
  id: number;
  runId: number;
  /** `success`, `failure`, `cancelled`, `timed_out`, `skipped`, … (null: GitHub gave none). */
  conclusion: string | null;
  /** The job's page (its log). */
  url: string | null;
  /** The task the job worked (`parseJobName`). */
  task: string;
}

const ENDINGS: Record<string, { status: "failed" | "cancelled"; words: string }> = {
  success: { status: "failed", words: "succeeded" },
  skipped: { status: "failed", words: "was skipped" },
  failure: { status: "failed", words: "failed" },
  timed_out: { status: "failed", words: "timed out" },
  cancelled: { status: "cancelled", words: "was cancelled" },
};

/**
 * Mark the job's task failed or cancelled in `target` unless it finished already, the job is of the run before the
 * task's retry, or the branch's plan (current, not a previous run's) records the end or is another run's (the job
 * is of an attempt before the one working the task now). True when it was marked.
 */
export async function endTaskOfJob(gh: GitHub, { target, job }: { target: StatusTarget; job: EndedJob }): Promise<boolean> {
  const task = findTask(target, job.task);
  if (!task) return (gh.log.info(`job ${job.id}: no task ${job.task} in the status of comment ${target.view.command}`), false);
  if (isFinished(task)) return (gh.log.info(`${task.id} is already ${task.status}`), false);
  if (task.status === "queued" && runIdFromUrl(task.run) === job.runId) {
    return (gh.log.info(`${task.id}: job ${job.id} is of run ${job.runId}, the run before its retry; ignored`), false);
  }
  const snapshot = (await readTasks(gh, [{ id: task.id, branch: task.branch }])).get(task.id);
  const plan = snapshot?.plan ? parsePlan(snapshot.plan) : null;
  const current = plan && !isStalePlan(task, plan) ? plan : null;
  if (current && FINISHED_STATUSES.has(current.status)) {
    return (gh.log.info(`${task.id}: the worker recorded ${current.status}, the refresh shows it`), false);
  }
  const working = runIdFromUrl(current?.run);
  if (working !== null && working !== job.runId) {
    return (gh.log.info(`${task.id}: its branch's plan is run ${working}'s, not job ${job.id}'s (run ${job.runId}); ignored`), false);
  }
  const ending = (job.conclusion ? ENDINGS[job.conclusion] : undefined) ?? { status: "failed" as const, words: `ended (${job.conclusion})` };
  gh.log.info(`${task.id}: job ${job.id} ${ending.words} before the task finished: marked ${ending.status}`);
  updateTask(target, task.id, (view) => ({
    ...view,
    status: ending.status,
    run: view.run ?? job.url ?? undefined,
    error: `the job ${ending.words} before the task finished: ${job.url}`,
  }));
  return true;
}
