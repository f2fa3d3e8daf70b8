/**
 * The scheduled safety net of the Actions mode (dispatch-app.yml's `schedule`): a monitor that died (a lost runner,
 * its timeout) leaves a status comment behind. The sweep finds the app's status comments updated in the last day
 * whose dispatch has unfinished tasks, and runs the app's refresh once for each (`refreshDispatch`).
 */
import { findStatusCommand, dispatchFinished } from "../core/status-view.js";
import { parseStatus } from "../core/status-read.js";
import type { GitHub } from "../app/github/client.js";
import { loadConfig } from "../app/github/config.js";
import { refreshDispatch } from "../app/status/progress.js";
import { jobProbot, repoConfig, type JobAuth } from "./probot.js";
import { trustsApp } from "../core/app-login.js";

export const SWEEP_HOURS = 24;

export async function sweep(options: { auth: JobAuth; repo: { owner: string; repo: string }; defaultBranch: string; appLogin: string; now?: Date }): Promise<{ refreshed: number }> {
  const probot = jobProbot(options.auth);
  const octokit = await probot.auth();
  const gh: GitHub = { octokit, log: probot.log, repo: options.repo };
  const trusts = trustsApp(options.appLogin);
  const since = new Date((options.now ?? new Date()).getTime() - SWEEP_HOURS * 3600_000).toISOString();
  const comments = await octokit.paginate(octokit.rest.issues.listCommentsForRepo, { ...options.repo, since, sort: "updated", direction: "desc", per_page: 100 });
  const config = repoConfig(octokit, options.repo);
  let refreshed = 0;
  for (const comment of comments) {
    const command = findStatusCommand(comment.body ?? "");
    if (command === null || !trusts(comment.user?.login ?? null)) continue;
    const view = parseStatus(comment.body ?? "");
    if (!view || dispatchFinished(view)) continue;
    const issue = Number(/\/issues\/(\d+)$/.exec(comment.issue_url)?.[1]);
    if (!Number.isSafeInteger(issue)) continue;
    gh.log.info(`#${issue}: the dispatch of comment ${command} has unfinished tasks, refreshing it`);
    await refreshDispatch({ gh, thread: { ...options.repo, issue }, defaultBranch: options.defaultBranch, command, loadConfig: () => loadConfig(config), trusts });
    refreshed++;
  }
  gh.log.info(`sweep: ${refreshed} unfinished dispatch(es) refreshed`);
  return { refreshed };
}
