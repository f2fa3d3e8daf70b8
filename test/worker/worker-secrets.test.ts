/**
 * The worker end to end on real git: the agent never gets the token, and secrets are redacted from what is committed.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { agent, git, work } from "./helpers.js";
import { BRANCH, DIR, PLAN, useRig } from "./task-rig.js";

const rig = useRig();

describe("runWorker: secrets", () => {
  it("never gives the agent the token, and redacts secrets from what it commits", async () => {
    const ws = await rig().workspace();
    const token = "ghs_canaryTOKEN1234567890";
    const key = "sk-ant-canary-0987654321";
    const result = await work(ws, {
      agentCommand: agent("leaker"),
      keepWorktree: true,
      workDir: join(rig().root, "work"),
      token,
      env: {
        PATH: process.env["PATH"] ?? "",
        GITHUB_TOKEN: token,
        "INPUT_GITHUB-TOKEN": token,
        INPUT_TASK: "{}",
        ACTIONS_RUNTIME_TOKEN: "actions-runtime-canary",
        ACTIONS_ID_TOKEN_REQUEST_URL: "https://example.invalid/token",
        ANTHROPIC_API_KEY: key,
        SOMETHING_ELSE: `x${token}y`,
      },
    });
    expect(result.status).toBe("done");
    const names = JSON.parse(rig().show(BRANCH, "env.json") ?? "[]") as string[];
    expect(names).toContain("ANTHROPIC_API_KEY");
    expect(names).toContain("DISPATCH_TASK");
    // Its temporary folder is the run's own (removed with it), never the runner's shared /tmp.
    expect((rig().show(BRANCH, "values.txt") ?? "").split("\n")).toContain(join(rig().root, "work", "tmp"));
    expect(names.filter((n) => /^(GITHUB_TOKEN|GH_TOKEN|INPUT_|ACTIONS_|SOMETHING_ELSE)/.test(n))).toEqual([]);
    expect(rig().show(BRANCH, "values.txt")).not.toContain(token);
    // The key the agent printed is *** in everything committed.
    const all = git(rig().origin, "log", "-p", "--all");
    expect(all).not.toContain(key);
    expect(all).not.toContain(token);
    expect(rig().show(`${BRANCH}~1`, `${DIR}/output.md`)).toBe("The key is ***.\n");
    expect(rig().show(`${BRANCH}~1`, PLAN)).toContain("used ***");
    expect(result.output).toBe("The key is ***.\n");
    // The token is not in the checkout's git config either.
    expect(await readFile(join(ws, ".git/config"), "utf8")).not.toContain(token);
  });

  it("redacts secrets from commits the agent made by itself, message and content", async () => {
    const ws = await rig().workspace();
    const key = "sk-ant-canary-committed-42";
    const result = await work(ws, { agentCommand: agent("committer"), env: { PATH: process.env["PATH"] ?? "", ANTHROPIC_API_KEY: key } });
    expect(result.status).toBe("done");
    const all = git(rig().origin, "log", "-p", "--all");
    expect(all).not.toContain(key);
    expect(rig().show(BRANCH, "config.js")).toBe('export const key = "***";\n');
  });
});
