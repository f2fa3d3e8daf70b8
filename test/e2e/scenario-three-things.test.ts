/**
 * Scenario 1 (issue 5): the seed's "three things" comment through the real app, the workflow's matrix, the bundled
 * Action and real git. One task asks a question, answered by a quote reply; two change code and get PRs; the
 * review-only one gets its output as a reply. Asserts the final state in the stand-in.
 */
import { taskBranch } from "../../src/core/branch.js";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parseStatus } from "../../src/core/status-read.js";
import {
  dispatchedTasks,
  everythingInGit,
  headline,
  itemLinesByTask,
  startScenario,
  subjects,
  until,
  visibleLines,
  type Scenario,
} from "./scenario-kit.js";

const COMMENT = `/dispatch three things:
1. use opus to do a security review of the auth module
2. use sonnet to write unit tests for the API endpoints
3. use gemini to update the README with recent changes`;

const QUESTION = "Should INFO-level log lines count as findings?";
const ANSWER = "No, only WARN and above.";
const TASKS = ["security-review", "unit-tests", "update-readme"];

let scenario: Scenario;

describe("scenario 1: three things, one question answered by a quote reply", () => {
  beforeEach(async () => {
    scenario = await startScenario({
      runner: { secrets: { ANTHROPIC_API_KEY: "sk-ant-scenario-key-0123456789" } },
      agents: {
        "security-review": {
          items: ["Scan for hardcoded secrets", "Review the login check", "Write the findings to output.md"],
          ask: QUESTION,
          askAt: 1,
          output: "Reviewed src/auth.js: no hardcoded secrets; the login check compares plain-text passwords.",
        },
        "unit-tests": {
          items: ["List the API routes", "Write a test per route"],
          edits: { "test/api.test.js": "import { routes } from '../src/api.js';\n// one test per route\nconsole.assert(routes.length === 3);\n" },
          output: "Added test/api.test.js.",
        },
        "update-readme": {
          edits: { "README.md": "# shop\n\nA small web shop.\n\n## Recent changes\n\n- Login and orders API.\n" },
          output: "Updated the README.",
        },
      },
    });
  });

  afterEach(async () => {
    await scenario?.stop();
  });

  it("runs three jobs, takes the answer, opens two PRs, posts the review, and ends with 3/3 complete", async () => {
    const { harness } = scenario;
    const { hub, runner } = harness;
    hub.openIssue({ title: "Pre-launch sweep", user: "maintainer" });
    const { comment: command } = await harness.comment({ body: COMMENT, issue: 1 });
    const br = (task: string) => taskBranch("dispatch/", 1, task, command.id);

    // The question arrives on the thread; the maintainer answers it with GitHub's "Quote reply".
    const question = await until("the question comment", () => harness.questionComments(1)[0]);
    expect(question.user).toBe(hub.appBot);
    expect(question.body).toContain(QUESTION);
    expect(question.body).toContain("security-review");
    const { comment: reply } = await harness.quoteReply({ to: question, answer: ANSWER });
    await harness.waitForQuiet();

    // One dispatch, one job per task, all three succeeded.
    expect(dispatchedTasks(harness)).toEqual([TASKS]);
    expect(hub.dispatches[0]!.inputs).toMatchObject({ issue: "1", base: "main", comment: String(command.id) });
    expect(runner.jobs().map((job) => [job.name, job.conclusion]).sort()).toEqual(TASKS.map((task) => [`#1 ${task}`, "success"]));

    // The answer was taken once: a 👍 on the quote reply, and the answer file on the task's branch.
    expect(hub.store.comments.get(reply.id)!.reactions.map((r) => `${r.user} ${r.content}`)).toEqual([`${hub.appBot} +1`]);
    expect(harness.questionComments(1)).toHaveLength(1);
    expect(await hub.readFile(`${br("security-review")}~1`, ".dispatch/tasks/security-review/ipc/001.answer")).toContain(ANSWER);

    // Branches: one per task, each ending with the bookkeeping removed.
    expect(await hub.branches()).toEqual([br("security-review"), br("unit-tests"), br("update-readme"), "main"]);
    for (const task of TASKS) {
      const log = await subjects(harness, br(task));
      expect(log.slice(0, 2)).toEqual([`dispatch(${task}): remove bookkeeping`, `dispatch(${task}): done`]);
      expect(log).toContain(`dispatch(${task}): plan`);
    }
    expect(await subjects(harness, br("security-review"))).toContain("dispatch(security-review): answer 001");

    // The two tasks that changed code have PRs: head = their branch, base = main, body linking the issue.
    const pulls = harness.pulls();
    expect(pulls.map((p) => [p.pull!.head, p.pull!.base, p.pull!.state, p.user]).sort()).toEqual([
      [br("unit-tests"), "main", "open", hub.appBot],
      [br("update-readme"), "main", "open", hub.appBot],
    ]);
    for (const pull of pulls) {
      expect(pull.body).toMatch(/#1\b/);
      const task = ["unit-tests", "update-readme"].find((id) => pull.pull!.head === br(id));
      expect(pull.body).toContain(`<!-- dispatch:pr task=${task} -->`);
    }
    expect(await hub.readFile(br("unit-tests"), "test/api.test.js")).toContain("one test per route");
    expect(await hub.readFile(br("update-readme"), "README.md")).toContain("## Recent changes");
    expect(await hub.readFile(br("unit-tests"), ".dispatch/tasks/unit-tests/plan.md")).toBeNull();

    // The review-only task changed nothing: no PR, its output.md posted once as a reply (with the answer it got).
    const outputs = hub.comments(1).filter((c) => c.body.startsWith("<!-- dispatch:output task=security-review -->"));
    expect(outputs).toHaveLength(1);
    expect(outputs[0]!.user).toBe(hub.appBot);
    expect(outputs[0]!.body).toContain("the login check compares plain-text passwords");
    expect(outputs[0]!.body).toContain(`Answer received: ${ANSWER}`);
    expect(hub.comments(1).filter((c) => c.body.startsWith("<!-- dispatch:output"))).toHaveLength(1);

    // The status comment's final text: 3/3 complete, every item ✓, the PR links.
    const statuses = hub.comments(1).filter((c) => c.body.startsWith("<!-- dispatch:status"));
    expect(statuses).toHaveLength(1);
    const status = statuses[0]!;
    expect(status.user).toBe(hub.appBot);
    expect(status.body.startsWith(`<!-- dispatch:status comment=${command.id} -->`)).toBe(true);
    expect(visibleLines(status.body)[0]).toBe("✅ **dispatch** · all 3 tasks complete");
    const items = itemLinesByTask(status.body);
    expect([...items.keys()]).toEqual(TASKS);
    for (const task of TASKS) {
      expect(headline(status.body, task)).toContain("COMPLETE");
      expect(items.get(task)!.length).toBeGreaterThan(0);
      for (const item of items.get(task)!) expect(item).toMatch(/^✓ /);
    }
    expect(status.body).not.toMatch(/&emsp;[⋯○?✗]/);
    for (const pull of pulls) {
      const task = ["unit-tests", "update-readme"].find((id) => pull.pull!.head === br(id))!;
      expect(headline(status.body, task)).toContain(`[PR #${pull.number}](${hub.url}/acme/shop/pull/${pull.number})`);
    }
    expect(headline(status.body, "security-review")).not.toContain("[PR #");
    const parsed = parseStatus(status.body)!;
    expect(parsed.tasks.map((t) => [t.id, t.status, t.pr?.number ?? null])).toEqual([
      ["security-review", "done", null],
      ["unit-tests", "done", pulls.find((p) => p.pull!.head === br("unit-tests"))!.number],
      ["update-readme", "done", pulls.find((p) => p.pull!.head === br("update-readme"))!.number],
    ]);

    // The agent never saw the token: not in its environment, not in its git config, not in anything pushed.
    const tokens = runner.runs.map((run) => run.token);
    expect(tokens).toHaveLength(1);
    const views = await scenario.agentViews();
    expect(views.map((v) => v.task).sort()).toEqual(TASKS);
    const agents = new Map((JSON.parse(hub.dispatches[0]!.inputs["tasks"]!) as Array<{ id: string; agent: string }>).map((t) => [t.id, t.agent]));
    expect([...agents.values()]).toEqual(["claude", "claude", "gemini"]);
    for (const view of views) {
      const names = Object.keys(view.env);
      expect(names.filter((name) => /^(GITHUB_TOKEN|GH_TOKEN|INPUT_|ACTIONS_|GIT_CONFIG_)/i.test(name))).toEqual([]);
      for (const token of tokens) {
        expect(Object.entries(view.env).filter(([, value]) => value.includes(token))).toEqual([]);
        expect(view.gitConfig).not.toContain(token);
      }
      expect(view.gitConfig).toContain("remote.origin.url="); // the worktree's repository config was read
      expect(view.gitConfig.toLowerCase()).not.toContain("extraheader");
      expect(view.env["DISPATCH_TASK"]).toBe(view.task);
      // Each job gets only its own agent's key: the claude tasks the Anthropic key, the gemini task none of it.
      expect(view.env["ANTHROPIC_API_KEY"]).toBe(agents.get(view.task) === "claude" ? "sk-ant-scenario-key-0123456789" : undefined);
    }
    const pushed = await everythingInGit(harness);
    for (const token of tokens) expect(pushed).not.toContain(token);
    for (const comment of hub.comments(1)) for (const token of tokens) expect(comment.body).not.toContain(token);

    // The app's writes, from the request log: 👀 and 👍, the status, question and output comments, one dispatch,
    // one answer file, two PRs; nothing cancelled. Every call made is one the stand-in (and the protocol) knows.
    const writes = (method: string, route: string) => hub.count({ method, route, caller: "installation" });
    expect(writes("POST", "/repos/{owner}/{repo}/issues/comments/{id}/reactions")).toBe(2);
    expect(writes("POST", "/repos/{owner}/{repo}/issues/{number}/comments")).toBe(3);
    expect(writes("POST", "/repos/{owner}/{repo}/actions/workflows/{workflow}/dispatches")).toBe(1);
    expect(writes("PUT", "/repos/{owner}/{repo}/contents/{+path}")).toBe(1);
    expect(writes("POST", "/repos/{owner}/{repo}/pulls")).toBe(2);
    expect(hub.count({ route: "/repos/{owner}/{repo}/actions/runs/{id}/cancel" })).toBe(0);
    expect(hub.unknownRequests()).toEqual([]);
  });
});
