import { describe, expect, it } from "vitest";
import type { Command } from "../../src/core/command.js";
import { DEFAULT_CONFIG, parseConfig, type DispatchConfig } from "../../src/core/config.js";
import { parseComment } from "../../src/core/grammar.js";
import { renderHelp } from "../../src/core/help.js";
import type { TaskSpec } from "../../src/core/task.js";

function tasksOf(command: Command): TaskSpec[] {
  if (command.kind !== "dispatch") throw new Error(`expected a dispatch, got ${JSON.stringify(command)}`);
  return command.tasks;
}

function errorOf(command: Command): string {
  if (command.kind !== "error") throw new Error(`expected an error, got ${JSON.stringify(command)}`);
  return command.message;
}

function config(raw: unknown): DispatchConfig {
  const result = parseConfig(raw);
  if (!result.ok) throw new Error(result.error);
  return result.config;
}

const task = (fields: Partial<TaskSpec> & Pick<TaskSpec, "id" | "title" | "prompt">): TaskSpec => ({
  model: "sonnet",
  agent: "claude",
  worktree: false,
  steps: [],
  after: [],
  ...fields,
});

describe("the seed's examples", () => {
  it("three things, each with its model", () => {
    const body = [
      "/dispatch three things:",
      "1. use opus to do a security review of the auth module",
      "2. use sonnet to write unit tests for the API endpoints  ",
      "3. use gemini to update the README with recent changes",
    ].join("\n");
    expect(parseComment(body)).toEqual({
      kind: "dispatch",
      tasks: [
        {
          id: "security-review",
          title: "Do a security review of the auth module",
          prompt: "use opus to do a security review of the auth module",
          model: "opus",
          agent: "claude",
          worktree: false,
          steps: [],
          after: [],
        },
        {
          id: "unit-tests",
          title: "Write unit tests for the API endpoints",
          prompt: "use sonnet to write unit tests for the API endpoints",
          model: "sonnet",
          agent: "claude",
          worktree: false,
          steps: [],
          after: [],
        },
        {
          id: "update-readme",
          title: "Update the README with recent changes",
          prompt: "use gemini to update the README with recent changes",
          model: "gemini",
          agent: "gemini",
          worktree: false,
          steps: [],
          after: [],
        },
      ],
    });
  });

  it("three tasks without models run on the default model", () => {
    const body = "/dispatch three tasks:\n1. security review the auth module\n2. write tests for the API\n3. update documentation";
    expect(tasksOf(parseComment(body))).toEqual([
      task({ id: "security-review", title: "Security review the auth module", prompt: "security review the auth module" }),
      task({ id: "api-tests", title: "Write tests for the API", prompt: "write tests for the API" }),
      task({ id: "update-documentation", title: "Update documentation", prompt: "update documentation" }),
    ]);
  });

  it("the bad-for-parallel example still parses as two tasks (the grammar cannot know they conflict)", () => {
    const body = "/dispatch two tasks:\n1. refactor the database schema\n2. update all database queries to use the new schema";
    expect(tasksOf(parseComment(body)).map((t) => [t.id, t.after])).toEqual([
      ["refactor-database-schema", []],
      ["update-database-queries", []],
    ]);
  });

  it("sequential dispatches are one task each", () => {
    expect(tasksOf(parseComment("/dispatch refactor the database schema to use UUIDs"))).toEqual([
      task({
        id: "refactor-database-schema",
        title: "Refactor the database schema to use UUIDs",
        prompt: "refactor the database schema to use UUIDs",
      }),
    ]);
    expect(tasksOf(parseComment("/dispatch update all database queries to use UUIDs"))[0]?.id).toBe("update-database-queries");
  });

  it("database migration: one task with four steps", () => {
    const body = [
      "/dispatch database migration:",
      "1. refactor schema to use UUIDs",
      "2. update all queries to use UUIDs  ",
      "3. write migration script",
      "4. test migration on staging data",
    ].join("\n");
    expect(tasksOf(parseComment(body))).toEqual([
      task({
        id: "database-migration",
        title: "Database migration",
        prompt: body.slice("/dispatch ".length),
        steps: ["refactor schema to use UUIDs", "update all queries to use UUIDs", "write migration script", "test migration on staging data"],
      }),
    ]);
  });

  it("the pre-launch sweep: five tasks, three models, three worktrees, the header as context", () => {
    const body = `/dispatch we launch Thursday, need a full pre-launch sweep:

1) security audit the auth flow (JWT, sessions, password reset) and the
   stripe payment integration. use opus, do it in a worktree

2) performance - load test the top 5 API endpoints, find N+1 queries,
   check db indexes on users/orders/products tables. sonnet in a worktree

3) frontend audit - accessibility (WCAG 2.1 AA), bundle size, flag any
   components missing error boundaries. dispatch sonnet

4) generate OpenAPI specs for every endpoint that's missing one. use gemini

5) error handling audit - find uncaught exceptions, missing try/catch,
   inconsistent error response formats across all API routes. sonnet, worktree`;
    const context = "\n\nContext: we launch Thursday, need a full pre-launch sweep";
    expect(tasksOf(parseComment(body))).toEqual([
      task({
        id: "security-audit",
        title: "Security audit the auth flow (JWT, sessions, password reset) and the stripe payment integration",
        prompt:
          "security audit the auth flow (JWT, sessions, password reset) and the\nstripe payment integration. use opus, do it in a worktree" +
          context,
        model: "opus",
        worktree: true,
      }),
      task({
        id: "performance",
        title: "Performance - load test the top 5 API endpoints, find N+1 queries, check db indexes on users/orders/products tables",
        prompt:
          "performance - load test the top 5 API endpoints, find N+1 queries,\ncheck db indexes on users/orders/products tables. sonnet in a worktree" +
          context,
        worktree: true,
      }),
      task({
        id: "frontend-audit",
        title: "Frontend audit - accessibility (WCAG 2.1 AA), bundle size, flag any components missing error boundaries",
        prompt: "frontend audit - accessibility (WCAG 2.1 AA), bundle size, flag any\ncomponents missing error boundaries. dispatch sonnet" + context,
      }),
      task({
        id: "openapi-specs",
        title: "Generate OpenAPI specs for every endpoint that's missing one",
        prompt: "generate OpenAPI specs for every endpoint that's missing one. use gemini" + context,
        model: "gemini",
        agent: "gemini",
      }),
      task({
        id: "error-handling-audit",
        title: "Error handling audit - find uncaught exceptions, missing try/catch, inconsistent error response formats across all API…",
        prompt:
          "error handling audit - find uncaught exceptions, missing try/catch,\ninconsistent error response formats across all API routes. sonnet, worktree" +
          context,
        worktree: true,
      }),
    ]);
  });

  it("/dispatch status", () => {
    expect(parseComment("/dispatch status")).toEqual({ kind: "status", task: null });
  });
});

