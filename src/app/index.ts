/**
 * The Probot app: wires GitHub events to handlers. Dependencies (the clock, the least gap between two edits of a
 * thread's status, which author's status comments to trust) are passed in so tests can replace them.
 */
import { Redis } from "ioredis";
import type { Context, Probot } from "probot";
import { onIssueComment } from "./events/issue-comment.js";
import { onPush } from "./events/push.js";
import { onWorkflowJob } from "./events/workflow-job.js";
import { learnLogin } from "./github/app-login.js";
import { patient, reason } from "./github/client.js";
import { MemoryQueue } from "./queue/memory.js";
import { RedisQueue } from "./queue/redis.js";
import type { ThreadQueue, ThreadQueueOptions } from "./queue/thread-queue.js";
import type { ThreadWork } from "./status/run-context.js";
import { runThread, threadKey } from "./status/thread.js";
import { isAppLogin } from "../core/app-login.js";

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
  /**
   * Redis shared by every replica (`REDIS_URL`): per-thread locks, delivery de-duplication and the coalescing queue
   * live there. Unset: one process, in memory.
   */
  redis?: Redis;
  /** Prefix of the app's Redis keys (tests give each app group its own). */
  redisPrefix?: string;
}

export const DEFAULT_MIN_GAP_MS = 2_500;

export type DispatchApp = ((app: Probot) => void) & {
  /** Resolves once no webhook's work is running and no thread has work queued here (tests, benchmarks). */
  idle: () => Promise<void>;
  /** Waits for the work and lets go of Redis. */
  close: () => Promise<void>;
};

export function createApp(options: AppOptions = {}): DispatchApp {
  let own = options.appLogin ?? null;
  // Fail closed: a marker comment is the app's memory only when the app itself wrote it.
  const trusts = (author: string | null) => isAppLogin(own, author);
  const queueOptions: ThreadQueueOptions<ThreadWork> = {
    run: (_key, items) => runThread(items, trusts),
    minGapMs: options.minGapMs ?? DEFAULT_MIN_GAP_MS,
    ...(options.now ? { now: options.now } : {}),
    ...(options.sleep ? { sleep: options.sleep } : {}),
    // A push is plain data: any replica may refresh for it, with its own client for the same thread.
    share: (work) => (work.kind === "push" ? JSON.stringify({ branch: work.branch, thread: work.thread, defaultBranch: work.defaultBranch }) : null),
    unshare: (json, like) => ({ ...(JSON.parse(json) as { branch: string; thread: ThreadWork["thread"]; defaultBranch: string }), kind: "push", gh: like.gh, loadConfig: like.loadConfig }),
  };
  const queue: ThreadQueue<ThreadWork> = options.redis
    ? new RedisQueue({ ...queueOptions, redis: options.redis, ...(options.redisPrefix ? { prefix: options.redisPrefix } : {}) })
    : new MemoryQueue(queueOptions);
  const request = (work: ThreadWork) => queue.request(threadKey(work.thread), work);
  /** Webhooks are answered at once; their work runs here, in the background (see idle()). */
  const running = new Set<Promise<void>>();
  const inBackground = (context: Context, work: () => Promise<void>) => {
    const job: Promise<void> = (async () => {
      if (!(await queue.firstDelivery(context.id))) return void context.log.info(`delivery ${context.id} was handled already`);
      patient(context.octokit);
      await work();
    })()
      .catch((error: unknown) => context.log.error(`delivery ${context.id} (${context.name}): ${reason(error)}`))
      .finally(() => running.delete(job));
    running.add(job);
  };
  const app = (probot: Probot) => {
    let learning: Promise<void> | null = null;
    const know = () =>
      own !== null
        ? Promise.resolve()
        : (learning ??= learnLogin(probot).then((slug) => {
            own = slug ?? null;
            if (own === null) learning = null; // ask again on the next event
          }));
    // Each handler returns at once (Probot answers the webhook when handlers resolve): the work runs in the background.
    probot.on(["issue_comment.created", "issue_comment.edited"], (context) =>
      inBackground(context, async () => {
        await know();
        await onIssueComment(context, { request });
      }),
    );
    probot.on("push", (context) =>
      inBackground(context, async () => {
        await know();
        await onPush(context, request);
      }),
    );
    probot.on("workflow_job.completed", (context) =>
      inBackground(context, async () => {
        await know();
        await onWorkflowJob(context, request);
      }),
    );
  };
  const idle = async () => {
    for (;;) {
      if (running.size > 0) {
        await Promise.all([...running]);
        continue;
      }
      await queue.idle();
      if (running.size === 0) return;
    }
  };
  return Object.assign(app, { idle, close: async () => (await idle(), await queue.close()) });
}

export default createApp({
  ...(process.env.DISPATCH_APP_LOGIN ? { appLogin: process.env.DISPATCH_APP_LOGIN } : {}),
  ...(process.env.REDIS_URL ? { redis: new Redis(process.env.REDIS_URL) } : {}),
});
