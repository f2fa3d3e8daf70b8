/**
 * The local runner's reading of a workflow for the Actions mode: which events start it (`on:` with `types:`, lists,
 * `schedule`), and a job's `if:` evaluated before it is queued (with `vars`), on the repository's real workflow files.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { takes } from "./runner/runner.js";
import { planRun } from "./runner/workflow.js";
import { APP_WORKFLOW_FILE, WORKFLOW_FILE } from "./harness.js";

const appWorkflow = readFileSync(APP_WORKFLOW_FILE, "utf8");
const dispatchWorkflow = readFileSync(WORKFLOW_FILE, "utf8");
const inputs = { issue: "7", base: "main", comment: "99", tasks: JSON.stringify([{ id: "a", agent: "custom" }]), max_parallel: "20" };
const contexts = (vars: Record<string, string>, event: Record<string, unknown> = {}) => ({ inputs, github: { repository: "acme/shop", event, event_name: "workflow_dispatch" }, secrets: {}, env: {}, vars });

describe("which events start a workflow", () => {
  it("dispatch-app.yml takes comments created or edited, and its schedule; not deletions, pushes or jobs", () => {
    expect(takes(appWorkflow, "issue_comment", { action: "created" })).toBe(true);
    expect(takes(appWorkflow, "issue_comment", { action: "edited" })).toBe(true);
    expect(takes(appWorkflow, "issue_comment", { action: "deleted" })).toBe(false);
    expect(takes(appWorkflow, "schedule", {})).toBe(true);
    expect(takes(appWorkflow, "push", {})).toBe(false);
    expect(takes(appWorkflow, "workflow_job", { action: "completed" })).toBe(false);
    expect(takes(dispatchWorkflow, "issue_comment", { action: "created" })).toBe(false);
  });

  it("reads the short forms of on: too", () => {
    expect(takes("on: push\njobs: {}\n", "push", {})).toBe(true);
    expect(takes("on: [push, issue_comment]\njobs: {}\n", "issue_comment", { action: "created" })).toBe(true);
    expect(takes("on: [push]\njobs: {}\n", "issue_comment", {})).toBe(false);
    expect(takes("on: [\n", "push", {})).toBe(false);
  });
});

describe("a job's if:", () => {
  it("dispatch.yml's monitor runs only when the repository variable DISPATCH_MODE is actions", () => {
    const names = (vars: Record<string, string>) => planRun(dispatchWorkflow, contexts(vars)).jobs.map((job) => job.name);
    expect(names({})).toEqual(["#7 a"]);
    expect(names({ DISPATCH_MODE: "app" })).toEqual(["#7 a"]);
    expect(names({ DISPATCH_MODE: "actions" })).toEqual(["#7 a", "monitor #7"]);
    const monitor = planRun(dispatchWorkflow, contexts({ DISPATCH_MODE: "actions" })).jobs.find((job) => job.key === "monitor")!;
    expect(monitor.concurrency).toBe("dispatch-monitor-acme/shop-7-99");
  });

  it("dispatch-app.yml's app job skips a bot's comment and keys its concurrency on the thread", () => {
    const plan = (type: string) =>
      planRun(appWorkflow, { ...contexts({}, { issue: { number: 12 }, comment: { user: { type } } }), github: { event_name: "issue_comment", event: { issue: { number: 12 }, comment: { user: { type } } } } }).jobs;
    expect(plan("Bot")).toEqual([]);
    expect(plan("User").map((job) => [job.name, job.concurrency])).toEqual([["app #12", "dispatch-12"]]);
  });
});
