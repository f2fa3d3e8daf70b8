/** The app on workflow_job events and the commands on running tasks: cancel, retry, note, status. */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ipcPath, planPath } from "../../src/core/ipc.js";
import { harness, type Harness } from "./harness.js";
import { branchOf, ids, status, TWO } from "./thread-view.js";
import { files, RUN } from "./world.js";

let h: Harness;
afterEach(() => h.close());
const branch = (task: string) => branchOf(h, task);

describe("workflow_job", () => {
  beforeEach(async () => {
    h = await harness();
    await h.comment(TWO);
  });

  it("a job that failed before the worker recorded it marks the task failed with a link to its log", async () => {
    const [a, b] = ids(h);
    h.github.push(branch(a), files.plan(a)); // written by the job of run 9001 (RUN)
    await h.job(`#42 ${a}`, "failure", { runId: 9001 });
    await h.job(`caller / #42 ${b}`, "cancelled");
    const view = status(h);
    expect(view.tasks[0]!.status).toBe("failed");
    expect(view.tasks[0]!.error).toContain("https://github.com/acme/shop/actions/runs/9001/job/777");
    expect(view.tasks[1]!.status).toBe("cancelled");
  });

  it("a job of another run than the one the branch's plan names is an earlier attempt's: ignored", async () => {
    const [a] = ids(h);
    h.github.push(branch(a), files.plan(a)); // run 9001 works the task
    await h.job(`#42 ${a}`, "failure", { runId: 8999 });
    expect(status(h).tasks[0]!.status).toBe("running");
    await h.job(`#42 ${a}`, "cancelled", { runId: 9001 });
    expect(status(h).tasks[0]!.status).toBe("cancelled");
    expect(status(h).tasks[0]!.error).toContain("was cancelled before the task finished");
  });

  it("leaves a task the worker recorded as done to the push", async () => {
    const [a] = ids(h);
    h.github.push(branch(a), files.done(a, "ok"));
    await h.job(`#42 ${a}`, "failure");
    expect(status(h).tasks[0]!.status).toBe("done");
  });

  it("ignores jobs of other workflows", async () => {
    const before = h.github.requests.length;
    await h.job("linters", "failure");
    await h.job("linters", "success");
    expect(h.github.requests.length).toBe(before);
  });

  it("a successful job refreshes the status from the branch when its pushes never arrived", async () => {
    const [a, b] = ids(h);
    h.github.push(branch(a), files.plan(a));
    await h.push(branch(a));
    expect(status(h).tasks[0]!.status).toBe("running");
    h.github.push(branch(a), files.done(a, "all reviewed")); // the push webhook of this is lost
    await h.job(`#42 ${a}`, "success");
    expect(status(h).tasks[0]!.status).toBe("done");
    // A job that succeeded while its plan still says running did not finish the task: not left `working`.
    h.github.push(branch(b), files.plan(b));
    await h.job(`#42 ${b}`, "success", { runId: 9001 });
    expect(status(h).tasks[1]!.status).toBe("failed");
    expect(status(h).tasks[1]!.error).toContain("succeeded before the task finished");
  });
});

