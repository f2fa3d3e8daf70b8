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

describe("several tasks in one sentence", () => {
  it("one task per model's clause: the product's own example", () => {
    expect(brief(tasksOf(parseComment("/dispatch use opus to review auth and use gemini to update the README")))).toEqual([
      { id: "review-auth", title: "Review auth", model: "opus", agent: "claude", worktree: false, after: [], prompt: "use opus to review auth" },
      { id: "update-readme", title: "Update the README", model: "gemini", agent: "gemini", worktree: false, after: [], prompt: "use gemini to update the README" },
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

  it("gives every task the words before the first clause and the paragraphs below", () => {
    const tasks = tasksOf(parseComment("/dispatch we launch Thursday: use opus to audit the auth flow and have gemini write the OpenAPI specs\n\nKeep the public API unchanged."));
    expect(tasks.map((t) => t.prompt)).toEqual([
      "use opus to audit the auth flow\n\nContext: we launch Thursday\n\nKeep the public API unchanged.",
      "have gemini write the OpenAPI specs\n\nContext: we launch Thursday\n\nKeep the public API unchanged.",
    ]);
  });

  it("stays one task when one model is named throughout, a model is corrected, or models are the subject", () => {
    expect(tasksOf(parseComment("/dispatch use opus to fix it and use opus to test it")).map((t) => [t.title, t.model])).toEqual([["Fix it and test it", "opus"]]);
    expect(tasksOf(parseComment("/dispatch use opus to review auth, actually use sonnet")).map((t) => [t.title, t.model])).toEqual([["Review auth", "sonnet"]]);
    expect(tasksOf(parseComment("/dispatch compare opus and gemini pricing")).map((t) => t.title)).toEqual(["Compare opus and gemini pricing"]);
    expect(tasksOf(parseComment("/dispatch use opus to review the gemini integration")).map((t) => [t.title, t.model])).toEqual([["Review the gemini integration", "opus"]]);
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
        expect(tasks.map((t) => t.prompt)).toEqual(clauses.map((c) => `use ${c.model} to ${c.work.join(" ")}`));
        expect(new Set(tasks.map((t) => t.id)).size).toBe(tasks.length);
        tasks.forEach((t, i) => expect(t.after).toEqual(i > 0 && /then/.test(clauses[i - 1]!.join) ? [tasks[i - 1]!.id] : []));
      }),
    );
  });

  it("copes with a long hostile sentence (65,000 characters of clauses and joins)", () => {
    const body = `${"use opus to x and use gemini to y, , , and ".repeat(2000)}${" ,".repeat(20_000)}z`;
    const sentence = splitSentence(body, DEFAULT_CONFIG.models);
    expect(sentence?.clauses).toHaveLength(4000);
  });
});
