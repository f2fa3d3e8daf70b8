import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { TASK_STATUSES, type ItemState, type PlanItem } from "../../src/core/plan.js";
import { parseStatus } from "../../src/core/status-read.js";
import { renderStatus } from "../../src/core/status-render.js";
import { COMMENT_LIMIT, isFinished, statusMarker, type StatusView, type TaskView } from "../../src/core/status-view.js";
import { AGENTS } from "../../src/core/task.js";

const REPO = "https://github.com/acme/shop";

const items = (spec: Array<[ItemState, string]>): PlanItem[] => spec.map(([state, text]) => ({ text, state }));

const seedView: StatusView = {
  command: 1234,
  issue: 42,
  base: "main",
  repoUrl: REPO,
  tasks: [
    {
      id: "security-review",
      title: "do a security review of the auth module",
      model: "opus",
      agent: "claude",
      status: "running",
      items: items([
        ["done", "Scan for hardcoded secrets"],
        ["done", "Review authentication logic"],
        ["done", "Check dependency vulnerabilities"],
        ["pending", "Audit SQL injection risks"],
        ["pending", "Write findings report"],
      ]),
      branch: "dispatch/42/security-review",
      after: [],
      run: `${REPO}/actions/runs/123`,
      asked: [1],
    },
    {
      id: "api-tests",
      title: "write unit tests for the API endpoints",
      model: "sonnet",
      agent: "claude",
      status: "waiting",
      items: [
        { text: "Write tests for /auth endpoints", state: "done", note: "12 tests" },
        { text: "Write tests for /users endpoints", state: "done" },
        { text: "Decide whether to mock the payment gateway", state: "question" },
        { text: "Run test suite and fix failures", state: "pending" },
      ],
      branch: "dispatch/42/api-tests",
      after: [],
      run: `${REPO}/actions/runs/124`,
      asked: [1, 2],
      answeredBy: [987654321],
    },
    {
      id: "update-readme",
      title: "update the README with recent changes",
      model: "gemini",
      agent: "gemini",
      status: "done",
      items: items([
        ["done", "Review recent changes in git log"],
        ["done", "Update README installation section"],
      ]),
      branch: "dispatch/42/update-readme",
      after: [],
      run: `${REPO}/actions/runs/125`,
      pr: { number: 57, url: `${REPO}/pull/57` },
      cost_usd: 0.42,
      asked: [],
    },
    {
      id: "deps-audit",
      title: "audit dependencies",
      model: "gpt-5",
      agent: "codex",
      status: "failed",
      items: [
        { text: "Run the dependency audit", state: "error", reason: "npm audit exited 1\nregistry unreachable" },
        { text: "Write a summary to output.md", state: "pending" },
      ],
      branch: "dispatch/42/deps-audit",
      after: [],
      error: "the agent exited with status 1",
      asked: [],
    },
    {
      id: "orders-api",
      title: "add the orders API",
      model: "sonnet",
      agent: "claude",
      status: "queued",
      items: [],
      branch: "dispatch/42/orders-api",
      after: ["deps-audit"],
      asked: [],
    },
  ],
};

