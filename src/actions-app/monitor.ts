/**
 * The monitor of one dispatch in Actions mode (a job beside the task matrix in dispatch.yml). Pushes made with a
 * job's GITHUB_TOKEN start no workflow and there is no push webhook without a server, so the monitor polls: one
 * `git ls-remote` of the task branches every few seconds, and when a head moved it runs the app's own refresh
 * (`refreshDispatch`: edit the status comment, post questions and outputs, open PRs, start dependents). It ends when
 * every task of the dispatch has finished.
 *
 * No `workflow_job` webhook either: every `jobsEveryMs` the monitor reads the jobs of the unfinished tasks' runs (the
 * run a task's view links, else the monitor's own run, which the dispatch started) and a task whose job completed
 * without its worker recording the end is marked failed or cancelled with the job's link, by the same logic as the
 * hosted app's webhook (`status/job-ending.ts`).
 */
import { execa } from "execa";
import type { Probot } from "probot";
import type { StatusView } from "../core/status-view.js";
import { dispatchFinished, isFinished } from "../core/status-view.js";
import { completedTaskJobs } from "../app/github/actions.js";
import { reason, runIdFromUrl, type GitHub } from "../app/github/client.js";
import { loadConfig } from "../app/github/config.js";
import { endTaskOfJob } from "../app/status/job-ending.js";
import { refreshDispatch } from "../app/status/progress.js";
import type { StatusTarget } from "../app/status/run-context.js";
import { findTask } from "../app/status/thread.js";
import { authEnv } from "../worker/git.js";
import { jobProbot, repoConfig, type JobAuth } from "./probot.js";
import { trustsApp } from "../core/app-login.js";

export interface MonitorOptions {
  auth: JobAuth;
  repo: { owner: string; repo: string };
  issue: number;
  /** The /dispatch comment id (the dispatch's `comment` input). */
  command: number;
  defaultBranch: string;
  /** Whose status comments are the app's (`github-actions[bot]` or `<app-slug>[bot]`). */
  appLogin: string;
  /** The git remote to poll: the checkout's `origin`, or a URL. */
  remote: string;
  /** Folder git runs in (the checkout). */
  cwd: string;
  /** GITHUB_SERVER_URL, for the token's http extraheader. */
  serverUrl?: string;
  pollMs: number;
  /** Refresh even without a moved head this often (an edit by the app job, a lost poll). */
  refreshEveryMs?: number;
  /** The monitor's own run (GITHUB_RUN_ID): the run of the tasks whose view links none yet. */
  runId?: number;
  /** Read the jobs of the unfinished tasks' runs this often, and at the first refresh (default a minute). */
  jobsEveryMs?: number;
  sleep?: (ms: number) => Promise<void>;
  /** Where the heads come from (default: `git ls-remote` of `remote`); benchmarks replace it. */
  readHeads?: (branches: readonly string[]) => Promise<Map<string, string>>;
  /** The Probot to act through (default: one on `auth`); benchmarks pass one with their own Octokit. */
  probot?: Probot;
}

export interface MonitorResult {
  refreshes: number;
  polls: number;
  view: StatusView | null;
}

