import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { AGENTS, FALLBACK_TASK_ID, isTaskId, taskIdFrom, TASK_ID_PATTERN } from "../../src/core/task.js";

describe("isTaskId", () => {
  it.each(["security-review", "api-tests", "a", "0", "x1-2", "a".repeat(40)])("accepts %j", (id) => {
    expect(isTaskId(id)).toBe(true);
  });

  it.each(["", "-a", "a-", "a--b", "A", "a_b", "a b", "a/b", "a.b", "a".repeat(41), "é", "a\n"])("refuses %j", (id) => {
    expect(isTaskId(id)).toBe(false);
  });

  it("matches the contract's pattern", () => {
    expect(TASK_ID_PATTERN.source).toBe("^[a-z0-9][a-z0-9-]{0,39}$");
  });
});

describe("taskIdFrom", () => {
  it.each([
    ["do a security review of the auth module", "security-review"],
    ["write unit tests for the API endpoints", "unit-tests"],
    ["write tests for the API", "api-tests"],
    ["update the README with recent changes", "update-readme"],
    ["Security audit the auth flow (JWT, sessions, password reset)", "security-audit"],
    ["frontend audit - accessibility (WCAG 2.1 AA), bundle size", "frontend-audit"],
    ["error handling audit - find uncaught exceptions", "error-handling-audit"],
    ["Performance - load test the top 5 API endpoints", "performance"],
    ["generate OpenAPI specs for every endpoint", "openapi-specs"],
    ["Database migration", "database-migration"],
    ["refactor the database schema to use UUIDs", "refactor-database-schema"],
    ["add the orders table", "orders-table"],
    ["Add input validation to POST /users", "input-validation"],
    ["Crème brûlée recipe", "creme-brulee-recipe"],
    ["fix", "fix"],
    ["write", "write"],
    ["the of and", "the-of-and"],
  ])("%j → %s", (words, id) => {
    expect(taskIdFrom(words)).toBe(id);
  });

  it("falls back to a fixed id when no usable word is left", () => {
    expect(taskIdFrom("")).toBe(FALLBACK_TASK_ID);
    expect(taskIdFrom("日本語のタスク")).toBe(FALLBACK_TASK_ID);
    expect(taskIdFrom("!!! ???")).toBe(FALLBACK_TASK_ID);
  });

  it("never names a task `all` (that word cancels every task)", () => {
    expect(taskIdFrom("all")).toBe(FALLBACK_TASK_ID);
    expect(taskIdFrom("all all")).not.toBe("all");
  });

  it("makes ids unique among those taken", () => {
    const taken = new Set<string>();
    const ids = ["fix tests", "fix tests", "fix tests", "fix the tests"].map((words) => {
      const id = taskIdFrom(words, taken);
      taken.add(id);
      return id;
    });
    expect(ids).toEqual(["fix-tests", "fix-tests-2", "fix-tests-3", "fix-tests-4"]);
  });

  it("keeps a suffixed id within 40 characters and valid", () => {
    const long = "abcdefghij".repeat(5);
    const first = taskIdFrom(long);
    expect(first).toBe("a".concat("bcdefghij", "abcdefghij".repeat(3)));
    const second = taskIdFrom(long, new Set([first]));
    expect(second).toHaveLength(40);
    expect(second.endsWith("-2")).toBe(true);
    expect(isTaskId(second)).toBe(true);
  });

  it("always returns a valid id unique among those taken (property)", () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: "binary", maxLength: 60 }), { maxLength: 30 }), (titles) => {
        const taken = new Set<string>();
        for (const title of titles) {
          const id = taskIdFrom(title, taken);
          expect(isTaskId(id), id).toBe(true);
          expect(taken.has(id)).toBe(false);
          expect(id).not.toBe("all");
          taken.add(id);
        }
      }),
      { numRuns: 500 },
    );
  });
});

describe("AGENTS", () => {
  it("names the three CLIs and custom", () => {
    expect([...AGENTS]).toEqual(["claude", "gemini", "codex", "custom"]);
  });
});
