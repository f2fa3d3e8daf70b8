/**
 * What surrounds the agent's isolation: a task whose agent key is missing fails at once naming the secret; a worker
 * that can make no agent user refuses unless the workflow opted into `agent-user: same`, which runs the agent as the
 * worker; and workflow files, which GitHub refuses to the job's token, are left out of the push and said so.
 */
import { chmod, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { agent, git, makeRig, spec, work, type Rig } from "./helpers.js";
import { runAction } from "./action-run.js";

const isRoot = process.getuid?.() === 0;
/** GitHub's answer to a GITHUB_TOKEN push that changes a workflow, as a pre-receive hook. */
const REFUSE_WORKFLOWS = `#!/bin/sh
while read old new ref; do
  for commit in $(git rev-list "$new" --not --branches); do
    path=$(git diff-tree -r --no-commit-id --name-only --root "$commit" | grep '^\\.github/workflows/' | head -1)
    if [ -n "$path" ]; then
      echo "refusing to allow a GitHub App to create or update workflow \\\`$path\\\` without \\\`workflows\\\` permission" >&2
      exit 1
    fi
  done
done
`;

describe("agent keys and agent users", () => {
  let rig: Rig;
  beforeAll(async () => {
    rig = await makeRig();
    await chmod(rig.root, 0o755);
  });
  afterAll(async () => {
    await rig.cleanup();
  });

  it("fails at once, naming the secret, when the task's agent has no key (another agent's key does not count)", async () => {
    const ws = await rig.workspace();
    const run = await runAction(rig, { ws, inputs: { TASK: JSON.stringify(spec({ id: "no-key", agent: "gemini", model: "gemini-2.5-pro" })) }, env: { ANTHROPIC_API_KEY: "sk-ant-not-gemini-123456" } });
    expect(run.exitCode).toBe(1);
    expect(run.stdout).toContain("::error::the gemini agent needs its key: add the secret `GEMINI_API_KEY`");
    expect(rig.has("dispatch/7/no-key")).toBe(false);
  });

  it.runIf(isRoot)("refuses to run the agent as the worker when it can make no user of its own, unless agent-user: same", { timeout: 60_000 }, async () => {
    const ws = await rig.workspace();
    const nobody = { uid: 65534, gid: 65534 };
    const task = JSON.stringify(spec({ id: "no-user" }));
    const refused = await runAction(rig, { ws, inputs: { TASK: task, "AGENT-COMMAND": agent("ticker") }, as: nobody });
    expect(refused.exitCode).toBe(1);
    expect(refused.stdout).toMatch(/::error::cannot run the agent as its own user "dispatch-agent": the worker is neither root nor allowed passwordless sudo.*agent-user: same/);
    expect(rig.has("dispatch/7/no-user")).toBe(false);

    // Opted in: the agent runs as the worker's own user (root here), and the job says it is unsafe.
    const same = await runAction(rig, { ws, inputs: { TASK: JSON.stringify(spec({ id: "same-user" })), "AGENT-COMMAND": `id -u > whoami.txt; ${agent("ticker")}`, "AGENT-USER": "same" } });
    expect(same.exitCode, same.stdout).toBe(0);
    expect(same.stdout).toContain("::warning::agent-user: same: the agent runs as the worker's user and can read the GitHub token");
    expect(rig.show("dispatch/7/same-user", "whoami.txt")).toBe("0\n");

    // The default: its own user.
    const own = await runAction(rig, { ws, inputs: { TASK: JSON.stringify(spec({ id: "own-user" })), "AGENT-COMMAND": `id -u > whoami.txt; ${agent("ticker")}` } });
    expect(own.exitCode, own.stdout).toBe(0);
    expect(Number(rig.show("dispatch/7/own-user", "whoami.txt"))).toBeGreaterThan(0);
  });
});

describe("workflow files", () => {
  let rig: Rig;
  beforeAll(async () => {
    rig = await makeRig();
    const hook = join(rig.origin, "hooks", "pre-receive");
    await writeFile(hook, REFUSE_WORKFLOWS, { mode: 0o755 });
  });
  afterAll(async () => {
    await rig.cleanup();
  });

  it("the test remote refuses a workflow change as GitHub does (the check below can fail)", async () => {
    const ws = await rig.workspace();
    await writeFile(join(ws, "x.txt"), "x\n");
    git(ws, "add", ".");
    git(ws, "commit", "-qm", "fine");
    git(ws, "push", "-q", "origin", "HEAD:refs/heads/fine");
    await import("node:fs/promises").then((fs) => fs.mkdir(join(ws, ".github/workflows"), { recursive: true }));
    await writeFile(join(ws, ".github/workflows/a.yml"), "on: push\n");
    git(ws, "add", ".");
    git(ws, "commit", "-qm", "workflow");
    expect(() => git(ws, "push", "-q", "origin", "HEAD:refs/heads/refused")).toThrow(/refusing to allow a GitHub App to create or update workflow `\.github\/workflows\/a\.yml`/);
  });

  it("leaves the agent's workflow change out of the push and says so in the plan and output.md", { timeout: 60_000 }, async () => {
    const ws = await rig.workspace();
    const logs: string[] = [];
    const result = await work(ws, { agentCommand: agent("workflow-editor"), log: (l) => logs.push(l) });
    expect(result.status).toBe("done");
    expect(result.pushed).toBe(true);
    const branch = "dispatch/42/security-review";
    expect(rig.show(branch, "src/feature.js")).toBe("export const feature = 1;\n");
    expect(rig.show(branch, ".github/workflows/evil.yml")).toBeNull();
    const note = "Changes to workflow files were left out of the push: GitHub does not let the job's token change .github/workflows/ (`.github/workflows/evil.yml`)";
    expect(rig.show(`${branch}~1`, ".dispatch/tasks/security-review/plan.md"), logs.join("\n")).toContain(`> **Note:** ${note}`);
    expect(rig.show(`${branch}~1`, ".dispatch/tasks/security-review/output.md")).toContain(`Added the feature.\n\n${note}`);
    expect(result.output).toContain(note);
    expect(logs.filter((l) => l.startsWith("push rejected"))).toEqual([]);
  });
});
