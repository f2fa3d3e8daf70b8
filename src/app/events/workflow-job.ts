/**
 * `workflow_job.completed`, whatever its conclusion: the status is refreshed from the task's branch, so a task whose
 * push webhooks never arrived still shows how it ended. A job that ended (failed, timed out, was cancelled, or even
 * succeeded) before its worker recorded the end marks its task failed or cancelled, with a link to the job's log
 * (`status/job-ending.ts`, shared with the Actions mode's monitor).
 */
import type { Context } from "probot";
import { parseJobName } from "../../core/job.js";
import type { GitHub } from "../github/client.js";
import { loadConfig } from "../github/config.js";
import { endTaskOfJob } from "../status/job-ending.js";
import type { ThreadWork } from "../status/run-context.js";

export async function onWorkflowJob(
  context: Context<"workflow_job.completed">,
  request: (work: ThreadWork) => Promise<void>,
): Promise<void> {
  const job = context.payload.workflow_job;
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
      await endTaskOfJob(gh, { target, job: { id: job.id, runId: job.run_id, conclusion: job.conclusion, url: job.html_url ?? null, task: named.task } });
    },
    report: () => {},
  });
}
