/**
 * Real agent CLIs whose model streams a long answer: an answer streaming for 20 s, a piece a second, past a model
 * limit of 15 s is not silence, because each CLI shows every piece (claude's partial messages, gemini's message
 * lines, codex's event trace). The limit leaves a CLI that starts slowly on a loaded machine (up to ~8 s measured)
 * time for its first request. The three runs go side by side (each its own repository and model server: they wait
 * on the stream). A silent server: real-silence.test.ts.
 */
import { describe, expect, it } from "vitest";
import { realRun } from "./real-agent-rig.js";

const LIMIT = { timeout: 150_000 };

describe.concurrent("real agents whose model streams a long answer", () => {
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
});
