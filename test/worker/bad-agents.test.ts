/**
 * Agents that misbehave (scripted shell agents): each run ends with a clear status and reason, the work the agent
 * wrote is on the branch, and the worker stays within its limits.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parsePlan } from "../../src/core/plan.js";
import { makeRig, work, type Rig } from "./helpers.js";

const BRANCH = "dispatch/42/security-review";
const PLAN = ".dispatch/tasks/security-review/plan.md";

let rig: Rig;
beforeEach(async () => {
  rig = await makeRig();
});
afterEach(async () => {
  await rig.cleanup();
});

/** The final plan (the commit before "remove bookkeeping"). */
function finalPlan() {
  return parsePlan(rig.show(`${BRANCH}~1`, PLAN) ?? "");
}

describe("bad agents", () => {
  it("exits 0 without ticking anything: failed, saying so, its work kept", async () => {
    const result = await work(await rig.workspace(), { agentCommand: `echo 'started' > kept.txt; echo 'all done!'; exit 0` });
    expect(result.status).toBe("failed");
    expect(result.error).toBe("the agent exited 0 before ticking every item");
    expect(finalPlan()?.status).toBe("failed");
    expect(finalPlan()?.items[0]?.state).toBe("error");
    expect(rig.show(BRANCH, "kept.txt")).toBe("started\n");
  });

  it("deletes plan.md: failed, saying so, the plan restored and its work kept", async () => {
    const result = await work(await rig.workspace(), { agentCommand: `echo 'half' > kept.txt; rm "$DISPATCH_PLAN"` });
    expect(result.status).toBe("failed");
    expect(result.error).toMatch(/^the agent deleted plan\.md/);
    expect(finalPlan()?.items.map((i) => i.text)).toEqual(["Scan for hardcoded secrets", "Review authentication logic", "Write a summary to output.md"]);
    expect(rig.show(BRANCH, "kept.txt")).toBe("half\n");
  });

  it("leaves a malformed checklist: failed, saying so, its work kept", async () => {
    const result = await work(await rig.workspace(), { agentCommand: `echo 'x' > kept.txt; printf 'no front matter\\n[x] not an item\\n' > "$DISPATCH_PLAN"` });
    expect(result.status).toBe("failed");
    expect(result.error).toMatch(/^the agent left plan\.md without a checklist dispatch can read/);
    expect(rig.show(BRANCH, "kept.txt")).toBe("x\n");
  });

  it("prints without end (one endless line, then endless lines): stopped at the output limit, its work kept", async () => {
    const result = await work(await rig.workspace(), {
      agentCommand: `echo 'before the flood' > kept.txt; head -c 3000000 /dev/zero | tr '\\0' x; yes 'spam spam spam'`,
      maxOutputBytes: 8_000_000,
    });
    expect(result.status).toBe("failed");
    expect(result.error).toMatch(/^the agent printed more than 8000000 bytes of output/);
    expect(rig.show(BRANCH, "kept.txt")).toBe("before the flood\n");
    // The failure report under the item holds cut lines, not megabytes.
    expect((rig.show(`${BRANCH}~1`, PLAN) ?? "").length).toBeLessThan(100_000);
  });
});
