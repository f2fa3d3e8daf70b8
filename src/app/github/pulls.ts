/**
 * Pull requests and branch comparisons: what a task's branch changed against its base, the PR open for a branch,
 * opening one, and where a pull request comes from.
 */
import type { GitHub } from "./client.js";

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

export async function createPullRequest(gh: GitHub, pull: NewPullRequest): Promise<PullRequestLink> {
  const { data } = await gh.octokit.rest.pulls.create({ ...gh.repo, ...pull });
  return { number: data.number, url: data.html_url };
}

/** Where pull request `number` comes from: its head branch, and the full names of its head (null: deleted) and base repositories. */
export async function pullRequestSource(gh: GitHub, number: number): Promise<{ headRef: string; headRepo: string | null; baseRepo: string }> {
  const { data } = await gh.octokit.rest.pulls.get({ ...gh.repo, pull_number: number });
  return { headRef: data.head.ref, headRepo: data.head.repo?.full_name ?? null, baseRepo: data.base.repo.full_name };
}
