/**
 * Real agent CLIs whose model server refuses, fails, is unreachable, never answers or says nothing: each task ends
 * `failed` with the reason (retries bounded by each CLI's own settings). A server that never answers or a model that
 * says nothing: real-silence*.test.ts (separate files, so that vitest runs them beside this one). Each run has its own
 * repository, model server and proxy, so the runs of this file go side by side (`concurrent`: they mostly wait on
 * the CLIs' retries). The tests' timeouts only keep a loaded machine from failing a run that takes longer to start.
 */
import { describe, expect, it } from "vitest";
import { realRun, type RealAgent } from "./real-agent-rig.js";

const API: Record<RealAgent, string> = { claude: "the Anthropic API", gemini: "the Gemini API", codex: "the OpenAI API" };
const LIMIT = { timeout: 150_000 };

describe.concurrent.each(["claude", "gemini", "codex"] as const)("real %s failing", (agent) => {
  it("a failing server (500) ends the task failed, saying so", LIMIT, async () => {
    const run = await realRun({ agent, mode: "fail", inactivityMs: 60_000 });
    try {
      expect(run.result.status).toBe("failed");
      // claude and gemini name the status; codex only words it ("high demand").
      expect(run.result.error).toMatch(new RegExp(`^${API[agent]} failed \\((500|server error)\\)`));
      expect(run.proxy.attempts).toEqual([]);
    } finally {
      await run.close();
    }
  });

  it("a quota error (429) ends the task failed, saying so", LIMIT, async () => {
    const run = await realRun({ agent, mode: "quota", inactivityMs: 60_000 });
    try {
      expect(run.result.status).toBe("failed");
      // claude and gemini name the status; codex words it ("Quota exceeded").
      expect(run.result.error).toMatch(new RegExp(`^${API[agent]} refused the request: quota or rate limit( \\(429\\))?`));
    } finally {
      await run.close();
    }
  });

  it("an unreachable server ends the task failed, saying so", LIMIT, async () => {
    const run = await realRun({ agent, down: true, inactivityMs: 60_000 });
    try {
      expect(run.result.status).toBe("failed");
      expect(run.result.error).toContain(`${API[agent]} could not be reached`);
    } finally {
      await run.close();
    }
  });
});
