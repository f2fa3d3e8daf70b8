/**
 * Shared pieces of the end-to-end scenarios (test/e2e/*.scenario.test.ts): a harness with a fast app, an agent
 * command that records what the agent could see before it runs the scripted agent, and readers of the final state
 * in the stand-in (git history of the bare repository, the status comment's visible lines).
 */
import { execa } from "execa";
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createApp } from "../../src/app/index.js";
import { SCRIPTED_AGENT, startHarness, type AgentScript, type Harness, type HarnessOptions } from "./harness.js";

/** The app as deployed (it trusts only its own comments), with a shorter gap between two status edits. */
export const fastApp = () => createApp({ appLogin: "dispatch", minGapMs: 300 });

/** Worker settings for instant agents: progress pushes coalesced to half a second instead of five. */
const FAST_STEP_INPUTS = { "push-interval-seconds": "0.5" };

export interface Scenario {
  harness: Harness;
  /** Where the agent-command wrapper left one `<task>-<pid>.json` per agent run. */
  probes: string;
  /** Every agent run so far: the environment and the repository git config the agent saw. */
  agentViews(): Promise<Array<{ task: string; env: Record<string, string>; gitConfig: string }>>;
  stop(): Promise<void>;
}

/**
 * A harness whose agent-command first records the agent's environment and the repository's git config (as the
 * agent in its worktree sees them: `git config --list --local`), then runs the scripted agent with `agents`.
 */
export async function startScenario(
  options: Omit<HarnessOptions, "agentCommand" | "agents"> & { agents: Record<string, AgentScript>; probe?: boolean },
): Promise<Scenario> {
  const { probe: recording = true, ...given } = options;
  // Without the probe: the harness's own scripted agent, as `npm run sandbox` and `npm run bench` run it.
  if (!recording) return plainScenario(given);
  const scratch = await mkdtemp(join(tmpdir(), "scenario-"));
  const probes = join(scratch, "probes");
  // The agent runs as its own user (dispatch-agent): it reads the scripts here and writes its probes.
  await chmod(scratch, 0o755);
  await mkdir(probes, { mode: 0o777 });
  await chmod(probes, 0o777);
  const script = join(scratch, "agents.json");
  const probe = join(scratch, "probe.mjs");
  await writeFile(script, JSON.stringify(given.agents, null, 2));
  await writeFile(
    probe,
    [
      'import { execFileSync } from "node:child_process";',
      'import { mkdirSync, writeFileSync } from "node:fs";',
      "const [dir] = process.argv.slice(2);",
      "mkdirSync(dir, { recursive: true });",
      'const gitConfig = execFileSync("git", ["config", "--list", "--local", "--show-origin"], { encoding: "utf8" });',
      'writeFileSync(`${dir}/${process.env.DISPATCH_TASK}-${process.pid}.json`, JSON.stringify({ task: process.env.DISPATCH_TASK, env: process.env, gitConfig }));',
      "",
    ].join("\n"),
  );
  const node = JSON.stringify(process.execPath);
  const agentCommand = `${node} ${JSON.stringify(probe)} ${JSON.stringify(probes)} && exec ${node} ${JSON.stringify(SCRIPTED_AGENT)} ${JSON.stringify(script)}`;
  const { agents: _agents, ...rest } = given;
  let harness: Harness;
  try {
    harness = await startHarness({ ...fast(rest), agentCommand });
  } catch (error) {
    await rm(scratch, { recursive: true, force: true });
    throw error;
  }
  return {
    harness,
    probes,
    agentViews: async () => {
      const names = await readdir(probes).catch(() => [] as string[]);
      return Promise.all(names.map(async (name) => JSON.parse(await readFile(join(probes, name), "utf8")) as { task: string; env: Record<string, string>; gitConfig: string }));
    },
    stop: async () => {
      await harness.stop();
      await rm(scratch, { recursive: true, force: true });
    },
  };
}

/** The harness options of every scenario: the fast app, fast worker steps, the log when E2E_VERBOSE=1. */
function fast(options: Omit<HarnessOptions, "agentCommand">): HarnessOptions {
  return {
    app: fastApp(),
    verbose: process.env["E2E_VERBOSE"] === "1",
    ...options,
    runner: { ...options.runner, stepInputs: { ...FAST_STEP_INPUTS, ...options.runner?.stepInputs } },
  };
}

async function plainScenario(options: Omit<HarnessOptions, "agentCommand">): Promise<Scenario> {
  const harness = await startHarness(fast(options));
  return { harness, probes: "", agentViews: async () => [], stop: () => harness.stop() };
}

/** Poll until `probe` returns a value (not undefined/null/false), or fail naming `what`. */
export async function until<T>(what: string, probe: () => T | undefined | null | false | Promise<T | undefined | null | false>, timeoutMs = 120_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== null && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** git in the stand-in's bare repository. */
export async function gitIn(harness: Harness, args: string[]): Promise<string> {
  const { stdout } = await execa("git", args, { cwd: harness.repo.dir });
  return stdout.trim();
}

/** Commit subjects of a branch, newest first. */
export async function subjects(harness: Harness, rev: string): Promise<string[]> {
  const out = await gitIn(harness, ["log", "--format=%s", rev]);
  return out ? out.split("\n") : [];
}

export async function isAncestor(harness: Harness, ancestor: string, descendant: string): Promise<boolean> {
  const result = await execa("git", ["merge-base", "--is-ancestor", ancestor, descendant], { cwd: harness.repo.dir, reject: false });
  return result.exitCode === 0;
}

/** Every blob and commit message ever pushed to the repository, as one text (to look for leaked secrets). */
export async function everythingInGit(harness: Harness): Promise<string> {
  return gitIn(harness, ["log", "--all", "--format=%H %an <%ae>%n%B", "-p", "--no-ext-diff", "--text"]);
}

/** The status comment as a person reads it: its lines without the hidden `<!-- … -->` ones. */
export function visibleLines(body: string): string[] {
  return body.split("\n").filter((line) => line.trim() !== "" && !/^\s*<!--.*-->\s*$/.test(line));
}

/** The item lines of the status comment (`&emsp;✓ …`), keyed by task id. */
export function itemLinesByTask(body: string): Map<string, string[]> {
  const items = new Map<string, string[]>();
  let current: string | null = null;
  for (const line of visibleLines(body)) {
    const head = /^● \*\*([a-z0-9-]+)\*\*/.exec(line);
    if (head) {
      current = head[1]!;
      items.set(current, []);
    } else if (current && line.startsWith("&emsp;")) {
      items.get(current)!.push(line.slice("&emsp;".length));
    }
  }
  return items;
}

/** The headline of one task in the status comment (`● **id** (model) — …`). */
export function headline(body: string, task: string): string {
  const line = visibleLines(body).find((l) => l.startsWith(`● **${task}**`));
  if (!line) throw new Error(`no headline for ${task} in:\n${body}`);
  return line;
}

/** The task ids of every workflow dispatch so far, one array per dispatch. */
export function dispatchedTasks(harness: Harness): string[][] {
  return harness.hub.dispatches.map((d) => (JSON.parse(d.inputs["tasks"] ?? "[]") as Array<{ id: string }>).map((t) => t.id));
}
