import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { COMMENT_LIMIT, type StatusView } from "../../src/core/status-view.js";
import { parseStatus } from "../../src/core/status-read.js";
import { parseQuestionComment } from "../../src/core/question.js";
import { ipcPath, planPath } from "../../src/core/ipc.js";
import { harness, type Harness } from "./harness.js";
import { files, RUN } from "./world.js";

let h: Harness;
afterEach(() => h.close());

const TWO = "/dispatch two things:\n1. use opus to review the auth module\n2. use sonnet to write the api tests";

function status(h: Harness): StatusView {
  const found = h.github.byApp().find((c) => c.body.startsWith("<!-- dispatch:status"));
  return parseStatus(found!.body)!;
}
const ids = (h: Harness) => status(h).tasks.map((t) => t.id) as [string, string];
/** The task's branch as the status comment names it (`dispatch/42/<task>-<dispatch>`). */
const branch = (task: string) => status(h).tasks.find((t) => t.id === task)!.branch;
const questions = (h: Harness) => h.github.byApp().flatMap((c) => (parseQuestionComment(c.body) ? [parseQuestionComment(c.body)!] : []));

describe("progress", () => {
  beforeEach(async () => {
    h = await harness();
    await h.comment(TWO);
  });

  it("a push re-renders the status from the task's plan", async () => {
    const [a] = ids(h);
    h.github.push(branch(a), files.plan(a, { items: [["Scan for secrets", "done"], ["Audit SQL", "pending"]] }));
    await h.push(branch(a));
    const task = status(h).tasks[0]!;
    expect(task.status).toBe("running");
    expect(task.items.map((i) => [i.text, i.state])).toEqual([["Scan for secrets", "done"], ["Audit SQL", "pending"]]);
    expect(task.run).toBe(RUN);
  });

  it("a progress event costs at most 3 requests, whatever the number of tasks", async () => {
    const [a, b] = ids(h);
    h.github.push(branch(a), files.plan(a));
    h.github.push(branch(b), files.plan(b));
    const before = h.github.requests.length;
    await h.push(branch(a));
    expect(h.github.requests.length - before).toBeLessThanOrEqual(3);
    expect(h.github.requests.slice(before).map((r) => `${r.method} ${r.path}`)).toEqual([
      "POST /graphql",
      "POST /graphql",
      expect.stringMatching(/^PATCH \/repos\/acme\/shop\/issues\/comments\/\d+$/),
    ]);
  });

  it("ignores pushes to other branches and deleted branches without a request", async () => {
    const before = h.github.requests.length;
    await h.push("main");
    await h.push("feature/login");
    await h.push(branch(ids(h)[0]), { deleted: true });
    expect(h.github.requests.length).toBe(before);
  });

  it("posts a question once, also when pushes are redelivered or arrive out of order", async () => {
    const [a] = ids(h);
    h.github.push(branch(a), { ...files.plan(a, { items: [["Decide on INFO logs", "question"]] }), ...files.question(a, 1, "Should I flag INFO level logs?") });
    await h.push(branch(a), { delivery: "p1" });
    await h.push(branch(a), { delivery: "p1" });
    await Promise.all([h.push(branch(a)), h.push(branch(a))]);
    expect(questions(h)).toEqual([{ task: a, seq: 1 }]);
    const question = h.github.byApp().find((c) => parseQuestionComment(c.body))!;
    expect(question.body).toContain("Should I flag INFO level logs?");
    expect(status(h).tasks[0]!.asked).toEqual([1]);
  });

  it("a task blocked on a question shows ❓ with a link to the question until it is answered", async () => {
    const [a] = ids(h);
    const body = () => h.github.byApp().find((c) => c.body.startsWith("<!-- dispatch:status"))!.body;
    const headline = () => body().split("\n").find((l) => l.startsWith(`● **${a}**`))!;
    h.github.push(branch(a), { ...files.plan(a, { items: [["Scan for secrets", "done"], ["Audit SQL", "pending"]] }), ...files.question(a, 1, "Flag INFO logs?") });
    await h.push(branch(a));
    const question = h.github.byApp().find((c) => parseQuestionComment(c.body))!;
    expect(status(h).tasks[0]!.question).toEqual({ seq: 1, comment: question.id });
    expect(headline()).toContain(`— ❓ [waiting for your answer](${status(h).repoUrl}/issues/42#issuecomment-${question.id})`);
    expect(body()).toContain("&emsp;❓ Audit SQL (waiting for your answer)");
    expect(body()).not.toContain("(in progress)");

    await h.comment(`/dispatch answer ${a} yes, flag them`);
    expect(h.github.head(branch(a)).get(ipcPath(a, 1, "answer"))).toBe("yes, flag them\n");
    expect(status(h).tasks[0]!.question).toBeUndefined();
    expect(headline()).toContain("— 1/2 items complete");
    expect(body()).toContain("&emsp;⋯ Audit SQL (in progress)");

    // The next question links its own comment.
    h.github.push(branch(a), files.question(a, 2, "And DEBUG logs?"));
    await h.push(branch(a));
    const second = h.github.byApp().filter((c) => parseQuestionComment(c.body)).at(-1)!;
    expect(second.id).not.toBe(question.id);
    expect(status(h).tasks[0]!.question).toEqual({ seq: 2, comment: second.id });
    expect(headline()).toContain(`#issuecomment-${second.id})`);
  });

  it("routes answers to the right task when two tasks have questions pending", async () => {
    const [a, b] = ids(h);
    h.github.push(branch(a), { ...files.plan(a), ...files.question(a, 1, "Flag INFO logs?") });
    h.github.push(branch(b), { ...files.plan(b), ...files.question(b, 1, "Use vitest?"), ...files.question(b, 2, "Mock the DB?") });
    await h.push(branch(a));
    await h.push(branch(b));
    expect(questions(h)).toHaveLength(3);
    const id = await h.comment(`/dispatch answer ${b} yes, vitest`);
    expect(h.github.head(branch(b)).get(ipcPath(b, 1, "answer"))).toBe("yes, vitest\n");
    expect(h.github.head(branch(a)).get(ipcPath(a, 1, "answer"))).toBeUndefined();
    expect(h.github.reactions).toContainEqual({ comment: id, content: "+1" });
    // a quote reply of b's second question
    const second = h.github.byApp().find((c) => parseQuestionComment(c.body)?.task === b && parseQuestionComment(c.body)?.seq === 2)!;
    const quoted = second.body.split("\n").map((line) => `> ${line}`).join("\n");
    await h.comment(`${quoted}\n\nno, use the real one`);
    expect(h.github.head(branch(b)).get(ipcPath(b, 2, "answer"))).toBe("no, use the real one\n");
    await h.comment(`/dispatch answer ${a} yes`);
    expect(h.github.head(branch(a)).get(ipcPath(a, 1, "answer"))).toBe("yes\n");
    // nothing left to answer
    await h.comment(`/dispatch answer ${a} again`);
    expect(h.github.byApp().at(-1)!.body).toContain("already answered");
  });

  it("writes an answer once when the same answer is delivered twice", async () => {
    const [a] = ids(h);
    h.github.push(branch(a), { ...files.plan(a), ...files.question(a, 1, "Q1?"), ...files.question(a, 2, "Q2?") });
    await h.push(branch(a));
    const id = await h.comment(`/dispatch answer ${a} yes`, { delivery: "ans" });
    await h.comment(`/dispatch answer ${a} yes`, { delivery: "ans", id });
    expect(h.github.head(branch(a)).get(ipcPath(a, 2, "answer"))).toBeUndefined();
  });

  it("an answer written while the worker pushes (409, the branch moved) is written again against the new head", async () => {
    const [a] = ids(h);
    h.github.push(branch(a), { ...files.plan(a), ...files.question(a, 1, "Q1?") });
    await h.push(branch(a));
    h.github.fail("PUT", /\/ipc\/001\.answer$/, 409, { times: 4, message: "is at 1111 but expected 2222" });
    const id = await h.comment(`/dispatch answer ${a} yes`);
    expect(h.github.head(branch(a)).get(ipcPath(a, 1, "answer"))).toBe("yes\n");
    expect(h.github.reactions).toContainEqual({ comment: id, content: "+1" });
    expect(h.github.byApp().some((c) => c.body.includes("could not be written"))).toBe(false);
  });

  it("the same words from a second comment answer the next question", async () => {
    const [a] = ids(h);
    h.github.push(branch(a), { ...files.plan(a), ...files.question(a, 1, "Q1?"), ...files.question(a, 2, "Q2?") });
    await h.push(branch(a));
    await h.comment(`/dispatch answer ${a} yes`);
    await h.comment(`/dispatch answer ${a} yes`);
    expect(h.github.head(branch(a)).get(ipcPath(a, 1, "answer"))).toBe("yes\n");
    expect(h.github.head(branch(a)).get(ipcPath(a, 2, "answer"))).toBe("yes\n");
  });

  it("an answer for an unknown task, or a task with no question, gets a clear reply", async () => {
    await h.comment("/dispatch answer nosuch yes");
    expect(h.github.byApp().at(-1)!.body).toContain("no task `nosuch`");
    const [a] = ids(h);
    h.github.push(branch(a), files.plan(a));
    await h.comment(`/dispatch answer ${a} yes`);
    expect(h.github.byApp().at(-1)!.body).toContain("no question");
  });

  it("answering a waiting task dispatches it again, alone, from its base", async () => {
    const [a] = ids(h);
    h.github.push(branch(a), { ...files.plan(a, { status: "waiting", items: [["Decide", "question"]] }), ...files.question(a, 1, "Which DB?") });
    await h.push(branch(a));
    await h.comment(`/dispatch answer ${a} postgres`);
    expect(h.github.dispatches).toHaveLength(2);
    const again = h.github.dispatches[1]!;
    expect(again.inputs.base).toBe("main");
    expect(JSON.parse(again.inputs.tasks).map((t: { id: string }) => t.id)).toEqual([a]);
  });

  it("a task done with changes gets a pull request; one without changes gets its output as a reply", async () => {
    const [a, b] = ids(h);
    h.github.push(branch(a), { ...files.done(a, "Found two issues."), "src/auth.ts": "fixed\n" });
    h.github.push(branch(a), files.removeBookkeeping());
    h.github.push(branch(b), files.done(b, "Nothing to change: the tests exist."));
    h.github.push(branch(b), files.removeBookkeeping());
    await h.push(branch(a));
    await h.push(branch(b));
    expect(h.github.pulls).toEqual([expect.objectContaining({ head: branch(a), base: "main" })]);
    expect(h.github.pulls[0]!.body).toContain("Found two issues.");
    const view = status(h);
    expect(view.tasks[0]!.status).toBe("done");
    expect(view.tasks[0]!.pr?.number).toBe(h.github.pulls[0]!.number);
    expect(view.tasks[1]!.status).toBe("done");
    expect(h.github.byApp().some((c) => c.body.includes("Nothing to change: the tests exist."))).toBe(true);
    // finished tasks are not read again, and not delivered twice
    await h.push(branch(a));
    expect(h.github.pulls).toHaveLength(1);
  });

  it("a PR create GitHub applied but answered 502 to is found, not retried; a question likewise is posted once", async () => {
    const [a, b] = ids(h);
    h.github.push(branch(b), files.question(b, 1, "Which framework?"));
    h.github.fail("POST", /\/issues\/42\/comments$/, 502, { message: "Bad Gateway", applied: true });
    await h.push(branch(b));
    expect(questions(h)).toEqual([{ task: b, seq: 1 }]);
    expect(h.github.count("POST", /\/issues\/42\/comments$/)).toBe(2); // the status, the question once
    h.github.push(branch(a), { ...files.done(a, "Found two issues."), "src/auth.ts": "fixed\n" });
    h.github.push(branch(a), files.removeBookkeeping());
    h.github.fail("POST", /\/pulls$/, 502, { message: "Bad Gateway", applied: true });
    await h.push(branch(a));
    expect(h.github.count("POST", /\/pulls$/)).toBe(1);
    expect(h.github.pulls).toHaveLength(1);
    expect(status(h).tasks[0]!.pr?.number).toBe(h.github.pulls[0]!.number);
  });

  it("a burst of concurrent, out-of-order pushes ends in the latest state, with fewer edits than pushes", async () => {
    const [a, b] = ids(h);
    const statusComment = h.github.byApp()[0]!;
    const pushes: Array<Promise<void>> = [];
    for (let i = 1; i <= 20; i++) {
      const task = i % 2 ? a : b;
      h.github.push(branch(task), files.plan(task, { items: Array.from({ length: 20 }, (_, k) => [`step ${k}`, k < i ? "done" : "pending"] as [string, "done" | "pending"]) }));
    }
    for (let i = 0; i < 20; i++) pushes.push(h.push(branch(i % 3 ? a : b)));
    await Promise.all(pushes.reverse());
    await h.app.idle();
    const view = status(h);
    expect(view.tasks[0]!.items.filter((x) => x.state === "done")).toHaveLength(19);
    expect(view.tasks[1]!.items.filter((x) => x.state === "done")).toHaveLength(20);
    expect(statusComment.edits).toBeLessThan(20);
  });
});

