import { describe, expect, it } from "vitest";
import { TASK_STATUSES, type ItemState, type Plan, type PlanItem } from "../../src/core/plan.js";
import {
  dispatchFinished,
  findStatusCommand,
  isFinished,
  isStalePlan,
  queuedView,
  specOfView,
  statusMarker,
  taskViewFromPlan,
  type StatusView,
  type TaskView,
} from "../../src/core/status-view.js";
import type { TaskSpec } from "../../src/core/task.js";

const REPO = "https://github.com/acme/shop";

const items = (spec: Array<[ItemState, string]>): PlanItem[] => spec.map(([state, text]) => ({ text, state }));

describe("markers", () => {
  it("names the command comment and reads it back only at the top", () => {
    expect(statusMarker(1234)).toBe("<!-- dispatch:status comment=1234 -->");
    expect(findStatusCommand(`${statusMarker(99)}\nrest`)).toBe(99);
    expect(findStatusCommand(`\n  ${statusMarker(7)}`)).toBe(7);
    expect(findStatusCommand(`quoting: ${statusMarker(7)}`)).toBeNull();
    expect(findStatusCommand("<!-- dispatch:status comment=abc -->")).toBeNull();
    expect(findStatusCommand("")).toBeNull();
  });
});

describe("task views", () => {
  const spec: TaskSpec = {
    id: "db-migration",
    title: "database migration",
    prompt: "database migration: …",
    model: "sonnet",
    agent: "claude",
    worktree: false,
    steps: ["refactor schema to use UUIDs", "update all queries\n  to use UUIDs"],
    after: ["schema"],
  };

  it("queues a task with its steps", () => {
    expect(queuedView({ spec, branch: "dispatch/42/db-migration" })).toEqual({
      id: "db-migration",
      title: "database migration",
      model: "sonnet",
      agent: "claude",
      status: "queued",
      items: [
        { text: "refactor schema to use UUIDs", state: "pending" },
        { text: "update all queries to use UUIDs", state: "pending" },
      ],
      branch: "dispatch/42/db-migration",
      after: ["schema"],
      asked: [],
      spec: { prompt: "database migration: …", steps: ["refactor schema to use UUIDs", "update all queries\n  to use UUIDs"], worktree: false },
    });
    expect(specOfView(queuedView({ spec, branch: "b" }))).toEqual(spec);
  });

  const plan: Plan = {
    task: "db-migration",
    title: "Database migration",
    model: "opus",
    agent: "claude",
    issue: 42,
    status: "running",
    run: `${REPO}/actions/runs/5`,
    updated: "2026-01-01T00:00:00.000Z",
    cost_usd: 0.1,
    items: items([["done", "a"], ["pending", "b"]]),
    notes: [],
  };

  it("takes status, items, run and cost from the plan and keeps what only the app knows, title and model too", () => {
    const previous: TaskView = {
      ...queuedView({ spec, branch: "dispatch/42/db-migration" }),
      pr: { number: 3, url: `${REPO}/pull/3` },
      asked: [1],
      error: "old failure",
    };
    expect(taskViewFromPlan({ previous, plan, repoUrl: REPO })).toEqual({
      id: "db-migration",
      title: "database migration",
      model: "sonnet",
      agent: "claude",
      status: "running",
      items: plan.items,
      branch: "dispatch/42/db-migration",
      after: ["schema"],
      run: `${REPO}/actions/runs/5`,
      pr: { number: 3, url: `${REPO}/pull/3` },
      cost_usd: 0.1,
      asked: [1],
      spec: { prompt: "database migration: …", steps: ["refactor schema to use UUIDs", "update all queries\n  to use UUIDs"], worktree: false },
    });
  });

  it("keeps the previous run and cost when the plan has none, and explains a failure", () => {
    const previous: TaskView = { ...queuedView({ spec, branch: "b" }), run: "r", cost_usd: 2 };
    const failed: Plan = { ...plan, status: "failed", items: items([["error", "Run the migration"]]) };
    delete failed.run;
    delete failed.cost_usd;
    expect(taskViewFromPlan({ previous, plan: failed, repoUrl: REPO })).toMatchObject({
      status: "failed",
      run: "r",
      cost_usd: 2,
      error: "stopped at “Run the migration”",
    });
    expect(taskViewFromPlan({ previous: { ...previous, error: "job timed out" }, plan: failed, repoUrl: REPO }).error).toBe("job timed out");
  });

  it("knows finished tasks and finished dispatches", () => {
    const one = (status: TaskView["status"]): TaskView => ({ ...queuedView({ spec, branch: "dispatch/42/db-migration" }), status });
    expect(TASK_STATUSES.filter((status) => isFinished(one(status)))).toEqual([
      "done",
      "failed",
      "cancelled",
    ]);
    const view: StatusView = { command: 1, issue: 42, base: "main", repoUrl: REPO, tasks: [one("done"), one("running"), one("failed")] };
    expect(dispatchFinished(view)).toBe(false);
    expect(dispatchFinished({ ...view, tasks: view.tasks.filter(isFinished) })).toBe(true);
  });
});

describe("isStalePlan", () => {
  const task = (status: TaskView["status"], run?: string): TaskView => ({
    id: "a", title: "A", model: "sonnet", agent: "claude", status, items: [], branch: "dispatch/1/a", after: [], asked: [],
    ...(run ? { run } : {}),
  });
  const plan = (run?: string) => ({ run }) as Parameters<typeof isStalePlan>[1];
  it("takes a queued task's plan that still names the old run as stale, and nothing else", () => {
    expect(isStalePlan(task("queued", "r/1"), plan("r/1"))).toBe(true);
    expect(isStalePlan(task("queued", "r/1"), plan("r/2"))).toBe(false);
    expect(isStalePlan(task("running", "r/1"), plan("r/1"))).toBe(false);
    expect(isStalePlan(task("queued"), plan(undefined))).toBe(false);
  });
});
