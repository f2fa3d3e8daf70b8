import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { splitSentence } from "../../src/core/clauses.js";
import type { Command } from "../../src/core/command.js";
import { DEFAULT_CONFIG, parseConfig } from "../../src/core/config.js";
import { parseComment } from "../../src/core/grammar.js";
import type { TaskSpec } from "../../src/core/task.js";

function tasksOf(command: Command): TaskSpec[] {
  if (command.kind !== "dispatch") throw new Error(`expected a dispatch, got ${JSON.stringify(command)}`);
  return command.tasks;
}

const brief = (tasks: TaskSpec[]) => tasks.map((t) => ({ id: t.id, title: t.title, model: t.model, agent: t.agent, worktree: t.worktree, after: t.after, prompt: t.prompt }));

const CONTEXT = (count: number, comment: string) =>
  `Context: this is one of ${count} tasks dispatched by one comment, each to its own agent working at the same time; do only this one. The comment:\n\n${comment
    .split("\n")
    .map((line) => `> ${line}`.trimEnd())
    .join("\n")}`;

describe("several tasks in one sentence", () => {
  it("one task per model's clause: the product's own example, each prompt its clause and the whole comment", () => {
    const comment = "use opus to review auth and use gemini to update the README";
    expect(brief(tasksOf(parseComment(`/dispatch ${comment}`)))).toEqual([
      { id: "review-auth", title: "Review auth", model: "opus", agent: "claude", worktree: false, after: [], prompt: `use opus to review auth\n\n${CONTEXT(2, comment)}` },
      { id: "update-readme", title: "Update the README", model: "gemini", agent: "gemini", worktree: false, after: [], prompt: `use gemini to update the README\n\n${CONTEXT(2, comment)}` },
    ]);
  });

  it("a `then` makes the next task wait for the one before; each clause keeps its own worktree", () => {
    const tasks = tasksOf(parseComment("/dispatch use opus to fix the login bug in a worktree, then use haiku to write the changelog entry; use codex to add a test"));
    expect(tasks.map((t) => [t.id, t.model, t.agent, t.worktree, t.after])).toEqual([
      ["fix-login-bug", "opus", "claude", true, []],
      ["changelog-entry", "haiku", "claude", false, ["fix-login-bug"]],
      ["test", "codex", "codex", false, []],
    ]);
  });

  it("reads the ways people say one waits for the other: then, after that, once that's done, afterwards, work on `it`", () => {
    for (const body of [
      "First use opus to fix the bug, then use haiku to write the changelog",
      "use opus to fix the bug. After that, use haiku to write the changelog",
      "use opus to fix the bug. Once that's done, use haiku to write the changelog",
      "use opus to fix the bug. When it's done, use haiku to write the changelog",
      "use opus to fix the bug and use haiku to write the changelog afterwards",
      "use opus to fix the bug and use haiku to write the changelog for it",
    ]) {
      const tasks = tasksOf(parseComment(`/dispatch ${body}`));
      expect([body, tasks.map((t) => [t.model, t.after])]).toEqual([body, [["opus", []], ["haiku", [tasks[0]!.id]]]]);
    }
    expect(tasksOf(parseComment("/dispatch use sonnet to implement the rate limiter and use opus to review it")).map((t) => [t.title, t.after])).toEqual([
      ["Implement the rate limiter", []],
      ["Review it", ["rate-limiter"]],
    ]);
  });

  it("ends a clause's title at its sentence and its line, and keeps words that only look like joins", () => {
    const titles = (body: string) => tasksOf(parseComment(`/dispatch ${body}`)).map((t) => t.title);
    expect(titles("Can you use opus to review auth and use gemini to update the README? Thanks!")).toEqual(["Review auth", "Update the README"]);
    expect(titles("Let's use opus to review auth\nand use gemini to update the README")).toEqual(["Review auth", "Update the README"]);
    expect(titles("use opus to fix things, e.g. the login, and use gemini to update the README")).toEqual(["Fix things, e.g. the login", "Update the README"]);
    expect(titles("use opus to decide what to build next and use gemini to explain why we did so")).toEqual(["Decide what to build next", "Explain why we did so"]);
  });

  it("gives every task the whole comment: the words around the clauses, the paragraphs and lists below", () => {
    const comment = "we launch Thursday: use opus to audit the auth flow and have gemini write the OpenAPI specs\n\nDetails:\n- auth lives in src/auth";
    const tasks = tasksOf(parseComment(`/dispatch ${comment}`));
    expect(tasks.map((t) => [t.title, t.model, t.prompt])).toEqual([
      ["Audit the auth flow", "opus", `use opus to audit the auth flow\n\n${CONTEXT(2, comment)}`],
      ["Write the OpenAPI specs", "gemini", `have gemini write the OpenAPI specs\n\n${CONTEXT(2, comment)}`],
    ]);
  });

  it("applies a worktree named before the first clause to every task", () => {
    const tasks = tasksOf(parseComment("/dispatch In separate worktrees: use opus to review auth and use gemini to update the README"));
    expect(tasks.map((t) => [t.model, t.worktree])).toEqual([["opus", true], ["gemini", true]]);
  });

  it("stays one task when one model is named throughout, a model is corrected, or models are the subject", () => {
    expect(tasksOf(parseComment("/dispatch use opus to fix it and use opus to test it")).map((t) => [t.title, t.model])).toEqual([["Fix it and test it", "opus"]]);
    expect(tasksOf(parseComment("/dispatch use opus to review auth, actually use sonnet")).map((t) => [t.title, t.model])).toEqual([["Review auth", "sonnet"]]);
    expect(tasksOf(parseComment("/dispatch compare opus and gemini pricing")).map((t) => t.title)).toEqual(["Compare opus and gemini pricing"]);
    expect(tasksOf(parseComment("/dispatch use opus to review the gemini integration")).map((t) => [t.title, t.model])).toEqual([["Review the gemini integration", "opus"]]);
    // What a model is for, not work for it; a clause in a code span is the subject.
    expect(tasksOf(parseComment("/dispatch Update the router: use haiku for short prompts and use sonnet for long ones"))).toHaveLength(1);
    const quoted = tasksOf(parseComment("/dispatch use opus to add a test that `use opus to review auth and use gemini to update the README` gives two tasks"));
    expect(quoted.map((t) => [t.title, t.model])).toEqual([["Add a test that `use opus to review auth and use gemini to update the README` gives two tasks", "opus"]]);
  });

  it("refuses, dispatching nothing, a clause naming an unknown model, an `after` without a list, or too many tasks", () => {
    const unknown = parseComment("/dispatch use opus to review auth and use gemini to update the README (sonet)");
    expect(unknown).toMatchObject({ kind: "error", message: expect.stringContaining("`sonet`") });
    const after = parseComment("/dispatch use opus to add the table and use gemini to add the API (after 1)");
    expect(after.kind).toBe("error");
    const parsed = parseConfig({ max_tasks: 2 });
    if (!parsed.ok) throw new Error(parsed.error);
    const many = parseComment("/dispatch use opus to a and use gemini to b and use codex to c", parsed.config);
    expect(many).toEqual({ kind: "error", message: expect.stringMatching(/^3 tasks is more than this repository's limit of 2/) });
  });

  it("refuses, naming it, work asked for outside every clause: nothing is dispatched, nothing is dropped", () => {
    for (const [body, extra] of [
      ["refactor the parser, then use opus to review it and use gemini to document it", "refactor the parser, then"],
      ["use opus to review auth and use gemini to update the README. Also bump the version in package.json.", ". Also bump the version in package.json."],
      ["use opus to review auth. Bump the version too. Then use gemini to update the README", ". Bump the version too. Then"],
    ] as const) {
      const command = parseComment(`/dispatch ${body}`);
      expect(command).toEqual({ kind: "error", message: expect.stringContaining(`something none of them is given: \`${extra}\`. Nothing was dispatched.`) });
    }
    // Greetings, thanks and mentions around the clauses ask for nothing.
    expect(tasksOf(parseComment("/dispatch hi, can you please use opus to review auth and use gemini to update the README? Thanks! cc @alice"))).toHaveLength(2);
  });

  it("a directive is not work on what the clause before made: only the words of the work are read for `it`", () => {
    for (const body of [
      "use opus to fix auth and use gemini to update the README in its own worktree",
      "use opus to fix auth and use gemini to update the README, do it in a worktree",
      "use opus to fix auth and use gemini to update the IT onboarding docs",
    ]) {
      expect([body, tasksOf(parseComment(`/dispatch ${body}`)).map((t) => t.after)]).toEqual([body, [[], []]]);
    }
  });

  it("reads a quote only at a word's edge: an inch mark does not hide a directive", () => {
    expect(tasksOf(parseComment('/dispatch fix the 3" icon using opus and the "Save" button')).map((t) => t.model)).toEqual(["opus"]);
  });

  it("uses the repository's model aliases", () => {
    const parsed = parseConfig({ models: { fast: { agent: "gemini", model: "gemini-2.5-flash" } } });
    if (!parsed.ok) throw new Error(parsed.error);
    expect(tasksOf(parseComment("/dispatch use fast to tidy the docs and use opus to review auth", parsed.config)).map((t) => [t.id, t.agent, t.model])).toEqual([
      ["tidy-docs", "gemini", "gemini-2.5-flash"],
      ["review-auth", "claude", "opus"],
    ]);
  });

  it("splits any sentence of clauses for different models into one task per clause, in order, `then` linking", () => {
    const models = ["opus", "sonnet", "haiku", "gemini", "codex", "gpt-5"] as const;
    const words = fc.constantFrom("review", "auth", "module", "docs", "tests", "refactor", "the", "parser", "cache", "logging");
    const clause = fc.record({ model: fc.constantFrom(...models), work: fc.array(words, { minLength: 1, maxLength: 5 }), join: fc.constantFrom(" and ", ", ", "; ", ", then ", " then ", ". Also ") });
    fc.assert(
      fc.property(fc.array(clause, { minLength: 2, maxLength: 6 }), (clauses) => {
        fc.pre(new Set(clauses.map((c) => c.model)).size >= 2);
        const body = clauses.map((c, i) => `${i > 0 ? clauses[i - 1]!.join : ""}use ${c.model} to ${c.work.join(" ")}`).join("");
        const tasks = tasksOf(parseComment(`/dispatch ${body}`));
        expect(tasks.map((t) => t.model)).toEqual(clauses.map((c) => c.model));
        expect(tasks.map((t) => t.prompt)).toEqual(clauses.map((c) => `use ${c.model} to ${c.work.join(" ")}\n\n${CONTEXT(clauses.length, body)}`));
        expect(new Set(tasks.map((t) => t.id)).size).toBe(tasks.length);
        tasks.forEach((t, i) => expect(t.after).toEqual(i > 0 && /then/.test(clauses[i - 1]!.join) ? [tasks[i - 1]!.id] : []));
      }),
    );
  });

  it("copes with a long hostile sentence (65,000 characters of clauses and joins)", () => {
    const body = `${"use opus to x and use gemini to y, , , and ".repeat(2000)}${" ,".repeat(20_000)}z`;
    const sentence = splitSentence(body, DEFAULT_CONFIG.models);
    expect(sentence?.kind === "tasks" && sentence.clauses).toHaveLength(4000);
  });
});
