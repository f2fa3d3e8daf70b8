/** The app on pushes against the fake GitHub: the status from the branches, questions and answers, limits, repeated deliveries, whom it trusts. */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parseQuestionComment } from "../../src/core/question.js";
import { parseStatus } from "../../src/core/status-read.js";
import { COMMENT_LIMIT } from "../../src/core/status-view.js";
import { ipcPath, planPath } from "../../src/core/ipc.js";
import { harness, type Harness } from "./harness.js";
import { branchOf, ids, questions, status, TWO } from "./thread-view.js";
import { files, RUN } from "./world.js";

let h: Harness;
afterEach(() => h.close());
const branch = (task: string) => branchOf(h, task);

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