describe("issue 2's other examples", () => {
  it("one task with a model and a worktree", () => {
    expect(parseComment("/dispatch use sonnet to add input validation to POST /users, in a worktree")).toEqual({
      kind: "dispatch",
      tasks: [
        task({
          id: "input-validation",
          title: "Add input validation to POST /users",
          prompt: "use sonnet to add input validation to POST /users, in a worktree",
          worktree: true,
        }),
      ],
    });
  });

  it("two things with bullets: codex and gemini", () => {
    const body = "/dispatch two things:\n* use codex to migrate the jest config to vitest\n* gemini: triage the open bug reports";
    expect(tasksOf(parseComment(body))).toEqual([
      task({
        id: "migrate-jest-config",
        title: "Migrate the jest config to vitest",
        prompt: "use codex to migrate the jest config to vitest",
        model: "codex",
        agent: "codex",
      }),
      task({ id: "triage-open-bug", title: "Triage the open bug reports", prompt: "gemini: triage the open bug reports", model: "gemini", agent: "gemini" }),
    ]);
  });

  it("steps: one task, two steps, named by its steps", () => {
    const body = "/dispatch steps:\n1. add a failing test for the login redirect\n2. fix the redirect";
    expect(tasksOf(parseComment(body))).toEqual([
      task({
        id: "failing-test",
        title: "Add a failing test for the login redirect, then fix the redirect",
        prompt: "steps:\n1. add a failing test for the login redirect\n2. fix the redirect",
        steps: ["add a failing test for the login redirect", "fix the redirect"],
      }),
    ]);
  });

  it("two tasks where the second waits for the first", () => {
    const body = "/dispatch two tasks:\n1. add the orders table\n2. (after 1) add the orders API";
    expect(tasksOf(parseComment(body))).toEqual([
      task({ id: "orders-table", title: "Add the orders table", prompt: "add the orders table" }),
      task({ id: "orders-api", title: "Add the orders API", prompt: "(after 1) add the orders API", after: ["orders-table"] }),
    ]);
  });

  it("an answer", () => {
    expect(parseComment("/dispatch answer security-review yes, flag INFO logs too")).toEqual({
      kind: "answer",
      task: "security-review",
      text: "yes, flag INFO logs too",
    });
  });

  it("/dispatch mid-sentence is not a command", () => {
    expect(parseComment("I think we should /dispatch this to opus later")).toEqual({ kind: "none" });
    expect(parseComment("Let's wait.\n/dispatch status")).toEqual({ kind: "none" });
  });

  it("twelve items is more than the limit of ten", () => {
    const body = ["/dispatch twelve tasks:", ...Array.from({ length: 12 }, (_, i) => `${i + 1}. fix bug number ${i + 1}`)].join("\n");
    expect(errorOf(parseComment(body))).toBe(
      "12 tasks is more than this repository's limit of 10 (max_tasks in .github/dispatch.yml). Split the list over several comments, or raise the limit.",
    );
  });
});

