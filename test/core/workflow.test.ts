import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { blockedForever, inputsPayloadSize, readyTasks, unblockedBy, workflowInputs as inputsOf, WORKFLOW_INPUTS_LIMIT, type WorkflowInputsOptions } from "../../src/core/workflow.js";
import type { TaskSpec } from "../../src/core/task.js";

const spec = (id: string, after: string[] = [], prompt = `do ${id}`): TaskSpec => ({
  id, title: prompt, prompt, model: "sonnet", agent: "claude", worktree: false, steps: [], after,
});

const settings = { branchPrefix: "dispatch/", questionTimeoutMinutes: 30 };
const workflowInputs = (options: Omit<WorkflowInputsOptions, keyof typeof settings> & Partial<typeof settings>) => inputsOf({ ...settings, ...options });

describe("workflowInputs", () => {
  it("carries the config keys the worker needs: branch_prefix and question_timeout_minutes", () => {
    const result = workflowInputs({ issue: 1, base: "main", comment: 1, tasks: [spec("a")], branchPrefix: "ai/", questionTimeoutMinutes: 5 });
    expect(result.ok && result.inputs).toMatchObject({ branch_prefix: "ai/", question_timeout_minutes: "5" });
  });

  it("gives the inputs as strings, tasks as a JSON array", () => {
    const result = workflowInputs({ issue: 42, base: "main", comment: 1234, tasks: [spec("a")] });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.inputs.issue).toBe("42");
    expect(result.inputs.base).toBe("main");
    expect(result.inputs.comment).toBe("1234");
    expect(JSON.parse(result.inputs.tasks)).toEqual([spec("a")]);
  });

  it("passes max_parallel only when the configuration sets it", () => {
    const plain = workflowInputs({ issue: 1, base: "main", comment: 1, tasks: [spec("a")] });
    const capped = workflowInputs({ issue: 1, base: "main", comment: 1, tasks: [spec("a")], maxParallel: 3 });
    expect(plain.ok && Object.keys(plain.inputs)).toEqual(["issue", "base", "comment", "tasks", "branch_prefix", "question_timeout_minutes"]);
    expect(capped.ok && capped.inputs.max_parallel).toBe("3");
  });

  it("refuses inputs over 65,535 characters with a message saying what to do", () => {
    const big = spec("a", [], "x".repeat(WORKFLOW_INPUTS_LIMIT));
    const result = workflowInputs({ issue: 1, base: "main", comment: 1, tasks: [big] });
    expect(result).toMatchObject({ ok: false });
    if (result.ok) return;
    expect(result.error).toContain("65,535");
    expect(result.error).toContain("split");
  });

  it("measures the payload as GitHub does: the inputs as JSON, the tasks' JSON escaped in it", () => {
    // Quotes and newlines in prompts double once the tasks' JSON is itself a JSON string: ~40,000 characters of
    // values can be a payload over 65,535.
    const quoted = (i: number) => spec(`t${i}`, [], `fix "the ${"\"bug\" ".repeat(200)}"\nnow`);
    const tasks = Array.from({ length: 14 }, (_, i) => quoted(i));
    const raw = JSON.stringify(tasks).length;
    expect(raw).toBeLessThan(WORKFLOW_INPUTS_LIMIT);
    const result = workflowInputs({ issue: 1, base: "main", comment: 1, tasks });
    expect(result.ok).toBe(false);
    fc.assert(
      fc.property(fc.array(fc.string({ maxLength: 3000 }), { minLength: 1, maxLength: 30 }), (prompts) => {
        const result = workflowInputs({ issue: 7, base: "main", comment: 9, tasks: prompts.map((p, i) => spec(`t${i}`, [], p)) });
        if (result.ok) expect(JSON.stringify(result.inputs).length).toBeLessThanOrEqual(WORKFLOW_INPUTS_LIMIT);
        else expect(result.error).toContain("65,535");
      }),
      { numRuns: 50 },
    );
  });

  it("accepts a payload exactly at the limit and refuses one character more", () => {
    const withPrompt = (n: number) => ({ ...spec("a"), title: "t", prompt: "x".repeat(n) });
    const empty = workflowInputs({ issue: 1, base: "main", comment: 1, tasks: [withPrompt(0)] });
    if (!empty.ok) throw new Error(empty.error);
    const overhead = inputsPayloadSize({ ...empty.inputs });
    const room = WORKFLOW_INPUTS_LIMIT - overhead;
    expect(workflowInputs({ issue: 1, base: "main", comment: 1, tasks: [withPrompt(room)] }).ok).toBe(true);
    expect(workflowInputs({ issue: 1, base: "main", comment: 1, tasks: [withPrompt(room + 1)] }).ok).toBe(false);
  });

  it("refuses an empty task list", () => {
    expect(workflowInputs({ issue: 1, base: "main", comment: 1, tasks: [] }).ok).toBe(false);
  });
});

describe("dependencies", () => {
  const tasks = [
    { id: "schema", after: [], status: "done" },
    { id: "queries", after: ["schema"], status: "queued" },
    { id: "docs", after: ["schema", "queries"], status: "queued" },
    { id: "lint", after: [], status: "running" },
  ];

  it("readyTasks: only those whose dependencies are done", () => {
    expect(readyTasks(tasks, new Set()).map((t) => t.id)).toEqual(["schema", "lint"]);
    expect(readyTasks(tasks, new Set(["schema"])).map((t) => t.id)).toEqual(["schema", "queries", "lint"]);
  });

  it("unblockedBy: the queued tasks whose last missing dependency just finished", () => {
    expect(unblockedBy(tasks, "schema").map((t) => t.id)).toEqual(["queries"]);
    const later = tasks.map((t) => (t.id === "queries" ? { ...t, status: "done" } : t));
    expect(unblockedBy(later, "queries").map((t) => t.id)).toEqual(["docs"]);
    expect(unblockedBy(tasks, "lint")).toEqual([]);
  });

  it("blockedForever: queued tasks behind a failed or cancelled one, directly or not", () => {
    const failed = tasks.map((t) => (t.id === "schema" ? { ...t, status: "failed" } : t));
    expect(blockedForever(failed).map((t) => t.id)).toEqual(["queries", "docs"]);
    expect(blockedForever(tasks)).toEqual([]);
  });
});
