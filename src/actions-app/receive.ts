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
 */
import { readFile } from "node:fs/promises";
import { createApp } from "../app/index.js";
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
  await probot.receive({ id: event.id, name: event.name, payload } as Parameters<typeof probot.receive>[0]);
  await app.idle();
  return "handled";
}
