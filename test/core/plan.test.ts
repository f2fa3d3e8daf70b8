import fc from "fast-check";
import { sanitizeText } from "../../src/core/sanitize.js";
import { describe, expect, it } from "vitest";
import {
  appendNote,
  currentItemIndex,
  isComplete,
  markItem,
  newPlan,
  parsePlan,
  progress,
  renderPlan,
  setPlanMeta,
  SUMMARY_ITEM,
  TASK_STATUSES,
  type ItemState,
  type Plan,
  type PlanItem,
} from "../../src/core/plan.js";
import { AGENTS, type TaskSpec } from "../../src/core/task.js";

const EXAMPLE = `---
task: security-review
title: Do a security review of the auth module
model: opus
agent: claude
issue: 42
status: running          # queued | running | waiting | done | failed | cancelled
run: https://github.com/acme/shop/actions/runs/123
updated: 2026-11-24T09:12:03.000Z
cost_usd: 0.42           # optional, when the agent reports it
---
# Do a security review of the auth module

- [x] Scan for hardcoded secrets — none found
- [x] Review authentication logic
- [ ] Audit SQL injection risks
- [?] Decide whether INFO logs count
- [!] Run the dependency audit
  npm audit exited 1: registry unreachable

> **Note:** the payments module is out of scope
`;

const spec: TaskSpec = {
  id: "api-tests",
  title: "Write unit tests for the API endpoints",
  prompt: "use sonnet to write unit tests for the API endpoints",
  model: "sonnet",
  agent: "claude",
  worktree: false,
  steps: [],
  after: [],
};

describe("parsePlan", () => {
  it("reads the protocol's example", () => {
    expect(parsePlan(EXAMPLE)).toEqual({
      task: "security-review",
      title: "Do a security review of the auth module",
      model: "opus",
      agent: "claude",
      issue: 42,
      status: "running",
      run: "https://github.com/acme/shop/actions/runs/123",
      updated: "2026-11-24T09:12:03.000Z",
      cost_usd: 0.42,
      items: [
        { text: "Scan for hardcoded secrets", state: "done", note: "none found" },
        { text: "Review authentication logic", state: "done" },
        { text: "Audit SQL injection risks", state: "pending" },
        { text: "Decide whether INFO logs count", state: "question" },
        { text: "Run the dependency audit", state: "error", reason: "npm audit exited 1: registry unreachable" },
      ],
      notes: ["the payments module is out of scope"],
    });
  });

  it("is null without front matter or without a task", () => {
    expect(parsePlan("# Title\n\n- [ ] a\n")).toBeNull();
    expect(parsePlan("---\ntitle: no task\n---\n- [ ] a\n")).toBeNull();
    expect(parsePlan("---\n- a list\n---\n")).toBeNull();
    expect(parsePlan("")).toBeNull();
  });

  it("fills missing or odd fields with defaults", () => {
    const plan = parsePlan("---\ntask: fix-bug\nstatus: sleeping\ncost_usd: lots\nissue: -3\nrun: ''\n---\n# Fix the bug\n");
    expect(plan).toEqual({
      task: "fix-bug",
      title: "Fix the bug",
      model: "sonnet",
      agent: "claude",
      issue: 0,
      status: "running",
      updated: "1970-01-01T00:00:00.000Z",
      items: [],
      notes: [],
    });
    expect(parsePlan("---\ntask: a\nmodel: gemini-2.5-pro\n---\n")).toMatchObject({ agent: "gemini", title: "a" });
    expect(parsePlan("---\ntask: a\nmodel: my-bot\n---\n")).toMatchObject({ agent: "custom", model: "my-bot" });
    expect(parsePlan("---\ntask: a\nagent: codex\n---\n")).toMatchObject({ agent: "codex", model: "codex" });
    expect(parsePlan("---\ntask: a\nstatus: Canceled\nissue: '#12'\ncost_usd: '$1.5'\n---\n")).toMatchObject({
      status: "cancelled",
      issue: 12,
      cost_usd: 1.5,
    });
  });

  it("reads front matter that is not valid YAML line by line", () => {
    const plan = parsePlan("---\ntask: fix-bug\ntitle: Fix: the login bug\nstatus: done # finished\n---\n- [x] a\n");
    expect(plan).toMatchObject({ task: "fix-bug", title: "Fix: the login bug", status: "done" });
    expect(plan?.items).toEqual([{ text: "a", state: "done" }]);
  });

  it("reads star bullets, indented items, [X], CRLF and item continuation lines", () => {
    const text = [
      "---",
      "task: t",
      "---",
      "# T",
      "* [X] upper-case done",
      "  - [ ] indented pending",
      "    a continuation line of a pending item is not a reason",
      "+ [!] failed step",
      "    first line",
      "    second line",
      "",
      "  not a reason: after a blank line",
      "- [?]",
      "-[ ] not an item (no space)",
      "- [y] not an item (unknown marker)",
    ].join("\r\n");
    expect(parsePlan(text)?.items).toEqual([
      { text: "upper-case done", state: "done" },
      { text: "indented pending", state: "pending" },
      { text: "failed step", state: "error", reason: "first line\nsecond line" },
      { text: "", state: "question" },
    ]);
  });

  it("splits a done item's note at the first ' — ' only for done items", () => {
    const plan = parsePlan("---\ntask: t\n---\n- [x] a — b — c\n- [ ] d — e\n- [x] f —\n");
    expect(plan?.items).toEqual([
      { text: "a", state: "done", note: "b — c" },
      { text: "d — e", state: "pending" },
      { text: "f —", state: "done" },
    ]);
  });

  it("reads multi-line notes and ignores other quotes", () => {
    const plan = parsePlan(
      "---\ntask: t\n---\n> just a quote\n\n> **Note:** first\n> second\n>\n> third\n\n>**Note:**tight\n> **Note:**   \n",
    );
    expect(plan?.notes).toEqual(["first\nsecond\n\nthird", "tight"]);
  });
});

