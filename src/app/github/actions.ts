/**
 * GitHub Actions: the one `workflow_dispatch` that starts tasks (the dispatch workflow with the tasks' inputs),
 * cancelling a run, and the completed task jobs of a run (the Actions mode's monitor, which gets no webhook).
 */
import { parseJobName } from "../../core/job.js";
import type { WorkflowInputs } from "../../core/workflow.js";
import { NO_RETRY, type GitHub } from "./client.js";

export async function createDispatch(gh: GitHub, options: { workflow: string; ref: string; inputs: WorkflowInputs }): Promise<void> {
  await gh.octokit.rest.actions.createWorkflowDispatch({
    ...gh.repo,
    workflow_id: options.workflow,
    ref: options.ref,
    inputs: { ...options.inputs },
    // Never retried: a run started by a dispatch GitHub answered 502 to would run the tasks twice.
    ...NO_RETRY,
  });
}

export async function cancelRun(gh: GitHub, run: number): Promise<void> {
  await gh.octokit.rest.actions.cancelWorkflowRun({ ...gh.repo, run_id: run });
}

/** A completed job of a run that worked a dispatch task (its name `#<issue> <task>`, see core/job.ts). */
export interface CompletedTaskJob {
  id: number;
  runId: number;
  issue: number;
  task: string;
  conclusion: string | null;
  url: string | null;
}

/** The completed task jobs of a run's latest attempt (`GET …/actions/runs/{run_id}/jobs`, every page). */
export async function completedTaskJobs(gh: GitHub, run: number): Promise<CompletedTaskJob[]> {
  const jobs = await gh.octokit.paginate(gh.octokit.rest.actions.listJobsForWorkflowRun, { ...gh.repo, run_id: run, filter: "latest", per_page: 100 });
  return jobs.flatMap((job) => {
    const named = job.status === "completed" ? parseJobName(job.name) : null;
    return named ? [{ id: job.id, runId: job.run_id, ...named, conclusion: job.conclusion, url: job.html_url }] : [];
  });
}
