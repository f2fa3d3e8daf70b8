/**
 * The Actions mode's monitor (src/actions-app/monitor.ts) on the fake GitHub: its real loop and the app's refresh,
 * with the heads read from the fake's branches and each wait between two polls standing for what the workers push.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { monitorDispatch, type MonitorOptions } from "../../src/actions-app/monitor.js";
import { parseStatus } from "../../src/core/status-read.js";
import type { StatusView } from "../../src/core/status-view.js";
import { APP_LOGIN, OWNER, REPO } from "./fake-github.js";
import { harness, type Harness } from "./harness.js";
import { files, RUN } from "./world.js";

const TWO = "/dispatch two things:\n1. use opus to review the auth module\n2. use sonnet to write the api tests";
/** A task's branch as the status names it (`dispatch/42/<task>-<dispatch>`). */
const branch = (task: string) => status().tasks.find((t) => t.id === task)!.branch;

let h: Harness;
let command: number;
afterEach(() => h.close());
beforeEach(async () => {
  h = await harness({ minGapMs: 0 });
  command = await h.comment(TWO);
  await h.app.idle();
});

function status(): StatusView {
  return parseStatus(h.github.byApp().find((c) => c.body.startsWith("<!-- dispatch:status"))!.body)!;
}

/** Run the monitor; `steps[i]` is what the workers push during the i-th wait (nothing once they run out). */
function monitor(steps: Array<() => void>, options: Partial<MonitorOptions> = {}) {
  let wait = 0;
  const polled: string[][] = [];
  const run = monitorDispatch({
    auth: { token: "test" },
    probot: h.probot,
    repo: { owner: OWNER, repo: REPO },
    issue: 42,
    command,
    defaultBranch: "main",
    appLogin: APP_LOGIN,
    remote: "origin",
    cwd: process.cwd(),
    pollMs: 0,
    refreshEveryMs: Number.POSITIVE_INFINITY,
    sleep: async () => void steps[wait++]?.(),
    readHeads: async (branches) => {
      polled.push([...branches]);
      return new Map(branches.flatMap((b) => (h.github.branches.has(b) ? [[b, String(h.github.branches.get(b)!.length)] as const] : [])));
    },
    ...options,
  });
  return { run, polled };
}

describe("the Actions mode's monitor", () => {
  it("refreshes when a head moved, not when nothing moved, and ends when every task finished", async () => {
    const [a, b] = status().tasks.map((t) => t.id) as [string, string];
    const { run, polled } = monitor([
      () => h.github.push(branch(a), files.plan(a, { items: [["Read", "done"], ["Write", "pending"]] })),
      () => {}, // nothing pushed: no refresh, no request beyond the poll
      () => {
        h.github.push(branch(a), { "src/auth.js": "// reviewed\n" });
        h.github.push(branch(a), files.done(a, "Reviewed.", [["Read", "done"], ["Write", "done"]]));
        h.github.push(branch(a), files.removeBookkeeping());
      },
      () => {
        h.github.push(branch(b), files.done(b, "Nothing to change.", [["Look", "done"]]));
        h.github.push(branch(b), files.removeBookkeeping());
      },
    ]);
    const result = await run;
    expect(result.polls).toBe(4);
    expect(result.refreshes).toBe(4); // the first look, and the three polls that saw a head move
    expect(polled[0]).toEqual([branch(a), branch(b)]);
    expect(polled[3]).toEqual([branch(b)]); // a finished task's branch is no longer polled
    expect(result.view!.tasks.map((t) => t.status)).toEqual(["done", "done"]);
    expect(status().tasks.map((t) => [t.id, t.status, Boolean(t.pr)])).toEqual([[a, "done", true], [b, "done", false]]);
    expect(h.github.pulls.map((p) => p.head)).toEqual([branch(a)]);
    expect(h.github.byApp().filter((c) => c.body.includes(`<!-- dispatch:output task=${b}`))).toHaveLength(1);
    expect(h.github.dispatches).toHaveLength(1);
  });

  it("ends at once, after one refresh, when the dispatch has finished already (a second monitor of it)", async () => {
    const [a, b] = status().tasks.map((t) => t.id) as [string, string];
    for (const id of [a, b]) h.github.push(branch(id), files.done(id, "Done.", [["Look", "done"]]));
    const first = await monitor([]).run;
    expect(first.refreshes).toBe(1);
    const writes = h.github.requests.filter((r) => r.method !== "GET" && r.path !== "/graphql").length;
    const second = await monitor([]).run;
    expect([second.refreshes, second.polls]).toEqual([1, 0]);
    expect(h.github.requests.filter((r) => r.method !== "GET" && r.path !== "/graphql").length).toBe(writes);
  });

  it("refreshes on a poll without a moved head once refreshEveryMs has passed (an edit by the app job)", async () => {
    const [a, b] = status().tasks.map((t) => t.id) as [string, string];
    const { run } = monitor([() => {}, () => {}, () => [a, b].forEach((id) => h.github.push(branch(id), files.done(id, "Done.", [["Look", "done"]])))], { refreshEveryMs: 0 });
    const result = await run;
    expect([result.polls, result.refreshes]).toEqual([3, 4]);
  });
});