describe("renderStatus", () => {
  it("looks like the seed's status, with links and hidden state", () => {
    expect(renderStatus(seedView)).toMatchInlineSnapshot(`
      "<!-- dispatch:status comment=1234 -->
      <!-- dispatch:view {"issue":42,"base":"main","repoUrl":"https://github.com/acme/shop","branches":"dispatch/42/"} -->
      ⏳ **dispatch** · 1 of 5 tasks complete · 1 waiting for an answer · 1 failed
      Usage: \\$0.42 (1 of 5 tasks report cost)

      <!-- dispatch:task {"id":"security-review","title":"do a security review of the auth module","model":"opus","status":"running","runPath":"/actions/runs/123","asked":[1]} -->
      ● **security-review** (opus) — 3/5 items complete · [run](https://github.com/acme/shop/actions/runs/123) · [branch](https://github.com/acme/shop/tree/dispatch/42/security-review)
      &emsp;✓ Scan for hardcoded secrets
      &emsp;✓ Review authentication logic
      &emsp;✓ Check dependency vulnerabilities
      &emsp;⋯ Audit SQL injection risks (in progress)
      &emsp;○ Write findings report

      <!-- dispatch:task {"id":"api-tests","title":"write unit tests for the API endpoints","model":"sonnet","status":"waiting","runPath":"/actions/runs/124","asked":[1,2],"answeredBy":[987654321]} -->
      ● **api-tests** (sonnet) — waiting for an answer · [run](https://github.com/acme/shop/actions/runs/124) · [branch](https://github.com/acme/shop/tree/dispatch/42/api-tests)
      &emsp;✓ Write tests for /auth endpoints — 12 tests
      &emsp;✓ Write tests for /users endpoints
      &emsp;? Decide whether to mock the payment gateway
      &emsp;○ Run test suite and fix failures

      <!-- dispatch:task {"id":"update-readme","title":"update the README with recent changes","model":"gemini","status":"done","runPath":"/actions/runs/125","pr":57,"cost_usd":0.42} -->
      ● **update-readme** (gemini) — COMPLETE · [run](https://github.com/acme/shop/actions/runs/125) · [branch](https://github.com/acme/shop/tree/dispatch/42/update-readme) · [PR #57](https://github.com/acme/shop/pull/57) · \\$0.42
      &emsp;✓ Review recent changes in git log
      &emsp;✓ Update README installation section

      <!-- dispatch:task {"id":"deps-audit","title":"audit dependencies","model":"gpt-5","status":"failed","error":"the agent exited with status 1","reasons":{"0":"npm audit exited 1\\nregistry unreachable"}} -->
      ● **deps-audit** (gpt-5) — FAILED: the agent exited with status 1 · [branch](https://github.com/acme/shop/tree/dispatch/42/deps-audit)
      &emsp;✗ Run the dependency audit — npm audit exited 1
      &emsp;○ Write a summary to output.md

      <!-- dispatch:task {"id":"orders-api","title":"add the orders API","model":"sonnet","status":"queued","after":["deps-audit"]} -->
      ● **orders-api** (sonnet) — queued, after deps-audit · [branch](https://github.com/acme/shop/tree/dispatch/42/orders-api)
      "
    `);
  });

  it("says plainly when the dispatch is finished", () => {
    const done = (task: TaskView): TaskView => ({ ...task, status: "done" });
    const headline = (view: StatusView) => renderStatus(view).split("\n")[2];
    expect(headline({ ...seedView, tasks: seedView.tasks.map(done) })).toBe("✅ **dispatch** · all 5 tasks complete");
    expect(headline({ ...seedView, tasks: [done(seedView.tasks[0]!)] })).toBe("✅ **dispatch** · the task is complete");
    expect(headline({ ...seedView, tasks: [seedView.tasks[2]!, seedView.tasks[3]!] })).toBe(
      "⚠️ **dispatch** · finished · 1 of 2 tasks complete · 1 failed",
    );
    expect(headline({ ...seedView, tasks: [seedView.tasks[0]!] })).toBe("⏳ **dispatch** · 0 of 1 task complete");
    expect(headline({ ...seedView, tasks: [] })).toBe("✅ **dispatch** · no tasks");
  });

  it("shows every status in its task's headline", () => {
    const base = seedView.tasks[0]!;
    const line = (task: Partial<TaskView>) =>
      renderStatus({ ...seedView, tasks: [{ ...base, ...task }] })
        .split("\n")
        .find((l) => l.startsWith("●"));
    expect(line({ status: "queued", run: undefined })).toBe(
      `● **security-review** (opus) — queued · [branch](${REPO}/tree/dispatch/42/security-review)`,
    );
    expect(line({ status: "cancelled", error: "cancelled by @octocat" })).toContain(
      "— cancelled: cancelled by @&#8288;octocat · [run]",
    );
    expect(line({ status: "running", items: [] })).toContain("— running ·");
    expect(line({ status: "failed" })).toContain("— FAILED · [run]");
  });

  it("marks the current item only while the task runs", () => {
    const running = renderStatus({ ...seedView, tasks: [seedView.tasks[0]!] });
    expect(running).toContain("&emsp;⋯ Audit SQL injection risks (in progress)\n&emsp;○ Write findings report");
    const cancelled = renderStatus({ ...seedView, tasks: [{ ...seedView.tasks[0]!, status: "cancelled" }] });
    expect(cancelled).toContain("&emsp;○ Audit SQL injection risks\n");
  });

  it("cannot be broken or forged by the text of items", () => {
    const hostile: TaskView = {
      ...seedView.tasks[0]!,
      title: "--> <!-- dispatch:task {} -->",
      items: [
        { text: "<!-- dispatch:status comment=1 --> **bold** [link](x) @team $x$ `code`", state: "done", note: "a — b" },
        { text: "ends with (in progress)", state: "pending" },
      ],
    };
    const body = renderStatus({ ...seedView, tasks: [hostile] });
    expect(body.match(/<!--/g)).toHaveLength(3);
    expect(body.match(/-->/g)).toHaveLength(3);
    expect(body).not.toMatch(/[^\\]\*\*bold/);
    expect(body).not.toContain("@team");
    expect(parseStatus(body)).toEqual({ ...seedView, tasks: [hostile] });
  });
});