/** `git ls-remote <remote> <refs…>`: ref → sha of the branches that exist. */
export async function remoteHeads(options: { remote: string; cwd: string; branches: readonly string[]; token: string; serverUrl?: string }): Promise<Map<string, string>> {
  const heads = new Map<string, string>();
  if (options.branches.length === 0) return heads;
  const refs = options.branches.map((branch) => `refs/heads/${branch}`);
  const { stdout } = await execa("git", ["ls-remote", options.remote, ...refs], {
    cwd: options.cwd,
    env: authEnv(options.token, options.serverUrl),
  });
  for (const line of stdout.split("\n")) {
    const [sha, ref] = line.split("\t");
    if (sha && ref) heads.set(ref.replace(/^refs\/heads\//, ""), sha);
  }
  return heads;
}

/** Failed polls or refreshes in a row before the monitor gives up (the schedule's sweep takes over). */
export const MAX_FAILURES_IN_A_ROW = 10;

const same = (a: Map<string, string>, b: Map<string, string>) => a.size === b.size && [...a].every(([k, v]) => b.get(k) === v);

export async function monitorDispatch(options: MonitorOptions): Promise<MonitorResult> {
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const probot = options.probot ?? jobProbot(options.auth);
  const octokit = await probot.auth();
  const gh: GitHub = { octokit, log: probot.log, repo: options.repo };
  const trusts = trustsApp(options.appLogin);
  const config = repoConfig(octokit, options.repo);
  const jobsEveryMs = options.jobsEveryMs ?? 60_000;
  let lastJobs = Number.NEGATIVE_INFINITY;
  const refresh = (readJobs: boolean) =>
    refreshDispatch({
      gh,
      thread: { ...options.repo, issue: options.issue },
      defaultBranch: options.defaultBranch,
      command: options.command,
      loadConfig: () => loadConfig(config),
      trusts,
      ...(readJobs ? { apply: async (target: StatusTarget) => endJobless(gh, { target, issue: options.issue, ownRun: options.runId ?? null }) } : {}),
    }).then((next) => {
      if (readJobs) lastJobs = Date.now();
      return next;
    });
  let view = await refresh(true);
  let refreshes = 1;
  let polls = 0;
  let failures = 0;
  let seen = new Map<string, string>();
  let lastRefresh = Date.now();
  while (!view || !dispatchFinished(view)) {
    await sleep(options.pollMs);
    const branches = view ? view.tasks.filter((task) => !isFinished(task)).map((task) => task.branch) : [];
    try {
      const heads = options.readHeads
        ? await options.readHeads(branches)
        : await remoteHeads({ remote: options.remote, cwd: options.cwd, branches, token: options.auth.token, ...(options.serverUrl ? { serverUrl: options.serverUrl } : {}) });
      polls++;
      const due = Date.now() - lastRefresh >= (options.refreshEveryMs ?? 60_000);
      const jobsDue = Date.now() - lastJobs >= jobsEveryMs;
      if (view && same(heads, seen) && !due && !jobsDue) continue;
      const next = await refresh(jobsDue);
      refreshes++;
      seen = heads;
      view = next;
      lastRefresh = Date.now();
      failures = 0;
    } catch (error) {
      // A failed poll or refresh (GitHub answering 5xx, a network blip) is tried again at the next poll: the
      // refresh re-reads everything and its creates are idempotent. Many in a row end the monitor with the error.
      if (++failures >= MAX_FAILURES_IN_A_ROW) throw error;
      gh.log.warn(`#${options.issue}: poll or refresh failed (${reason(error)}), trying again (${failures}/${MAX_FAILURES_IN_A_ROW})`);
    }
  }
  gh.log.info(`#${options.issue}: every task of /dispatch comment ${options.command} finished after ${polls} polls and ${refreshes} refreshes`);
  return { refreshes, polls, view };
}

/**
 * The tasks whose job completed without the end recorded: for each unfinished task, the completed jobs of its run
 * (the one its view links, else the monitor's own) that worked it, each ended as the hosted app's webhook would.
 */
async function endJobless(gh: GitHub, { target, issue, ownRun }: { target: StatusTarget; issue: number; ownRun: number | null }): Promise<void> {
  const runOf = (task: { run?: string }) => runIdFromUrl(task.run) ?? ownRun;
  const runs = new Set(target.view.tasks.filter((task) => !isFinished(task)).flatMap((task) => runOf(task) ?? []));
  for (const run of runs) {
    for (const job of await completedTaskJobs(gh, run)) {
      const task = job.issue === issue ? findTask(target, job.task) : undefined;
      // A job of another thread, of a task not in this dispatch, or of a run that is not the task's now.
      if (!task || isFinished(task) || runOf(task) !== run) continue;
      await endTaskOfJob(gh, { target, job });
    }
  }
}
