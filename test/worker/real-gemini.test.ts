/** The real gemini CLI through the worker against the scripted model server. */
import { describe, expect, it } from "vitest";
import { USAGE } from "../model-server/server.js";
import { expectScriptedTaskDone, realRun } from "./real-agent-rig.js";

describe("real gemini", () => {
  it("ticks its checklist, asks, gets the answer into output.md, and reports its tokens", { timeout: 150_000 }, async () => {
    const run = await realRun({ agent: "gemini" });
    try {
      expectScriptedTaskDone(run);
      const turns = run.server.modelRequests().length;
      expect(run.result.usage?.input_tokens).toBe(USAGE.input * turns);
      expect(run.result.usage?.output_tokens).toBe(USAGE.output * turns);
      // Tokens only: this CLI reports no cost.
      expect(run.result.cost_usd).toBeUndefined();
    } finally {
      await run.close();
    }
  });

  it("fails with the reason when the API refuses the key", { timeout: 150_000 }, async () => {
    const run = await realRun({ agent: "gemini", mode: "refuse" });
    try {
      expect(run.result.status).toBe("failed");
      expect(run.result.error).toContain("the Gemini API refused the key (401)");
      expect(run.rig.show(`${run.branch}~1`, `${run.dir}/plan.md`)).toContain("the Gemini API refused the key (401)");
      expect(run.proxy.attempts).toEqual([]);
    } finally {
      await run.close();
    }
  });
});