describe("the monitor when GitHub fails", () => {
  it("a failed refresh is tried again at the next poll; the end is the same, each effect once", async () => {
    const [a, b] = status().tasks.map((t) => t.id) as [string, string];
    const { run } = monitor([
      () => {
        for (const id of [a, b]) {
          h.github.push(branch(id), files.done(id, "Done.", [["Look", "done"]]));
          h.github.push(branch(id), files.removeBookkeeping());
        }
        // More 502s than the client's own retries: the first refresh after the pushes fails as a whole.
        h.github.fail("POST", /\/graphql$/, 502, { times: 8, message: "Bad Gateway" });
      },
    ]);
    const result = await run;
    expect(result.polls).toBeGreaterThanOrEqual(2); // without the failure, the first poll's refresh would end it
    expect(result.view!.tasks.map((t) => t.status)).toEqual(["done", "done"]);
    expect(status().tasks.map((t) => t.status)).toEqual(["done", "done"]);
    expect(h.github.byApp().filter((c) => c.body.includes("<!-- dispatch:output"))).toHaveLength(2);
  });

  it("gives up with the error after MAX_FAILURES_IN_A_ROW failed polls", async () => {
    const { run } = monitor([], { readHeads: async () => Promise.reject(new Error("git ls-remote: unable to access")) });
    await expect(run).rejects.toThrow("unable to access");
  });
});

