/**
 * Issue 14 item 5: dispatch without a server. The seed's "three things" comment starts dispatch-app.yml on the local
 * runner (the app bundle handling the one event with the job's GITHUB_TOKEN), which dispatches dispatch.yml; its
 * monitor job polls the task branches and keeps the status comment live, posts the question, opens the PRs and posts
 * the review's output. The quote reply starts dispatch-app.yml again, which writes the answer. No push or
 * workflow_job webhook is delivered to anything.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { taskBranch } from "../../src/core/branch.js";
import { parseStatus } from "../../src/core/status-read.js";
import { dispatchedTasks, headline, itemLinesByTask, startScenario, until, visibleLines, type Scenario } from "./scenario-kit.js";

const COMMENT = `/dispatch three things:
1. use opus to do a security review of the auth module
2. use sonnet to write unit tests for the API endpoints
3. use gemini to update the README with recent changes`;

const QUESTION = "Should INFO-level log lines count as findings?";
const ANSWER = "No, only WARN and above.";
const TASKS = ["security-review", "unit-tests", "update-readme"];
const BOT = "github-actions[bot]";

let scenario: Scenario | undefined;
/**
 * Each comment here is a job (a clone and a Node process loading the app bundle) and the monitor another: 84–102 s
 * measured for the first test under a load average of 15–17 on 2 cores (the hosted scenario: 69 s), so more room
 * than the project's 180 s.
 */
const TIMEOUT_MS = 300_000;

