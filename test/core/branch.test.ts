import { describe, expect, it } from "vitest";
import { parseTaskBranch, taskBranch } from "../../src/core/branch.js";

describe("taskBranch / parseTaskBranch", () => {
  it("names a task's branch", () => {
    expect(taskBranch("dispatch/", 42, "security-review")).toBe("dispatch/42/security-review");
    expect(taskBranch("bots/d/", 7, "api-tests")).toBe("bots/d/7/api-tests");
  });

  it("makes a task's branch its dispatch's own: two dispatches with the same task id get two branches", () => {
    expect(taskBranch("dispatch/", 42, "fix", 2512345678)).toBe("dispatch/42/fix-15jsaby");
    expect(taskBranch("dispatch/", 42, "fix", 2512345678)).not.toBe(taskBranch("dispatch/", 42, "fix", 2512345679));
    expect(taskBranch("dispatch/", 42, "fix", 2512345678)).toBe(taskBranch("dispatch/", 42, "fix", 2512345678));
  });

  it("reads a branch or a ref back", () => {
    expect(parseTaskBranch("dispatch/", "dispatch/42/security-review")).toEqual({ issue: 42, task: "security-review" });
    expect(parseTaskBranch("dispatch/", "refs/heads/dispatch/42/api-tests")).toEqual({ issue: 42, task: "api-tests" });
    expect(parseTaskBranch("bots/d/", taskBranch("bots/d/", 7, "x"))).toEqual({ issue: 7, task: "x" });
  });

  it.each([
    "main",
    "refs/tags/dispatch/42/a",
    "dispatch/42",
    "dispatch/42/",
    "dispatch/0/a",
    "dispatch/-1/a",
    "dispatch/x/a",
    "dispatch/42/a/b",
    "dispatch/42/Not-An-Id",
    "dispatch/42/a--b",
    "dispatch/99999999999999999999/a",
    "other/42/a",
  ])("%j is not a task branch", (ref) => {
    expect(parseTaskBranch("dispatch/", ref)).toBeNull();
  });

  it("round-trips", () => {
    for (const [issue, task] of [[1, "a"], [123456, "update-readme"], [9, "x".repeat(40)]] as const) {
      expect(parseTaskBranch("dispatch/", taskBranch("dispatch/", issue, task))).toEqual({ issue, task });
    }
  });
});