describe("commands on tasks", () => {
  beforeEach(async () => {
    h = await harness();
    await h.comment(TWO);
  });

  it("cancel <task> writes ipc/.cancel on its branch and marks it cancelled", async () => {
    const [a, b] = ids(h);
    h.github.push(branch(a), files.plan(a));
    h.github.push(branch(b), files.plan(b));
    await h.comment(`/dispatch cancel ${a}`);
    expect(h.github.head(branch(a)).has(".dispatch/tasks/" + a + "/ipc/.cancel")).toBe(true);
    expect(h.github.head(branch(b)).has(".dispatch/tasks/" + b + "/ipc/.cancel")).toBe(false);
    expect(h.github.cancelledRuns).toEqual([]);
    expect(status(h).tasks.map((t) => t.status)).toEqual(["cancelled", "running"]);
  });

  it("a cancel that meets a moving branch (409) is written again against the new head", async () => {
    const [a] = ids(h);
    h.github.push(branch(a), files.plan(a));
    h.github.fail("PUT", /\/ipc\/\.cancel$/, 409, { times: 4, message: "is at 1111 but expected 2222" });
    await h.comment(`/dispatch cancel ${a}`);
    expect(h.github.head(branch(a)).has(`.dispatch/tasks/${a}/ipc/.cancel`)).toBe(true);
    expect(status(h).tasks[0]!.status).toBe("cancelled");
  });

  it("a cancel that could not reach the worker says so and does not show the task cancelled", async () => {
    const [a] = ids(h);
    h.github.push(branch(a), files.plan(a));
    await h.push(branch(a));
    h.github.fail("PUT", /\/ipc\/\.cancel$/, 409, { times: 100, message: "is at 1111 but expected 2222" });
    await h.comment(`/dispatch cancel ${a}`);
    expect(h.github.head(branch(a)).has(`.dispatch/tasks/${a}/ipc/.cancel`)).toBe(false);
    expect(status(h).tasks[0]!.status).toBe("running");
    const reply = h.github.byApp().at(-1)!.body;
    expect(reply).toContain("could not reach");
    expect(reply).toContain(a);
  });

  it("cancel all also cancels the workflow run", async () => {
    const [a, b] = ids(h);
    h.github.push(branch(a), files.plan(a));
    h.github.push(branch(b), files.plan(b));
    await h.push(branch(a));
    await h.comment("/dispatch cancel all");
    expect(h.github.cancelledRuns).toEqual([9001]);
    expect(status(h).tasks.map((t) => t.status)).toEqual(["cancelled", "cancelled"]);
    await h.comment("/dispatch cancel all");
    expect(h.github.byApp().at(-1)!.body).toContain("already finished");
  });

  it("retry starts a failed task again and does not take the old run's plan for the new one", async () => {
    const [a] = ids(h);
    h.github.push(branch(a), files.plan(a, { status: "failed", items: [["Build", "error"]] }));
    await h.push(branch(a));
    await h.comment(`/dispatch retry ${a}`);
    expect(h.github.dispatches).toHaveLength(2);
    expect(JSON.parse(h.github.dispatches[1]!.inputs.tasks)).toEqual([expect.objectContaining({ id: a })]);
    expect(status(h).tasks[0]!.status).toBe("queued");
    await h.push(branch(a));
    expect(status(h).tasks[0]!.status).toBe("queued");
    h.github.push(branch(a), files.plan(a, { run: "https://github.com/acme/shop/actions/runs/9002" }));
    await h.push(branch(a));
    expect(status(h).tasks[0]!.status).toBe("running");
  });

  it("a late failure of the run before a retry does not mark the retried task failed", async () => {
    const [a] = ids(h);
    h.github.push(branch(a), files.plan(a, { status: "failed", items: [["Build", "error"]] }));
    await h.push(branch(a));
    await h.comment(`/dispatch retry ${a}`);
    expect(status(h).tasks[0]!.status).toBe("queued");
    await h.job(`#42 ${a}`, "failure", { runId: 9001 }); // the old run's job, delivered late
    expect(status(h).tasks[0]!.status).toBe("queued");
    await h.job(`#42 ${a}`, "failure", { runId: 9002 }); // the new run's job dies before its worker wrote anything
    expect(status(h).tasks[0]!.status).toBe("failed");
  });

  it("retry refuses a task that is still running", async () => {
    const [a] = ids(h);
    h.github.push(branch(a), files.plan(a));
    await h.push(branch(a));
    await h.comment(`/dispatch retry ${a}`);
    expect(h.github.dispatches).toHaveLength(1);
    expect(h.github.byApp().at(-1)!.body).toContain("only a failed or cancelled task");
  });

  it("note appends a Note line to the task's plan on its branch", async () => {
    const [a] = ids(h);
    h.github.push(branch(a), files.plan(a));
    const id = await h.comment(`/dispatch note ${a} the payments module is out of scope`);
    expect(h.github.head(branch(a)).get(planPath(a))).toContain("> **Note:** the payments module is out of scope");
    expect(h.github.reactions).toContainEqual({ comment: id, content: "+1" });
  });

  it("note on a task that has not started says so", async () => {
    await h.comment(`/dispatch note ${ids(h)[0]} hello`);
    expect(h.github.byApp().at(-1)!.body).toContain("has not started");
  });

  it("status re-reads the branches and links the status comment; status <task> shows its checklist", async () => {
    const [a] = ids(h);
    h.github.push(branch(a), files.plan(a, { items: [["Scan for secrets", "done"]] }));
    await h.comment("/dispatch status");
    const statusComment = h.github.byApp()[0]!;
    expect(h.github.byApp().at(-1)!.body).toContain(`#issuecomment-${statusComment.id}`);
    expect(status(h).tasks[0]!.items[0]!.text).toBe("Scan for secrets");
    await h.comment(`/dispatch status ${a}`);
    const reply = h.github.byApp().at(-1)!.body;
    expect(reply).toContain("Scan for secrets");
    // No hidden marker but the one naming the command it answers (core/reply.ts): nothing reads it as a status.
    expect(reply.replace(/\n\n<!-- dispatch:reply comment=\d+ -->$/, "")).not.toContain("<!-- dispatch:");
  });

  it("commands on a thread without a dispatch get a clear reply", async () => {
    await h.comment("/dispatch status", { issue: 7 });
    expect(h.github.byApp().at(-1)!.body).toContain("no dispatch on this thread");
  });
});