describe("Actions mode: the app inside Actions, progress from the monitor job", () => {
  afterEach(async () => {
    await scenario?.stop();
    scenario = undefined;
  });

  beforeEach(async ({ task }) => {
    if (task.name.startsWith("the scheduled sweep")) return;
    scenario = await startScenario({
      mode: "actions",
      agents: {
        "security-review": {
          items: ["Scan for hardcoded secrets", "Review the login check", "Write the findings to output.md"],
          ask: QUESTION,
          askAt: 1,
          output: "Reviewed src/auth.js: the login check compares plain-text passwords.",
        },
        "unit-tests": {
          items: ["List the API routes", "Write a test per route"],
          edits: { "test/api.test.js": "import { routes } from '../src/api.js';\n// one test per route\n" },
          output: "Added test/api.test.js.",
        },
        "update-readme": {
          edits: { "README.md": "# shop\n\nA small web shop.\n\n## Recent changes\n\n- Login and orders API.\n" },
          output: "Updated the README.",
        },
      },
    });
  });

  it("dispatches from a job, shows progress live, routes the answer, opens two PRs and ends 3/3 complete", async () => {
    const { harness } = scenario!;
    const { hub, runner } = harness;
    expect(harness.probot).toBeNull();
    hub.openIssue({ title: "Pre-launch sweep", user: "maintainer" });
    const { comment: command } = await harness.comment({ body: COMMENT, issue: 1 });
    const br = (task: string) => taskBranch("dispatch/", 1, task, command.id);

    // The status comment is posted by the app job with the workflow's token, before any task finished.
    const first = await until("the status comment", () => harness.statusComment(1, command.id));
    expect(first.user).toBe(BOT);

    const question = await until("the question comment", () => harness.questionComments(1)[0]);
    expect(question.user).toBe(BOT);
    expect(question.body).toContain(QUESTION);
    // Live: while the question waits, the monitor has already edited the status to link it.
    await until("the status linking the open question", () => harness.statusComment(1, command.id)?.body.includes(`#issuecomment-${question.id}`));
    expect(parseStatus(harness.statusComment(1, command.id)!.body)!.tasks.find((t) => t.id === "security-review")!.status).not.toBe("done");
    await harness.quoteReply({ to: question, answer: ANSWER });
    await harness.waitForQuiet();

    // Runs: dispatch-app.yml for the /dispatch comment and for the reply (the app's own comments start none);
    // one dispatch.yml run with the three tasks and its monitor; every job succeeded.
    const appRuns = runner.runs.filter((run) => run.dispatch.workflow === "dispatch-app.yml");
    expect(appRuns.map((run) => run.event.name)).toEqual(["issue_comment", "issue_comment"]);
    expect(appRuns.map((run) => (run.event.payload["comment"] as { id: number }).id)).toEqual([command.id, hub.comments(1).find((c) => c.body.includes(ANSWER))!.id]);
    expect(dispatchedTasks(harness)).toEqual([TASKS]);
    const dispatchRuns = runner.runs.filter((run) => run.dispatch.workflow === "dispatch.yml");
    expect(dispatchRuns).toHaveLength(1);
    expect(dispatchRuns[0]!.jobs.map((job) => job.name).sort()).toEqual(["#1 security-review", "#1 unit-tests", "#1 update-readme", "monitor #1"]);
    for (const job of runner.jobs()) expect([job.name, job.conclusion]).toEqual([job.name, "success"]);
    const monitor = dispatchRuns[0]!.jobs.find((job) => job.name === "monitor #1")!;
    expect(Number(monitor.outputs["refreshes"])).toBeGreaterThan(1);

    // Nothing but the people's comments was delivered: no push, no workflow_job webhook.
    expect(new Set(hub.webhooks.deliveries.map((d) => d.event))).toEqual(new Set(["issue_comment"]));

    // The answer reached the branch; two PRs; the review's output posted once.
    expect(await hub.readFile(`${br("security-review")}~1`, ".dispatch/tasks/security-review/ipc/001.answer")).toContain(ANSWER);
    const pulls = hub.pulls();
    expect(pulls.map((p) => p.pull!.head).sort()).toEqual([br("unit-tests"), br("update-readme")]);
    for (const pull of pulls) expect(pull.user).toBe(BOT);
    const outputs = hub.comments(1).filter((c) => c.body.startsWith("<!-- dispatch:output task=security-review -->"));
    expect(outputs.map((c) => c.user)).toEqual([BOT]);

    // The final status: one status comment, 3/3 complete, every item ticked, the PR links.
    const statuses = hub.comments(1).filter((c) => c.body.startsWith("<!-- dispatch:status"));
    expect(statuses).toHaveLength(1);
    const status = statuses[0]!;
    expect(visibleLines(status.body)[0]).toBe("✅ **dispatch** · all 3 tasks complete");
    const items = itemLinesByTask(status.body);
    for (const task of TASKS) {
      expect(headline(status.body, task)).toContain("COMPLETE");
      for (const item of items.get(task)!) expect(item).toMatch(/^✓ /);
    }
    for (const pull of pulls) expect(headline(status.body, TASKS.find((task) => br(task) === pull.pull!.head)!)).toContain(`[PR #${pull.number}]`);
    expect(parseStatus(status.body)!.tasks.map((t) => [t.id, t.status])).toEqual(TASKS.map((id) => [id, "done"]));

    // Every write was made with a job token, each once: 👀 and 👍, status, question and output, one dispatch, one
    // answer file, two PRs; every call one the stand-in knows.
    const writes = (method: string, route: string) => hub.count({ method, route, caller: "job" });
    expect(writes("POST", "/repos/{owner}/{repo}/issues/comments/{id}/reactions")).toBe(2);
    expect(writes("POST", "/repos/{owner}/{repo}/issues/{number}/comments")).toBe(3);
    expect(writes("POST", "/repos/{owner}/{repo}/actions/workflows/{workflow}/dispatches")).toBe(1);
    expect(writes("PUT", "/repos/{owner}/{repo}/contents/{+path}")).toBe(1);
    expect(writes("POST", "/repos/{owner}/{repo}/pulls")).toBe(2);
    expect(hub.count({ caller: "installation" })).toBe(0);
    expect(hub.unknownRequests()).toEqual([]);
  }, TIMEOUT_MS);

  it("the scheduled sweep brings a dispatch whose monitor never ran to its end: PRs opened, status complete", async () => {
    // No DISPATCH_MODE variable: dispatch.yml runs without its monitor job, as if the monitor had died.
    scenario = await startScenario({
      mode: "actions",
      runner: { vars: { DISPATCH_MODE: "" } },
      agents: { "*": { items: ["Make the change"], edits: { "docs/{task}.md": "# {task}\n" }, output: "Wrote docs/{task}.md." } },
    });
    const { harness } = scenario;
    const { hub, runner } = harness;
    hub.openIssue({ title: "Docs", user: "maintainer" });
    const { comment: command } = await harness.comment({ body: "/dispatch two things:\n1. use opus to write the install guide\n2. use gemini to write the faq", issue: 1 });
    await harness.waitForQuiet();
    expect(runner.jobs().map((job) => job.name).sort()).toEqual(["#1 faq", "#1 install-guide", "app #1"].sort());
    // The tasks finished on their branches, but nothing saw it: the status still shows them queued, no PR.
    const before = parseStatus(harness.statusComment(1, command.id)!.body)!;
    expect(before.tasks.every((t) => t.status === "queued")).toBe(true);
    expect(hub.pulls()).toEqual([]);

    const [sweep] = await runner.trigger("schedule", { schedule: "17 */6 * * *" });
    expect(sweep!.jobs.map((job) => job.name)).toEqual(["app #"]);
    await harness.waitForQuiet();
    expect(sweep!.jobs[0]!.conclusion).toBe("success");
    expect(sweep!.jobs[0]!.outputs["refreshed"]).toBe("1");
    const after = harness.statusComment(1, command.id)!;
    expect(visibleLines(after.body)[0]).toBe("✅ **dispatch** · all 2 tasks complete");
    expect(hub.pulls().map((p) => p.pull!.head).sort()).toEqual(before.tasks.map((t) => t.branch).sort());

    // A second sweep finds nothing unfinished and writes nothing.
    const writes = hub.requests.filter((r) => r.method !== "GET" && r.route !== "/graphql").length;
    const [again] = await runner.trigger("schedule", { schedule: "17 */6 * * *" });
    await harness.waitForQuiet();
    expect(again!.jobs[0]!.outputs["refreshed"]).toBe("0");
    expect(hub.requests.filter((r) => r.method !== "GET" && r.route !== "/graphql").length).toBe(writes);
  }, TIMEOUT_MS);
});
