/**
 * Scenario (issue 14): the seed's three-things comment served by FOUR app replicas sharing a real Redis (its own
 * redis-server), behind one webhook fan-out sending each delivery to the next replica; the /dispatch delivery reaches
 * two replicas at once, and GitHub answers 502 to the status comment it made. Every effect is made once, as with one
 * instance (scenario-three-things), and the status ends right.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Redis } from "ioredis";
import { createApp } from "../../src/app/index.js";
import { parseStatus } from "../../src/core/status-read.js";
import { startRedis, type RedisServer } from "../app/redis-server.js";
import { startScenario, until, visibleLines, type Scenario } from "./scenario-kit.js";

const COMMENT = `/dispatch three things:
1. use opus to do a security review of the auth module
2. use sonnet to write unit tests for the API endpoints
3. use gemini to update the README with recent changes`;

let scenario: Scenario | undefined;
let redis: RedisServer | undefined;

describe("scenario: four replicas on Redis, a delivery sent twice, a 502 after a create", () => {
  beforeEach(async () => {
    redis = await startRedis();
    const apps = Array.from({ length: 4 }, () => createApp({ appLogin: "dispatch", minGapMs: 300, redis: new Redis(redis!.url), redisPrefix: "e2e:" }));
    scenario = await startScenario({
      apps,
      duplicate: ({ event, body }) => event === "issue_comment" && body.includes("three things"),
      agents: {
        "security-review": { items: ["Scan", "Write the findings"], ask: "Count INFO lines?", askAt: 1, output: "Reviewed src/auth.js." },
        "unit-tests": { items: ["Write a test"], edits: { "test/api.test.js": "// a test\n" }, output: "Added a test." },
        "update-readme": { edits: { "README.md": "# shop\n\nUpdated.\n" }, output: "Updated the README." },
      },
    });
  });

  afterEach(async () => {
    await scenario?.stop();
    await redis?.stop();
  });

  it("makes one status comment, one run, one question, one output reply and two PRs; the status ends complete", async () => {
    const { harness } = scenario!;
    const { hub } = harness;
    hub.failAfterApplying.push({ method: "POST", route: "/repos/{owner}/{repo}/issues/{number}/comments", status: 502 });
    hub.openIssue({ title: "Pre-launch sweep", user: "maintainer" });
    await harness.comment({ body: COMMENT, issue: 1 });
    const question = await until("the question comment", () => harness.questionComments(1)[0]);
    await harness.quoteReply({ to: question, answer: "No." });
    await until("both PRs and the status complete", () => harness.pulls().length === 2 && (harness.statusComment(1)?.body ?? "").includes("all 3 tasks complete"), 240_000);
    await harness.waitForQuiet();

    const writes = (method: string, route: string) => hub.count({ method, route, caller: "installation" });
    expect(hub.comments(1).filter((c) => c.body.startsWith("<!-- dispatch:status"))).toHaveLength(1);
    expect(hub.dispatches).toHaveLength(1);
    expect(writes("POST", "/repos/{owner}/{repo}/actions/workflows/{workflow}/dispatches")).toBe(1);
    expect(harness.questionComments(1)).toHaveLength(1);
    expect(hub.comments(1).filter((c) => c.body.startsWith("<!-- dispatch:output"))).toHaveLength(1);
    expect(harness.pulls()).toHaveLength(2);
    expect(writes("POST", "/repos/{owner}/{repo}/pulls")).toBe(2);
    expect(writes("POST", "/repos/{owner}/{repo}/issues/{number}/comments")).toBe(3);
    expect(writes("POST", "/repos/{owner}/{repo}/issues/comments/{id}/reactions")).toBe(2);
    const status = harness.statusComment(1)!;
    expect(visibleLines(status.body)[0]).toBe("✅ **dispatch** · all 3 tasks complete");
    expect(parseStatus(status.body)!.tasks.map((t) => [t.id, t.status, t.pr ? "pr" : "-"])).toEqual([
      ["security-review", "done", "-"],
      ["unit-tests", "done", "pr"],
      ["update-readme", "done", "pr"],
    ]);
    expect(hub.unknownRequests()).toEqual([]);
  });
});