describe("renderPlan", () => {
  it("writes front matter, title, checklist and notes", () => {
    expect(renderPlan(parsePlan(EXAMPLE)!)).toMatchInlineSnapshot(`
      "---
      task: security-review
      title: Do a security review of the auth module
      model: opus
      agent: claude
      issue: 42
      status: running
      run: 'https://github.com/acme/shop/actions/runs/123'
      updated: '2026-11-24T09:12:03.000Z'
      cost_usd: 0.42
      ---
      # Do a security review of the auth module

      - [x] Scan for hardcoded secrets — none found
      - [x] Review authentication logic
      - [ ] Audit SQL injection risks
      - [?] Decide whether INFO logs count
      - [!] Run the dependency audit
        npm audit exited 1: registry unreachable

      > **Note:** the payments module is out of scope
      "
    `);
  });

  it("omits undefined fields and writes an empty checklist as the title alone", () => {
    const plan = newPlan({ spec: { ...spec, steps: [] }, issue: 7, now: "2026-01-02T03:04:05.000Z" });
    plan.items = [];
    expect(renderPlan(plan)).toMatchInlineSnapshot(`
      "---
      task: api-tests
      title: Write unit tests for the API endpoints
      model: sonnet
      agent: claude
      issue: 7
      status: running
      updated: '2026-01-02T03:04:05.000Z'
      ---
      # Write unit tests for the API endpoints
      "
    `);
  });
});

// ---------- round trip ----------

