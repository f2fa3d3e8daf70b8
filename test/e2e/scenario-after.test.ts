/**
 * Scenario 3 (issue 5): a dependency. Task 2 `(after 1)` is dispatched only once task 1 is done, and its branch
 * starts from task 1's finished branch (task 1's commits are ancestors of task 2's), its PR based on that branch.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { taskBranch } from "../../src/core/branch.js";
import { parseStatus } from "../../src/core/status-read.js";
import { dispatchedTasks, gitIn, headline, isAncestor, itemLinesByTask, startScenario, subjects, visibleLines, type Scenario } from "./scenario-kit.js";

const COMMENT = `/dispatch two tasks:
1. add the orders table
2. (after 1) add the orders API`;
/** The tasks' branches, named after the /dispatch comment once it is made. */
let TABLE = "";
let API = "";

let scenario: Scenario;

describe("scenario 3: task 2 runs after task 1, from task 1's branch", () => {
  beforeEach(async () => {
    // The harness's own scripted agent (no probe), as the sandbox and the benchmark run it.
    scenario = await startScenario({
      probe: false,
      agents: {
        "orders-table": {
          items: ["Write the migration"],
          edits: { "db/orders.sql": "CREATE TABLE orders (id INTEGER PRIMARY KEY, total INTEGER NOT NULL);\n" },
        },
        "orders-api": {
          items: ["Add the /orders handlers"],
          edits: { "src/orders.js": "export const table = 'orders';\nexport function listOrders(db) {\n  return db.all('SELECT * FROM orders');\n}\n" },
        },
      },
    });
  });

  afterEach(async () => {
    await scenario?.stop();
  });

  it("dispatches task 2 once task 1 is done, on a branch based on task 1's", async () => {
    const { harness } = scenario;
    const { hub, runner } = harness;
    for (let i = 0; i < 3; i++) hub.openIssue({ title: `Orders ${i + 1}`, user: "maintainer" });
    const { comment: command } = await harness.comment({ body: COMMENT, issue: 3 });
    TABLE = taskBranch("dispatch/", 3, "orders-table", command.id);
    API = taskBranch("dispatch/", 3, "orders-api", command.id);
    await harness.waitForQuiet();

    // Two dispatches: task 1 alone from main, then task 2 alone from task 1's branch.
    expect(dispatchedTasks(harness)).toEqual([["orders-table"], ["orders-api"]]);
    expect(hub.dispatches[0]!.inputs).toMatchObject({ base: "main", comment: String(command.id) });
    expect(hub.dispatches[1]!.inputs).toMatchObject({ base: TABLE, comment: String(command.id) });
    const [tableRun, apiRun] = runner.runs;
    expect(runner.runs).toHaveLength(2);
    expect(tableRun!.jobs.map((j) => [j.name, j.conclusion])).toEqual([["#3 orders-table", "success"]]);
    expect(apiRun!.jobs.map((j) => [j.name, j.conclusion])).toEqual([["#3 orders-api", "success"]]);

    // Task 2 started after task 1 was done: task 1's `done` commit is in task 2's history before task 2's first
    // commit (its plan), i.e. task 2's branch was created from task 1's finished branch.
    const tableHead = await gitIn(harness, ["rev-parse", TABLE]);
    const tableDone = await gitIn(harness, ["rev-parse", `${TABLE}~1`]);
    expect((await subjects(harness, TABLE)).slice(0, 2)).toEqual(["dispatch(orders-table): remove bookkeeping", "dispatch(orders-table): done"]);
    const apiFirst = await gitIn(harness, ["rev-list", "--reverse", `${TABLE}..${API}`]).then((out) => out.split("\n")[0]!);
    expect(await gitIn(harness, ["log", "-1", "--format=%s", apiFirst])).toBe("dispatch(orders-api): plan");
    expect(await gitIn(harness, ["rev-parse", `${apiFirst}^`])).toBe(tableHead);
    expect(await isAncestor(harness, tableDone, API)).toBe(true);
    expect(await isAncestor(harness, tableHead, API)).toBe(true);
    expect(await hub.readFile(API, "db/orders.sql")).toContain("CREATE TABLE orders");
    expect(await hub.readFile(API, "src/orders.js")).toContain("listOrders");

    // One PR per task: task 1's into main, task 2's into task 1's branch (so it shows only its own change).
    const pulls = harness.pulls();
    expect(pulls.map((p) => [p.pull!.head, p.pull!.base])).toEqual([
      [TABLE, "main"],
      [API, TABLE],
    ]);

    // The status comment: both complete, each with its PR link.
    const status = harness.statusComment(3, command.id)!;
    expect(hub.comments(3).filter((c) => c.body.startsWith("<!-- dispatch:status"))).toHaveLength(1);
    expect(visibleLines(status.body)[0]).toBe("✅ **dispatch** · all 2 tasks complete");
    for (const [task, pull] of [["orders-table", pulls[0]!], ["orders-api", pulls[1]!]] as const) {
      expect(headline(status.body, task)).toContain("COMPLETE");
      expect(headline(status.body, task)).toContain(`[PR #${pull.number}](`);
      for (const item of itemLinesByTask(status.body).get(task)!) expect(item).toMatch(/^✓ /);
    }
    expect(parseStatus(status.body)!.tasks.map((t) => [t.id, t.status])).toEqual([
      ["orders-table", "done"],
      ["orders-api", "done"],
    ]);
    expect(hub.unknownRequests()).toEqual([]);
  });
});
