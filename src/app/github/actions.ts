/**
 * GitHub Actions: the one `workflow_dispatch` that starts tasks (the dispatch workflow with the tasks' inputs), and
 * cancelling a run.
 */
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
