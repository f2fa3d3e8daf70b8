/**
 * The worker end to end on real git: progress on the remote while the agent runs, the agent's own checklist, a failure, bad input.
 */
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parsePlan } from "../../src/core/plan.js";
import { agent, git, spec, work } from "./helpers.js";
import { BRANCH, DIR, PLAN, useRig } from "./task-rig.js";

const rig = useRig();

describe("runWorker: a task from plan to the finishing commits, and refusals of bad input", () => {
  it("shows progress on the remote while the agent runs, then makes the two finishing commits", async () => {
    const ws = await rig().workspace();
    const release = join(rig().root, "release");
    const running = work(ws, {
      agentCommand: agent("ticker"),
      runUrl: "https://github.com/acme/shop/actions/runs/123",
      env: { PATH: process.env["PATH"] ?? "", RELEASE: release },
    });

    // The plan is on the remote first, status running, with the run URL.
    const first = await rig().until("the plan", () => rig().show(BRANCH, PLAN));
    expect(parsePlan(first)).toMatchObject({ status: "running", run: "https://github.com/acme/shop/actions/runs/123", issue: 42 });
    // Then the first tick and the agent's work, while the agent is still waiting for `release`.
    const ticked = await rig().until("the first tick", () => {
      const text = rig().show(BRANCH, PLAN);
      return text && parsePlan(text)?.items[0]?.state === "done" ? text : null;
    });
    expect(parsePlan(ticked)?.items.map((i) => i.state)).toEqual(["done", "pending", "pending"]);
    expect(rig().show(BRANCH, "src/step-1.txt")).toBe("step 1\n");
    await writeFile(release, "");

    const result = await running;
    expect(result).toMatchObject({ status: "done", branch: BRANCH, pushed: true });
    expect(result.output).toBe("Did 3 steps.\n");

    // Head: no bookkeeping, the work kept. Its parent: the final plan, output.md and ipc/.done.
    expect(rig().log(BRANCH).slice(0, 2)).toEqual(["dispatch(security-review): remove bookkeeping", "dispatch(security-review): done"]);
    expect(rig().log(BRANCH)).toContain("dispatch(security-review): plan");
    expect(rig().show(BRANCH, PLAN)).toBeNull();
    expect(git(rig().origin, "ls-tree", "-r", "--name-only", BRANCH)).not.toContain(".dispatch");
    expect(rig().show(BRANCH, "src/step-3.txt")).toBe("step 3\n");
    const final = parsePlan(rig().show(`${BRANCH}~1`, PLAN) ?? "");
    expect(final?.status).toBe("done");
    expect(final?.items.every((i) => i.state === "done")).toBe(true);
    expect(rig().show(`${BRANCH}~1`, `${DIR}/output.md`)).toBe("Did 3 steps.\n");
    expect(rig().show(`${BRANCH}~1`, `${DIR}/ipc/.done`)).toBe("done\n");
    // The task branch starts from the base.
    expect(git(rig().origin, "merge-base", "--is-ancestor", "main", BRANCH)).toBe("");
  });

  it("lets the agent replace the starter checklist with its own items", async () => {
    const ws = await rig().workspace();
    const result = await work(ws, { spec: spec({ steps: [] }), agentCommand: agent("rewriter") });
    expect(result.status).toBe("done");
    const final = parsePlan(rig().show(`${BRANCH}~1`, PLAN) ?? "");
    expect(final?.items.map((i) => i.text)).toEqual(["Find the login handler", "Fix the session expiry bug", "Write a summary to output.md"]);
    expect(rig().show(BRANCH, "src/login.js")).toBe("export const expiry = 3600;\n");
    // The cost from a Claude stream-json result event is recorded.
    expect(result.cost_usd).toBe(0.42);
    expect(final?.cost_usd).toBe(0.42);
  });

  it("fails with the failing item marked and the last 20 lines of output under it", async () => {
    const ws = await rig().workspace();
    const result = await work(ws, { agentCommand: agent("failer") });
    expect(result.status).toBe("failed");
    expect(result.error).toBe("the agent exited with code 1");
    const final = parsePlan(rig().show(`${BRANCH}~1`, PLAN) ?? "");
    expect(final?.status).toBe("failed");
    expect(final?.items.map((i) => i.state)).toEqual(["done", "error", "pending"]);
    const reason = final?.items[1]?.reason ?? "";
    expect(reason).toContain("the agent exited with code 1");
    expect(reason).toContain("log line 30");
    expect(reason).toContain("fatal: the build broke");
    expect(reason).toContain("log line 12");
    expect(reason).not.toContain("log line 11\n");
    expect(rig().log(BRANCH).slice(0, 2)).toEqual(["dispatch(security-review): remove bookkeeping", "dispatch(security-review): done"]);
    expect(rig().show(BRANCH, "src/partial.txt")).toBe("half done\n");
  });

  it("refuses bad input with a clear answer", async () => {
    const ws = await rig().workspace();
    expect(await work(ws, { spec: spec({ id: "Not An Id" }) })).toMatchObject({ status: "failed", error: expect.stringContaining("not a task id") });
    expect(await work(ws, { spec: spec({ agent: "custom" }) })).toMatchObject({ status: "failed", error: expect.stringContaining("agent-command") });
    expect(await work(ws, { base: "no-such-branch", agentCommand: agent("ticker") })).toMatchObject({
      status: "failed",
      error: expect.stringContaining('the base branch "no-such-branch" does not exist'),
    });
  });
});