describe("dependents", () => {
  /** Two tasks, the second after the first; the first's branch done with a change (not yet pushed to the app). */
  async function firstOfTwoDone(): Promise<[string, string]> {
    await h.comment("/dispatch two tasks:\n1. add the orders table\n2. (after 1) add the orders API");
    const [first, second] = ids(h);
    h.github.push(branch(first), { ...files.done(first, "Table added."), "db/orders.sql": "create table orders;\n" });
    h.github.push(branch(first), files.removeBookkeeping());
    return [first, second];
  }

  it("when a task is done, the tasks waiting for it start from its branch", async () => {
    h = await harness();
    const [first, second] = await firstOfTwoDone();
    await h.push(branch(first));
    expect(h.github.dispatches).toHaveLength(2);
    const next = h.github.dispatches[1]!;
    expect(next.inputs.base).toBe(branch(first));
    expect(JSON.parse(next.inputs.tasks)).toEqual([expect.objectContaining({ id: second, after: [first] })]);
    expect(status(h).tasks[1]!.status).toBe("queued");
    // Claimed by creating its branch, at the head of the branch it starts from.
    expect(h.github.createdRefs).toEqual([branch(second)]);
    expect(h.github.head(branch(second)).get("db/orders.sql")).toBe("create table orders;\n");
  });

  it("a dependent another refresh has claimed (its branch is there) is not started again", async () => {
    h = await harness();
    const [first, second] = await firstOfTwoDone();
    // The other refresh (a monitor, another instance) saw the same push first and made the branch.
    h.github.branches.set(branch(second), [new Map(h.github.head(branch(first)))]);
    await h.push(branch(first));
    expect(h.github.dispatches).toHaveLength(1);
    expect(h.github.count("POST", /\/git\/refs$/)).toBe(1);
    const view = status(h);
    expect(view.tasks[0]!.status).toBe("done");
    expect(view.tasks[1]!.status).toBe("queued");
  });

  it("two instances with no shared queue that both see the task finish start its dependent once", async () => {
    h = await harness({ instances: 2 });
    const [first, second] = await firstOfTwoDone();
    // The same push reaches both at once (each remembers only its own deliveries): two overlapping refreshes.
    await h.push(branch(first), { delivery: "both", to: [0, 1] });
    expect(h.github.count("POST", /\/git\/refs$/)).toBe(2);
    expect(h.github.createdRefs).toEqual([branch(second)]);
    expect(h.github.dispatches).toHaveLength(2);
    expect(h.github.pulls).toHaveLength(1);
  });

  it("a dependent whose start fails gives its branch back and says why", async () => {
    h = await harness();
    const [first, second] = await firstOfTwoDone();
    h.github.workflows.delete("dispatch.yml");
    await h.push(branch(first));
    expect(h.github.dispatches).toHaveLength(1);
    expect(h.github.createdRefs).toEqual([branch(second)]);
    expect(h.github.deletedRefs).toEqual([branch(second)]);
    expect(h.github.branches.has(branch(second))).toBe(false);
    const view = status(h);
    expect(view.tasks[1]!.status).toBe("failed");
    expect(view.tasks[1]!.error).toContain("could not be started");
  });

  it("starts a dependent with the spec recorded at the dispatch, not the /dispatch comment as edited since", async () => {
    h = await harness();
    const command = await h.comment("/dispatch two tasks:\n1. add the orders table\n2. (after 1) add the orders API with paging");
    const [first, second] = ids(h);
    h.github.comments.find((c) => c.id === command)!.body = "/dispatch two tasks:\n1. add the orders table\n2. (after 1) add the orders API and email every customer";
    h.github.push(branch(first), { ...files.done(first, "Table added."), "db/orders.sql": "create table orders;\n" });
    h.github.push(branch(first), files.removeBookkeeping());
    await h.push(branch(first));
    const [spec] = JSON.parse(h.github.dispatches[1]!.inputs.tasks) as Array<{ id: string; prompt: string }>;
    expect(spec!.id).toBe(second);
    expect(spec!.prompt).toContain("paging");
    expect(spec!.prompt).not.toContain("email");
  });

  it("a task waiting for two that finish in the same refresh starts once, from the last one it names", async () => {
    h = await harness();
    await h.comment("/dispatch three tasks:\n1. add the orders table\n2. add the users table\n3. (after 1) (after 2) join orders and users");
    const [first, second, third] = status(h).tasks.map((t) => t.id) as [string, string, string];
    for (const task of [first, second]) {
      h.github.push(branch(task), { ...files.done(task, "Added."), [`db/${task}.sql`]: "create table t;\n" });
      h.github.push(branch(task), files.removeBookkeeping());
    }
    await h.push(branch(first));
    expect(h.github.dispatches).toHaveLength(2);
    const next = h.github.dispatches[1]!;
    expect(next.inputs.base).toBe(branch(second));
    expect(JSON.parse(next.inputs.tasks)).toEqual([expect.objectContaining({ id: third, after: [first, second] })]);
  });

  it("a task waiting for a failed one is marked as never started", async () => {
    h = await harness();
    await h.comment("/dispatch two tasks:\n1. add the orders table\n2. (after 1) add the orders API");
    const [first, second] = ids(h);
    h.github.push(branch(first), files.plan(first, { status: "failed", items: [["Migrate", "error"]] }));
    await h.push(branch(first));
    const view = status(h);
    expect(view.tasks[0]!.status).toBe("failed");
    expect(view.tasks[1]!.status).toBe("cancelled");
    expect(view.tasks[1]!.error).toContain(first);
    expect(h.github.dispatches).toHaveLength(1);
    void second;
  });
});

