/**
 * A task branch made by the app: the claim on starting a task that waited for others. Creating a ref is atomic on
 * GitHub (422 "Reference already exists" for the second), so of two refreshes that both see a dependency finish (the
 * Actions mode's monitor and a command's job, or app instances without Redis) exactly one starts the dependent. The
 * worker then finds its branch already there, at its base, and continues it like any existing branch.
 */
import { isUncertain, NO_RETRY, type GitHub } from "./client.js";

/** The commit a branch points at; null when there is no such branch. */
export async function branchCommit(gh: GitHub, branch: string): Promise<string | null> {
  try {
    const { data } = await gh.octokit.rest.git.getRef({ ...gh.repo, ref: `heads/${branch}` });
    return data.object.sha;
  } catch (error) {
    if ((error as { status?: number }).status === 404) return null;
    throw error;
  }
}

/**
 * Create `branch` at `sha`: `claimed` when this call made it, `taken` when it existed already. A create GitHub
 * answered 5xx to is not retried blindly: the branch is read, and a branch there at `sha` counts as this call's
 * (another claimer in the same moment as a 5xx is far rarer than a 5xx alone, and a dependent left unstarted is worse).
 */
export async function claimBranch(gh: GitHub, { branch, sha }: { branch: string; sha: string }): Promise<"claimed" | "taken"> {
  try {
    await gh.octokit.rest.git.createRef({ ...gh.repo, ref: `refs/heads/${branch}`, sha, ...NO_RETRY });
    return "claimed";
  } catch (error) {
    const status = (error as { status?: number }).status;
    if (status === 422) return "taken";
    if (!isUncertain(error)) throw error;
    const now = await branchCommit(gh, branch);
    if (now === null) throw error;
    gh.log.warn(`creating ${branch} was answered ${status ?? "with no answer"}, and the branch is there: taking it as made`);
    return now === sha ? "claimed" : "taken";
  }
}

/** Delete a branch the app made and could not start work on (the claim given back); a missing one is fine. */
export async function releaseBranch(gh: GitHub, branch: string): Promise<void> {
  try {
    await gh.octokit.rest.git.deleteRef({ ...gh.repo, ref: `heads/${branch}` });
  } catch (error) {
    const status = (error as { status?: number }).status;
    if (status !== 404 && status !== 422) throw error;
  }
}