describe("what makes a command", () => {
  it.each([
    ["/DISPATCH status", { kind: "status", task: null }],
    ["\n\n  /dispatch help", { kind: "help" }],
    ["/dispatch help!", { kind: "help" }],
    ["/dispatchstatus", { kind: "none" }],
    ["/dispatch-bot status", { kind: "none" }],
    ["", { kind: "none" }],
    ["   \n\t\n", { kind: "none" }],
    ["```\n/dispatch status\n```", { kind: "none" }],
  ] as const)("%j", (body, expected) => {
    expect(parseComment(body)).toEqual(expected);
  });

  it("a quote reply whose own first line is a command is one; a quoted command is not", () => {
    expect(parseComment("> Should I flag INFO logs?\n\n/dispatch answer security-review yes")).toEqual({
      kind: "answer",
      task: "security-review",
      text: "yes",
    });
    expect(parseComment("> /dispatch cancel all\n\nplease don't do that")).toEqual({ kind: "none" });
  });

  it("reads CRLF bodies", () => {
    expect(tasksOf(parseComment("/dispatch two things:\r\n- fix a\r\n- fix b\r\n")).map((t) => t.prompt)).toEqual(["fix a", "fix b"]);
  });

  it("an empty prompt says what to write", () => {
    expect(errorOf(parseComment("/dispatch"))).toMatch(/^Nothing to dispatch: write the task after `\/dispatch`, e\.g\. `\/dispatch use opus/);
    expect(errorOf(parseComment("/dispatch   \n\n  "))).toMatch(/^Nothing to dispatch/);
    expect(errorOf(parseComment("/dispatch . , ;"))).toMatch(/^Nothing to dispatch/);
    expect(errorOf(parseComment("/dispatch use opus"))).toMatch(/^This names how to run a task but not the task itself/);
  });
});

describe("sub-commands", () => {
  it.each([
    ["/dispatch status api-tests", { kind: "status", task: "api-tests" }],
    ["/dispatch status `API-Tests`", { kind: "status", task: "api-tests" }],
    ["/dispatch cancel all", { kind: "cancel", task: "all" }],
    ["/dispatch cancel update-readme", { kind: "cancel", task: "update-readme" }],
    ["/dispatch retry api-tests", { kind: "retry", task: "api-tests" }],
    ["/dispatch note security-review the payments module is out of scope", { kind: "note", task: "security-review", text: "the payments module is out of scope" }],
    ["/dispatch answer security-review: no", { kind: "answer", task: "security-review", text: "no" }],
    ["/dispatch help me", { kind: "help" }],
  ] as const)("%j", (body, expected) => {
    expect(parseComment(body)).toEqual(expected);
  });

  it("an answer continues on the lines below", () => {
    expect(parseComment("/dispatch answer security-review yes.\nAlso flag DEBUG logs.\n\n- and traces")).toEqual({
      kind: "answer",
      task: "security-review",
      text: "yes.\nAlso flag DEBUG logs.\n\n- and traces",
    });
    expect(parseComment("/dispatch answer api-tests\nuse the staging database")).toEqual({ kind: "answer", task: "api-tests", text: "use the staging database" });
  });

  it("missing or malformed arguments are errors that show the usage", () => {
    expect(errorOf(parseComment("/dispatch answer"))).toBe(
      "`/dispatch answer` needs the task and your answer. Write `/dispatch answer <task> <your answer>`, e.g. `/dispatch answer security-review yes, flag INFO logs too`.",
    );
    expect(errorOf(parseComment("/dispatch answer security-review"))).toBe(
      "`/dispatch answer security-review` is missing the answer. Write `/dispatch answer <task> <your answer>`, e.g. `/dispatch answer security-review yes, flag INFO logs too`.",
    );
    expect(errorOf(parseComment("/dispatch note api-tests   "))).toMatch(/^`\/dispatch note api-tests` is missing the note/);
    expect(errorOf(parseComment("/dispatch cancel"))).toBe("`/dispatch cancel` needs a task. Write `/dispatch cancel <task>` or `/dispatch cancel all`.");
    expect(errorOf(parseComment("/dispatch retry"))).toMatch(/^`\/dispatch retry` needs a task/);
    expect(errorOf(parseComment("/dispatch retry all"))).toMatch(/one task at a time/);
    expect(errorOf(parseComment("/dispatch cancel a b"))).toMatch(/^`\/dispatch cancel` takes one task/);
    expect(errorOf(parseComment("/dispatch status of the build"))).toMatch(/^`\/dispatch status` takes at most one task/);
    expect(errorOf(parseComment("/dispatch retry security_review"))).toBe(
      "`security_review` is not a task id: ids are lowercase letters, digits and dashes, like `security-review`. Write `/dispatch retry <task>`, e.g. `/dispatch retry api-tests`.",
    );
    expect(errorOf(parseComment("/dispatch cancel --all"))).toMatch(/^`--all` is not a task id/);
  });

  it("echoes a person's words back without backticks, breaks or great length", () => {
    const message = errorOf(parseComment(`/dispatch status \`${"x".repeat(30)}_\`\`${"y".repeat(30)}`));
    expect(message).toMatch(/^`x{30}_ y{7}…` is not a task id/);
  });
});