describe("limits", () => {
  it("a status that would exceed 65,536 characters is shortened, never refused", async () => {
    h = await harness();
    h.github.config = "max_tasks: 40\n";
    await h.comment(`/dispatch forty tasks:\n${Array.from({ length: 40 }, (_, i) => `${i + 1}. use sonnet to check module ${i}`).join("\n")}`);
    const all = status(h).tasks.map((t) => t.id);
    for (const task of all) {
      h.github.push(branch(task), files.plan(task, { items: Array.from({ length: 60 }, (_, k) => [`${"a long checklist item ".repeat(4)}${k}`, "pending"] as [string, "pending"]) }));
    }
    await h.push(branch(all[0]!));
    const body = h.github.byApp()[0]!.body;
    expect(body.length).toBeLessThanOrEqual(COMMENT_LIMIT);
    expect(parseStatus(body)!.tasks.every((t) => t.status === "running")).toBe(true);
  });
});

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

describe("delivery is not repeated", () => {
  it("an output reply already on the thread is not posted again when the status edit was lost", async () => {
    h = await harness();
    await h.comment(TWO);
    const [a] = ids(h);
    h.github.push(branch(a), files.done(a, "Nothing to change."));
    h.github.push(branch(a), files.removeBookkeeping());
    h.github.fail("PATCH", /\/issues\/comments\/\d+$/, 422, { message: "Validation Failed" });
    await h.push(branch(a)); // answered at once; the run failed in the background
    expect(status(h).tasks[0]!.status).toBe("queued");
    await h.push(branch(a));
    expect(h.github.byApp().filter((c) => c.body.includes("Nothing to change."))).toHaveLength(1);
    expect(status(h).tasks[0]!.status).toBe("done");
  });
});

