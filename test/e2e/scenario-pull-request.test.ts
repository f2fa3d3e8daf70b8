/**
 * Scenario (issue 10): dispatch on a pull-request thread. GitHub answers `repository.issue(number:)` of a pull
 * request with NOT_FOUND, so every read of the thread goes through `issueOrPullRequest`; the stand-in executes the
 * app's queries against GitHub's published schema and fails the scenario on a broken contract. On the PR thread:
 * /dispatch of four tasks, `status`, a `note`, an answer by quote reply, `cancel`, `retry`, a dependent `(after 1)`,
 * and one PR per task based on the PR's head branch (the dependent's on its dependency's branch).
 */
import { chmod, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { taskBranch } from "../../src/core/branch.js";
import { parseStatus } from "../../src/core/status-read.js";
import { commitFile } from "./github/git.js";
import { dispatchedTasks, gitIn, headline, isAncestor, startScenario, until, visibleLines, type Scenario } from "./scenario-kit.js";

const HEAD = "feature/checkout";
const COMMENT = `/dispatch four tasks on this pull request:
1. use sonnet to add tests for the checkout total
2. (after 1) document the checkout total in the README
3. fix the rounding of discounts
4. use opus to review the payment flow`;
const TESTS = "checkout-tests";
const DOCS = "document-checkout-total";
const ROUNDING = "fix-rounding";
const REVIEW = "review-payment-flow";
const QUESTION = "Should the total include shipping?";
const REVIEW_QUESTION = "Is the payment provider in scope?";
const ANSWER = "No, shipping is added at the payment step.";
const NOTE = "cover the empty cart too";
const CHECKOUT = "export function total(items) {\n  return items.reduce((sum, item) => sum + item.price, 0);\n}\n";

let scenario: Scenario;
let markers: string;

const statusOf = (scenario: Scenario, task: string) =>
  parseStatus(scenario.harness.statusComment(1)?.body ?? "")?.tasks.find((t) => t.id === task)?.status;

describe("scenario: every command on a pull-request thread", () => {
  beforeEach(async () => {
    markers = await mkdtemp(join(tmpdir(), "scenario-pr-"));
    // The agent runs as its own user (dispatch-agent): it writes its fail-once marker here.
    await chmod(markers, 0o777);
    scenario = await startScenario({
      agents: {
        [TESTS]: {
          items: ["Write a test for the total", "Run the tests"],
          ask: QUESTION,
          edits: { "test/checkout.test.js": "import { total } from '../src/checkout.js';\nconsole.assert(total([]) === 0);\n" },
        },
        [DOCS]: { items: ["Describe total()"], edits: { "README.md": "# shop\n\n`total(items)` sums the prices.\n" } },
        [ROUNDING]: {
          items: ["Round discounts to cents"],
          failAt: 0,
          reason: "discount test: 0.1 + 0.2 is not 0.3",
          failOnce: join(markers, "failed-once"),
          edits: { "src/discount.js": "export const round = (x) => Math.round(x * 100) / 100;\n" },
        },
        [REVIEW]: { items: ["Read the payment flow"], ask: REVIEW_QUESTION, output: "Reviewed." },
      },
    });
  });

  afterEach(async () => {
    await scenario?.stop();
    await rm(markers, { recursive: true, force: true });
  });

  it("dispatches, reports, takes notes and answers, cancels, retries, and opens PRs onto the PR's head branch", async () => {
    const { harness } = scenario;
    const { hub, runner } = harness;
    // A pull request from `feature/checkout`, one commit ahead of main.
    const main = await gitIn(harness, ["rev-parse", "main"]);
    await gitIn(harness, ["update-ref", `refs/heads/${HEAD}`, main]);
    const who = { name: "maintainer", email: "maintainer@users.noreply.github.com" };
    const feature = await commitFile({
      dir: harness.repo.dir,
      branch: HEAD,
      parent: main,
      path: "src/checkout.js",
      content: Buffer.from(CHECKOUT),
      message: "Add the checkout total",
      author: who,
      committer: who,
    });
    if (!feature.ok) throw new Error("could not prepare the pull request's branch");
    const pull = await hub.openPull({ title: "Checkout total", user: "maintainer", head: HEAD });
    expect(pull.number).toBe(1);

    // /dispatch on the PR: one status comment, one dispatch of the three tasks that wait for nothing, from the head.
    // (The webhook is answered at once and the work runs behind it: each effect is waited for, never assumed.)
    const { comment: command } = await harness.comment({ body: COMMENT, issue: 1, pr: true });
    const branch = (task: string) => taskBranch("dispatch/", 1, task, command.id);
    const reactions = (id: number) => hub.store.comments.get(id)!.reactions.map((r) => `${r.user} ${r.content}`);
    await until("the claim (👀)", () => reactions(command.id).length > 0);
    expect(reactions(command.id)).toEqual([`${hub.appBot} eyes`]);
    await until("the status comment", () => harness.statusComment(1, command.id));
    await until("the dispatch", () => hub.dispatches.length > 0);
    expect(dispatchedTasks(harness)).toEqual([[TESTS, ROUNDING, REVIEW]]);
    expect(hub.dispatches[0]!.inputs).toMatchObject({ issue: "1", base: HEAD, comment: String(command.id) });

    // Both questions reach the thread; the rounding task fails.
    const question = await until("the checkout-tests question", () => harness.questionComments(1).find((c) => c.body.includes(QUESTION)), 120_000);
    await until("the review question", () => harness.questionComments(1).find((c) => c.body.includes(REVIEW_QUESTION)), 120_000);
    await until("fix-rounding failed", () => statusOf(scenario, ROUNDING) === "failed", 120_000);

    // `status` answers with a link to the status comment.
    const before = hub.comments(1).length;
    await harness.comment({ body: "/dispatch status", issue: 1, pr: true });
    const statusReply = await until("the status reply", () => hub.comments(1).slice(before).find((c) => c.user === hub.appBot));
    expect(statusReply.body).toContain("The status is up to date:");
    // (GitHub sends `/issues/N` of a pull request on to `/pull/N`: either link reaches the status comment.)
    expect(statusReply.body).toMatch(new RegExp(`/acme/shop/(issues|pull)/1#issuecomment-${harness.statusComment(1, command.id)!.id}\\b`));

    // `note` lands in the waiting task's plan on its branch.
    await harness.comment({ body: `/dispatch note ${TESTS} ${NOTE}`, issue: 1, pr: true });
    await until("the note in the plan", async () => (await hub.readFile(branch(TESTS), `.dispatch/tasks/${TESTS}/plan.md`))?.includes(NOTE));

    // `cancel` the review that waits for an answer: the status shows it cancelled, its job ends.
    await harness.comment({ body: `/dispatch cancel ${REVIEW}`, issue: 1, pr: true });
    await until("the review shown cancelled", () => statusOf(scenario, REVIEW) === "cancelled");
    const cancel = await until("the review's .cancel", () => hub.readFile(branch(REVIEW), `.dispatch/tasks/${REVIEW}/ipc/.cancel`));
    expect(cancel).toContain("cancelled by @maintainer");
    await until("the review's job to end", () => runner.jobs().find((j) => j.name === `#1 ${REVIEW}` && j.conclusion !== null), 120_000);

    // `retry` the failed task; answer the question by quote reply.
    await harness.comment({ body: `/dispatch retry ${ROUNDING}`, issue: 1, pr: true });
    const { comment: reply } = await harness.quoteReply({ to: question, answer: ANSWER });
    await until("the answer taken (👍)", () => reactions(reply.id).length > 0);
    expect(reactions(reply.id)).toEqual([`${hub.appBot} +1`]);
    await until("every task finished", () => {
      const tasks = parseStatus(harness.statusComment(1, command.id)?.body ?? "")?.tasks ?? [];
      return tasks.length === 4 && tasks.every((t) => ["done", "cancelled"].includes(t.status));
    }, 180_000);
    await harness.waitForQuiet({ timeoutMs: 120_000 });

    // Dispatches: the three, the retry from the PR's head, then the dependent from its dependency's branch.
    expect(dispatchedTasks(harness).slice(1).sort()).toEqual([[DOCS], [ROUNDING]]);
    const retried = hub.dispatches.find((d) => d.inputs["tasks"]!.includes(`"${ROUNDING}"`) && d !== hub.dispatches[0])!;
    expect(retried.inputs).toMatchObject({ base: HEAD });
    const dependent = hub.dispatches.find((d) => d.inputs["tasks"]!.includes(`"${DOCS}"`))!;
    expect(dependent.inputs).toMatchObject({ base: branch(TESTS) });

    // Every task branch starts from the PR's head: its commit is in their history.
    for (const task of [TESTS, DOCS, ROUNDING, REVIEW]) expect(await isAncestor(harness, feature.commit, branch(task))).toBe(true);
    expect(await isAncestor(harness, await gitIn(harness, ["rev-parse", `${branch(TESTS)}`]), branch(DOCS))).toBe(true);
    expect(await hub.readFile(`${branch(TESTS)}~1`, `.dispatch/tasks/${TESTS}/ipc/001.answer`)).toContain(ANSWER);

    // One PR per task that changed code, onto the PR's head branch (the dependent's onto its dependency's).
    const pulls = harness.pulls().filter((p) => p.number !== 1);
    expect(pulls.map((p) => [p.pull!.head, p.pull!.base]).sort()).toEqual(
      [
        [branch(DOCS), branch(TESTS)],
        [branch(ROUNDING), HEAD],
        [branch(TESTS), HEAD],
      ].sort(),
    );

    // One status comment on the PR thread: three complete with their PRs, the review cancelled.
    expect(hub.comments(1).filter((c) => c.body.startsWith("<!-- dispatch:status"))).toHaveLength(1);
    const status = harness.statusComment(1, command.id)!;
    expect(visibleLines(status.body)[0]).toMatch(/\*\*dispatch\*\*/);
    expect(parseStatus(status.body)!.tasks.map((t) => [t.id, t.status])).toEqual([
      [TESTS, "done"],
      [DOCS, "done"],
      [ROUNDING, "done"],
      [REVIEW, "cancelled"],
    ]);
    for (const task of [TESTS, DOCS, ROUNDING]) {
      const pr = pulls.find((p) => p.pull!.head === branch(task))!;
      expect(headline(status.body, task)).toContain(`[PR #${pr.number}](${hub.url}/acme/shop/pull/${pr.number})`);
    }
    // The app read the thread only in ways GitHub answers: no NOT_FOUND, no refused query (the harness checks the
    // recorded contract violations when it stops).
    expect(hub.unknownRequests()).toEqual([]);
    expect(hub.contractViolations).toEqual([]);
  }, 600_000);
});
