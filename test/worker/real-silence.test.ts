/**
 * Real agent CLIs whose model server never answers or answers with nothing: a silent model ends the task `failed`
 * with the reason once the worker's model-silence limit passes. A long answer streaming past the limit is not
 * silence: real-streaming.test.ts; the default limits: real-silence-defaults.test.ts (files of their own: they mostly
 * wait, and run beside the others). The runs of this file go side by side too (each its own repository and server).
 */
import { describe, expect, it } from "vitest";
import { MODEL_SILENT as SILENT, realRun } from "./real-agent-rig.js";

const LIMIT = { timeout: 150_000 };

describe.concurrent("real agents whose server says nothing", () => {
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