describe("lists", () => {
  it("a list with no header is parallel tasks", () => {
    expect(tasksOf(parseComment("/dispatch\n- fix the login bug\n- fix the logout bug")).map((t) => t.id)).toEqual(["fix-login-bug", "fix-logout-bug"]);
  });

  it("a plain header with undirected items is one task with steps; a directive on any item makes them tasks", () => {
    const steps = tasksOf(parseComment("/dispatch auth cleanup:\n- remove the old session code\n- rename the JWT helpers"));
    expect(steps).toHaveLength(1);
    expect(steps[0]).toMatchObject({ id: "auth-cleanup", title: "Auth cleanup", steps: ["remove the old session code", "rename the JWT helpers"] });

    const parallel = tasksOf(parseComment("/dispatch auth cleanup:\n- remove the old session code (haiku)\n- rename the JWT helpers"));
    expect(parallel.map((t) => [t.id, t.model])).toEqual([
      ["remove-old-session", "haiku"],
      ["rename-jwt-helpers", "sonnet"],
    ]);
  });

  it.each([
    ["in order:", 1],
    ["do these sequentially:", 1],
    ["three steps:", 1],
    ["5 tasks:", 2],
    ["all of these:", 2],
    ["in parallel:", 2],
    ["some fixes, each one separately:", 2],
  ])("header %j gives %i task(s)", (header, count) => {
    expect(tasksOf(parseComment(`/dispatch ${header}\n1. fix the header\n2. fix the footer`))).toHaveLength(count);
  });

  it("items continue over indented lines and lazy lines; blank-separated text after the list is context", () => {
    const body = [
      "/dispatch two things:",
      "- fix the login bug",
      "  it happens on Safari only",
      "  ```",
      "  - not an item",
      "  ```",
      "- fix the logout bug",
      "when the session expired",
      "",
      "Both must keep the old cookies working.",
    ].join("\n");
    expect(tasksOf(parseComment(body)).map((t) => t.prompt)).toEqual([
      "fix the login bug\nit happens on Safari only\n```\n- not an item\n```\n\nBoth must keep the old cookies working.",
      "fix the logout bug\nwhen the session expired\n\nBoth must keep the old cookies working.",
    ]);
  });

  it("lines in code fences are never items", () => {
    const body = "/dispatch fix the parser for this input:\n```\n1. use opus to do x\n2. use gemini to do y\n```";
    const tasks = tasksOf(parseComment(body));
    expect(tasks).toHaveLength(1);
    expect(tasks[0]).toMatchObject({ title: "Fix the parser for this input", model: "sonnet", prompt: body.slice("/dispatch ".length) });
  });

  it("GitHub task-list checkboxes are not part of the title", () => {
    expect(tasksOf(parseComment("/dispatch two things:\n- [ ] fix a\n- [x] fix b")).map((t) => t.title)).toEqual(["Fix a", "Fix b"]);
  });

  it("ids are unique within a dispatch", () => {
    const ids = tasksOf(parseComment("/dispatch three things:\n1. fix tests\n2. fix tests\n3. fix tests!")).map((t) => t.id);
    expect(ids).toEqual(["fix-tests", "fix-tests-2", "fix-tests-3"]);
  });
});

