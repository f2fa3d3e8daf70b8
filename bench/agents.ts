/**
 * `npm run bench:agents [-- --setup]`: the real agent CLIs against the scripted model server, per CLI:
 *   - start → first model request: the command line the worker runs, as the worker starts it (its HOME, settings)
 *   - whole scripted task: the real worker on real git (plan pushed, ticks, a question answered, output, final commits)
 *   - with --setup: the workflow's install step (`npm install --prefix` of the locked version, as dispatch.yml does),
 *     cold (empty npm cache) and cached (warm npm cache); this one downloads from the npm registry.
 * Prints one table; asserts nothing. BENCH_RUNS (default 3) runs of each, median shown. `npm run bench` runs the same
 * measures as its `agents` part (and the install with `--setup`).
 */
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { execa } from "execa";
import { agentCommand } from "../src/core/agent.js";
import { agentSettings } from "../src/core/agent-env.js";
import { prepareAgentHome } from "../src/worker/agent-home.js";
import { startModelServer } from "../test/model-server/server.js";
import { MODELS, realRun, serverEnv, type RealAgent } from "../test/worker/real-agent-rig.js";
import { ROOT } from "../test/worker/helpers.js";
import { printTable, type Figure } from "./app.js";

const AGENTS: RealAgent[] = ["claude", "gemini", "codex"];
const PACKAGES: Record<RealAgent, string> = { claude: "@anthropic-ai/claude-code", gemini: "@google/gemini-cli", codex: "@openai/codex" };
const RUNS = Math.max(1, Number(process.env["BENCH_RUNS"] ?? 3));

async function firstRequestMs(agent: RealAgent): Promise<number> {
  const server = await startModelServer({ mode: "silent" });
  const dir = await mkdtemp(join(tmpdir(), "bench-agent-"));
  try {
    const command = agentCommand({ agent, model: MODELS[agent], prompt: "say hello" });
    const env = { ...serverEnv(agent, server.url), PATH: process.env["PATH"] ?? "" };
    const home = await prepareAgentHome({ home: join(dir, "home"), agent, env });
    await execa("git", ["init", "-q", join(dir, "wt")]);
    const started = Date.now();
    await execa(join(ROOT, "node_modules/.bin", command.file), command.args, {
      cwd: join(dir, "wt"), env: { ...env, ...agentSettings(agent, env), ...home }, extendEnv: false, stdin: "ignore", reject: false, timeout: 120_000,
    });
    const first = server.modelRequests()[0];
    return first ? first.at - started : NaN;
  } finally {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  }
}

async function wholeTaskMs(agent: RealAgent): Promise<{ ms: number; ok: boolean }> {
  const started = Date.now();
  const run = await realRun({ agent });
  const ms = Date.now() - started;
  const ok = run.result.status === "done";
  await run.close();
  return { ms, ok };
}

async function setupMs(agent: RealAgent): Promise<{ cold: number; cached: number }> {
  const lock = JSON.parse(await readFile(join(ROOT, "package-lock.json"), "utf8")) as { packages: Record<string, { version: string }> };
  const name = PACKAGES[agent];
  const cli = { package: name, version: lock.packages[`node_modules/${name}`]!.version, scripts: agent === "claude" };
  const cache = await mkdtemp(join(tmpdir(), "bench-npm-cache-"));
  const once = async () => {
    const prefix = await mkdtemp(join(tmpdir(), "bench-cli-"));
    const started = Date.now();
    await execa("npm", ["install", "--prefix", prefix, "--no-audit", "--no-fund", "--no-save", "--cache", cache, ...(cli.scripts ? [] : ["--ignore-scripts"]), `${cli.package}@${cli.version}`]);
    const ms = Date.now() - started;
    await rm(prefix, { recursive: true, force: true });
    return ms;
  };
  try {
    const cold = await once();
    const cached = await once();
    return { cold, cached };
  } finally {
    await rm(cache, { recursive: true, force: true });
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
}

const seconds = (ms: number) => (Number.isFinite(ms) ? `${(ms / 1000).toFixed(1)} s` : "—");

/** One run of each CLI: start → first model request and the whole scripted task, as `npm run bench` figures. */
export async function measureAgentsOnce(): Promise<Figure[]> {
  const figures: Figure[] = [];
  for (const agent of AGENTS) {
    figures.push({ measure: `${agent}: start → first model request`, value: (await firstRequestMs(agent)) / 1000, unit: "s" });
    const task = await wholeTaskMs(agent);
    figures.push({ measure: `${agent}: whole scripted task through the worker`, value: task.ms / 1000, unit: "s" });
    figures.push({ measure: `${agent}: scripted task done`, value: task.ok ? 1 : 0, unit: "yes = 1" });
  }
  return figures;
}

/** The workflow's install step of each CLI, cold and with a warm npm cache (downloads from the registry). */
export async function measureSetupOnce(): Promise<Figure[]> {
  const figures: Figure[] = [];
  for (const agent of AGENTS) {
    const setup = await setupMs(agent);
    figures.push({ measure: `${agent}: install, cold npm cache`, value: setup.cold / 1000, unit: "s" });
    figures.push({ measure: `${agent}: install, warm npm cache`, value: setup.cached / 1000, unit: "s" });
  }
  return figures;
}

async function main(): Promise<void> {
  const withSetup = process.argv.includes("--setup");
  const rows = [["CLI", "start → first model request", "whole scripted task", "done", ...(withSetup ? ["install cold", "install cached"] : [])]];
  for (const agent of AGENTS) {
    const first: number[] = [];
    const whole: number[] = [];
    let done = 0;
    for (let i = 0; i < RUNS; i++) {
      first.push(await firstRequestMs(agent));
      const task = await wholeTaskMs(agent);
      whole.push(task.ms);
      if (task.ok) done++;
    }
    const setup = withSetup ? await setupMs(agent) : null;
    rows.push([agent, seconds(median(first)), seconds(median(whole)), `${done}/${RUNS}`, ...(setup ? [seconds(setup.cold), seconds(setup.cached)] : [])]);
  }
  console.log(`Real agent CLIs against the scripted model server, median of ${RUNS} run(s):`);
  printTable(rows);
}

// Run as `npm run bench:agents`; imported by bench/all.ts for `npm run bench`.
if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) await main();
