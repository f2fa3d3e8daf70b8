/** The app starting the tasks that wait for others (`after`): once, from the right branch, whatever the number of instances. */
import { afterEach, describe, expect, it } from "vitest";
import { harness, type Harness } from "./harness.js";
import { branchOf, ids, status } from "./thread-view.js";
import { files } from "./world.js";

let h: Harness;
afterEach(() => h.close());
const branch = (task: string) => branchOf(h, task);

describe("dependents", () => {
  /** Two tasks, the second after the first; the first's branch done with a change (not yet pushed to the app). */
  async function firstOfTwoDone(): Promise<[string, string]> {
    await h.comment("/dispatch two tasks:\n1. add the orders table\n2. (after 1) add the orders API");
    const [first, second] = ids(h);
    h.github.push(branch(first), { ...files.done(first, "Table added."), "db/orders.sql": "create table orders;\n" });
    h.github.push(branch(first), files.removeBookkeeping());
    return [first, second];
  }

  it("when a task is done, the tasks waiting for it start from its branch", async () => {
    h = await harness();
    const [first, second] = await firstOfTwoDone();
    await h.push(branch(first));
    expect(h.github.dispatches).toHaveLength(2);
    const next = h.github.dispatches[1]!;
    expect(next.inputs.base).toBe(branch(first));
    expect(JSON.parse(next.inputs.tasks)).toEqual([expect.objectContaining({ id: second, after: [first] })]);
    expect(status(h).tasks[1]!.status).toBe("queued");
    // Claimed by creating its branch, at the head of the branch it starts from.
    expect(h.github.createdRefs).toEqual([branch(second)]);
    expect(h.github.head(branch(second)).get("db/orders.sql")).toBe("create table orders;\n");
  });

  it("a dependent another refresh has claimed (its branch is there) is not started again", async () => {
    h = await harness();
    const [first, second] = await firstOfTwoDone();
    // The other refresh (a monitor, another instance) saw the same push first and made the branch.
    h.github.branches.set(branch(second), [new Map(h.github.head(branch(first)))]);
    await h.push(branch(first));
    expect(h.github.dispatches).toHaveLength(1);
    expect(h.github.count("POST", /\/git\/refs$/)).toBe(1);
    const view = status(h);
    expect(view.tasks[0]!.status).toBe("done");
    expect(view.tasks[1]!.status).toBe("queued");
  });

  it("two instances with no shared queue that both see the task finish start its dependent once", async () => {
    h = await harness({ instances: 2 });
    const [first, second] = await firstOfTwoDone();
    // The same push reaches both at once (each remembers only its own deliveries): two overlapping refreshes.
    await h.push(branch(first), { delivery: "both", to: [0, 1] });
    expect(h.github.count("POST", /\/git\/refs$/)).toBe(2);
    expect(h.github.createdRefs).toEqual([branch(second)]);
    expect(h.github.dispatches).toHaveLength(2);
    expect(h.github.pulls).toHaveLength(1);
  });

  it("a dependent whose start fails gives its branch back and says why", async () => {
    h = await harness();
    const [first, second] = await firstOfTwoDone();
    h.github.workflows.delete("dispatch.yml");
    await h.push(branch(first));
    expect(h.github.dispatches).toHaveLength(1);
    expect(h.github.createdRefs).toEqual([branch(second)]);
    expect(h.github.deletedRefs).toEqual([branch(second)]);
    expect(h.github.branches.has(branch(second))).toBe(false);
    const view = status(h);
    expect(view.tasks[1]!.status).toBe("failed");
    expect(view.tasks[1]!.error).toContain("could not be started");
  });

  it("starts a dependent with the spec recorded at the dispatch, not the /dispatch comment as edited since", async () => {
    h = await harness();
    const command = await h.comment("/dispatch two tasks:\n1. add the orders table\n2. (after 1) add the orders API with paging");
    const [first, second] = ids(h);
    h.github.comments.find((c) => c.id === command)!.body = "/dispatch two tasks:\n1. add the orders table\n2. (after 1) add the orders API and email every customer";
    h.github.push(branch(first), { ...files.done(first, "Table added."), "db/orders.sql": "create table orders;\n" });
    h.github.push(branch(first), files.removeBookkeeping());
    await h.push(branch(first));
    const [spec] = JSON.parse(h.github.dispatches[1]!.inputs.tasks) as Array<{ id: string; prompt: string }>;
    expect(spec!.id).toBe(second);
    expect(spec!.prompt).toContain("paging");
    expect(spec!.prompt).not.toContain("email");
  });

  it("a task waiting for two that finish in the same refresh starts once, from the last one it names", async () => {
    h = await harness();
    await h.comment("/dispatch three tasks:\n1. add the orders table\n2. add the users table\n3. (after 1) (after 2) join orders and users");
    const [first, second, third] = status(h).tasks.map((t) => t.id) as [string, string, string];
    for (const task of [first, second]) {
      h.github.push(branch(task), { ...files.done(task, "Added."), [`db/${task}.sql`]: "create table t;\n" });
      h.github.push(branch(task), files.removeBookkeeping());
    }
    await h.push(branch(first));
    expect(h.github.dispatches).toHaveLength(2);
    const next = h.github.dispatches[1]!;
    expect(next.inputs.base).toBe(branch(second));
    expect(JSON.parse(next.inputs.tasks)).toEqual([expect.objectContaining({ id: third, after: [first, second] })]);
  });

  it("a task waiting for a failed one is marked as never started", async () => {
    h = await harness();
    await h.comment("/dispatch two tasks:\n1. add the orders table\n2. (after 1) add the orders API");
    const [first, second] = ids(h);
    h.github.push(branch(first), files.plan(first, { status: "failed", items: [["Migrate", "error"]] }));
    await h.push(branch(first));
    const view = status(h);
    expect(view.tasks[0]!.status).toBe("failed");
    expect(view.tasks[1]!.status).toBe("cancelled");
    expect(view.tasks[1]!.error).toContain(first);
    expect(h.github.dispatches).toHaveLength(1);
    void second;
  });
});
