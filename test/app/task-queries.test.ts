import { afterEach, describe, expect, it } from "vitest";
import { parseStatus } from "../../src/core/status-read.js";
import { harness, type Harness } from "./harness.js";
import { files } from "./world.js";
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

describe("a refresh of many tasks", () => {
  let h: Harness;
  afterEach(() => h.close());

  it("reads only the tasks whose branch head moved since the last read, remembering heads in the status", async () => {
    h = await harness();
    h.github.config = "max_tasks: 60\n";
    const items = Array.from({ length: 50 }, (_, i) => `${i + 1}. use sonnet to audit module ${i}`);
    await h.comment(`/dispatch 50 tasks:\n${items.join("\n")}`);
    const status = () => parseStatus(h.github.byApp().find((c) => c.body.startsWith("<!-- dispatch:status"))!.body)!;
    const ids = status().tasks.map((t) => t.id);
    const branches = new Map(status().tasks.map((t) => [t.id, t.branch]));
    const branch = (id: string) => branches.get(id)!;
    for (const id of ids) h.github.push(branch(id), files.plan(id, { items: [["Read", "done"], ["Write", "pending"]] }));
    await h.push(branch(ids[0]!));
    expect(status().tasks.every((t) => t.status === "running" && /^[0-9a-f]{12}$/.test(t.head ?? ""))).toBe(true);

    h.github.push(branch(ids[7]!), files.plan(ids[7]!, { items: [["Read", "done"], ["Write", "done"]] }));
    const before = h.github.requests.length;
    await h.push(branch(ids[7]!));
    const queries = h.github.requests
      .slice(before)
      .filter((r) => r.path === "/graphql")
      .map((r) => (r.body as { query: string }).query)
      .filter((q) => q.includes("object(expression:"));
    expect(queries.map((q) => q.match(/object\(expression:/g)!.length)).toEqual([50, 7]);
    expect(queries[1]).toContain(`${branch(ids[7]!)}:`);
    const task = status().tasks[7]!;
    expect(task.items.map((i) => i.state)).toEqual(["done", "done"]);
    expect(status().tasks[8]!.items.map((i) => i.state)).toEqual(["done", "pending"]);
  });
});
