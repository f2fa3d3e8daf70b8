/**
 * The one write that starts work: a `workflow_dispatch` of the dispatch workflow with the tasks' inputs.
 */
import type { WorkflowInputs } from "../../core/workflow.js";
import type { GitHub } from "./client.js";

export async function createDispatch(gh: GitHub, options: { workflow: string; ref: string; inputs: WorkflowInputs }): Promise<void> {
  await gh.octokit.rest.actions.createWorkflowDispatch({
    ...gh.repo,
    workflow_id: options.workflow,
    ref: options.ref,
    inputs: { ...options.inputs },
  });
}
