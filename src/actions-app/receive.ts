/**
 * One event inside an Actions job (dispatch-app.yml): the event Actions started the job for (GITHUB_EVENT_NAME,
 * GITHUB_EVENT_PATH) is handed to the SAME app as a webhook (src/app/index.ts), and the job ends when the app's
 * work for it is done.
 *
 * Why not @probot/adapter-github-actions (`run(app)`): its latest release (4.0.3) depends on probot ^13 (we run 14:
 * a second Probot and Octokit in the bundle; its main branch moved to 14 unreleased); it catches and only logs the
 * handler's error, so a failed event would end the job green; it does not wait for work our handlers queue on the
 * thread's StatusWriter (`app.idle()`); and it does not read GITHUB_API_URL, so GitHub Enterprise (and the e2e
 * stand-in) would need GHE_HOST set as well. What it does is ~30 lines over Probot's own `githubToken` option and
 * `probot.receive`: the same, below, with those four differences.
 *
 * Before its own `issue_comment`, the run hands the app the thread's command comments no run has handled yet (their
 * run may have been cancelled: GitHub keeps one pending run per concurrency group; see converge.ts), oldest first,
 * each as the `issue_comment.created` webhook GitHub would have sent, one after the other.
 */
import { readFile } from "node:fs/promises";
import { createApp } from "../app/index.js";
import { reason } from "../app/github/client.js";
import { eventMoment, unhandledCommands, type RestComment } from "./converge.js";
import { jobProbot, type JobAuth } from "./probot.js";

export interface JobEvent {
  /** GITHUB_EVENT_NAME: `issue_comment`, `schedule`, … */
  name: string;
  /** GITHUB_EVENT_PATH: the webhook payload Actions wrote for the run. */
  path: string;
  /** An id for the logs (the run id and attempt). */
  id: string;
}

/** Events the app answers; the rest (a `schedule` run, a manual run) are logged and ignored. */
export const APP_EVENTS = new Set(["issue_comment"]);

export async function receiveEvent({ event, auth, appLogin }: { event: JobEvent; auth: JobAuth; appLogin: string }): Promise<"handled" | "ignored"> {
  if (!APP_EVENTS.has(event.name)) return "ignored";
  const probot = jobProbot(auth);
  const payload = JSON.parse(await readFile(event.path, "utf8")) as Record<string, unknown>;
  // No gap between two edits: this process handles one event and ends; the concurrency group serializes the thread.
  const app = createApp({ appLogin, minGapMs: 0 });
  await probot.load(app);
  type Delivery = Parameters<typeof probot.receive>[0];
  for (const comment of await missedCommands({ probot, payload, appLogin })) {
    probot.log.info(`comment ${comment.id}: a command no run handled (its run was cancelled?), handled now`);
    const created = { action: "created", comment, issue: payload["issue"], repository: payload["repository"], sender: comment.user, ...(payload["installation"] ? { installation: payload["installation"] } : {}) };
    await probot.receive({ id: `${event.id}-comment-${comment.id}`, name: "issue_comment", payload: created } as unknown as Delivery);
    await app.idle();
  }
  await probot.receive({ id: event.id, name: event.name, payload } as Delivery);
  await app.idle();
  return "handled";
}

/** The thread's command comments before this event's that no run handled; none when they cannot be read. */
async function missedCommands({ probot, payload, appLogin }: { probot: ReturnType<typeof jobProbot>; payload: Record<string, unknown>; appLogin: string }): Promise<RestComment[]> {
  const comment = payload["comment"] as { id?: number; created_at?: string; updated_at?: string } | undefined;
  const issue = (payload["issue"] as { number?: number } | undefined)?.number;
  const repository = payload["repository"] as { name?: string; owner?: { login?: string } } | undefined;
  if (!comment?.id || !comment.created_at || !issue || !repository?.name || !repository.owner?.login) {
    probot.log.warn("the event names no comment, issue and repository: no other comment is looked at");
    return [];
  }
  try {
    const octokit = await probot.auth();
    const repo = { owner: repository.owner.login, repo: repository.name };
    const event = eventMoment(payload["action"], { ...comment, id: comment.id, created_at: comment.created_at });
    return await unhandledCommands(octokit, { repo, issue, event, appLogin });
  } catch (error) {
    // The run's own command still runs; a later run of the thread (or the person) brings the others.
    probot.log.warn(`#${issue}: the thread's earlier commands could not be read (${reason(error)}): only this event is handled`);
    return [];
  }
}
