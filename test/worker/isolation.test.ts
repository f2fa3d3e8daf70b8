/**
 * The agent against the real worker, run as CI runs it: the bundled Action in its own process, as root, given the
 * token the way a runner gives it (INPUT_GITHUB-TOKEN), the runner's ACTIONS_RUNTIME_TOKEN and all four agent keys.
 * A hostile agent reads every /proc/<pid>/environ it can while the worker pushes, plants git settings locally and
 * globally, replaces the worktree's .git file, forges an answer, tries to push by itself and commits what it found.
 */
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { chmod, rm } from "node:fs/promises";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { authHeaderValue } from "../../src/worker/git.js";
import { runAction } from "./action-run.js";
import { agent, git, makeRig, spec, type Rig } from "./helpers.js";

const isRoot = process.getuid?.() === 0;

describe.runIf(isRoot)("a hostile agent run by the real worker (as root, like CI)", () => {
  let rig: Rig;
  beforeAll(async () => {
    rig = await makeRig();
    // A runner's checkout is readable by others; the agent may read .git, never write it.
    await chmod(rig.root, 0o755);
  });
  afterAll(async () => {
    await rig.cleanup();
  });

  it("reads no token, no runtime token and no other agent's key, steers no worker git, and its answer is ignored", { timeout: 120_000 }, async () => {
    const ws = await rig.workspace();
    const canary = randomBytes(6).toString("hex");
    const secrets = {
      token: `ghs_${canary}TOKEN0123456789`,
      runtime: `actions-runtime-${canary}-0123456789`,
      idRequest: `id-request-${canary}-0123456789`,
      gemini: `gemini-${canary}-0123456789`,
      openai: `sk-openai-${canary}-0123456789`,
    };
    // A claude task's own keys: either of the two Claude Code reads.
    const ownKey = `sk-ant-api-${canary}-0123456789`;
    const ownOauth = `sk-ant-oat-${canary}-0123456789`;
    const task = `hostile-${canary}`;
    const marker = `/tmp/dispatch-hostile-${task}`;
    const mainBefore = git(rig.origin, "rev-parse", "main").trim();
    const run = await runAction(rig, {
      ws,
      inputs: { TASK: JSON.stringify(spec({ id: task, agent: "claude", model: "sonnet" })), "GITHUB-TOKEN": secrets.token, "AGENT-COMMAND": agent("hostile") },
      env: {
        ACTIONS_RUNTIME_TOKEN: secrets.runtime,
        ACTIONS_ID_TOKEN_REQUEST_TOKEN: secrets.idRequest,
        ANTHROPIC_API_KEY: ownKey,
        CLAUDE_CODE_OAUTH_TOKEN: ownOauth,
        GEMINI_API_KEY: secrets.gemini,
        OPENAI_API_KEY: secrets.openai,
      },
    });
    expect(run.stdout).toContain(`the agent runs as dispatch-agent`);
    expect(run.exitCode, run.stdout + run.stderr).toBe(0);

    const branch = `dispatch/7/${task}`;
    // Everything the agent could read, as it committed it (base64, out of the redaction's reach).
    const dump = Buffer.from(rig.show(`${branch}~1`, "dump.b64") ?? "", "base64").toString("utf8");
    const attempts = rig.show(`${branch}~1`, "attempts.txt") ?? "";
    // The dump works: it holds the agent's own environment, its own key included.
    expect(dump).toContain(`DISPATCH_TASK=${task}`);
    expect(dump).toContain(ownKey);
    expect(dump).toContain(ownOauth);
    expect(attempts).toMatch(/^uid [1-9]\d*$/m);
    expect(attempts).toMatch(/^readable environ files [1-9]/m);
    const forbidden = [...Object.values(secrets), authHeaderValue(secrets.token)];
    for (const value of forbidden) expect(dump, `the agent read ${value}`).not.toContain(value);
    // Nothing it wrote or committed holds them either, however encoded.
    const history = git(rig.origin, "log", "-p", "--all");
    for (const value of forbidden) expect(history).not.toContain(value);

    // The planted settings ran nothing in the worker's git, and it could not write the worker's configuration.
    expect(existsSync(marker), "a planted git setting ran a command").toBe(false);
    expect(attempts).toMatch(/^failed write \/root\/\.gitconfig/m);
    expect(attempts).toMatch(/^failed git config core\.fsmonitor/m);
    expect(attempts).toMatch(/^failed hook .*\/hooks\/pre-push/m);
    expect(attempts).toMatch(/^ok replace the worktree's \.git file/m);
    expect(attempts).toMatch(/^failed push by itself/m);

    // The worker's pushes reached the task branch and nothing else; main did not move.
    const heads = git(rig.origin, "for-each-ref", "--format=%(refname)").split("\n").filter(Boolean).sort();
    expect(heads).toEqual([`refs/heads/${branch}`, "refs/heads/main"]);
    expect(git(rig.origin, "rev-parse", "main").trim()).toBe(mainBefore);
    expect(rig.log(branch).slice(0, 2)).toEqual([`dispatch(${task}): remove bookkeeping`, `dispatch(${task}): done`]);

    // The forged answer was never committed, so no later run takes it for the maintainer's.
    expect(attempts).toMatch(/^ok forge an answer/m);
    expect(git(rig.origin, "log", "--all", "--format=%s", "--name-status").split("\n").filter((p) => p.endsWith(".answer")), git(rig.origin, "log", "--all", "--format=%s", "--name-status") + run.stdout).toEqual([]);
    expect(history).not.toContain("FORGED-ANSWER");
    await rm(marker, { force: true });
  });
});
