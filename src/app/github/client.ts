/**
 * What every handler holds: an authenticated client, a logger, and the repository (and thread) it acts on.
 */
import type { Logger, ProbotOctokit } from "probot";

export type Octokit = ProbotOctokit;

export interface Repo {
  owner: string;
  repo: string;
}

/** An issue or pull request of a repository. */
export interface Thread extends Repo {
  issue: number;
}

/** A client for one installation, the repository it acts on, and where to log. */
export interface GitHub {
  octokit: Octokit;
  log: Logger;
  repo: Repo;
  /** The repository's web address from the event (`repository.html_url`), so links work on GitHub Enterprise too. */
  web?: string;
}

export function repoUrl(repo: Repo, web?: string): string {
  return web ?? `https://github.com/${repo.owner}/${repo.repo}`;
}

/** The run id at the end of an Actions run URL (`…/actions/runs/123` or `…/runs/123/job/9`); null when none. */
export function runIdFromUrl(url: string | undefined): number | null {
  const match = url ? /\/actions\/runs\/(\d+)/.exec(url) : null;
  return match ? Number(match[1]) : null;
}

/** A short, single-line reason from any thrown value (never a token: Octokit errors carry none). */
export function reason(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split("\n")[0]!.slice(0, 300);
}

/**
 * Per-request options for a create (a comment, a PR, a workflow dispatch, a reaction): Probot's retry plugin retries
 * 5xx answers, POSTs included, and GitHub may have applied a create it answered 502 to. A create is never retried
 * blindly: the caller re-reads and looks for what it made first (see status/post-once.ts).
 */
export const NO_RETRY = { request: { retries: 0 } } as const;

/** A 5xx answer or no answer at all: the write may or may not have been applied. */
export function isUncertain(error: unknown): boolean {
  const status = (error as { status?: number }).status;
  return status === undefined || status >= 500;
}

const SECONDARY = /secondary rate limit/i;
const patientClients = new WeakSet<object>();

/** The wait when GitHub gives no `retry-after`, and how many retries. */
export const SECONDARY_RETRY = { fallbackSeconds: 60, retries: 3 };

/**
 * Probot's client retries 5xx answers but only logs a secondary rate limit (a 403 or 429 saying so). Make it wait
 * `retry-after` in full (or a minute when absent, as GitHub asks: retrying early can get an integration banned) and
 * try again, a few times. Installed once per client.
 */
export function patient<T extends Octokit>(octokit: T, sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms))): T {
  if (patientClients.has(octokit)) return octokit;
  patientClients.add(octokit);
  octokit.hook.wrap("request", async (request, options) => {
    for (let attempt = 0; ; attempt++) {
      try {
        return await request(options);
      } catch (error) {
        const failure = error as { status?: number; message?: string; response?: { headers?: Record<string, string | number | undefined> } };
        const limited = (failure.status === 403 || failure.status === 429) && SECONDARY.test(failure.message ?? "");
        if (!limited || attempt >= SECONDARY_RETRY.retries) throw error;
        const header = Number(failure.response?.headers?.["retry-after"] ?? Number.NaN);
        const seconds = Number.isFinite(header) && header >= 0 ? header : SECONDARY_RETRY.fallbackSeconds;
        octokit.log.warn(`secondary rate limit on ${options.method} ${options.url}: retrying in ${seconds} s`);
        await sleep(seconds * 1000);
      }
    }
  });
  return octokit;
}
