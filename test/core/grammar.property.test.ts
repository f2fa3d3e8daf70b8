import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Command } from "../../src/core/command.js";
import { COMMENT_LIMIT } from "../../src/core/status-view.js";
import { DEFAULT_CONFIG, parseConfig, type DispatchConfig } from "../../src/core/config.js";
import { parseComment } from "../../src/core/grammar.js";
import { routeModel } from "../../src/core/model.js";
import { isTaskId } from "../../src/core/task.js";
import { TITLE_MAX } from "../../src/core/title.js";

const KINDS = new Set(["dispatch", "status", "answer", "cancel", "retry", "note", "help", "none", "error"]);

/** Everything a parsed command must satisfy, whatever the body was. */
function checkCommand(command: Command, config: DispatchConfig = DEFAULT_CONFIG): void {
  expect(KINDS.has(command.kind)).toBe(true);
  switch (command.kind) {
    case "dispatch": {
      expect(command.tasks.length).toBeGreaterThan(0);
      expect(command.tasks.length).toBeLessThanOrEqual(config.max_tasks);
      const ids = command.tasks.map((t) => t.id);
      for (const id of ids) expect(isTaskId(id), id).toBe(true);
      expect(new Set(ids).size).toBe(ids.length);
      expect(ids).not.toContain("all");
      for (const task of command.tasks) {
        expect(Object.keys(task)).toEqual(["id", "title", "prompt", "model", "agent", "worktree", "steps", "after"]);
        expect(task.title.length).toBeGreaterThan(0);
        expect(Array.from(task.title).length).toBeLessThanOrEqual(TITLE_MAX);
        expect(task.title).not.toMatch(/[\n\r\t]/);
        expect(task.prompt.trim().length).toBeGreaterThan(0);
        expect(routeModel(task.model, config.models)?.agent).toBe(task.agent);
        for (const dep of task.after) {
          expect(ids).toContain(dep);
          expect(dep).not.toBe(task.id);
        }
        if (task.steps.length > 0) expect(command.tasks).toHaveLength(1);
      }
      break;
    }
    case "status":
      if (command.task !== null) expect(isTaskId(command.task)).toBe(true);
      break;
    case "answer":
    case "note":
      expect(isTaskId(command.task)).toBe(true);
      expect(command.text.trim().length).toBeGreaterThan(0);
      break;
    case "cancel":
    case "retry":
      expect(isTaskId(command.task)).toBe(true);
      break;
    case "error":
      expect(command.message.length).toBeGreaterThan(0);
      expect(command.message).not.toMatch(/^dispatch could not read this command/);
      break;
    default:
      break;
  }
}

/** Pieces a hostile maintainer (or a fuzzer) would put in a comment. */
const piece = fc.oneof(
  fc.constantFrom(
    "/dispatch", "/DISPATCH", " ", "  ", "\n", "\n\n", "\r\n", "\t", "\u0000", "\u001b[31m", "\u200b", "\u2028", "\ufeff",
    "1.", "2)", "10.", "-", "*", "+", "- [ ]", "- [x]", "> ", ">", "```", "~~~", "```js", "    ",
    "use", "using", "have", "dispatch", "to", "for", "in a worktree", "worktree", "do it in a worktree", "use a worktree",
    "opus", "sonnet", "haiku", "gemini", "gemini-2.5-pro", "gpt-5", "codex", "o3", "o4-mini", "claude", "llama",
    "(", ")", "(opus)", "(after 1)", "after 1:", "after 2:", "after 1 and 2:", "after all:", ":", ",", ".", ";", "!", "?", "—", "–",
    "status", "answer", "cancel", "retry", "note", "help", "all", "security-review", "three things:", "tasks", "steps:", "in order",
    "**bold**", "`code`", "[link](http://x)", "<!-- c -->", "@someone", "#12", "é", "ß", "İ", "日本語", "🚀", "👍🏽", "\ud800", "a".repeat(300),
    "-".repeat(50), "the", "a", "of",
  ),
  fc.string({ maxLength: 12 }),
  fc.string({ unit: "binary", maxLength: 8 }),
);

const hostileBody = fc.array(piece, { maxLength: 80 }).map((parts) => parts.join(" "));
const commandBody = fc.tuple(fc.constantFrom("/dispatch ", "/dispatch\n", "> q\n/dispatch ", "\n /Dispatch "), hostileBody).map(([a, b]) => a + b);
const listBody = fc
  .tuple(
    fc.constantFrom("", "three things:", "steps:", "database migration:", "use gemini for these tasks:", "in parallel, each in a worktree:"),
    fc.array(fc.tuple(fc.constantFrom("1.", "2.", "3)", "-", "*", "  -", "   2."), hostileBody, fc.constantFrom("", "\n  more", "\n\n", "\n```\n- x\n```")), {
      maxLength: 14,
    }),
  )
  .map(([header, items]) => `/dispatch ${header}\n${items.map(([m, text, tail]) => `${m} ${text}${tail}`).join("\n")}`);

const configs = [
  DEFAULT_CONFIG,
  (() => {
    const result = parseConfig({ default_model: "fast", max_tasks: 3, models: { fast: { agent: "gemini", model: "gemini-2.5-flash" }, all: { agent: "codex" } } });
    if (!result.ok) throw new Error(result.error);
    return result.config;
  })(),
];

describe("parseComment on random and hostile bodies", () => {
  it("never throws, and every command it returns is well-formed", () => {
    for (const config of configs) {
      fc.assert(
        fc.property(fc.oneof(hostileBody, commandBody, listBody, fc.string({ unit: "binary", maxLength: 400 })), (body) => {
          checkCommand(parseComment(body, config), config);
        }),
        { numRuns: 1500 },
      );
    }
  });

  it("list bodies produce valid, unique ids", () => {
    fc.assert(
      fc.property(listBody, (body) => {
        const command = parseComment(body);
        checkCommand(command);
      }),
      { numRuns: 2000 },
    );
  });

  it("copes with 65,536-character bodies of every kind", () => {
    const gap = (head: string, tail: string) => `${head}${" ".repeat(COMMENT_LIMIT - head.length - tail.length)}${tail}`;
    const fill = (unit: string, prefix = "/dispatch ") => prefix + unit.repeat(Math.ceil(COMMENT_LIMIT / unit.length)).slice(0, COMMENT_LIMIT - prefix.length);
    const bodies = [
      fill("x"),
      fill(" "),
      fill("use opus to "),
      fill("of using opus "),
      fill(", opus"),
      fill("(("),
      fill("))"),
      fill("- a\n", "/dispatch fix:\n"),
      fill("- use opus to fix a\n", "/dispatch\n"),
      fill("1. after 1: x\n", "/dispatch tasks:\n"),
      fill(". "),
      fill("in a worktree "),
      fill("a - b: "),
      fill("```\n"),
      fill("> "),
      fill("\u0000\u0001\u0002"),
      fill("🚀 "),
      fill("a."),
      fill("after 1, "),
      fill("x", "/dispatch answer security-review "),
      fill("y", "/dispatch status "),
      // Long runs of spaces between words (patterns anchored at the end once scanned them at every position).
      gap("/dispatch use opus to a and use gemini to b", "z"),
      gap("/dispatch fix it", "using opus"),
      fill("use opus to a and `use gemini to b` and use haiku to c, then "),
      fill("\u201c"),
      fill("\u201cx "),
      fill('"'),
      fill('a" '),
    ];
    for (const body of bodies) {
      expect(body.length).toBeLessThanOrEqual(COMMENT_LIMIT);
      checkCommand(parseComment(body));
    }
  });
});