describe("directives", () => {
  const one = (prompt: string, cfg?: DispatchConfig): TaskSpec => {
    const tasks = tasksOf(parseComment(`/dispatch ${prompt}`, cfg));
    expect(tasks).toHaveLength(1);
    return tasks[0]!;
  };

  it.each([
    ["use opus to review the auth module", "opus", "Review the auth module"],
    ["review the auth module using opus", "opus", "Review the auth module"],
    ["review the auth module (opus)", "opus", "Review the auth module"],
    ["(opus) review the auth module", "opus", "Review the auth module"],
    ["opus: review the auth module", "opus", "Review the auth module"],
    ["have haiku write the changelog", "haiku", "Write the changelog"],
    ["review the auth module. dispatch gpt-5", "gpt-5", "Review the auth module"],
    ["review the auth module, gemini-2.5-pro", "gemini-2.5-pro", "Review the auth module"],
    ["review the auth module. use O3.", "o3", "Review the auth module"],
    ["use the opus model to review the auth module", "opus", "Review the auth module"],
  ])("%j → %s", (prompt, model, title) => {
    expect(one(prompt)).toMatchObject({ model, title });
  });

  it("a model word in the task's subject is not a directive", () => {
    for (const prompt of [
      "compare opus and sonnet pricing",
      "compare opus, sonnet",
      "document how to use gemini",
      "explain the cost of using opus",
      "write a haiku about our release",
      "update the codex integration docs",
    ]) {
      expect(one(prompt), prompt).toMatchObject({ model: "sonnet", agent: "claude", title: expect.stringMatching(/^[A-Z]/) });
      expect(one(prompt).title.toLowerCase()).toBe(prompt.toLowerCase());
    }
  });

  it("the last model named wins", () => {
    expect(one("use opus to review the auth module, actually gemini")).toMatchObject({ model: "gemini", agent: "gemini" });
    expect(one("(haiku) review the auth module. use opus")).toMatchObject({ model: "opus" });
    expect(one("use opus to review the auth module, or rather use haiku instead")).toMatchObject({ model: "haiku", title: "Review the auth module" });
  });

  it.each([
    "fix the flaky test in a worktree",
    "fix the flaky test, do it in a worktree",
    "fix the flaky test. use a worktree",
    "fix the flaky test, worktree",
    "fix the flaky test (sonnet, worktree)",
  ])("worktree: %j", (prompt) => {
    expect(one(prompt)).toMatchObject({ worktree: true, title: "Fix the flaky test" });
  });

  it("worktree words in the subject are not a directive", () => {
    expect(one("fix the worktree cleanup bug")).toMatchObject({ worktree: false, title: "Fix the worktree cleanup bug" });
  });

  it("a header's model applies to items without their own", () => {
    const body = "/dispatch use gemini for these three things:\n- update the docs\n- have haiku write the changelog\n- fix typos in the README";
    expect(tasksOf(parseComment(body)).map((t) => [t.id, t.model, t.agent])).toEqual([
      ["update-docs", "gemini", "gemini"],
      ["changelog", "haiku", "claude"],
      ["fix-typos", "gemini", "gemini"],
    ]);
  });

  it("a header's worktree applies to every item", () => {
    const tasks = tasksOf(parseComment("/dispatch two things, each in its own worktree:\n- fix a\n- fix b (opus)"));
    expect(tasks.map((t) => [t.worktree, t.model])).toEqual([
      [true, "sonnet"],
      [true, "opus"],
    ]);
  });

  it("configured aliases and the default model", () => {
    const cfg = config({ default_model: "gemini-2.5-flash", models: { fast: { agent: "gemini", model: "gemini-2.5-flash" }, big: { agent: "claude", model: "claude-opus-4-1" } } });
    const tasks = tasksOf(parseComment("/dispatch three things:\n1. fix a\n2. fix b using fast\n3. big: fix c", cfg));
    expect(tasks.map((t) => [t.model, t.agent])).toEqual([
      ["gemini-2.5-flash", "gemini"],
      ["gemini-2.5-flash", "gemini"],
      ["claude-opus-4-1", "claude"],
    ]);
    expect(tasks[2]?.title).toBe("Fix c");
  });

  it("an unknown or misspelt model word in a directive's place is refused with the known models and a did-you-mean", () => {
    const llama = errorOf(parseComment("/dispatch use llama to fix the tests"));
    expect(llama).toContain("`llama` is not a model this repository knows");
    expect(llama).toContain("`opus`");
    const sonet = errorOf(parseComment("/dispatch use sonet to fix the bug"));
    expect(sonet).toContain("did you mean `sonnet`?");
    expect(errorOf(parseComment("/dispatch fix the login (opsu)"))).toContain("did you mean `opus`?");
    expect(errorOf(parseComment("/dispatch gemni: write the docs"))).toContain("did you mean `gemini`?");
    expect(errorOf(parseComment("/dispatch three things:\n1. use opus to review auth\n2. using qwen, write tests\n3. fix c"))).toContain("`qwen`");
    const cfg = config({ models: { speedy: { agent: "gemini", model: "gemini-2.5-flash" } } });
    const alias = errorOf(parseComment("/dispatch use speedyy to fix it", cfg));
    expect(alias).toContain("did you mean `speedy`?");
    expect(alias).toContain("aliases `speedy`");
  });

  it("a model-like word in the subject, or an ordinary tool in a directive's place, is just a word", () => {
    expect(one("compare llama and opus pricing")).toMatchObject({ model: "sonnet", title: "Compare llama and opus pricing" });
    expect(one("use jq to parse the logs")).toMatchObject({ model: "sonnet", title: "Use jq to parse the logs" });
    expect(one("use docker to run the tests")).toMatchObject({ model: "sonnet" });
  });
});

