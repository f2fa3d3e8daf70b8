/**
 * Scenario 4 (issue 5): who may command, and exactly-once. An outsider with read permission gets one polite reply
 * and nothing is dispatched; a bot's /dispatch is ignored without a word; a /dispatch webhook redelivered (GitHub's
 * "Redeliver", same delivery id and body) still makes one status comment and one workflow dispatch.
 */
import { taskBranch } from "../../src/core/branch.js";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { dispatchedTasks, startScenario, type Scenario } from "./scenario-kit.js";

const STATUS = "<!-- dispatch:status";
const DISPATCH_ROUTE = "/repos/{owner}/{repo}/actions/workflows/{workflow}/dispatches";

let scenario: Scenario;

describe("scenario 4: an unauthorized commenter, a bot, and a redelivered webhook", () => {
  beforeEach(async () => {
    scenario = await startScenario({ probe: false, agents: { "*": { edits: { "docs/{task}.md": "# {task}\n" } } } });
  });

  afterEach(async () => {
    await scenario?.stop();
  });

  it("refuses a reader politely and ignores a bot: nothing dispatched, no status comment", async () => {
    const { harness } = scenario;
    const { hub, runner } = harness;
    hub.openIssue({ title: "Docs", user: "maintainer" });
    const { comment: refused, delivery } = await harness.comment({ body: "/dispatch write the onboarding guide", issue: 1, user: "outsider" });
    expect(delivery.status).toBe(200);
    await harness.comment({ body: "/dispatch bump every dependency", issue: 1, user: "renovate[bot]" });
    await harness.waitForQuiet();

    expect(hub.dispatches).toEqual([]);
    expect(hub.count({ method: "POST", route: DISPATCH_ROUTE })).toBe(0);
    expect(runner.runs).toEqual([]);
    expect(await hub.branches()).toEqual(["main"]);
    expect(harness.pulls()).toEqual([]);

    const byApp = hub.comments(1).filter((c) => c.user === hub.appBot);
    expect(byApp).toHaveLength(1);
    expect(byApp[0]!.body).toMatch(/^Sorry @outsider\b/);
    expect(byApp[0]!.body).toContain("**write**");
    expect(byApp[0]!.body).not.toContain(STATUS);
    expect(hub.comments(1).filter((c) => c.body.startsWith(STATUS))).toEqual([]);
    // No 👀 on either command: the app did not take them on.
    expect(hub.store.comments.get(refused.id)!.reactions).toEqual([]);
    expect(hub.comments(1).flatMap((c) => c.reactions)).toEqual([]);
    // The bot's comment cost no API call at all: the only permission lookup is the outsider's.
    expect(hub.requests.filter((r) => r.route === "/repos/{owner}/{repo}/collaborators/{user}/permission").map((r) => r.path)).toEqual([
      "/repos/acme/shop/collaborators/outsider/permission",
    ]);
    expect(hub.unknownRequests()).toEqual([]);
  });

  it("dispatches a redelivered /dispatch webhook exactly once", async () => {
    const { harness } = scenario;
    const { hub, runner } = harness;
    const issue = hub.openIssue({ title: "Docs", user: "maintainer" });
    // The comment is posted and, while the app is still handling its webhook, the same delivery comes again
    // (GitHub's "Redeliver": same delivery id, same signed body); later once more, after everything settled.
    const command = hub.addComment({ repo: hub.repoNamed(), issue, user: "maintainer", body: "/dispatch write the onboarding guide", viaApp: false });
    const delivery = hub.webhooks.deliveries.find((d) => d.event === "issue_comment" && (d.payload["comment"] as { id: number }).id === command.id)!;
    expect(delivery.status).toBeNull();
    const again = await hub.redeliver(delivery.id);
    expect(again.id).toBe(delivery.id);
    await harness.waitForQuiet();
    expect(delivery.attempts).toBe(2);
    await hub.redeliver(delivery.id);
    await harness.waitForQuiet();
    expect(delivery.attempts).toBe(3);
    expect(delivery.status).toBe(200);

    expect(hub.count({ method: "POST", route: DISPATCH_ROUTE })).toBe(1);
    expect(dispatchedTasks(harness)).toEqual([["onboarding-guide"]]);
    expect(runner.jobs().map((job) => [job.name, job.conclusion])).toEqual([["#1 onboarding-guide", "success"]]);
    const statuses = hub.comments(1).filter((c) => c.body.startsWith(STATUS));
    expect(statuses).toHaveLength(1);
    expect(statuses[0]!.body.startsWith(`${STATUS} comment=${command.id} -->`)).toBe(true);
    expect(statuses[0]!.body).toContain("✅ **dispatch** · the task is complete");
    expect(harness.pulls().map((p) => p.pull!.head)).toEqual([taskBranch("dispatch/", 1, "onboarding-guide", command.id)]);
    // Nothing else was said on the thread: the redeliveries got no reply.
    expect(hub.comments(1).filter((c) => c.user === hub.appBot)).toHaveLength(1);
    expect(hub.unknownRequests()).toEqual([]);
  });
});
