/**
 * Issue 14, Actions mode exactly once. (1) A burst of commands on one busy thread: dispatch-app.yml's concurrency
 * group keeps one pending run, so the third comment's run cancels the second's; the third run first handles the
 * thread's unhandled commands (src/actions-app/converge.ts), and every command ends handled exactly once. (2) A task
 * whose job dies without recording its end (its process killed while it waits for an answer): no workflow_job webhook
 * exists in this mode, and the monitor, reading the run's jobs, marks the task failed with the job's link.
 */
import { afterEach, describe, expect, it } from "vitest";
import { repliedComment } from "../../src/core/reply.js";
import { parseStatus } from "../../src/core/status-read.js";
import { reapWithSudo } from "./runner/orphans.js";
import type { JobRecord, RunRecord } from "./runner/runner.js";
import { dispatchedTasks, headline, startScenario, until, type Scenario } from "./scenario-kit.js";

const BOT = "github-actions[bot]";
const STATUS = "<!-- dispatch:status";
/** Each comment is a job (a clone and a Node process loading the app bundle), each dispatch two more: see scenario-actions-mode. */
const TIMEOUT_MS = 300_000;

let scenario: Scenario | undefined;
afterEach(async () => {
  await scenario?.stop();
  scenario = undefined;
});

const commentOf = (run: RunRecord) => (run.event.payload["comment"] as { id: number } | undefined)?.id;

