/**
 * The worker end to end on real git: a retry continues the branch; the app's note survives the agent's tick (replayed, never forced).
 */
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parsePlan } from "../../src/core/plan.js";
import { agent, git, spec, work } from "./helpers.js";
import { BRANCH, PLAN, useRig } from "./task-rig.js";

const rig = useRig();

describe("runWorker: retries and the app's commits on the task branch", () => {
  it("a retry continues the existing branch and keeps the ticked items", async () => {
    const ws = await rig().workspace();
    expect((await work(ws, { agentCommand: agent("failer") })).status).toBe("failed");
    const failedHead = git(rig().origin, "rev-parse", BRANCH).trim();

    const retry = await work(await rig().workspace(), { agentCommand: agent("ticker") });
    expect(retry.status).toBe("done");
    expect(git(rig().origin, "merge-base", "--is-ancestor", failedHead, BRANCH)).toBe("");
    expect(rig().show(BRANCH, "src/partial.txt")).toBe("half done\n");
    const final = parsePlan(rig().show(`${BRANCH}~1`, PLAN) ?? "");
    // The first item was ticked by the failed run (no note); the retry ticked the other two.
    expect(final?.items.map((i) => [i.state, i.note ?? null])).toEqual([
      ["done", null],
      ["done", "step 1"],
      ["done", "step 2"],
    ]);
  });

  it("keeps the app's note when it conflicts with the agent's tick (replayed, never forced)", async () => {
    const ws = await rig().workspace();
    const release = join(rig().root, "release");
    const running = work(ws, {
      spec: spec({ steps: ["Scan for hardcoded secrets", "Write a summary to output.md"] }),
      agentCommand: agent("ticker"),
      idleFetchIntervalMs: 60_000,
      env: { PATH: process.env["PATH"] ?? "", RELEASE: release },
    });
    const pushed = await rig().until("the first tick", () => {
      const text = rig().show(BRANCH, PLAN);
      return text && parsePlan(text)?.items[0]?.state === "done" ? text : null;
    });
    const note = `${pushed.trimEnd()}\n\n> **Note:** the payments module is out of scope\n`;
    const app = await rig().appCommit(BRANCH, { [PLAN]: note }, "dispatch(security-review): note");
    await writeFile(release, "");
    const result = await running;
    expect(result.status, result.error ?? "").toBe("done");
    const final = parsePlan(rig().show(`${BRANCH}~1`, PLAN) ?? "");
    expect(final?.notes).toEqual(["the payments module is out of scope"]);
    expect(final?.items.map((i) => i.state)).toEqual(["done", "done"]);
    expect(git(rig().origin, "merge-base", "--is-ancestor", app, BRANCH)).toBe("");
  });
});
