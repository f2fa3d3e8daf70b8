/**
 * The README's workflow examples work as written: its `workflow_call` caller and its published-Action line are read
 * from README.md (so they cannot drift), installed in the demo repository and a shared one, and a /dispatch runs
 * through them on a repository whose default token is read-only. The config keys the worker needs
 * (`branch_prefix`, `question_timeout_minutes`, `max_parallel`) reach it through the caller's inputs.
 */
import { readFileSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { taskBranch } from "../../src/core/branch.js";
import { WORKFLOW_FILE } from "./harness.js";
import { startScenario, until, type Scenario } from "./scenario-kit.js";

const README = readFileSync(new URL("../../README.md", import.meta.url), "utf8");

/** Every ```yaml block of the README, its list indentation taken off. */
function yamlBlocks(markdown: string): string[] {
  const blocks: string[] = [];
  for (const match of markdown.matchAll(/^( *)```yaml\n([\s\S]*?)^\1```/gm)) {
    const indent = match[1]!.length;
    blocks.push(match[2]!.split("\n").map((line) => line.slice(Math.min(indent, line.length - line.trimStart().length))).join("\n"));
  }
  return blocks;
}

const blocks = yamlBlocks(README);
const caller = blocks.find((block) => /^\s*workflow_dispatch:/m.test(block) && /^\s*uses: .+\.github\/workflows\//m.test(block))!;
const actionLine = blocks.find((block) => /uses: \S+\/action@/.test(block))!;
const actionRef = /uses: (\S+\/action@\S+)/.exec(actionLine)![1]!;
const calledRef = /^\s*uses: (\S+\.github\/workflows\/\S+)$/m.exec(caller)![1]!;
/** The shared copy: this repository's workflow with its `uses: ./action` line changed as the README says. */
const shared = readFileSync(WORKFLOW_FILE, "utf8").replace(/uses: \.\/action$/m, `uses: ${actionRef}`);

let scenario: Scenario | undefined;
afterEach(async () => {
  await scenario?.stop();
  scenario = undefined;
});

describe("the README's workflow examples", () => {
  it("are found in the README", () => {
    expect(caller).toBeDefined();
    expect(shared).toContain(`uses: ${actionRef}`);
    expect(parse(caller).jobs.dispatch.uses).toBe(calledRef);
  });

  it("dispatch through the caller and the shared workflow, with a read-only default token, the config reaching the worker", async () => {
    scenario = await startScenario({
      agents: { "*": { items: ["Write it"], edits: { "docs/{task}.md": "# {task}\n" }, output: "written" } },
      files: { ".github/workflows/dispatch.yml": caller },
      config: "branch_prefix: ai/\nquestion_timeout_minutes: 7\nmax_parallel: 1\n",
      runner: { reusable: { [calledRef]: shared }, defaultPermissions: "read", actionRefs: [actionRef] },
    });
    const { harness } = scenario;
    const { hub, runner } = harness;
    hub.openIssue({ title: "Docs", user: "maintainer" });
    const { comment: command } = await harness.comment({ body: "/dispatch two things:\n1. write the setup guide\n2. write the faq", issue: 1 });
    await harness.waitForQuiet();
    const faq = taskBranch("ai/", 1, "faq", command.id);
    const guide = taskBranch("ai/", 1, "setup-guide", command.id);

    expect(runner.runs.map((run) => run.error)).toEqual([null]);
    const jobs = runner.jobs();
    expect(jobs.map((job) => job.name).sort()).toEqual(["dispatch / #1 faq", "dispatch / #1 setup-guide"]);
    expect(jobs.every((job) => job.conclusion === "success" && job.instance.maxParallel === 1)).toBe(true);
    // The branch the app links is the branch the worker pushed; the PRs come from it.
    expect(harness.pulls().map((p) => p.pull!.head).sort()).toEqual([faq, guide]);
    expect(await hub.readFile(faq, "docs/faq.md")).toBe("# faq\n");
    const status = await until("a finished status", () => {
      const body = harness.statusComment(1)?.body;
      return body && body.includes(faq) && !/queued|in progress/i.test(body.split("\n").slice(0, 3).join("\n")) ? body : undefined;
    });
    expect(status).toContain(guide);
    const views = await scenario.agentViews();
    expect(views.map((view) => view.env["DISPATCH_QUESTION_TIMEOUT_SECONDS"])).toEqual(["420", "420"]);
  });

  it("without its permissions block, the same caller dies at load with no job (what the README warns about)", async () => {
    const bare = parse(caller);
    delete bare.jobs.dispatch.permissions;
    scenario = await startScenario({
      agents: { "*": {} },
      files: { ".github/workflows/dispatch.yml": stringify(bare) },
      runner: { reusable: { [calledRef]: shared }, defaultPermissions: "read", actionRefs: [actionRef] },
    });
    const { harness } = scenario;
    harness.hub.openIssue({ title: "Docs", user: "maintainer" });
    await harness.comment({ body: "/dispatch write the setup guide", issue: 1 });
    await harness.waitForQuiet();
    expect(harness.runner.runs).toHaveLength(1);
    expect(harness.runner.runs[0]!.error).toContain("is requesting 'contents: write', but is only allowed 'contents: read'");
    expect(harness.runner.jobs()).toEqual([]);
  });
});
