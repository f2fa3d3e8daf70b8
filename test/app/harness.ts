/**
 * Test setup: a Probot with the app loaded (retry and throttle ON, with tiny delays), the fake GitHub, and webhook
 * payloads adapted from @octokit/webhooks-examples.
 */
import { createRequire } from "node:module";
import Bottleneck from "bottleneck";
import nock from "nock";
import { Redis } from "ioredis";
import { Probot, ProbotOctokit } from "probot";
import { createApp, type AppOptions, type DispatchApp } from "../../src/app/index.js";
import { checkWebhook } from "../contracts/webhooks.js";
import { APP_LOGIN, FakeGitHub, OWNER, REPO } from "./fake-github.js";

const require = createRequire(import.meta.url);
const examples = require("@octokit/webhooks-examples/api.github.com/index.json") as Array<{
  name: string;
  examples: Array<Record<string, any>>;
}>;

function example(name: string, action?: string): Record<string, any> {
  const found = examples.find((e) => e.name === name)?.examples.find((x) => action === undefined || x.action === action);
  if (!found) throw new Error(`no example for ${name}.${action}`);
  return structuredClone(found);
}

/** A webhook the tests hand the app must hold GitHub's webhook schemas. */
function checkSchema(event: { name: string; payload: Record<string, any> }): void {
  const broken = checkWebhook(event.name, event.payload);
  if (broken.length > 0) throw new Error(`a test webhook breaks GitHub's schema: ${broken.join("; ")}`);
}

function repository(base: Record<string, any>): Record<string, any> {
  return { ...base, name: REPO, full_name: `${OWNER}/${REPO}`, html_url: `https://github.com/${OWNER}/${REPO}`, default_branch: "main", owner: { ...base.owner, login: OWNER } };
}

export interface HarnessOptions extends AppOptions {
  /** How many app instances (each its own Probot) share the fake GitHub; default 1. */
  instances?: number;
  /** With several instances: the Redis they share (its URL); without it each instance has its memory queue. */
  redisUrl?: string;
}

export interface Harness {
  github: FakeGitHub;
  probot: Probot;
  app: DispatchApp;
  /** Every instance; a delivery goes to the next one in turn (round-robin) unless `to` names several. */
  apps: DispatchApp[];
  /** Resolves once no instance has work left. */
  idle(): Promise<void>;
  comment(
    body: string,
    options?: { user?: string; type?: string; issue?: number; pr?: boolean; action?: "created" | "edited"; id?: number; delivery?: string; to?: number[]; sender?: string; from?: string; wait?: boolean },
  ): Promise<number>;
  /** `wait: false`: resolves when the webhook is answered, before its work is done. */
  push(branch: string, options?: { deleted?: boolean; delivery?: string; to?: number[]; wait?: boolean }): Promise<void>;
  job(name: string, conclusion: string, options?: { issue?: number; runId?: number }): Promise<void>;
  close(): Promise<void>;
}

let delivery = 0;
let group = 0;

export async function harness(options: HarnessOptions = {}): Promise<Harness> {
  const { instances = 1, redisUrl, ...appOptions } = options;
  const github = new FakeGitHub();
  github.permissions = { maintainer: "write", admin: "admin", reader: "read" };
  github.install();
  // Retry and throttle stay ON (the app's own behaviour); only their delays are made tiny.
  const Octokit = ProbotOctokit.defaults((instance: Record<string, any>) => ({
    ...instance,
    retry: { ...instance.retry, retryAfterBaseValue: 1 },
    throttle: {
      ...instance.throttle,
      retryAfterBaseValue: 1,
      fallbackSecondaryRateRetryAfter: 0.01,
      write: new Bottleneck.Group({ maxConcurrent: 1, minTime: 0 }),
      notifications: new Bottleneck.Group({ maxConcurrent: 1, minTime: 0 }),
    },
  }));
  const prefix = `test${++group}:`;
  const probots: Probot[] = [];
  const apps: DispatchApp[] = [];
  for (let i = 0; i < instances; i++) {
    const probot = new Probot({ githubToken: "test", Octokit, logLevel: "fatal" });
    const redis = redisUrl ? { redis: new Redis(redisUrl), redisPrefix: prefix } : {};
    const app = createApp({ minGapMs: 0, appLogin: APP_LOGIN, ...redis, ...appOptions });
    await probot.load(app);
    probots.push(probot);
    apps.push(app);
  }
  const probot = probots[0]!;
  const app = apps[0]!;
  let turn = 0;
  /** Every instance idle, and no request made meanwhile (a replica may run work another one left in Redis). */
  const idle = async () => {
    for (;;) {
      const before = github.requests.length;
      await Promise.all(apps.map((a) => a.idle()));
      if (github.requests.length === before) return;
    }
  };
  const receive = async (event: { id: string; name: string; payload: Record<string, any> }, to: number[] | undefined, wait = true) => {
    checkSchema(event);
    const targets = to ?? [turn++ % instances];
    await Promise.all(targets.map((i) => probots[i]!.receive(event as any)));
    if (wait) await idle();
  };
  return {
    github,
    probot,
    app,
    apps,
    idle,
    async comment(body, opts = {}) {
      const payload = example("issue_comment", opts.action ?? "created");
      payload.repository = repository(payload.repository);
      const id = opts.id ?? github.addComment(body, opts.user ?? "maintainer", opts.issue ?? 42).id;
      payload.comment = { ...payload.comment, id, body, user: { ...payload.comment.user, login: opts.user ?? "maintainer", type: opts.type ?? "User" } };
      payload.issue = { ...payload.issue, number: opts.issue ?? 42 };
      if (opts.pr) payload.issue.pull_request = { url: `https://api.github.com/repos/${OWNER}/${REPO}/pulls/${opts.issue ?? 42}` };
      else delete payload.issue.pull_request;
      payload.sender = { ...payload.sender, login: opts.sender ?? opts.user ?? "maintainer", type: "User" };
      if (opts.action === "edited") payload.changes = { body: { from: opts.from ?? "before" } };
      await receive({ id: opts.delivery ?? `d${++delivery}`, name: "issue_comment", payload }, opts.to, opts.wait);
      return id;
    },
    async push(branch, opts = {}) {
      const payload = example("push");
      payload.repository = { ...repository(payload.repository), master_branch: "main" };
      payload.ref = `refs/heads/${branch}`;
      payload.deleted = opts.deleted ?? false;
      await receive({ id: opts.delivery ?? `d${++delivery}`, name: "push", payload }, opts.to, opts.wait);
    },
    async job(name, conclusion, opts = {}) {
      const payload = example("workflow_job", "completed");
      payload.repository = repository(payload.repository);
      const runId = opts.runId ?? 555;
      payload.workflow_job = { ...payload.workflow_job, name, conclusion, run_id: runId, html_url: `https://github.com/${OWNER}/${REPO}/actions/runs/${runId}/job/777` };
      await receive({ id: `d${++delivery}`, name: "workflow_job", payload }, undefined);
    },
    async close() {
      await Promise.all(apps.map((a) => a.close()));
      nock.cleanAll();
      if (github.violations.length > 0) throw new Error(`requests that break GitHub's contracts: ${github.violations.join(", ")}`);
      if (github.unanswered.length > 0) throw new Error(`requests outside the app's API list: ${github.unanswered.join(", ")}`);
      nock.enableNetConnect();
    },
  };
}
