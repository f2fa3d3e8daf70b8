import { describe, expect, it } from "vitest";
import { QUERY_LIMITS } from "../../src/core/query-chunks.js";
import { taskQueries } from "../../src/app/github/queries.js";

describe("the task-files query", () => {
  const refs = (n: number) => Array.from({ length: n }, (_, i) => ({ id: `task-${i}-perf-audit-of-the-api`, branch: `dispatch/4242/task-${i}-perf-audit-of-the-api` }));

  it("reads 256 tasks in queries of at most 64 KB and 300 lookups, every task's 7 lookups in one query", () => {
    const queries = taskQueries(refs(256));
    expect(queries.length).toBeGreaterThan(1);
    for (const query of queries) {
      expect(query.length).toBeLessThanOrEqual(QUERY_LIMITS.maxChars);
      expect(query.match(/object\(expression:/g)!.length).toBeLessThanOrEqual(QUERY_LIMITS.maxLookups);
    }
    const aliases = queries.flatMap((q) => [...q.matchAll(/^\s+(\w+): object/gm)].map((m) => m[1]!));
    expect(aliases).toHaveLength(256 * 7);
    expect(new Set(aliases).size).toBe(256 * 7);
    for (const [index, query] of queries.entries()) {
      const tasks = new Set([...query.matchAll(/^\s+[a-z]+?(\d+): object/gm)].map((m) => m[1]));
      for (const i of tasks) expect(query.match(new RegExp(`^\\s+[a-z]+${i}: object`, "gm"))!.length, `query ${index}, task ${i}`).toBe(7);
    }
  });

  it("reads a few tasks in one query", () => {
    expect(taskQueries(refs(40))).toHaveLength(1);
  });
});