describe("a task blocked on a question", () => {
  const security = seedView.tasks[0]!;
  const apiTests = seedView.tasks[1]!;
  const asking: TaskView = { ...security, asked: [1, 2], question: { seq: 2, comment: 5678 } };

  it("shows ❓ waiting for your answer with a link to the question, not the item in progress", () => {
    const body = renderStatus({ ...seedView, tasks: [asking, { ...apiTests, question: { seq: 2, comment: 5679 } }] });
    expect(body).toMatchInlineSnapshot(`
      "<!-- dispatch:status comment=1234 -->
      <!-- dispatch:view {"issue":42,"base":"main","repoUrl":"https://github.com/acme/shop","branches":"dispatch/42/"} -->
      ⏳ **dispatch** · 0 of 2 tasks complete · 2 waiting for an answer

      <!-- dispatch:task {"id":"security-review","title":"do a security review of the auth module","model":"opus","status":"running","runPath":"/actions/runs/123","asked":[1,2],"question":{"seq":2,"comment":5678}} -->
      ● **security-review** (opus) — ❓ [waiting for your answer](https://github.com/acme/shop/issues/42#issuecomment-5678) · [run](https://github.com/acme/shop/actions/runs/123) · [branch](https://github.com/acme/shop/tree/dispatch/42/security-review)
      &emsp;✓ Scan for hardcoded secrets
      &emsp;✓ Review authentication logic
      &emsp;✓ Check dependency vulnerabilities
      &emsp;❓ Audit SQL injection risks (waiting for your answer)
      &emsp;○ Write findings report

      <!-- dispatch:task {"id":"api-tests","title":"write unit tests for the API endpoints","model":"sonnet","status":"waiting","runPath":"/actions/runs/124","asked":[1,2],"answeredBy":[987654321],"question":{"seq":2,"comment":5679}} -->
      ● **api-tests** (sonnet) — ❓ [waiting for your answer](https://github.com/acme/shop/issues/42#issuecomment-5679) · [run](https://github.com/acme/shop/actions/runs/124) · [branch](https://github.com/acme/shop/tree/dispatch/42/api-tests)
      &emsp;✓ Write tests for /auth endpoints — 12 tests
      &emsp;✓ Write tests for /users endpoints
      &emsp;? Decide whether to mock the payment gateway
      &emsp;○ Run test suite and fix failures
      "
    `);
    expect(body).not.toContain("(in progress)");
  });

  it("reads back exactly, also an item whose own text says it waits", () => {
    const tricky: TaskView = { ...asking, items: [...asking.items.slice(0, 3), { text: "Ask (waiting for your answer)", state: "pending" }] };
    for (const task of [asking, tricky, { ...apiTests, question: { seq: 1, comment: 9 } }]) {
      const view = { ...seedView, tasks: [task] };
      expect(parseStatus(renderStatus(view))).toEqual(view);
    }
    expect(renderStatus({ ...seedView, tasks: [tricky] })).toContain("&emsp;❓ Ask \\(waiting for your answer\\) (waiting for your answer)\n");
  });

  it("asks only while the task runs or waits; a finished or queued task shows its status", () => {
    const line = (task: TaskView) => renderStatus({ ...seedView, tasks: [task] }).split("\n").find((l) => l.startsWith("●"))!;
    expect(line({ ...asking, status: "done" })).toContain("— COMPLETE ·");
    expect(line({ ...asking, status: "queued", run: undefined })).toBe(`● **security-review** (opus) — queued · [branch](${REPO}/tree/dispatch/42/security-review)`);
    expect(line({ ...asking, status: "cancelled" })).toContain("— cancelled ·");
    expect(renderStatus({ ...seedView, tasks: [{ ...asking, status: "failed" }] })).not.toContain("❓");
  });

  it("keeps saying so, without the link, when the comment is too long for links", () => {
    const many = Array.from({ length: 400 }, (_, i) => ({ ...asking, id: `task-${i}`, branch: `dispatch/42/task-${i}`, title: "t".repeat(120) }));
    const body = renderStatus({ ...seedView, tasks: many });
    expect(body.length).toBeLessThanOrEqual(COMMENT_LIMIT);
    expect(body).toContain("● **task-0** (opus) — ❓ waiting for your answer\n");
    expect(parseStatus(body)!.tasks[0]!.question).toEqual({ seq: 2, comment: 5678 });
  });
});

