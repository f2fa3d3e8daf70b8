/**
 * One simulated GitHub for a scenario: the stand-in with a demo repository, the REAL app (src/app/index.ts, default
 * export) served by Probot's `createNodeMiddleware` and authenticated as an App with a generated key, and the local
 * runner executing the real Action bundle with scripted agents.
 *
 * `mode: "actions"` is dispatch without a server: no Probot server and no webhooks but `issue_comment`, which starts
 * the repository's dispatch-app.yml on the runner (the app bundle, action/app, built fresh from the sources), and the
 * dispatch run's monitor job polls the task branches. Push and workflow_job webhooks are never delivered.
 */
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { chmod, mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createNodeMiddleware, Probot, ProbotOctokit, type ApplicationFunction } from "probot";
import { parse } from "yaml";
import { actionBundle, buildActionBundle, type FreshBundle } from "./action-bundle.js";
import { APP_BUNDLE_VARIABLE, APP_KEY_VARIABLE } from "./provided.js";
import { StandIn, type QuietOptions } from "./github/server.js";
import type { Comment, Issue, Permission, Repo } from "./github/store.js";
import { LocalRunner, type RunnerOptions } from "./runner/runner.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
export const APP_MODULE = join(ROOT, "src/app/index.ts");
export const SCRIPTED_AGENT = join(ROOT, "test/e2e/agents/scripted-agent.mjs");
export const WORKFLOW_FILE = join(ROOT, ".github/workflows/dispatch.yml");
export const APP_WORKFLOW_FILE = join(ROOT, ".github/workflows/dispatch-app.yml");
/** The events dispatch-app.yml's `on:` takes that are webhooks (a `schedule` is not one). */
const ACTIONS_MODE_EVENTS = ["issue_comment"];
const STATUS_MARKER = "<!-- dispatch:status";
/** How long a scenario may stay busy before waitForQuiet gives up: several times the slowest run on a loaded machine. */
const QUIET_TIMEOUT_MS = 150_000;
const QUESTION_MARKER = "<!-- dispatch:question";

/** What the scripted agent does per task id (or "*"); see agents/scripted-agent.mjs. */
export interface AgentScript {
  items?: string[];
  edits?: Record<string, string>;
  ask?: string;
  askAt?: number;
  failAt?: number;
  reason?: string;
  failOnce?: string;
  output?: string;
  delayMs?: number;
  /** Copy the prompt's thread section into output.md. */
  echoThread?: boolean;
}

export interface HarnessOptions {
  /** Files of the demo repository besides the defaults (README, a small app, the workflow from this checkout). */
  files?: Record<string, string>;
  /** `.github/dispatch.yml` of the demo repository. */
  config?: string;
  /** Scripted agents by task id ("*": any task). Ignored when `agentCommand` is given. */
  agents?: Record<string, AgentScript>;
  /** Replaces the agent for every job (the Action's `agent-command`); null: none, the real agent CLIs run. */
  agentCommand?: string | null;
  /** The app function; default the default export of src/app/index.ts. */
  app?: ApplicationFunction;
  /**
   * Several app instances (replicas), each its own Probot and server, behind one webhook fan-out: each delivery goes
   * to the next instance in turn; `duplicate` deliveries go to two instances at once. Replaces `app`.
   */
  apps?: ApplicationFunction[];
  /** Which deliveries the fan-out sends to two instances at once (same delivery id and body). */
  duplicate?: (delivery: { event: string; body: string }) => boolean;
  /** Use Probot's production Octokit with throttling (writes spaced about a second apart). Default off. */
  throttle?: boolean;
  users?: Array<{ login: string; permission: Permission; type?: "User" | "Bot" }>;
  runner?: Omit<RunnerOptions, "agentCommand">;
  /** Print stand-in, runner and app logs. */
  verbose?: boolean;
  /** `app` (default): the hosted app answering webhooks. `actions`: no server, the app inside Actions jobs. */
  mode?: "app" | "actions";
  /** Actions mode: seconds between the monitor's polls (its `poll-seconds`; default 0.5 here). */
  pollSeconds?: number;
  /** Actions mode: seconds between the monitor's reads of the unfinished tasks' jobs (its `jobs-seconds`; default 60). */
  jobsSeconds?: number;
}