describe("dependencies", () => {
  const list = (...items: string[]) => `/dispatch several tasks:\n${items.map((item, i) => `${i + 1}. ${item}`).join("\n")}`;

  it.each([
    ["after 1: add the orders API"],
    ["(after 1) add the orders API"],
    ["after orders-table: add the orders API"],
    ["after item 1: add the orders API"],
  ])("%j", (second) => {
    const tasks = tasksOf(parseComment(list("add the orders table", second)));
    expect(tasks[1]).toMatchObject({ id: "orders-api", title: "Add the orders API", after: ["orders-table"] });
  });

  it.each([
    ["(after 1) use gemini to update the README"],
    ["after 1: use gemini to update the README"],
    ["use gemini to update the README (after 1)"],
  ])("a model named after the dependency: %j", (second) => {
    const tasks = tasksOf(parseComment(list("add the orders table", second)));
    expect(tasks[1]).toMatchObject({ id: "update-readme", title: "Update the README", model: "gemini", agent: "gemini", after: ["orders-table"] });
  });

  it("several references, and written numbers over positions", () => {
    const tasks = tasksOf(parseComment("/dispatch tasks:\n3. fix a\n5. fix b\n7. after 3 and 5: ship it"));
    expect(tasks[2]?.after).toEqual(["fix", "fix-b"]);
  });

  it("unknown, self and cyclic references are errors", () => {
    expect(errorOf(parseComment(list("fix a", "after 3: fix b")))).toBe("Item 2 waits for item 3, but the list has no item 3.");
    expect(errorOf(parseComment(list("fix a", "after payments: fix b")))).toBe(
      "Item 2 waits for `payments`, which is not a task of this list (its tasks are fix, fix-b).",
    );
    expect(errorOf(parseComment(list("fix a", "after 2: fix b")))).toBe("Item 2 cannot wait for itself (after 2).");
    expect(errorOf(parseComment(list("after 2: fix a", "after 1: fix b")))).toBe(
      "These tasks wait for each other, so none could start: fix → fix-b → fix. Remove one of the `after`s.",
    );
    expect(errorOf(parseComment("/dispatch after 1: fix the tests"))).toMatch(/this comment has no list/);
  });

  it("`after` in ordinary words is not a dependency", () => {
    expect(one2("/dispatch clean up after the migration")).toMatchObject({ after: [], title: "Clean up after the migration" });
  });

  function one2(body: string): TaskSpec {
    return tasksOf(parseComment(body))[0]!;
  }
});