describe("the monitor when a task's job ended without recording the end (no workflow_job webhook)", () => {
  const OWN_RUN = 7001;
  const jobUrl = (run: number, id: number) => `https://github.com/${OWNER}/${REPO}/actions/runs/${run}/job/${id}`;

  it("marks a task whose job failed before it pushed anything failed, with the job's link, and ends", async () => {
    const [a, b] = status().tasks.map((t) => t.id) as [string, string];
    // a's job died in its first step (no plan, no run link yet): the job is in the monitor's own run.
    h.github.jobs.push({ id: 51, runId: OWN_RUN, name: `#42 ${a}`, status: "completed", conclusion: "failure" });
    h.github.jobs.push({ id: 52, runId: OWN_RUN, name: `#42 ${b}`, status: "in_progress", conclusion: null });
    h.github.jobs.push({ id: 53, runId: OWN_RUN, name: "monitor #42", status: "in_progress", conclusion: null });
    const { run } = monitor([() => h.github.push(branch(b), files.done(b, "Nothing to change.", [["Look", "done"]]))], { runId: OWN_RUN, jobsEveryMs: 0 });
    const result = await run;
    const [failed, done] = status().tasks;
    expect([failed!.id, failed!.status, done!.status]).toEqual([a, "failed", "done"]);
    expect(failed!.error).toBe(`the job failed before the task finished: ${jobUrl(OWN_RUN, 51)}`);
    expect(failed!.run).toBe(jobUrl(OWN_RUN, 51));
    expect(result.view!.tasks.map((t) => t.status)).toEqual(["failed", "done"]);
    expect(h.github.count("GET", new RegExp(`/actions/runs/${OWN_RUN}/jobs$`))).toBeGreaterThanOrEqual(1);
  });

  it("a cancelled job marks its task cancelled; a job whose worker recorded the end changes nothing", async () => {
    const [a, b] = status().tasks.map((t) => t.id) as [string, string];
    h.github.push(branch(b), files.done(b, "Done.", [["Look", "done"]]));
    h.github.jobs.push({ id: 61, runId: OWN_RUN, name: `#42 ${a}`, status: "completed", conclusion: "cancelled" });
    h.github.jobs.push({ id: 62, runId: OWN_RUN, name: `#42 ${b}`, status: "completed", conclusion: "success" });
    const result = await monitor([], { runId: OWN_RUN, jobsEveryMs: 0 }).run;
    expect(status().tasks.map((t) => [t.id, t.status])).toEqual([[a, "cancelled"], [b, "done"]]);
    expect(status().tasks[0]!.error).toBe(`the job was cancelled before the task finished: ${jobUrl(OWN_RUN, 61)}`);
    expect(status().tasks[1]!.error).toBeUndefined();
    expect(result.refreshes).toBe(1);
  });

  it("a job of another run than the one the task's plan names is not the task's: ignored, then the task's own job counts", async () => {
    const [a, b] = status().tasks.map((t) => t.id) as [string, string];
    // a runs in run 9001 (its plan links it); a completed job named like it in the monitor's run is another attempt's.
    h.github.push(branch(a), files.plan(a, { run: RUN, items: [["Read", "done"], ["Write", "pending"]] }));
    h.github.push(branch(b), files.done(b, "Done.", [["Look", "done"]]));
    h.github.jobs.push({ id: 71, runId: OWN_RUN, name: `#42 ${a}`, status: "completed", conclusion: "failure" });
    h.github.jobs.push({ id: 72, runId: 9001, name: `#42 ${a}`, status: "in_progress", conclusion: null });
    const { run } = monitor(
      [
        () => {},
        () => {
          // Now a's job in run 9001 dies too, without recording the end.
          h.github.jobs.find((job) => job.id === 72)!.status = "completed";
          h.github.jobs.find((job) => job.id === 72)!.conclusion = "timed_out";
        },
      ],
      { runId: OWN_RUN, jobsEveryMs: 0 },
    );
    const result = await run;
    expect(result.polls).toBe(2);
    expect(status().tasks.map((t) => [t.id, t.status])).toEqual([[a, "failed"], [b, "done"]]);
    expect(status().tasks[0]!.error).toBe(`the job timed out before the task finished: ${jobUrl(9001, 72)}`);
    expect(status().tasks[0]!.run).toBe(RUN);
    // The monitor's own run was read once, when a's view linked no run yet; then the run a's plan links.
    expect(h.github.count("GET", new RegExp(`/actions/runs/${OWN_RUN}/jobs$`))).toBe(1);
    expect(h.github.count("GET", /\/actions\/runs\/9001\/jobs$/)).toBe(2);
  });

  it("reads no jobs between two jobsEveryMs, whatever the refreshes", async () => {
    const [a, b] = status().tasks.map((t) => t.id) as [string, string];
    h.github.jobs.push({ id: 81, runId: OWN_RUN, name: `#42 ${a}`, status: "in_progress", conclusion: null });
    const { run } = monitor(
      [
        () => h.github.push(branch(a), files.plan(a, { items: [["Read", "done"]] })),
        () => [a, b].forEach((id) => h.github.push(branch(id), files.done(id, "Done.", [["Look", "done"]]))),
      ],
      { runId: OWN_RUN, jobsEveryMs: Number.POSITIVE_INFINITY },
    );
    const result = await run;
    expect(result.refreshes).toBe(3);
    // The first refresh reads them once; the two refreshes for moved heads do not.
    expect(h.github.count("GET", /\/actions\/runs\/\d+\/jobs$/)).toBe(1);
  });
});
