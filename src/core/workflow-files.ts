/**
 * Workflow files: GitHub refuses a push with the job's GITHUB_TOKEN that creates, changes or deletes a file under
 * `.github/workflows/` ("refusing to allow a GitHub App to create or update workflow … without `workflows`
 * permission"). The worker leaves such changes out of its commits and says so.
 */

export const WORKFLOWS_DIR = ".github/workflows/";

/** Whether a repository path is a workflow file (or under the workflows folder). */
export function isWorkflowPath(path: string): boolean {
  return path.startsWith(WORKFLOWS_DIR);
}

/** Whether a push's error output is GitHub refusing a workflow change to a token without `workflows` permission. */
export function isWorkflowRefusal(message: string): boolean {
  return /refusing to allow an? [\w ]+ to (create or update|create|update|delete) workflow/i.test(message);
}

/** The note for the plan and output.md naming the workflow files whose changes were left out. */
export function workflowsLeftOutNote(paths: readonly string[]): string {
  const list = [...new Set(paths)].sort().map((p) => `\`${p}\``).join(", ");
  return `Changes to workflow files were left out of the push: GitHub does not let the job's token change .github/workflows/ (${list}). Make them yourself.`;
}