describe("limits", () => {
  it("max_tasks from the configuration", () => {
    const body = "/dispatch three things:\n- fix a\n- fix b\n- fix c";
    expect(errorOf(parseComment(body, config({ max_tasks: 2 })))).toMatch(/^3 tasks is more than this repository's limit of 2 \(max_tasks/);
    expect(tasksOf(parseComment(body, config({ max_tasks: 3 })))).toHaveLength(3);
  });

  it("a one-task-with-steps list is one task, whatever its length", () => {
    const body = ["/dispatch release checklist:", ...Array.from({ length: 30 }, (_, i) => `- check item ${i}`)].join("\n");
    expect(tasksOf(parseComment(body))[0]?.steps).toHaveLength(30);
  });

  it("long titles are cut at a word", () => {
    const title = tasksOf(parseComment(`/dispatch ${"refactor everything ".repeat(20)}`))[0]!.title;
    expect(title.length).toBeLessThanOrEqual(120);
    expect(title.endsWith("…")).toBe(true);
    expect(new Set(title.slice(0, -1).toLowerCase().split(" "))).toEqual(new Set(["refactor", "everything"]));
  });

  it("defaults to DEFAULT_CONFIG", () => {
    expect(parseComment("/dispatch fix it")).toEqual(parseComment("/dispatch fix it", DEFAULT_CONFIG));
  });

  it("never throws on a non-string body", () => {
    expect(parseComment(undefined as unknown as string)).toEqual({ kind: "none" });
    expect(parseComment(42 as unknown as string)).toEqual({ kind: "none" });
  });
});

describe("renderHelp", () => {
  it("shows the grammar, the default model, the aliases, the limit and how to answer", () => {
    const help = renderHelp(config({ default_model: "opus", max_tasks: 7, models: { fast: { agent: "gemini", model: "gemini-2.5-flash" } } }));
    expect(help).toContain("/dispatch three things:");
    expect(help).toContain("Without one, a task runs on `opus` (claude)");
    expect(help).toContain("`fast` → gemini `gemini-2.5-flash`");
    expect(help).toContain("at most 7 tasks per comment");
    expect(help).toContain("`/dispatch answer <task> <text>`");
    expect(help).toContain("*Quote reply*");
    for (const sub of ["status", "cancel", "retry", "note", "help"]) expect(help).toContain(`\`/dispatch ${sub}`);
  });

  it("every example in the help parses as it says", () => {
    const help = renderHelp(DEFAULT_CONFIG);
    const fences = [...help.matchAll(/```\n([\s\S]*?)\n```/g)].map((m) => m[1]!);
    expect(fences.map((body) => tasksOf(parseComment(body)).length)).toEqual([1, 3, 2, 1]);
    expect(help).not.toContain("This repository's models");
  });
});
