/**
 * Runs a real agent CLI (claude, gemini, codex from node_modules) through the real worker against the scripted model
 * server, on a real-git rig. Outside traffic is caught: HTTP(S)_PROXY points at a recorder that refuses everything,
 * NO_PROXY lets 127.0.0.1 through to the model server.
 */
import { join } from "node:path";
import { expect } from "vitest";
import { parsePlan } from "../../src/core/plan.js";
import type { TaskSpec } from "../../src/core/task.js";
import type { WorkerResult } from "../../src/worker/index.js";
import { startModelServer, type ModelServer, type ServerMode } from "../model-server/server.js";
import { startProxyRecorder, type ProxyRecorder } from "../model-server/proxy-recorder.js";
import type { SlowStream } from "../model-server/slow.js";
import { QUESTION, WORK_FILE } from "../model-server/script.js";
import { makeRig, ROOT, spec, work, type Rig } from "./helpers.js";

export type RealAgent = "claude" | "gemini" | "codex";

/** The reason a task stopped by the worker's model-silence limit shows. */
export const MODEL_SILENT = /^the model produced nothing for \d+ s \(no tool was running; limit `model-silence-seconds`\)/;

export const MODELS: Record<RealAgent, string> = { claude: "opus", gemini: "gemini-2.5-pro", codex: "gpt-5-scripted" };

/** The variables that point each CLI at the server; keys are test values. */
export function serverEnv(agent: RealAgent, url: string): Record<string, string> {
  if (agent === "claude") return { ANTHROPIC_BASE_URL: url, ANTHROPIC_API_KEY: "sk-ant-test-key-0001" };
  if (agent === "gemini") return { GOOGLE_GEMINI_BASE_URL: url, GEMINI_API_KEY: "gemini-test-key-0001" };
  return { OPENAI_BASE_URL: `${url}/v1`, OPENAI_API_KEY: "sk-test-key-0001" };
}

export interface RealRun {
  rig: Rig;
  server: ModelServer;
  proxy: ProxyRecorder;
  branch: string;
  dir: string;
  started: number;
  result: WorkerResult;
  close(): Promise<void>;
}

export interface RealRunOptions {
  agent: RealAgent;
  mode?: ServerMode;
  /** Answer the question when it reaches the remote (default true in `script` mode). */
  answer?: string | null;
  inactivityMs?: number;
  modelSilenceMs?: number;
  /** `slow` mode: how the model's answer streams. */
  slow?: SlowStream;
  /** The server is closed before the run: its port refuses connections. */
  down?: boolean;
  spec?: Partial<TaskSpec>;
}

export async function realRun(opts: RealRunOptions): Promise<RealRun> {
  const rig = await makeRig();
  const server = await startModelServer({ mode: opts.mode ?? "script", ...(opts.slow ? { slow: opts.slow } : {}) });
  const proxy = await startProxyRecorder();
  if (opts.down) await server.close();
  const s = spec({ id: `real-${opts.agent}`, agent: opts.agent, model: MODELS[opts.agent], ...opts.spec });
  const branch = `dispatch/42/${s.id}`;
  const dir = `.dispatch/tasks/${s.id}`;
  const ws = await rig.workspace();
  const started = Date.now();
  const running = work(ws, {
    spec: s,
    questionTimeoutMs: 90_000,
    ...(opts.inactivityMs !== undefined ? { inactivityMs: opts.inactivityMs } : {}),
    ...(opts.modelSilenceMs !== undefined ? { modelSilenceMs: opts.modelSilenceMs } : {}),
    env: {
      PATH: [join(ROOT, "node_modules/.bin"), process.env["PATH"] ?? ""].join(":"),
      HOME: join(rig.root, "runner-home"),
      HTTP_PROXY: proxy.url,
      HTTPS_PROXY: proxy.url,
      http_proxy: proxy.url,
      https_proxy: proxy.url,
      NO_PROXY: "127.0.0.1,localhost",
      no_proxy: "127.0.0.1,localhost",
      // As in every Actions job (gemini hides variables from its shell tool when GITHUB_SHA is set).
      CI: "true",
      GITHUB_ACTIONS: "true",
      GITHUB_SHA: "0123456789abcdef0123456789abcdef01234567",
      TERM: "dumb",
      NO_COLOR: "1",
      ...serverEnv(opts.agent, server.url),
    },
  });
  const answer = opts.answer === undefined ? ((opts.mode ?? "script") === "script" ? "Yes, flag INFO logs too" : null) : opts.answer;
  if (answer !== null) {
    const answered = (async () => {
      await rig.until("question 001 on the remote", () => rig.show(branch, `${dir}/ipc/001.question`), 120_000);
      await rig.appCommit(branch, { [`${dir}/ipc/001.answer`]: `${answer}\n` }, `dispatch(${s.id}): answer 001`);
    })();
    // The run may end before a question (a failure): then there is nothing to answer.
    void answered.catch(() => undefined);
  }
  const result = await running;
  return {
    rig, server, proxy, branch, dir, started, result,
    async close() {
      if (!opts.down) await server.close();
      await proxy.close();
      await rig.cleanup();
    },
  };
}

/** What every successful scripted run shows, whatever the CLI. */
export function expectScriptedTaskDone(run: RealRun): void {
  const { rig, branch, dir, result } = run;
  expect(result.error, result.plan).toBeUndefined();
  expect(result.status).toBe("done");
  // Every item ticked by the agent's own shell tool (the scripted model adds its note to each).
  const final = parsePlan(rig.show(`${branch}~1`, `${dir}/plan.md`) ?? "");
  expect(final?.status).toBe("done");
  expect(final?.items.length).toBeGreaterThan(0);
  for (const item of final?.items ?? []) {
    expect(item.state).toBe("done");
    expect(item.note).toBe("checked by the scripted model");
  }
  // The question was pushed, the answer reached the model and came back in the agent's output and work.
  expect(rig.show(branch, `${dir}/ipc/001.question`) ?? rig.show(`${branch}~1`, `${dir}/ipc/001.question`)).toBe(`${QUESTION}\n`);
  expect(result.output).toBe("The maintainer answered: Yes, flag INFO logs too\n");
  expect(rig.show(branch, WORK_FILE)).toBe("Log levels to flag: Yes, flag INFO logs too\n");
  // Nothing but the model server was contacted.
  expect(run.proxy.attempts).toEqual([]);
  expect(run.server.requests.filter((r) => r.protocol === "other" && r.method !== "HEAD")).toEqual([]);
  expect(run.server.modelRequests().length).toBeGreaterThanOrEqual(4);
}