const word = fc.oneof(
  { weight: 5, arbitrary: fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9.,:;'"`()\/#@&<>*_!?[\]{}|~+=$%^-]{0,10}$/) },
  { weight: 1, arbitrary: fc.constantFrom("café", "日本語", "🚀", "naïve", "x — y".replace(" — ", "-"), "O'Brien") },
);
const phrase = fc.array(word, { minLength: 1, maxLength: 8 }).map((w) => w.join(" "));
const notePhrase = fc.array(fc.oneof(word, fc.constant("—")), { minLength: 1, maxLength: 8 }).map((w) => w.join(" "));
const reasonLine = fc.oneof(
  phrase,
  phrase.map((t) => `- [ ] ${t}`),
  phrase.map((t) => `> ${t}`),
  phrase.map((t) => `\\${t}`),
  phrase.map((t) => `* [x] ${t}`),
);
const item: fc.Arbitrary<PlanItem> = fc.oneof(
  fc.record({ text: phrase, state: fc.constant<ItemState>("pending") }),
  fc.record({ text: phrase, state: fc.constant<ItemState>("question") }),
  fc.record({ text: phrase, state: fc.constant<ItemState>("done"), note: notePhrase }, { requiredKeys: ["text", "state"] }),
  fc.record(
    {
      text: phrase,
      state: fc.constant<ItemState>("error"),
      reason: fc.array(reasonLine, { minLength: 1, maxLength: 5 }).map((l) => l.join("\n")),
    },
    { requiredKeys: ["text", "state"] },
  ),
);
const note = fc
  .tuple(phrase, fc.array(fc.oneof(phrase, fc.constant("")), { maxLength: 3 }), fc.option(phrase, { nil: undefined }))
  .map(([first, middle, last]) => [first, ...middle, ...(last ? [last] : [])].join("\n").trim());
const cost = fc.oneof(
  fc.integer({ min: 0, max: 100_000 }).map((cents) => cents / 100),
  fc.double({ min: 0, max: 1e6, noNaN: true, noDefaultInfinity: true }).filter((n) => !Object.is(n, -0)),
);
const plan: fc.Arbitrary<Plan> = fc.record(
  {
    task: fc.stringMatching(/^[a-z0-9][a-z0-9-]{0,20}$/),
    title: phrase,
    model: fc.constantFrom("opus", "sonnet", "gemini-2.5-pro", "gpt-5", "o3", "codex", "my-model"),
    agent: fc.constantFrom(...AGENTS),
    issue: fc.integer({ min: 1, max: 1_000_000 }),
    status: fc.constantFrom(...TASK_STATUSES),
    run: fc.integer({ min: 1, max: 1e10 }).map((n) => `https://github.com/acme/shop/actions/runs/${n}`),
    updated: fc.date({ noInvalidDate: true, min: new Date(0), max: new Date(4e12) }).map((d) => d.toISOString()),
    cost_usd: cost,
    items: fc.array(item, { maxLength: 10 }),
    notes: fc.array(note, { maxLength: 3 }),
  },
  { requiredKeys: ["task", "title", "model", "agent", "issue", "status", "updated", "items", "notes"] },
);

describe("round trip", () => {
  it("parsePlan(renderPlan(p)) equals p for every status, item state, note and cost", () => {
    fc.assert(
      fc.property(plan, (p) => {
        expect(parsePlan(renderPlan(p))).toEqual(p);
      }),
      { numRuns: 500 },
    );
  });

  it("survives markItem and appendNote edits", () => {
    fc.assert(
      fc.property(plan, fc.nat(), fc.constantFrom<ItemState>("pending", "done", "question"), note, (p, n, state, extra) => {
        fc.pre(p.items.length > 0);
        const index = n % p.items.length;
        const edited = parsePlan(appendNote(markItem(renderPlan(p), { index, state }), extra))!;
        const old = p.items[index]!;
        // The line is edited in place: a done item's note stays on the line, and becomes part of the text
        // once the item is no longer done.
        const line = old.state === "done" && old.note ? `${old.text} — ${old.note}` : old.text;
        const at = line.indexOf(" — ");
        const expected: PlanItem =
          state === "done" && at >= 0
            ? { text: line.slice(0, at), state, note: line.slice(at + 3) }
            : { text: line, state };
        expect(edited.items[index]).toEqual(expected);
        expect(edited.items.filter((_, i) => i !== index)).toEqual(p.items.filter((_, i) => i !== index));
        // A note is written cleaned (hidden text, invisible characters and tokens left out).
        const clean = sanitizeText(extra);
        expect(edited.notes).toEqual(clean.trim() === "" ? p.notes : [...p.notes, clean]);
      }),
      { numRuns: 300 },
    );
  });
});

describe("newPlan", () => {
  it("starts running with a starter checklist when the task has no steps", () => {
    const plan = newPlan({ spec, issue: 42, run: "https://github.com/acme/shop/actions/runs/9", now: "2026-11-24T09:12:03.000Z" });
    expect(plan).toEqual({
      task: "api-tests",
      title: "Write unit tests for the API endpoints",
      model: "sonnet",
      agent: "claude",
      issue: 42,
      status: "running",
      run: "https://github.com/acme/shop/actions/runs/9",
      updated: "2026-11-24T09:12:03.000Z",
      items: [
        { text: "Read the relevant code and replace this checklist with concrete steps", state: "pending" },
        { text: "Do the work and check it (build, tests)", state: "pending" },
        { text: SUMMARY_ITEM, state: "pending" },
      ],
      notes: [],
    });
  });

  it("uses the maintainer's steps and ends with the summary item", () => {
    const steps = ["refactor schema to use UUIDs", "update all queries", "write migration script"];
    const plan = newPlan({ spec: { ...spec, steps }, issue: 1, now: "2026-01-01T00:00:00.000Z" });
    expect(plan.items.map((i) => i.text)).toEqual([...steps, SUMMARY_ITEM]);
    expect(plan.run).toBeUndefined();
    const own = newPlan({ spec: { ...spec, steps: ["do it", "summarise in output.md"] }, issue: 1, now: "x" });
    expect(own.items.map((i) => i.text)).toEqual(["do it", "summarise in output.md"]);
  });

  it("round-trips through renderPlan", () => {
    const plan = newPlan({ spec: { ...spec, steps: ["a", "b"] }, issue: 3, now: "2026-01-01T00:00:00.000Z" });
    expect(parsePlan(renderPlan(plan))).toEqual(plan);
  });
});

describe("setPlanMeta", () => {
  it("changes front matter and keeps the body byte for byte", () => {
    const out = setPlanMeta(EXAMPLE, { status: "done", cost_usd: 1.25, run: undefined });
    const body = EXAMPLE.slice(EXAMPLE.indexOf("# Do a security"));
    expect(out.endsWith(body)).toBe(true);
    expect(parsePlan(out)).toMatchObject({ status: "done", cost_usd: 1.25, task: "security-review" });
    expect(parsePlan(out)?.run).toBeUndefined();
  });

  it("keeps any body exactly, CRLF and missing final newline included", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary" }), fc.constantFrom(...TASK_STATUSES), (body, status) => {
        const text = `---\ntask: t\nextra: kept\n---\n${body}`;
        const out = setPlanMeta(text, { status });
        const parsed = parsePlan(out);
        expect(parsed?.status).toBe(status);
        expect(out.endsWith(body)).toBe(true);
        expect(out).toContain("extra: kept");
      }),
    );
  });

  it("repairs broken YAML and adds front matter to a text without it", () => {
    expect(parsePlan(setPlanMeta("---\ntask: t\ntitle: Fix: it\n---\n- [ ] a\n", { status: "failed" }))).toMatchObject({
      title: "Fix: it",
      status: "failed",
      items: [{ text: "a", state: "pending" }],
    });
    expect(setPlanMeta("- [ ] a\n", { task: "t" })).toBe("---\ntask: t\n---\n- [ ] a\n");
  });
});

