/**
 * The worker end to end on real git: cancelled by an abort signal or by ipc/.cancel, and a retry after a cancel.
 */
import { describe, expect, it } from "vitest";
import { parsePlan } from "../../src/core/plan.js";
import { agent, work } from "./helpers.js";
import { BRANCH, DIR, PLAN, useRig } from "./task-rig.js";

const rig = useRig();

describe("runWorker: cancelling", () => {
  it("cancels on abort: stops the agent (SIGKILL when it ignores SIGTERM) and pushes what exists", async () => {
    const ws = await rig().workspace();
    const controller = new AbortController();
    const running = work(ws, {
      agentCommand: agent("hanger"),
      signal: controller.signal,
      env: { PATH: process.env["PATH"] ?? "", IGNORE_TERM: "1" },
    });
    await rig().until("the first tick", () => parsePlan(rig().show(BRANCH, PLAN) ?? "")?.items[0]?.state === "done");
    controller.abort();
    const result = await running;
    expect(result.status).toBe("cancelled");
    expect(rig().log(BRANCH)[0]).toBe("dispatch(security-review): cancelled");
    expect(parsePlan(rig().show(BRANCH, PLAN) ?? "")?.status).toBe("cancelled");
    expect(rig().show(BRANCH, "src/started.txt")).toBe("started\n");
  });

  it("cancels when the app writes ipc/.cancel onto the branch", async () => {
    const ws = await rig().workspace();
    const running = work(ws, { agentCommand: agent("hanger") });
    await rig().until("the first tick", () => parsePlan(rig().show(BRANCH, PLAN) ?? "")?.items[0]?.state === "done");
    await rig().appCommit(BRANCH, { [`${DIR}/ipc/.cancel`]: "cancelled by @octocat\n" }, "dispatch(security-review): cancel");
    const result = await running;
    expect(result.status).toBe("cancelled");
    expect(parsePlan(rig().show(BRANCH, PLAN) ?? "")?.status).toBe("cancelled");
  });

  it("a retry of a cancelled task is not cancelled again by the old ipc/.cancel", async () => {
    const ws = await rig().workspace();
    const running = work(ws, { agentCommand: agent("hanger") });
    await rig().until("the first tick", () => parsePlan(rig().show(BRANCH, PLAN) ?? "")?.items[0]?.state === "done");
    await rig().appCommit(BRANCH, { [`${DIR}/ipc/.cancel`]: "cancelled by @octocat\n" }, "dispatch(security-review): cancel");
    expect((await running).status).toBe("cancelled");

    const retry = await work(await rig().workspace(), { agentCommand: agent("ticker") });
    expect(retry.status).toBe("done");
    expect(rig().show(`${BRANCH}~1`, `${DIR}/ipc/.cancel`)).toBeNull();
  });
});
