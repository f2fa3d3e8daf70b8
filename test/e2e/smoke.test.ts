/**
 * The smoke test's logic (src/smoke) against the e2e stand-in: its reads go through its real Octokit client pointed
 * at the stand-in's base URL; a person's writes the stand-in has no route for (opening and closing an issue, closing
 * a PR, deleting a branch) act on the stand-in's store and bare repository.
 */
import { afterEach, describe, expect, it } from "vitest";
import type { SmokePort } from "../../src/smoke/port.js";
import { restPort } from "../../src/smoke/rest.js";
import { runSmoke, SmokeFailure } from "../../src/smoke/smoke.js";
import { gitIn, startScenario, type Scenario } from "./scenario-kit.js";

let scenario: Scenario | undefined;
afterEach(async () => {
  await scenario?.stop();
  scenario = undefined;
});

/** Issues the smoke test closed (the stand-in's store keeps no issue state). */
const closedIssues = new Set<number>();

function standInPort(s: Scenario): SmokePort {
  const { harness } = s;
  const { hub } = harness;
  const full = `${harness.repo.owner}/${harness.repo.name}`;
  const reads = restPort({ token: hub.issueInstallationToken().token, owner: harness.repo.owner, repo: harness.repo.name, baseUrl: hub.url });
  return {
    ...reads,
    openIssue: async (title, body) => hub.openIssue({ title, body, user: "maintainer" }).number,
    comment: async (issue, body) => {
      const { comment } = await harness.comment({ body, issue });
      return { id: comment.id, body: comment.body, author: comment.user };
    },
    closePull: async (number) => {
      hub.store.issue(full, number)!.pull!.state = "closed";
    },
    deleteBranch: async (branch) => {
      await gitIn(harness, ["branch", "-D", branch]);
    },
    closeIssue: async (number) => {
      if (!hub.store.issue(full, number)) throw new Error(`no issue #${number}`);
      closedIssues.add(number);
    },
  };
}

describe("npm run smoke, against the stand-in", () => {
  it("dispatches two tasks on the custom agent, answers the question, sees both done with PRs, and cleans up", async () => {
    scenario = await startScenario({
      config: "models:\n  smoke: { agent: custom }\n",
      agents: {
        "/smoke-ask/": { items: ["Ask", "Write"], ask: "Proceed with the smoke file?", edits: { "smoke/{task}.md": "# {task}\n" }, output: "{task} written" },
        "*": { items: ["Write"], edits: { "smoke/{task}.md": "# {task}\n" }, output: "{task} written" },
      },
    });
    const lines: string[] = [];
    const result = await runSmoke({ port: standInPort(scenario), stepTimeoutMs: 150_000, pollIntervalMs: 100, stamp: "t1", log: (line) => lines.push(line) });
    const { hub } = scenario.harness;
    expect(result.verified).toEqual([
      "config: custom agent `smoke`, workflow dispatch.yml",
      expect.stringMatching(/^status comment by dispatch\[bot\]: smoke-ask-t1 \(custom\), smoke-plain-t1 \(custom\)$/),
      expect.stringMatching(/^question 1 of smoke-ask-t1 posted/),
      "status comment: smoke-ask-t1 done, smoke-plain-t1 done",
      // Task branches carry the dispatch's suffix (its /dispatch comment id in base 36).
      expect.stringMatching(/^PR #\d+ from dispatch\/1\/smoke-ask-t1-[0-9a-z]+$/),
      expect.stringMatching(/^PR #\d+ from dispatch\/1\/smoke-plain-t1-[0-9a-z]+$/),
    ]);
    // The answer reached the worker, and everything it opened is gone.
    expect(hub.comments(1).some((c) => c.body.startsWith("/dispatch answer smoke-ask-t1"))).toBe(true);
    expect(await hub.branches()).toEqual(["main"]);
    expect([...closedIssues]).toEqual([1]);
    expect(scenario.harness.pulls().every((p) => p.pull!.state === "closed")).toBe(true);
    expect(result.cleaned).toEqual(["issue #1 closed", "2 branches deleted", "0 PRs left open"]);
  });

  it("refuses a repository with no custom agent, before opening anything", async () => {
    scenario = await startScenario({ agents: { "*": {} } });
    const failure = await runSmoke({ port: standInPort(scenario), stepTimeoutMs: 5_000, pollIntervalMs: 100 }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(SmokeFailure);
    expect((failure as Error).message).toContain("names no custom agent");
    expect(scenario.harness.hub.store.issue(`${scenario.harness.repo.owner}/${scenario.harness.repo.name}`, 1)).toBeUndefined();
  });
});
