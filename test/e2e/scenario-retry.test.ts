/**
 * Scenario 2 (issue 5): a worker whose agent fails. The status comment shows the failed item ✗ with the reason and
 * the task FAILED; `/dispatch retry <task>` runs it again on the same branch, and it finishes with a PR.
 */
import { existsSync } from "node:fs";
import { chmod, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { taskBranch } from "../../src/core/branch.js";
import { parseStatus } from "../../src/core/status-read.js";
import { dispatchedTasks, gitIn, headline, isAncestor, itemLinesByTask, startScenario, subjects, visibleLines, type Scenario } from "./scenario-kit.js";

const TASK = "fix-login-check";
/** The task's branch, named after the /dispatch comment once it is made. */
let BRANCH = "";
const REASON = "npm test: 2 failing, login rejects every hashed password";
const FIXED = "import { verify } from './hash.js';\nexport function login(user, password) {\n  return verify(user, password);\n}\n";

let scenario: Scenario;
let markers: string;

describe("scenario 2: a failed task, retried on its branch", () => {
  beforeEach(async () => {
    markers = await mkdtemp(join(tmpdir(), "scenario-retry-"));
    await chmod(markers, 0o777); // the agent, as its own user, leaves its marker here
    scenario = await startScenario({
      agents: {
        [TASK]: {
          items: ["Reproduce the plain-text comparison", "Hash passwords in the login check", "Run the tests"],
          failAt: 1,
          reason: REASON,
          failOnce: join(markers, "failed-once"),
          edits: { "src/auth.js": FIXED },
          output: "The login check now verifies a hash.",
        },
      },
    });
  });

  afterEach(async () => {
    await scenario?.stop();
    await rm(markers, { recursive: true, force: true });
  });

  it("shows ✗ with the reason and FAILED, then `/dispatch retry` continues the branch and opens a PR", async () => {
    const { harness } = scenario;
    const { hub, runner } = harness;
    hub.openIssue({ title: "Login compares plain-text passwords", user: "maintainer" });
    for (let i = 0; i < 6; i++) hub.openIssue({ title: `Older issue ${i}`, user: "maintainer" });
    const { comment: command } = await harness.comment({ body: "/dispatch fix the login check so it hashes passwords", issue: 7 });
    BRANCH = taskBranch("dispatch/", 7, TASK, command.id);
    await harness.waitForQuiet();

    // The first run failed: the agent marked the item and exited 1; the job failed; no PR.
    expect(existsSync(join(markers, "failed-once"))).toBe(true);
    expect(dispatchedTasks(harness)).toEqual([[TASK]]);
    expect(runner.jobs().map((job) => job.conclusion)).toEqual(["failure"]);
    expect(harness.pulls()).toEqual([]);
    const failed = harness.statusComment(7, command.id)!;
    expect(visibleLines(failed.body)[0]).toMatch(/^⚠️ \*\*dispatch\*\* · .*finished/);
    expect(headline(failed.body, TASK)).toContain("FAILED");
    const failedItems = itemLinesByTask(failed.body).get(TASK)!;
    expect(failedItems[0]).toMatch(/^✓ Reproduce the plain-text comparison/);
    expect(failedItems[1]).toBe(`✗ Hash passwords in the login check — ${REASON}`);
    expect(failedItems[2]).toMatch(/^○ Run the tests/);
    expect(parseStatus(failed.body)!.tasks.map((t) => t.status)).toEqual(["failed"]);
    const failedHead = await gitIn(harness, ["rev-parse", BRANCH]);
    expect((await subjects(harness, BRANCH)).slice(0, 2)).toEqual([`dispatch(${TASK}): remove bookkeeping`, `dispatch(${TASK}): done`]);
    expect(await hub.readFile(`${BRANCH}~1`, `.dispatch/tasks/${TASK}/plan.md`)).toMatch(/status: failed/);

    // The maintainer retries: one more dispatch of that task, from the same base.
    await harness.comment({ body: `/dispatch retry ${TASK}`, issue: 7 });
    await harness.waitForQuiet();

    expect(dispatchedTasks(harness)).toEqual([[TASK], [TASK]]);
    expect(hub.dispatches[1]!.inputs).toMatchObject({ issue: "7", base: "main", comment: String(command.id) });
    expect(runner.jobs().map((job) => job.conclusion)).toEqual(["failure", "success"]);

    // Same branch: the failed run's commits are part of the history the retry built on.
    expect(await hub.branches()).toEqual([BRANCH, "main"]);
    expect(await isAncestor(harness, failedHead, BRANCH)).toBe(true);
    const log = await subjects(harness, BRANCH);
    expect(log.slice(0, 2)).toEqual([`dispatch(${TASK}): remove bookkeeping`, `dispatch(${TASK}): done`]);
    expect(log.filter((s) => s === `dispatch(${TASK}): done`)).toHaveLength(2);
    expect(log.filter((s) => s === `dispatch(${TASK}): remove bookkeeping`)).toHaveLength(2);
    expect(await hub.readFile(BRANCH, "src/auth.js")).toBe(FIXED);
    const finalPlan = (await hub.readFile(`${BRANCH}~1`, `.dispatch/tasks/${TASK}/plan.md`))!;
    expect(finalPlan).toMatch(/status: done/);
    expect(finalPlan).not.toMatch(/- \[[ ?!]\]/);

    // It finished with a PR from the task branch to main.
    const pulls = harness.pulls();
    expect(pulls.map((p) => [p.pull!.head, p.pull!.base, p.pull!.state])).toEqual([[BRANCH, "main", "open"]]);
    expect(pulls[0]!.body).toMatch(/#7\b/);

    // One status comment, now all complete with every item ✓ and the PR link.
    expect(hub.comments(7).filter((c) => c.body.startsWith("<!-- dispatch:status"))).toHaveLength(1);
    const done = harness.statusComment(7, command.id)!;
    expect(visibleLines(done.body)[0]).toMatch(/^✅ \*\*dispatch\*\* · /);
    expect(headline(done.body, TASK)).toContain("COMPLETE");
    expect(headline(done.body, TASK)).toContain(`[PR #${pulls[0]!.number}](${hub.url}/acme/shop/pull/${pulls[0]!.number})`);
    const items = itemLinesByTask(done.body).get(TASK)!;
    expect(items).toHaveLength(3);
    for (const item of items) expect(item).toMatch(/^✓ /);
    expect(parseStatus(done.body)!.tasks.map((t) => [t.status, t.pr?.number])).toEqual([["done", pulls[0]!.number]]);
    expect(hub.unknownRequests()).toEqual([]);
  });
});