describe("markItem", () => {
  it("marks the current item by default, in place", () => {
    const out = markItem(EXAMPLE, { state: "done" });
    expect(out).toBe(EXAMPLE.replace("- [ ] Audit SQL", "- [x] Audit SQL"));
  });

  it("marks the last item when none is pending", () => {
    const text = "---\ntask: t\n---\n- [x] a\n- [?] b\n";
    expect(markItem(text, { state: "error", reason: "stopped" })).toBe("---\ntask: t\n---\n- [x] a\n- [!] b\n  stopped\n");
  });

  it("writes a multi-line reason under the item, replacing the old one, keeping indentation and CRLF", () => {
    const text = "---\r\ntask: t\r\n---\r\n  * [!] a\r\n    old reason\r\n    more old\r\n  * [ ] b\r\n";
    const out = markItem(text, { index: 0, state: "error", reason: "line 1\n\n- [ ] looks like an item\nline 3\n" });
    expect(out).toBe(
      "---\r\ntask: t\r\n---\r\n  * [!] a\r\n    line 1\r\n    \\- [ ] looks like an item\r\n    line 3\r\n  * [ ] b\r\n",
    );
    expect(parsePlan(out)?.items[0]?.reason).toBe("line 1\n- [ ] looks like an item\nline 3");
  });

  it("drops the reason when an error item is marked otherwise", () => {
    const out = markItem(EXAMPLE, { index: 4, state: "done" });
    expect(out).toContain("- [x] Run the dependency audit\n\n> **Note:**");
    expect(parsePlan(out)?.items[4]).toEqual({ text: "Run the dependency audit", state: "done" });
  });

  it("leaves the text alone when there is no such item", () => {
    expect(markItem(EXAMPLE, { index: 9, state: "done" })).toBe(EXAMPLE);
    expect(markItem(EXAMPLE, { index: -1, state: "done" })).toBe(EXAMPLE);
    expect(markItem("---\ntask: t\n---\n# no items\n", { state: "done" })).toBe("---\ntask: t\n---\n# no items\n");
  });

  it("never touches front matter lines", () => {
    const text = "---\ntask: t\ntitle: '- [ ] not an item'\n---\n- [ ] real\n";
    expect(markItem(text, { state: "done" })).toBe("---\ntask: t\ntitle: '- [ ] not an item'\n---\n- [x] real\n");
  });
});

