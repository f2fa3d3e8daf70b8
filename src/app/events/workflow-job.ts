/**
 * `workflow_job.completed`, whatever its conclusion: the status is refreshed from the task's branch, so a task whose
 * push webhooks never arrived still shows how it ended. A job that ended (failed, timed out, was cancelled, or even
 * succeeded) before its worker recorded the end marks its task failed or cancelled, with a link to the job's log.
 */
import type { Context } from "probot";
import { parseJobName } from "../../core/job.js";
import { FINISHED_STATUSES, parsePlan } from "../../core/plan.js";
import { isFinished, isStalePlan } from "../../core/status-view.js";
import { runIdFromUrl, type GitHub } from "../github/client.js";
import { loadConfig } from "../github/config.js";
import { readTasks } from "../github/queries.js";
import type { ThreadWork } from "../status/run-context.js";
import { findTask, updateTask } from "../status/thread.js";

const ENDINGS: Record<string, { status: "failed" | "cancelled"; words: string }> = {
  success: { status: "failed", words: "succeeded" },
  skipped: { status: "failed", words: "was skipped" },
  failure: { status: "failed", words: "failed" },
  timed_out: { status: "failed", words: "timed out" },
  cancelled: { status: "cancelled", words: "was cancelled" },
};

export async function onWorkflowJob(
  context: Context<"workflow_job.completed">,
  request: (work: ThreadWork) => Promise<void>,
): Promise<void> {
  const job = context.payload.workflow_job;
  const ending = (job.conclusion ? ENDINGS[job.conclusion] : undefined) ?? { status: "failed", words: `ended (${job.conclusion})` };
  const named = parseJobName(job.name);
  if (!named) return void context.log.debug(`job "${job.name}" is not a dispatch task's job`);
  const repository = context.payload.repository;
  const repo = { owner: repository.owner.login, repo: repository.name };
  const gh: GitHub = { octokit: context.octokit, log: context.log, repo };
  await request({
    kind: "edit",
    task: named.task,
    gh,
    thread: { ...repo, issue: named.issue },
    defaultBranch: repository.default_branch,
    loadConfig: () => loadConfig(context),
    apply: async (target) => {
      const task = findTask(target, named.task)!;
      if (isFinished(task)) return void gh.log.info(`${task.id} is already ${task.status}`);
      if (task.status === "queued" && runIdFromUrl(task.run) === job.run_id) {
        return void gh.log.info(`${task.id}: job ${job.id} is of run ${job.run_id}, the run before its retry; ignored`);
      }
      const snapshot = (await readTasks(gh, [{ id: task.id, branch: task.branch }])).get(task.id);
      const plan = snapshot?.plan ? parsePlan(snapshot.plan) : null;
      const current = plan && !isStalePlan(task, plan);
      if (plan && current && FINISHED_STATUSES.has(plan.status)) {
        return void gh.log.info(`${task.id}: the worker recorded ${plan.status}, the refresh shows it`);
      }
      updateTask(target, task.id, (view) => ({
        ...view,
        status: ending.status,
        run: view.run ?? job.html_url ?? undefined,
        error: `the job ${ending.words} before the task finished: ${job.html_url}`,
      }));
    },
    report: () => {},
  });
}
