/**
 * claude against a model server that never answers, at the DEFAULT limits (model-silence 60 s; claude's own
 * API_TIMEOUT_MS 25 s × 3 attempts): the task ends `failed` within the 90 s issue 11 asks for, the model's silence
 * named. That the defaults bound every CLI under 90 s is proven on the settings in test/core/agent-silence.test.ts.
 * A file of its own: it mostly waits, beside the other files.
 */
import { describe, expect, it } from "vitest";
import { MODEL_SILENT as SILENT, realRun } from "./real-agent-rig.js";

const LIMIT = { timeout: 150_000 };

describe("a real agent at the default limits", () => {
  // The default limits (model-silence 60 s; claude's own API_TIMEOUT_MS 25 s × 3 attempts): within 90 s.
  it("claude, a server that never answers, at the default limits: the model's silence stops it", LIMIT, async () => {
    const run = await realRun({ agent: "claude", mode: "hang" });
    try {
      expect(run.result.status).toBe("failed");
      expect(run.result.error).toMatch(SILENT);
      expect(run.server.modelRequests().length).toBeGreaterThan(0);
    } finally {
      await run.close();
    }
  });
});
