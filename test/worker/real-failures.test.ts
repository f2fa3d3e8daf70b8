/**
 * Real agent CLIs whose model server refuses, fails, is unreachable, never answers or says nothing: each task ends
 * `failed` with the reason (retries bounded by each CLI's own settings, and the worker's model-silence limit for a
 * server that never answers). A long answer that streams is not silence. That the default settings end every CLI
 * within 90 s is proven on the settings (test/core/agent-silence.test.ts) and on claude at the defaults below; the
 * tests' timeouts only keep a loaded machine from failing a run that takes longer to start.
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

// Each test has its own repository, model server and proxy, and mostly waits: they run at the same time.
describe.concurrent("real agents whose server says nothing", () => {
  const SILENT = /^the model produced nothing for \d+ s \(no tool was running; limit `model-silence-seconds`\)/;

  // The default limits (model-silence 60 s; claude's own API_TIMEOUT_MS 25 s × 3 attempts): within 90 s.
  it("claude, a server that never answers, at the default limits: the model's silence stops it", { timeout: 150_000 }, async () => {
    const run = await realRun({ agent: "claude", mode: "hang" });
    try {
      expect(run.result.status).toBe("failed");
      expect(run.result.error).toMatch(SILENT);
      expect(run.server.modelRequests().length).toBeGreaterThan(0);
    } finally {
      await run.close();
    }
  });

  it.each(["gemini", "codex"] as const)("%s, a server that never answers: the model's silence stops it", LIMIT, async (agent) => {
    const run = await realRun({ agent, mode: "hang", modelSilenceMs: 10_000 });
    try {
      expect(run.result.status).toBe("failed");
      expect(run.result.error).toMatch(SILENT);
      expect(run.server.modelRequests().length).toBeGreaterThan(0);
    } finally {
      await run.close();
    }
  });

  // An answer streaming for 20 s, a piece a second, past a model limit of 15 s: each CLI shows every piece (claude's
  // partial messages, gemini's message lines, codex's event trace), so it is not taken for silence. The limit leaves
  // a CLI that starts slowly on a loaded machine (up to ~8 s measured) time for its first request.
  it.each(["claude", "gemini", "codex"] as const)("%s, a long answer streaming past the model's limit: not silence", LIMIT, async (agent) => {
    const run = await realRun({ agent, mode: "slow", slow: { pieces: 20, everyMs: 1000 }, modelSilenceMs: 15_000 });
    try {
      // The answer is text only: the items stay unticked, and that is the reason.
      expect(run.result.status).toBe("failed");
      expect(run.result.error).not.toMatch(/produced nothing|no output/);
      expect(run.result.error).toContain("before ticking every item");
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
