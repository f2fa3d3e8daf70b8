/**
 * Real agent CLIs whose model server never answers, answers with nothing, or streams a long answer: a silent model
 * ends the task `failed` with the reason once the worker's model-silence limit passes; a streaming one is not silence.
 * At the default limits: real-silence-defaults.test.ts.
 */
import { describe, expect, it } from "vitest";
import { MODEL_SILENT as SILENT, realRun } from "./real-agent-rig.js";

const LIMIT = { timeout: 150_000 };

describe("real agents whose server says nothing", () => {
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
