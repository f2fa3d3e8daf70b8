/** The real claude CLI through the worker against the scripted model server. */
import { describe, expect, it } from "vitest";
import { parsePlan } from "../../src/core/plan.js";
import { USAGE } from "../model-server/server.js";
import { expectScriptedTaskDone, realRun } from "./real-agent-rig.js";

describe("real claude", () => {
  it("ticks its checklist, asks, gets the answer into output.md, and reports tokens and cost", { timeout: 150_000 }, async () => {
    const run = await realRun({ agent: "claude" });
    try {
      expectScriptedTaskDone(run);
      const turns = run.server.modelRequests().length;
      expect(run.result.usage?.input_tokens).toBe(USAGE.input * turns);
      expect(run.result.usage?.output_tokens).toBe(USAGE.output * turns);
      expect(run.result.cost_usd).toBeGreaterThan(0);
      expect(parsePlan(run.rig.show(`${run.branch}~1`, `${run.dir}/plan.md`) ?? "")?.cost_usd).toBe(run.result.cost_usd);
    } finally {
      await run.close();
    }
  });

  it("fails with the reason when the API refuses the key", { timeout: 150_000 }, async () => {
    const run = await realRun({ agent: "claude", mode: "refuse" });
    try {
      expect(run.result.status).toBe("failed");
      expect(run.result.error).toContain("the Anthropic API refused the key (401)");
      expect(run.rig.show(`${run.branch}~1`, `${run.dir}/plan.md`)).toContain("the Anthropic API refused the key (401)");
      expect(run.proxy.attempts).toEqual([]);
    } finally {
      await run.close();
    }
  });
});
