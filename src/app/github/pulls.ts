/**
 * Pull requests and branch comparisons: what a task's branch changed against its base, the PR open for a branch,
 * opening one, and where a pull request comes from.
 */
import { NO_RETRY, type GitHub } from "./client.js";

export interface PullRequestLink {
  number: number;
  url: string;
}

/** How many files `head` changes against `base` (`compare/<base>...<head>`). */
export async function changedFiles(gh: GitHub, { base, head }: { base: string; head: string }): Promise<number> {
  const { data } = await gh.octokit.rest.repos.compareCommitsWithBasehead({ ...gh.repo, basehead: `${base}...${head}` });
  return (data.files ?? []).length;
}

/** The open pull request from `branch` of this repository, if there is one. */
export async function openPullRequestOf(gh: GitHub, branch: string): Promise<PullRequestLink | null> {
  const { data } = await gh.octokit.rest.pulls.list({ ...gh.repo, head: `${gh.repo.owner}:${branch}`, state: "open" });
  const found = data[0];
  return found ? { number: found.number, url: found.html_url } : null;
}

export interface NewPullRequest {
  head: string;
  base: string;
  title: string;
  body: string;
}

/**
 * Open the PR, or find the one open already: GitHub refuses a second PR for one head and base with 422 "A pull
 * request already exists", and a 5xx may hide a PR that was made, so both are answered by looking for it.
 */
export async function createPullRequest(gh: GitHub, pull: NewPullRequest): Promise<PullRequestLink> {
  try {
    const { data } = await gh.octokit.rest.pulls.create({ ...gh.repo, ...pull, ...NO_RETRY });
    return { number: data.number, url: data.html_url };
  } catch (error) {
    const failure = error as { status?: number; message?: string };
    const exists = failure.status === 422 && /already exists/i.test(failure.message ?? "");
    if (!exists && failure.status !== undefined && failure.status < 500) throw error;
    const found = await openPullRequestOf(gh, pull.head);
    if (!found) throw error;
    gh.log.info(`${pull.head}: its pull request #${found.number} exists already (${failure.status ?? "no answer"} on create)`);
    return found;
  }
}

/** Where pull request `number` comes from: its head branch, and the full names of its head (null: deleted) and base repositories. */
export async function pullRequestSource(gh: GitHub, number: number): Promise<{ headRef: string; headRepo: string | null; baseRepo: string }> {
  const { data } = await gh.octokit.rest.pulls.get({ ...gh.repo, pull_number: number });
  return { headRef: data.head.ref, headRepo: data.head.repo?.full_name ?? null, baseRepo: data.base.repo.full_name };
}
