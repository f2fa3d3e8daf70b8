/**
 * The Probot app: wires GitHub events to handlers. Dependencies (the clock, the least gap between two edits of a
 * thread's status, which author's status comments to trust) are passed in so tests can replace them.
 */
import type { Probot } from "probot";
import { onIssueComment } from "./events/issue-comment.js";
import { onPush } from "./events/push.js";
import { onWorkflowJob } from "./events/workflow-job.js";
import { learnLogin } from "./github/app-login.js";
import { patient } from "./github/client.js";
import type { ThreadWork } from "./status/run-context.js";
import { runThread, threadKey } from "./status/thread.js";
import { StatusWriter } from "./status/writer.js";

export interface AppOptions {
  /** Least time between two runs (edits) for one thread; default 2.5 s, so a 10 s burst makes at most 5 edits. */
  minGapMs?: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  /**
   * The app's login (`my-dispatch` or `my-dispatch[bot]`): only its status and question comments are trusted.
   * Unset: learned from `GET /app` on the first event; until it is known, no such comment is trusted.
   */
  appLogin?: string;
}

export const DEFAULT_MIN_GAP_MS = 2_500;

export type DispatchApp = ((app: Probot) => void) & {
  /** Resolves once no thread has work queued (tests, benchmarks). */
  idle: () => Promise<void>;
};

const bare = (login: string) => login.toLowerCase().replace(/\[bot\]$/, "");

export function createApp(options: AppOptions = {}): DispatchApp {
  let own = options.appLogin ? bare(options.appLogin) : null;
  // Fail closed: a marker comment is the app's memory only when the app itself wrote it.
  const trusts = (author: string | null) => own !== null && author !== null && bare(author) === own;
  const writer = new StatusWriter<ThreadWork>({
    run: (_key, items) => runThread(items, trusts),
    minGapMs: options.minGapMs ?? DEFAULT_MIN_GAP_MS,
    ...(options.now ? { now: options.now } : {}),
    ...(options.sleep ? { sleep: options.sleep } : {}),
  });
  const request = (work: ThreadWork) => writer.request(threadKey(work.thread), work);
  const app = (probot: Probot) => {
    let learning: Promise<void> | null = null;
    const know = () =>
      own !== null
        ? Promise.resolve()
        : (learning ??= learnLogin(probot).then((slug) => {
            own = slug ? bare(slug) : null;
            if (own === null) learning = null; // ask again on the next event
          }));
    probot.on(["issue_comment.created", "issue_comment.edited"], async (context) => {
      patient(context.octokit);
      await know();
      return onIssueComment(context, request);
    });
    probot.on("push", async (context) => {
      patient(context.octokit);
      await know();
      return onPush(context, request);
    });
    probot.on("workflow_job.completed", async (context) => {
      patient(context.octokit);
      await know();
      return onWorkflowJob(context, request);
    });
  };
  return Object.assign(app, { idle: () => writer.idle() });
}

export default createApp({ ...(process.env.DISPATCH_APP_LOGIN ? { appLogin: process.env.DISPATCH_APP_LOGIN } : {}) });