describe("parseStatus", () => {
  it("reads back the seed view", () => {
    expect(parseStatus(renderStatus(seedView))).toEqual(seedView);
  });

  it("is null for a comment that is not a status comment", () => {
    expect(parseStatus("hello")).toBeNull();
    expect(parseStatus(`> ${statusMarker(5)}`)).toBeNull();
  });

  it("does its best with a body a person edited, and never throws", () => {
    const body = renderStatus(seedView);
    const edited = body
      .replace(/<!-- dispatch:task \{"id":"api-tests".*\n/, "<!-- dispatch:task {broken json -->\n")
      .replace("&emsp;○ Write findings report", "&emsp;○ Write the findings report, please")
      .replace(/\n/g, "\r\n");
    const view = parseStatus(edited)!;
    expect(view.tasks.map((t) => t.id)).toEqual(["security-review", "update-readme", "deps-audit", "orders-api"]);
    expect(view.tasks[0]!.items[4]).toEqual({ text: "Write the findings report, please", state: "pending" });
    expect(parseStatus(statusMarker(3))).toEqual({ command: 3, issue: 0, base: "", repoUrl: "", tasks: [] });

    const lines = body.split("\n");
    fc.assert(
      fc.property(
        fc.array(fc.nat(lines.length), { maxLength: 6 }),
        fc.array(fc.tuple(fc.nat(lines.length), fc.string({ unit: "binary" })), { maxLength: 4 }),
        (drops, inserts) => {
          const copy = lines.filter((_, i) => i === 0 || !drops.includes(i));
          for (const [at, text] of inserts) copy.splice(at, 0, text);
          expect(() => parseStatus(copy.join("\n"))).not.toThrow();
          expect(() => parseStatus(`${statusMarker(1)}\n${inserts.map(([, t]) => t).join("\n")}`)).not.toThrow();
        },
      ),
      { numRuns: 300 },
    );
  });
});

// ---------- round trip ----------

const word = fc.oneof(
  { weight: 6, arbitrary: fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9.,:;'"`()\/#@&<>*_!?[\]{}|~+=$%^\\-]{0,10}$/) },
  {
    weight: 2,
    arbitrary: fc.constantFrom("—", "<!--", "-->", "dispatch:task", "&mdash;", "&#8288;", "@team", "(in", "progress)", "✓", "?", "&emsp;", "日本語", "🚀"),
  },
);
const phrase = fc.array(word, { minLength: 1, maxLength: 8 }).map((w) => w.join(" "));
const item: fc.Arbitrary<PlanItem> = fc.oneof(
  fc.record({ text: phrase, state: fc.constantFrom<ItemState>("pending", "question") }),
  fc.record({ text: phrase, state: fc.constant<ItemState>("done"), note: phrase }, { requiredKeys: ["text", "state"] }),
  fc.record(
    {
      text: phrase,
      state: fc.constant<ItemState>("error"),
      reason: fc.oneof(
        phrase,
        fc.array(phrase, { minLength: 2, maxLength: 4 }).map((l) => l.join("\n")),
        fc.string({ unit: "binary", maxLength: 400 }),
      ),
    },
    { requiredKeys: ["text", "state"] },
  ),
);
const id = fc.stringMatching(/^[a-z0-9][a-z0-9]{0,8}(-[a-z0-9]{1,8}){0,2}$/);
const url = fc.oneof(
  fc.integer({ min: 1, max: 1e10 }).map((n) => `${REPO}/actions/runs/${n}`),
  fc.integer({ min: 1, max: 1e10 }).map((n) => `${REPO}/actions/runs/${n}/job/${n + 1}`),
  fc.webUrl(),
);
const task: fc.Arbitrary<TaskView> = fc
  .record(
    {
      id,
      title: phrase,
      model: fc.constantFrom("opus", "sonnet", "gemini", "gemini-2.5-flash", "gpt-5", "o4-mini", "fast", "my bot (v2)"),
      agent: fc.constantFrom(...AGENTS),
      status: fc.constantFrom(...TASK_STATUSES),
      items: fc.array(item, { maxLength: 8 }),
      otherBranch: fc.option(fc.stringMatching(/^[a-z][a-z0-9/_.-]{0,30}$/), { nil: undefined }),
      after: fc.array(id, { maxLength: 3 }),
      run: url,
      pr: fc.oneof(
        fc.integer({ min: 1, max: 99999 }).map((number) => ({ number, url: `${REPO}/pull/${number}` })),
        fc.record({ number: fc.integer({ min: 1, max: 99999 }), url: fc.webUrl() }),
      ),
      error: phrase,
      cost_usd: fc.oneof(fc.integer({ min: 0, max: 100_000 }).map((c) => c / 100), fc.double({ min: 0, max: 1e4, noNaN: true })),
      asked: fc.uniqueArray(fc.integer({ min: 1, max: 999 }), { maxLength: 5 }).map((a) => a.sort((x, y) => x - y)),
      answeredBy: fc.uniqueArray(fc.integer({ min: 1, max: 2 ** 40 }), { minLength: 1, maxLength: 4 }),
      question: fc.record({ seq: fc.integer({ min: 1, max: 999 }), comment: fc.integer({ min: 1, max: 2 ** 40 }) }),
      spec: fc.record({
        prompt: fc.oneof(phrase, fc.string({ unit: "binary", maxLength: 300 })),
        steps: fc.array(phrase, { maxLength: 3 }),
        worktree: fc.boolean(),
      }),
      suffix: fc.constantFrom("", "-15jsaby", "-a1"),
    },
    { requiredKeys: ["id", "title", "model", "agent", "status", "items", "after", "asked", "suffix"] },
  )
  .map(({ otherBranch, suffix, ...rest }) => ({ ...rest, branch: otherBranch ?? `dispatch/42/${rest.id}${suffix}` }) as TaskView)
  .filter((t) => !Object.is(t.cost_usd, -0));
const view: fc.Arbitrary<StatusView> = fc.record({
  command: fc.integer({ min: 1, max: 2 ** 40 }),
  issue: fc.integer({ min: 1, max: 1e6 }),
  base: fc.constantFrom("main", "feature/x", "release-1.2"),
  repoUrl: fc.constantFrom(REPO, "https://github.com/octo-org/hello.world"),
  tasks: fc.array(task, { maxLength: 8 }),
});

describe("round trip", () => {
  it("parseStatus(renderStatus(v)) equals v for every status, item state, link and question number", () => {
    fc.assert(
      fc.property(view, (v) => {
        const body = renderStatus(v);
        expect(body.length).toBeLessThanOrEqual(COMMENT_LIMIT);
        expect(parseStatus(body)).toEqual(v);
      }),
      { numRuns: 400 },
    );
  });
});

/** The ids of the tasks whose checklist the body shows (a headline followed by item lines). */
function checklists(body: string): string[] {
  return body.split("\n\n").flatMap((block) => {
    const id = /^● \*\*([^*]+)\*\*/m.exec(block)?.[1];
    return id && /\n&emsp;/.test(block) ? [id] : [];
  });
}

describe("size limit", () => {
  const long = (n: number, i: number) => `Step ${i}: ${"check every endpoint and write down what it returns ".repeat(n)}`.trim();
  const big = (count: number, extra: Partial<TaskView> = {}): StatusView => ({
    ...seedView,
    tasks: Array.from({ length: count }, (_, t) => ({
      id: `task-${t}-perf-audit`,
      title: `Load test the top API endpoints and check database indexes, part ${t}`,
      model: "sonnet",
      agent: "claude",
      status: (["running", "done", "waiting", "failed"] as const)[t % 4]!,
      items: Array.from({ length: 8 }, (_, i) => ({ text: long(4, i), state: i < 3 ? "done" : "pending" }) as PlanItem),
      branch: `dispatch/42/task-${t}-perf-audit`,
      after: [],
      run: `${REPO}/actions/runs/${9_000_000_000 + t}`,
      ...(t % 4 === 1 ? { pr: { number: 1000 + t, url: `${REPO}/pull/${1000 + t}` } } : {}),
      asked: t % 4 === 2 ? [1, 2] : [],
      ...extra,
    })),
  });

  it("collapses finished tasks first, keeping the others' items", () => {
    const v = big(40);
    const body = renderStatus(v);
    expect(body.length).toBeLessThanOrEqual(COMMENT_LIMIT);
    const parsed = parseStatus(body)!;
    for (const [i, t] of parsed.tasks.entries()) {
      expect(t.items).toEqual(isFinished(v.tasks[i]!) ? [] : v.tasks[i]!.items);
      expect({ ...t, items: [] }).toEqual({ ...v.tasks[i]!, items: [] });
    }
  });

  it("keeps 256 tasks with 8 long items each under the limit, and remembers every task", () => {
    const v = big(256);
    const body = renderStatus(v);
    expect(body.length).toBeLessThanOrEqual(COMMENT_LIMIT);
    const parsed = parseStatus(body)!;
    expect(parsed.tasks).toHaveLength(256);
    expect(parsed.tasks.map(({ id, status, asked, pr, branch }) => ({ id, status, asked, pr, branch }))).toEqual(
      v.tasks.map(({ id, status, asked, pr, branch }) => ({ id, status, asked, pr, branch })),
    );
    // As many running and waiting tasks as fit keep their checklist and links, from the first on.
    expect(body).toContain(`● **task-0-perf-audit** (sonnet) — 3/8 items complete · [run](${REPO}/actions/runs/9000000000)`);
    const withItems = checklists(body);
    const watched = v.tasks.filter((t) => t.status === "running" || t.status === "waiting").map((t) => t.id);
    expect(withItems).toEqual(watched.slice(0, withItems.length));
  });

  it("at 256 tasks keeps every running and waiting task's checklist and run link, finished and queued ones on one line", () => {
    const statuses = (t: number): TaskView["status"] => (t < 20 ? "running" : t < 22 ? "waiting" : t < 122 ? "done" : t < 134 ? "failed" : "queued");
    const v: StatusView = {
      ...seedView,
      tasks: Array.from({ length: 256 }, (_, t) => ({
        id: `task-${t}-perf-audit`,
        title: `Load test the top API endpoints and check database indexes, part ${t}`,
        model: "sonnet",
        agent: "claude",
        status: statuses(t),
        items: statuses(t) === "queued" ? [] : Array.from({ length: 8 }, (_, i) => ({ text: long(1, i), state: i < 3 ? "done" : "pending" }) as PlanItem),
        branch: `dispatch/42/task-${t}-perf-audit`,
        after: [],
        ...(statuses(t) === "queued" && t > 200 ? {} : { run: `${REPO}/actions/runs/${9_000_000_000 + t}` }),
        ...(statuses(t) === "done" ? { pr: { number: 1000 + t, url: `${REPO}/pull/${1000 + t}` }, cost_usd: 0.42 } : {}),
        ...(t === 21 ? { question: { seq: 1, comment: 5678 } } : {}),
        asked: t === 21 ? [1] : [],
      })),
    };
    const body = renderStatus(v);
    expect(body.length).toBeLessThanOrEqual(COMMENT_LIMIT);
    expect(checklists(body)).toEqual(v.tasks.slice(0, 22).map((t) => t.id));
    for (const t of v.tasks.slice(0, 20)) expect(body).toContain(`● **${t.id}** (sonnet) — 3/8 items complete · [run](${t.run})`);
    const parsed = parseStatus(body)!;
    expect(parsed.tasks).toHaveLength(256);
    // A retried task (queued, still naming its old run) keeps that run: its old plan is never read as the new run's.
    expect(parsed.tasks[150]).toMatchObject({ status: "queued", run: `${REPO}/actions/runs/9000000150` });
    expect(parsed.tasks.map((t) => t.status)).toEqual(v.tasks.map((t) => t.status));
  });

  it("cuts tasks with a clear note when even headlines do not fit", () => {
    const v = big(256, { error: "x".repeat(2000), status: "failed" });
    const body = renderStatus(v);
    expect(body.length).toBeLessThanOrEqual(COMMENT_LIMIT);
    expect(body).toMatch(/_… \d+ more tasks not shown: this comment reached GitHub's size limit\./);
    const parsed = parseStatus(body)!;
    expect(parsed.tasks.length).toBeGreaterThan(10);
    expect(parsed.tasks.length).toBeLessThan(256);
  });

  it("never exceeds the limit, whatever the view", () => {
    const huge = "y".repeat(70_000);
    expect(renderStatus({ ...seedView, repoUrl: huge }).length).toBeLessThanOrEqual(COMMENT_LIMIT);
    expect(renderStatus({ ...seedView, tasks: [{ ...seedView.tasks[0]!, title: huge, error: huge }] }).length).toBeLessThanOrEqual(
      COMMENT_LIMIT,
    );
  });
});