describe("trust", () => {
  it("a status comment copied by someone else is not the app's memory", async () => {
    h = await harness();
    await h.comment(TWO);
    const real = h.github.byApp()[0]!;
    const forged = h.github.addComment(real.body, "mallory");
    const [a] = ids(h);
    h.github.push(branch(a), files.plan(a, { items: [["Real progress", "done"]] }));
    await h.push(branch(a));
    expect(forged.edits).toBe(0);
    expect(real.edits).toBe(1);
  });

  it("without a configured login, the app asks GitHub who it is once and still trusts only itself", async () => {
    h = await harness({ appLogin: undefined });
    await h.comment(TWO);
    const real = h.github.byApp()[0]!;
    const forged = h.github.addComment(real.body, "mallory");
    const [a] = ids(h);
    h.github.push(branch(a), files.plan(a, { items: [["Real progress", "done"]] }));
    await h.push(branch(a));
    expect(h.github.count("GET", /^\/app$/)).toBe(1);
    expect(forged.edits).toBe(0);
    expect(real.edits).toBe(1);
  });

  it("trusts no marker comment when GitHub will not say who the app is", async () => {
    h = await harness({ appLogin: undefined });
    h.github.fail("GET", /^\/app$/, 401, { message: "Bad credentials" });
    await h.comment(TWO);
    const first = h.github.byApp().filter((c) => c.body.startsWith("<!-- dispatch:status"));
    expect(first).toHaveLength(1);
    // The status comment it wrote is not trusted yet, so nothing edits it; once GitHub answers, it is.
    const [a] = ids(h);
    h.github.push(branch(a), files.plan(a, { items: [["Real progress", "done"]] }));
    await h.push(branch(a));
    expect(first[0]!.edits).toBe(1);
    expect(h.github.count("GET", /^\/app$/)).toBe(2);
  });
});