describe("Actions mode: every command once, every task ends", () => {
  it("three commands in a burst on a busy thread: the middle run is cancelled, all three are handled once", async () => {
    // The first command's run is held once it started (it holds the thread's concurrency group) until the other two
    // comments' runs are queued: the third one's cancels the second's, as GitHub does.
    let held: JobRecord | null = null;
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    scenario = await startScenario({
      mode: "actions",
      runner: {
        beforeSteps: (job) => {
          if (job.run.event.name !== "issue_comment" || held) return;
          held = job;
          return gate;
        },
      },
      agents: { "*": { items: ["Write it"], edits: { "docs/{task}.md": "# {task}\n" } } },
    });
    const { harness } = scenario;
    const { hub, runner } = harness;
    hub.openIssue({ title: "Docs", user: "maintainer" });
    const appRun = (comment: number) => runner.runs.find((run) => run.dispatch.workflow === "dispatch-app.yml" && commentOf(run) === comment);

    const { comment: first } = await harness.comment({ body: "/dispatch write the install guide", issue: 1 });
    await until("the first command's run holding the thread", () => held !== null && appRun(first.id) === held.run);
    const { comment: second } = await harness.comment({ body: "/dispatch write the faq", issue: 1 });
    await until("the second command's run pending", () => appRun(second.id));
    const { comment: third } = await harness.comment({ body: "/dispatch help", issue: 1 });
    await until("the third command's run pending", () => appRun(third.id));
    expect(appRun(second.id)!.jobs.map((job) => [job.status, job.conclusion])).toEqual([["completed", "cancelled"]]);
    release();
    await harness.waitForQuiet();

    // The runs: the first and the third ran, the second never did.
    expect([first, second, third].map((c) => appRun(c.id)!.jobs.map((job) => job.conclusion))).toEqual([["success"], ["cancelled"], ["success"]]);
    expect(runner.runs.filter((run) => run.dispatch.workflow === "dispatch-app.yml")).toHaveLength(3);

    // Each command handled once: one 👀 each, by the app; one dispatch (and one dispatch.yml run, one status
    // comment) for each /dispatch, oldest first; one help reply, naming the third comment.
    for (const c of [first, second, third]) {
      expect(hub.store.comments.get(c.id)!.reactions.map((r) => [r.user, r.content])).toEqual([[BOT, "eyes"]]);
    }
    expect(dispatchedTasks(harness)).toEqual([["install-guide"], ["faq"]]);
    expect(runner.runs.filter((run) => run.dispatch.workflow === "dispatch.yml").map((run) => run.dispatch.inputs["comment"])).toEqual([String(first.id), String(second.id)]);
    const statuses = hub.comments(1).filter((c) => c.body.startsWith(STATUS));
    expect(statuses.map((s) => parseStatus(s.body)!.command)).toEqual([first.id, second.id]);
    for (const status of statuses) expect(parseStatus(status.body)!.tasks.map((t) => t.status)).toEqual(["done"]);
    const replies = hub.comments(1).filter((c) => c.user === BOT && !c.body.startsWith(STATUS));
    expect(replies.map((c) => repliedComment(c.body))).toEqual([third.id]);
    expect(replies[0]!.body).toContain("/dispatch");
    expect(hub.count({ method: "POST", route: "/repos/{owner}/{repo}/issues/comments/{id}/reactions" })).toBe(3);
    expect(hub.count({ method: "POST", route: "/repos/{owner}/{repo}/actions/workflows/{workflow}/dispatches" })).toBe(2);
    // Every job's worker ended its own agent: the runner's end-of-job cleanup found nothing left.
    for (const job of runner.jobs()) expect(job.log).not.toContain("Terminate orphan process");
    expect(hub.unknownRequests()).toEqual([]);
  }, TIMEOUT_MS);

  it("a refused comment is answered once: the next run's convergence knows it by the app's marked reply", async () => {
    scenario = await startScenario({ mode: "actions", agents: {} });
    const { harness } = scenario;
    const { hub, runner } = harness;
    hub.openIssue({ title: "Docs", user: "maintainer" });
    const { comment: refused } = await harness.comment({ body: "/dispatch write the onboarding guide", issue: 1, user: "outsider" });
    await harness.waitForQuiet();
    const { comment: help } = await harness.comment({ body: "/dispatch help", issue: 1 });
    await harness.waitForQuiet();

    expect(runner.runs.map((run) => [commentOf(run), run.jobs.map((job) => job.conclusion)])).toEqual([
      [refused.id, ["success"]],
      [help.id, ["success"]],
    ]);
    const replies = hub.comments(1).filter((c) => c.user === BOT);
    expect(replies.map((c) => repliedComment(c.body))).toEqual([refused.id, help.id]);
    expect(replies[0]!.body).toMatch(/^Sorry @outsider\b/);
    // No 👀 on the refused comment; the second run did not take it up again (one permission lookup for it).
    expect(hub.store.comments.get(refused.id)!.reactions).toEqual([]);
    expect(hub.requests.filter((r) => r.path.endsWith("/collaborators/outsider/permission"))).toHaveLength(1);
    expect(hub.dispatches).toEqual([]);
    expect(hub.unknownRequests()).toEqual([]);
  }, TIMEOUT_MS);

  it("a task whose job is killed while it waits for an answer ends failed, with the job's link, and the monitor ends", async () => {
    scenario = await startScenario({
      mode: "actions",
      jobsSeconds: 1,
      agents: { "*": { items: ["Write it"], ask: "Which tone should the FAQ take?", askAt: 0, output: "Wrote the FAQ." } },
    });
    const { harness } = scenario;
    const { hub, runner } = harness;
    hub.openIssue({ title: "Docs", user: "maintainer" });
    const { comment: command } = await harness.comment({ body: "/dispatch write the faq", issue: 1 });
    await until("the question comment", () => harness.questionComments(1)[0]);
    const job = runner.jobForTask("faq")!;
    expect(job.status).toBe("in_progress");
    expect(runner.kill(job)).toBe(true);
    await harness.waitForQuiet();

    expect([job.status, job.conclusion]).toEqual(["completed", "failure"]);
    // The agent and its dispatch-ask, waiting for the answer, outlived the killed worker. They carry the job's
    // RUNNER_TRACKING_ID: a runner running as root ends them with the job; one that is not root cannot read the agent
    // user's processes (as on a real runner), and the test ends them itself.
    const orphans = job.log.split("\n").filter((line) => line.startsWith("Terminate orphan process:"));
    if (process.getuid?.() === 0) {
      expect(orphans.map((line) => line.replace(/\d+/, "N"))).toEqual(["Terminate orphan process: pid (N) (node)", "Terminate orphan process: pid (N) (node)"]);
    } else {
      expect(orphans).toEqual([]);
      expect(await reapWithSudo(runner.trackingId(job)!)).toBe(2);
    }
    const monitor = runner.jobs().find((j) => j.name === "monitor #1")!;
    expect([monitor.status, monitor.conclusion]).toEqual(["completed", "success"]);
    const status = harness.statusComment(1, command.id)!;
    const task = parseStatus(status.body)!.tasks[0]!;
    expect(task.status).toBe("failed");
    const jobLink = `/actions/runs/${job.runId}/job/${job.id}`;
    expect(task.error).toMatch(new RegExp(`^the job failed before the task finished: http\\S+${jobLink}$`));
    expect(headline(status.body, "faq")).toContain("FAILED");
    expect(status.body).toContain(jobLink);
    // No webhook but the person's comment; the end came from the run's jobs, read by the monitor.
    expect(new Set(hub.webhooks.deliveries.map((d) => d.event))).toEqual(new Set(["issue_comment"]));
    expect(hub.requests.filter((r) => r.route === "/repos/{owner}/{repo}/actions/runs/{id}/jobs" && r.caller === "job").length).toBeGreaterThan(0);
    expect(hub.pulls()).toEqual([]);
    expect(hub.unknownRequests()).toEqual([]);
  }, TIMEOUT_MS);
});
