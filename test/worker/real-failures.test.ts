/**
 * Real agent CLIs whose model server refuses, fails, is unreachable, never answers or says nothing: each task ends
 * `failed` with the reason, well within the 90 s each test allows (retries bounded by each CLI's own settings, and the
 * worker's inactivity limit for a server that never answers).
 */
import { describe, expect, it } from "vitest";
import { realRun, type RealAgent } from "./real-agent-rig.js";

const API: Record<RealAgent, string> = { claude: "the Anthropic API", gemini: "the Gemini API", codex: "the OpenAI API" };
const LIMIT = { timeout: 90_000 };

describe.each(["claude", "gemini", "codex"] as const)("real %s failing", (agent) => {
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

describe("real agents whose server says nothing", () => {
  it("a server that never answers: the worker's inactivity limit stops the agent", LIMIT, async () => {
    const run = await realRun({ agent: "claude", mode: "hang", inactivityMs: 20_000 });
    try {
      expect(run.result.status).toBe("failed");
      expect(run.result.error).toMatch(/^the agent produced no output for \d+ s/);
      expect(run.server.modelRequests().length).toBeGreaterThan(0);
    } finally {
      await run.close();
    }
  });

  it("a model that produces nothing: the task fails with its items unticked", LIMIT, async () => {
    const run = await realRun({ agent: "gemini", mode: "silent", inactivityMs: 60_000 });
    try {
      expect(run.result.status).toBe("failed");
      expect(run.result.error).toContain("before ticking every item");
    } finally {
      await run.close();
    }
  });
});
