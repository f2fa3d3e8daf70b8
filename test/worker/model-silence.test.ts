/**
 * The worker's two silence limits on an agent that speaks claude's stream-json (a scripted stand-in installed as
 * `claude` on the PATH, run by the real worker on real git): a tool run that prints nothing for longer than the model
 * limit is left alone, an answer that streams for longer than it too, and a model that says nothing is stopped with
 * the reason in the plan.
 */
import { chmod, mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parsePlan } from "../../src/core/plan.js";
import { ROOT, work } from "./helpers.js";
import { BRANCH, PLAN, useRig } from "./task-rig.js";

const rig = useRig();

/** A `claude` on the PATH that is the scripted stand-in; the environment the worker gets. */
async function fakeClaude(mode: string, ms: number): Promise<Record<string, string>> {
  const bin = join(rig().root, "fake-bin");
  await mkdir(bin, { recursive: true });
  const path = join(bin, "claude");
  await writeFile(path, `#!/bin/sh\nexec '${process.execPath}' '${join(ROOT, "test/worker/agents/stream-json.mjs")}'\n`);
  await chmod(path, 0o755);
  return { PATH: `${bin}:${process.env["PATH"] ?? ""}`, HOME: join(rig().root, "home"), ANTHROPIC_API_KEY: "sk-ant-test-0001", FAKE_MODE: mode, FAKE_MS: String(ms) };
}

describe("runWorker: the model's silence and a tool's", () => {
  it("leaves a tool run alone that prints nothing for longer than the model limit", async () => {
    const ws = await rig().workspace();
    // The tool prints nothing for 3 s; the model limit is 1 s, the inactivity limit (for tools) 60 s.
    const env = await fakeClaude("long-tool", 3000);
    const result = await work(ws, { env, agentVariables: ["FAKE_MODE", "FAKE_MS"], modelSilenceMs: 1000, inactivityMs: 60_000 });
    expect(result.error).toBeUndefined();
    expect(result.status).toBe("done");
    expect(parsePlan(rig().show(`${BRANCH}~1`, PLAN) ?? "")?.items.every((i) => i.state === "done")).toBe(true);
  });

  it("leaves an answer alone that streams for longer than the model limit", async () => {
    const ws = await rig().workspace();
    const env = await fakeClaude("streaming", 4000);
    const result = await work(ws, { env, agentVariables: ["FAKE_MODE", "FAKE_MS"], modelSilenceMs: 2000, inactivityMs: 60_000 });
    expect(result.error).toBeUndefined();
    expect(result.status).toBe("done");
  });

  it("stops a model that produces nothing while no tool runs, saying so in the plan", async () => {
    const ws = await rig().workspace();
    const env = await fakeClaude("silent", 0);
    const result = await work(ws, { env, agentVariables: ["FAKE_MODE", "FAKE_MS"], modelSilenceMs: 1000, inactivityMs: 60_000 });
    expect(result.status).toBe("failed");
    expect(result.error).toMatch(/^the model produced nothing for \d+ s \(no tool was running; limit `model-silence-seconds`\)/);
    const final = parsePlan(rig().show(`${BRANCH}~1`, PLAN) ?? "");
    expect(final?.status).toBe("failed");
    expect(JSON.stringify(final)).toContain("the model produced nothing for");
  });

  it("an agent-command's output has no known format: only the inactivity limit applies to it", async () => {
    const ws = await rig().workspace();
    // The scripted hanger ticks an item, prints a line, then nothing: stopped by the inactivity limit, not the model's.
    const result = await work(ws, { agentCommand: `'${process.execPath}' '${join(ROOT, "test/worker/agents/hanger.mjs")}'`, modelSilenceMs: 500, inactivityMs: 1500 });
    expect(result.status).toBe("failed");
    expect(result.error).toMatch(/^the agent produced no output for \d+ s \(limit `agent-inactivity-seconds`\)/);
  });
});