export interface Harness {
  hub: StandIn;
  runner: LocalRunner;
  repo: Repo;
  /** The hosted app's Probot; null in Actions mode. */
  probot: Probot | null;
  mode: "app" | "actions";
  /** A person comments (default `maintainer`); resolves when the app answered the webhook. */
  comment(options: { body: string; issue: number; user?: string; pr?: boolean }): ReturnType<StandIn["comment"]>;
  /** GitHub's "Quote reply" of a comment (its visible lines behind `> `), then the answer. */
  quoteReply(options: { to: Comment; answer: string; user?: string }): ReturnType<StandIn["comment"]>;
  /** The status comment of the /dispatch comment `command` (or the thread's latest). */
  statusComment(issue: number, command?: number): Comment | undefined;
  questionComments(issue: number): Comment[];
  pulls(): Issue[];
  waitForQuiet(options?: QuietOptions): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The App's key pair: the global setup's, else made once per process. An RSA key takes most of a second of CPU to
 * make, and every harness has its own stand-in that knows the public half, so sharing one key changes nothing.
 */
let keyPair: { privateKey: string; publicKey: string } | undefined;
function appKeyPair(): { privateKey: string; publicKey: string } {
  const given = process.env[APP_KEY_VARIABLE];
  if (given && !keyPair) keyPair = JSON.parse(given) as { privateKey: string; publicKey: string };
  keyPair ??= generateKeyPairSync("rsa", {
    modulusLength: 2048,
    privateKeyEncoding: { type: "pkcs1", format: "pem" },
    publicKeyEncoding: { type: "spki", format: "pem" },
  });
  return keyPair;
}

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const log = options.verbose ? (line: string) => console.log(line) : undefined;
  const actionPath = actionBundle(options.runner?.actionPath);
  const { privateKey, publicKey } = appKeyPair();
  const secret = randomBytes(16).toString("hex");
  const hub = await new StandIn({ appPublicKey: publicKey, ...(options.users ? { users: options.users } : {}), ...(log ? { log } : {}) }).start();
  const scratch = await mkdtemp(join(tmpdir(), "harness-"));
  const servers: Server[] = [];
  let runner: LocalRunner | null = null;
  let appBundle: FreshBundle | null = null;
  try {
    const repo = await hub.createRepo({
      name: "shop",
      files: {
        "README.md": "# shop\n\nA small web shop.\n",
        "package.json": `${JSON.stringify({ name: "shop", version: "1.0.0", type: "module" }, null, 2)}\n`,
        "src/auth.js": "export function login(user, password) {\n  return user === 'admin' && password === 'admin';\n}\n",
        "src/api.js": "export const routes = ['/auth', '/users', '/orders'];\n",
        ".github/workflows/dispatch.yml": readFileSync(WORKFLOW_FILE, "utf8"),
        ...(options.mode === "actions" ? { ".github/workflows/dispatch-app.yml": readFileSync(APP_WORKFLOW_FILE, "utf8") } : {}),
        ...(options.config ? { ".github/dispatch.yml": options.config } : {}),
        ...options.files,
      },
    });

    let agentCommand = options.agentCommand;
    if (agentCommand === undefined) {
      // The agent runs as its own user (dispatch-agent): it must be able to read its script.
      await chmod(scratch, 0o755);
      const script = join(scratch, "agents.json");
      await writeFile(script, JSON.stringify(options.agents ?? { "*": {} }, null, 2), { mode: 0o644 });
      agentCommand = `${JSON.stringify(process.execPath)} ${JSON.stringify(SCRIPTED_AGENT)} ${JSON.stringify(script)}`;
    }
    const apps = options.apps ?? [options.app ?? ((await import(APP_MODULE)) as { default: ApplicationFunction }).default];
    let probot: Probot | null = null;
    let hookUrl = "";
    if (options.mode === "actions") {
      const built = process.env[APP_BUNDLE_VARIABLE];
      appBundle = built ? { path: built, remove: async () => undefined } : await buildActionBundle({ app: true });
      const pollSeconds = String(options.pollSeconds ?? 0.5);
      runner = new LocalRunner(hub, {
        ...options.runner,
        actionPath,
        ...(agentCommand !== null ? { agentCommand } : {}),
        vars: { DISPATCH_MODE: "actions", ...options.runner?.vars },
        localActions: { "./action/app": { bundle: appBundle.path, inputs: { "poll-seconds": pollSeconds, ...(options.jobsSeconds ? { "jobs-seconds": String(options.jobsSeconds) } : {}) } }, ...options.runner?.localActions },
        ...(log ? { log } : {}),
      });
      const activeRunner = runner;
      // GitHub without a server: a repository event starts the workflows that take it; nothing else is delivered.
      const trigger = createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on("data", (chunk: Buffer) => chunks.push(chunk));
        req.on("end", () => {
          const event = String(req.headers["x-github-event"] ?? "");
          const payload = JSON.parse(Buffer.concat(chunks).toString("utf8")) as Record<string, unknown>;
          // An event a job's GITHUB_TOKEN caused (the app's own comments) starts no workflow on GitHub.
          if ((payload["sender"] as { login?: string } | undefined)?.login === "github-actions[bot]") return void res.writeHead(204).end();
          void activeRunner.trigger(event, payload).then(
            () => res.writeHead(204).end(),
            (error: unknown) => res.writeHead(500).end(String(error)),
          );
        });
      });
      await new Promise<void>((resolve) => trigger.listen(0, "127.0.0.1", resolve));
      servers.push(trigger);
      hookUrl = `http://127.0.0.1:${(trigger.address() as AddressInfo).port}/api/github/webhooks`;
    }
    if (!runner) {
      runner = new LocalRunner(hub, { ...options.runner, actionPath, ...(agentCommand !== null ? { agentCommand } : {}), ...(log ? { log } : {}) });
      const probots: Probot[] = [];
      const urls: string[] = [];
      for (const app of apps) {
        const probot = new Probot({
          appId: hub.appId,
          privateKey,
          secret,
          baseUrl: hub.url,
          logLevel: options.verbose ? "info" : "warn",
          // An object default would be overwritten: Probot passes its own `throttle` options (without `enabled`) and
          // ProbotOctokit then re-enables throttling. A function default runs last and keeps it off.
          ...(options.throttle ? {} : { Octokit: ProbotOctokit.defaults((o: Record<string, unknown>) => ({ ...o, throttle: { ...(o["throttle"] as object), enabled: false } })) }),
        });
        const middleware = await createNodeMiddleware(app, { probot, webhooksPath: "/api/github/webhooks" });
        const instance = createServer((req, res) => void middleware(req, res, () => res.writeHead(404).end()));
        await new Promise<void>((resolve) => instance.listen(0, "127.0.0.1", resolve));
        servers.push(instance);
        probots.push(probot);
        urls.push(`http://127.0.0.1:${(instance.address() as AddressInfo).port}/api/github/webhooks`);
      }
      probot = probots[0] ?? null;
      hookUrl = urls[0]!;
      if (apps.length > 1) {
        // The fan-out: one webhook URL in front of the instances, as a load balancer would be.
        let turn = 0;
        const front = createServer((req, res) => {
          void (async () => {
            const chunks: Buffer[] = [];
            for await (const chunk of req) chunks.push(chunk as Buffer);
            const body = Buffer.concat(chunks).toString("utf8");
            const headers = Object.fromEntries(Object.entries(req.headers).flatMap(([k, v]) => (typeof v === "string" && k !== "host" && k !== "content-length" ? [[k, v]] : [])));
            const first = turn++ % urls.length;
            const twice = options.duplicate?.({ event: String(req.headers["x-github-event"]), body }) ?? false;
            const targets = twice ? [first, (first + 1) % urls.length] : [first];
            const answers = await Promise.all(targets.map((i) => fetch(urls[i]!, { method: "POST", headers, body }).then(async (r) => (await r.arrayBuffer(), r.status))));
            res.writeHead(answers[0]!).end();
          })().catch(() => res.writeHead(502).end());
        });
        await new Promise<void>((resolve) => front.listen(0, "127.0.0.1", resolve));
        servers.push(front);
        hookUrl = `http://127.0.0.1:${(front.address() as AddressInfo).port}/api/github/webhooks`;
      }
    }
    const manifestPath = join(ROOT, "app.yml");
    const manifest = existsSync(manifestPath) ? (parse(readFileSync(manifestPath, "utf8")) as { default_events?: string[] }) : {};
    hub.connectApp({
      url: hookUrl,
      secret,
      events: probot ? (manifest.default_events ?? null) : ACTIONS_MODE_EVENTS,
    });

    const activeRunner = runner;
    const activeBundle = appBundle;
    const harness: Harness = {
      hub,
      runner: activeRunner,
      repo,
      probot,
      mode: options.mode ?? "app",
      comment: ({ body, issue, user, pr }) => hub.comment({ user: user ?? "maintainer", body, issue, ...(pr === undefined ? {} : { pr }) }),
      quoteReply: ({ to, answer, user }) => {
        const visible = to.body.trimEnd().split("\n").filter((line) => !/^\s*<!--.*-->\s*$/.test(line));
        const quoted = visible.map((line) => (line ? `> ${line}` : ">")).join("\n");
        return hub.comment({ user: user ?? "maintainer", body: `${quoted}\n\n${answer}`, issue: to.issue });
      },
      statusComment: (issue, command) =>
        hub
          .comments(issue)
          .filter((c) => c.body.startsWith(STATUS_MARKER) && (command === undefined || c.body.startsWith(`${STATUS_MARKER} comment=${command} `)))
          .at(-1),
      questionComments: (issue) => hub.comments(issue).filter((c) => c.body.startsWith(QUESTION_MARKER)),
      pulls: () => hub.pulls(),
      waitForQuiet: async (quiet) => {
        // Quiet on the wire is not enough: the app may hold a status edit back (its gap between two edits). An app
        // with `idle()` (createApp's) is asked too, until neither has anything left to do.
        const idles = probot
          ? apps.flatMap((a) => {
              const idle = (a as { idle?: () => Promise<void> }).idle;
              return idle ? [idle] : [];
            })
          : [];
        for (;;) {
          await hub.waitForQuiet({ timeoutMs: QUIET_TIMEOUT_MS, ...quiet });
          if (idles.length === 0) return;
          const before = hub.requests.length;
          await Promise.all(idles.map((idle) => idle()));
          if (hub.requests.length === before) return;
        }
      },
      stop: async () => {
        await activeRunner.stop();
        await hub.webhooks.drained();
        for (const server of servers) {
          await new Promise<void>((resolve) => {
            server.close(() => resolve());
            server.closeAllConnections();
          });
        }
        for (const a of apps) await (a as { close?: () => Promise<void> }).close?.();
        await hub.stop();
        await activeBundle?.remove();
        await rm(scratch, { recursive: true, force: true });
        if (hub.contractViolations.length > 0) {
          throw new Error(`GitHub's contracts broken during the scenario:\n${hub.contractViolations.join("\n")}`);
        }
      },
    };
    return harness;
  } catch (error) {
    await runner?.stop();
    for (const server of servers) server.close();
    await hub.stop();
    await appBundle?.remove();
    await rm(scratch, { recursive: true, force: true });
    throw error;
  }
}
