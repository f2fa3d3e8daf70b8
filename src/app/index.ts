/**
 * The Probot app: wires GitHub events to handlers. Dependencies (the clock, the least gap between two edits of a
 * thread's status, which author's status comments to trust) are passed in so tests can replace them.
 */
import type { Probot } from "probot";
import { StatusWriter } from "./status-writer.js";
import { runThread, threadKey, type ThreadWork } from "./thread.js";
import { onIssueComment } from "./command.js";
import { onPush } from "./progress.js";
import { onWorkflowJob } from "./job.js";
import { patient } from "./github.js";

export interface AppOptions {
  /** Least time between two runs (edits) for one thread; default 2.5 s, so a 10 s burst makes at most 5 edits. */
  minGapMs?: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  /**
   * The app's login (`my-dispatch` or `my-dispatch[bot]`): only its status and question comments are trusted.
   * Unset: comments carrying the markers are trusted whoever wrote them.
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
  const own = options.appLogin ? bare(options.appLogin) : null;
  const trusts = (author: string | null) => own === null || (author !== null && bare(author) === own);
  const writer = new StatusWriter<ThreadWork>({
    run: (_key, items) => runThread(items, trusts),
    minGapMs: options.minGapMs ?? DEFAULT_MIN_GAP_MS,
    ...(options.now ? { now: options.now } : {}),
    ...(options.sleep ? { sleep: options.sleep } : {}),
  });
  const request = (work: ThreadWork) => writer.request(threadKey(work.thread), work);
  const app = (probot: Probot) => {
    probot.on(["issue_comment.created", "issue_comment.edited"], (context) => {
      patient(context.octokit);
      return onIssueComment(context, request);
    });
    probot.on("push", (context) => {
      patient(context.octokit);
      return onPush(context, request);
    });
    probot.on("workflow_job.completed", (context) => {
      patient(context.octokit);
      return onWorkflowJob(context, request);
    });
  };
  return Object.assign(app, { idle: () => writer.idle() });
}

export default createApp({ ...(process.env.DISPATCH_APP_LOGIN ? { appLogin: process.env.DISPATCH_APP_LOGIN } : {}) });
