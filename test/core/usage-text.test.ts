import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { dispatchUsageText, usageText } from "../../src/core/usage-text.js";

describe("usageText", () => {
  it("shows dollars where reported and tokens always", () => {
    expect(usageText({ cost_usd: 0.028, tokens_in: 4800, tokens_out: 160 })).toBe("\\$0.03 · 4.8k tokens in, 160 out");
    expect(usageText({ tokens_in: 48_000, tokens_out: 1_600 })).toBe("48k tokens in, 1.6k out");
    expect(usageText({ tokens_in: 2_500_000, tokens_out: 0 })).toBe("2.5M tokens in, 0 out");
    expect(usageText({})).toBeNull();
  });
});

describe("dispatchUsageText", () => {
  it("adds up every task, saying how many report cost", () => {
    expect(dispatchUsageText([{ cost_usd: 0.02, tokens_in: 100, tokens_out: 10 }, { tokens_in: 200, tokens_out: 20 }, {}])).toBe(
      "Usage: \\$0.02 (1 of 3 tasks report cost) · 300 tokens in, 30 out",
    );
    expect(dispatchUsageText([{ cost_usd: 0.5 }, { cost_usd: 0.25 }])).toBe("Usage: \\$0.75");
    expect(dispatchUsageText([{}, {}])).toBeNull();
  });
  it("the total's tokens are the sum of the tasks'", () => {
    fc.assert(
      fc.property(fc.array(fc.record({ tokens_in: fc.nat(199), tokens_out: fc.nat(199) }), { minLength: 1, maxLength: 5 }), (tasks) => {
        const sum = tasks.reduce((s, t) => s + t.tokens_in, 0);
        return dispatchUsageText(tasks)!.includes(`${sum} tokens in`);
      }),
    );
  });
});