describe("appendNote", () => {
  it("appends a note after a blank line", () => {
    expect(appendNote("---\ntask: t\n---\n- [ ] a\n", "use the staging DB")).toBe(
      "---\ntask: t\n---\n- [ ] a\n\n> **Note:** use the staging DB\n",
    );
    expect(appendNote("- [ ] a", "x")).toBe("- [ ] a\n\n> **Note:** x\n");
    expect(appendNote("- [ ] a\n\n", "x")).toBe("- [ ] a\n\n> **Note:** x\n");
  });

  it("keeps a multi-line note as one note and ignores empty ones", () => {
    const out = appendNote(EXAMPLE, "skip payments\n\n- except refunds");
    expect(out.endsWith("> **Note:** skip payments\n>\n> - except refunds\n")).toBe(true);
    expect(parsePlan(out)?.notes).toEqual(["the payments module is out of scope", "skip payments\n\n- except refunds"]);
    expect(appendNote(EXAMPLE, "  \n ")).toBe(EXAMPLE);
  });

  it("keeps CRLF line endings", () => {
    expect(appendNote("- [ ] a\r\n", "n")).toBe("- [ ] a\r\n\r\n> **Note:** n\r\n");
  });
});

describe("progress", () => {
  const items = (...states: ItemState[]): PlanItem[] => states.map((state, i) => ({ text: `i${i}`, state }));

  it("finds the current item: the first pending", () => {
    expect(currentItemIndex(items("done", "question", "pending", "pending"))).toBe(2);
    expect(currentItemIndex(items("done", "error"))).toBe(-1);
    expect(currentItemIndex([])).toBe(-1);
  });

  it("counts done items and knows when all are done", () => {
    expect(progress(items("done", "pending", "done", "error"))).toEqual({ done: 2, total: 4 });
    expect(isComplete(items("done", "done"))).toBe(true);
    expect(isComplete(items("done", "question"))).toBe(false);
    expect(isComplete([])).toBe(false);
  });
});
