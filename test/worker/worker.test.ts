/**
 * The worker end to end on real git: a bare origin, clones as workspaces, scripted agents, the app played by commits.
 */
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parsePlan } from "../../src/core/plan.js";
import { agent, git, makeRig, spec, work, type Rig } from "./helpers.js";

const BRANCH = "dispatch/42/security-review";
const PLAN = ".dispatch/tasks/security-review/plan.md";
const DIR = ".dispatch/tasks/security-review";

let rig: Rig;
beforeEach(async () => {
  rig = await makeRig();
});
afterEach(async () => {
  await rig.cleanup();
});

describe("runWorker", () => {
  it("shows progress on the remote while the agent runs, then makes the two finishing commits", async () => {
    const ws = await rig.workspace();
    const release = join(rig.root, "release");
    const running = work(ws, {
      agentCommand: agent("ticker"),
      runUrl: "https://github.com/acme/shop/actions/runs/123",
      env: { PATH: process.env["PATH"] ?? "", RELEASE: release },
    });

    // The plan is on the remote first, status running, with the run URL.
    const first = await rig.until("the plan", () => rig.show(BRANCH, PLAN));
    expect(parsePlan(first)).toMatchObject({ status: "running", run: "https://github.com/acme/shop/actions/runs/123", issue: 42 });
    // Then the first tick and the agent's work, while the agent is still waiting for `release`.
    const ticked = await rig.until("the first tick", () => {
      const text = rig.show(BRANCH, PLAN);
      return text && parsePlan(text)?.items[0]?.state === "done" ? text : null;
    });
    expect(parsePlan(ticked)?.items.map((i) => i.state)).toEqual(["done", "pending", "pending"]);
    expect(rig.show(BRANCH, "src/step-1.txt")).toBe("step 1\n");
    await writeFile(release, "");

    const result = await running;
    expect(result).toMatchObject({ status: "done", branch: BRANCH, pushed: true });
    expect(result.output).toBe("Did 3 steps.\n");

    // Head: no bookkeeping, the work kept. Its parent: the final plan, output.md and ipc/.done.
    expect(rig.log(BRANCH).slice(0, 2)).toEqual(["dispatch(security-review): remove bookkeeping", "dispatch(security-review): done"]);
    expect(rig.log(BRANCH)).toContain("dispatch(security-review): plan");
    expect(rig.show(BRANCH, PLAN)).toBeNull();
    expect(git(rig.origin, "ls-tree", "-r", "--name-only", BRANCH)).not.toContain(".dispatch");
    expect(rig.show(BRANCH, "src/step-3.txt")).toBe("step 3\n");
    const final = parsePlan(rig.show(`${BRANCH}~1`, PLAN) ?? "");
    expect(final?.status).toBe("done");
    expect(final?.items.every((i) => i.state === "done")).toBe(true);
    expect(rig.show(`${BRANCH}~1`, `${DIR}/output.md`)).toBe("Did 3 steps.\n");
    expect(rig.show(`${BRANCH}~1`, `${DIR}/ipc/.done`)).toBe("done\n");
    // The task branch starts from the base.
    expect(git(rig.origin, "merge-base", "--is-ancestor", "main", BRANCH)).toBe("");
  });

  it("lets the agent replace the starter checklist with its own items", async () => {
    const ws = await rig.workspace();
    const result = await work(ws, { spec: spec({ steps: [] }), agentCommand: agent("rewriter") });
    expect(result.status).toBe("done");
    const final = parsePlan(rig.show(`${BRANCH}~1`, PLAN) ?? "");
    expect(final?.items.map((i) => i.text)).toEqual(["Find the login handler", "Fix the session expiry bug", "Write a summary to output.md"]);
    expect(rig.show(BRANCH, "src/login.js")).toBe("export const expiry = 3600;\n");
    // The cost from a Claude stream-json result event is recorded.
    expect(result.cost_usd).toBe(0.42);
    expect(final?.cost_usd).toBe(0.42);
  });

  it("gets the maintainer's answer to the agent", async () => {
    const ws = await rig.workspace();
    const running = work(ws, { agentCommand: agent("asker") });
    await rig.until("question 001 on the remote", () => rig.show(BRANCH, `${DIR}/ipc/001.question`));
    expect(rig.show(BRANCH, `${DIR}/ipc/001.question`)).toBe("Should I flag INFO level logs?\n");
    // Pushed in a commit of its own (a progress push may already have followed it).
    expect(rig.log(BRANCH)).toContain("dispatch(security-review): question 001");
    const app = await rig.appCommit(BRANCH, { [`${DIR}/ipc/001.answer`]: "Yes, flag them\n" }, "dispatch(security-review): answer 001");

    const result = await running;
    expect(result.status).toBe("done");
    expect(result.output).toContain("The maintainer said: Yes, flag them");
    expect(rig.show(`${BRANCH}~1`, `${DIR}/ipc/001.done`)).not.toBeNull();
    expect(rig.show(BRANCH, "src/logging.md")).toBe("INFO logs: Yes, flag them\n");
    // The app's commit is in the history: rebased onto, never forced over.
    expect(git(rig.origin, "merge-base", "--is-ancestor", app, BRANCH)).toBe("");
  });

  it("parks the task when the question times out, and a second run resumes with the answer", async () => {
    const ws = await rig.workspace();
    const first = await work(ws, { agentCommand: agent("asker"), questionTimeoutMs: 1500 });
    expect(first.status).toBe("waiting");
    const parked = rig.show(BRANCH, PLAN) ?? "";
    expect(parsePlan(parked)?.status).toBe("waiting");
    expect(parsePlan(parked)?.items.map((i) => i.state)).toEqual(["done", "question", "pending"]);
    const context = rig.show(BRANCH, `${DIR}/context.md`) ?? "";
    expect(context).toContain("Scanned; waiting to know about INFO logs (dispatch-ask exit 3)");
    expect(context).toContain("Should I flag INFO level logs?");
    expect(rig.log(BRANCH)[0]).toBe("dispatch(security-review): waiting");

    await rig.appCommit(BRANCH, { [`${DIR}/ipc/001.answer`]: "No, only WARN and above\n" }, "dispatch(security-review): answer 001");
    const second = await work(await rig.workspace(), { agentCommand: agent("asker") });
    expect(second.status).toBe("done");
    expect(second.output).toContain("The maintainer said: No, only WARN and above");
    expect(second.output).toContain("Resumed: yes");
    const final = parsePlan(rig.show(`${BRANCH}~1`, PLAN) ?? "");
    expect(final?.items.map((i) => i.state)).toEqual(["done", "done", "done"]);
    expect(final?.items[0]?.note).toBe("scanned");
  });

  it("fails with the failing item marked and the last 20 lines of output under it", async () => {
    const ws = await rig.workspace();
    const result = await work(ws, { agentCommand: agent("failer") });
    expect(result.status).toBe("failed");
    expect(result.error).toBe("the agent exited with code 1");
    const final = parsePlan(rig.show(`${BRANCH}~1`, PLAN) ?? "");
    expect(final?.status).toBe("failed");
    expect(final?.items.map((i) => i.state)).toEqual(["done", "error", "pending"]);
    const reason = final?.items[1]?.reason ?? "";
    expect(reason).toContain("the agent exited with code 1");
    expect(reason).toContain("log line 30");
    expect(reason).toContain("fatal: the build broke");
    expect(reason).toContain("log line 12");
    expect(reason).not.toContain("log line 11\n");
    expect(rig.log(BRANCH).slice(0, 2)).toEqual(["dispatch(security-review): remove bookkeeping", "dispatch(security-review): done"]);
    expect(rig.show(BRANCH, "src/partial.txt")).toBe("half done\n");
  });

  it("a retry continues the existing branch and keeps the ticked items", async () => {
    const ws = await rig.workspace();
    expect((await work(ws, { agentCommand: agent("failer") })).status).toBe("failed");
    const failedHead = git(rig.origin, "rev-parse", BRANCH).trim();

    const retry = await work(await rig.workspace(), { agentCommand: agent("ticker") });
    expect(retry.status).toBe("done");
    expect(git(rig.origin, "merge-base", "--is-ancestor", failedHead, BRANCH)).toBe("");
    expect(rig.show(BRANCH, "src/partial.txt")).toBe("half done\n");
    const final = parsePlan(rig.show(`${BRANCH}~1`, PLAN) ?? "");
    // The first item was ticked by the failed run (no note); the retry ticked the other two.
    expect(final?.items.map((i) => [i.state, i.note ?? null])).toEqual([
      ["done", null],
      ["done", "step 1"],
      ["done", "step 2"],
    ]);
  });

  it("cancels on abort: stops the agent (SIGKILL when it ignores SIGTERM) and pushes what exists", async () => {
    const ws = await rig.workspace();
    const controller = new AbortController();
    const running = work(ws, {
      agentCommand: agent("hanger"),
      signal: controller.signal,
      env: { PATH: process.env["PATH"] ?? "", IGNORE_TERM: "1" },
    });
    await rig.until("the first tick", () => parsePlan(rig.show(BRANCH, PLAN) ?? "")?.items[0]?.state === "done");
    controller.abort();
    const result = await running;
    expect(result.status).toBe("cancelled");
    expect(rig.log(BRANCH)[0]).toBe("dispatch(security-review): cancelled");
    expect(parsePlan(rig.show(BRANCH, PLAN) ?? "")?.status).toBe("cancelled");
    expect(rig.show(BRANCH, "src/started.txt")).toBe("started\n");
  });

  it.each([
    ["by dispatch-ask", {}],
    ["by a question file written by hand", { BY_HAND: "1" }],
  ])("ends the task with a clear reason when the agent asks an eleventh question in one run (%s)", async (_, extra) => {
    const ws = await rig.workspace();
    const result = await work(ws, { agentCommand: agent("questioner"), env: { PATH: process.env["PATH"] ?? "", ...extra } });
    expect(result.status).toBe("failed");
    expect(result.error).toMatch(/asked more than 10 questions in one run/);
    const files = git(rig.origin, "ls-tree", "-r", "--name-only", `${BRANCH}~1`);
    expect(files).toContain(`${DIR}/ipc/010.question`);
    expect(files).not.toContain(`${DIR}/ipc/011.question`);
    expect(parsePlan(rig.show(BRANCH, PLAN) ?? rig.show(`${BRANCH}~1`, PLAN) ?? "")?.status).toBe("failed");
  });

  it("cancels when the app writes ipc/.cancel onto the branch", async () => {
    const ws = await rig.workspace();
    const running = work(ws, { agentCommand: agent("hanger") });
    await rig.until("the first tick", () => parsePlan(rig.show(BRANCH, PLAN) ?? "")?.items[0]?.state === "done");
    await rig.appCommit(BRANCH, { [`${DIR}/ipc/.cancel`]: "cancelled by @octocat\n" }, "dispatch(security-review): cancel");
    const result = await running;
    expect(result.status).toBe("cancelled");
    expect(parsePlan(rig.show(BRANCH, PLAN) ?? "")?.status).toBe("cancelled");
  });

  it("a retry of a cancelled task is not cancelled again by the old ipc/.cancel", async () => {
    const ws = await rig.workspace();
    const running = work(ws, { agentCommand: agent("hanger") });
    await rig.until("the first tick", () => parsePlan(rig.show(BRANCH, PLAN) ?? "")?.items[0]?.state === "done");
    await rig.appCommit(BRANCH, { [`${DIR}/ipc/.cancel`]: "cancelled by @octocat\n" }, "dispatch(security-review): cancel");
    expect((await running).status).toBe("cancelled");

    const retry = await work(await rig.workspace(), { agentCommand: agent("ticker") });
    expect(retry.status).toBe("done");
    expect(rig.show(`${BRANCH}~1`, `${DIR}/ipc/.cancel`)).toBeNull();
  });

  it("a retry after a finished run brings its questions back, so numbering goes on and answers reach the prompt", async () => {
    const ws = await rig.workspace();
    const first = work(ws, { agentCommand: agent("asker"), questionTimeoutMs: 20_000 });
    await rig.until("question 001", () => rig.show(BRANCH, `${DIR}/ipc/001.question`));
    await rig.appCommit(BRANCH, { [`${DIR}/ipc/001.answer`]: "yes\n" }, "dispatch(security-review): answer 001");
    expect((await first).status).toBe("done");
    expect(rig.show(BRANCH, `${DIR}/plan.md`)).toBeNull(); // bookkeeping removed

    const retry = await work(await rig.workspace(), { agentCommand: agent("asker") });
    expect(retry.status).toBe("done");
    expect(retry.output).toContain("Resumed: yes"); // the earlier answer was in its prompt: no new question
    expect(rig.show(`${BRANCH}~1`, `${DIR}/ipc/001.answer`)).toBe("yes\n");
    expect(rig.show(`${BRANCH}~1`, `${DIR}/ipc/002.question`)).toBeNull();
  });

  it("keeps the app's note when it conflicts with the agent's tick (rebase, never force)", async () => {
    const ws = await rig.workspace();
    const release = join(rig.root, "release");
    const running = work(ws, {
      spec: spec({ steps: ["Scan for hardcoded secrets", "Write a summary to output.md"] }),
      agentCommand: agent("ticker"),
      idleFetchIntervalMs: 60_000,
      env: { PATH: process.env["PATH"] ?? "", RELEASE: release },
    });
    const pushed = await rig.until("the first tick", () => {
      const text = rig.show(BRANCH, PLAN);
      return text && parsePlan(text)?.items[0]?.state === "done" ? text : null;
    });
    const note = `${pushed.trimEnd()}\n\n> **Note:** the payments module is out of scope\n`;
    const app = await rig.appCommit(BRANCH, { [PLAN]: note }, "dispatch(security-review): note");
    await writeFile(release, "");
    const result = await running;
    expect(result.status).toBe("done");
    const final = parsePlan(rig.show(`${BRANCH}~1`, PLAN) ?? "");
    expect(final?.notes).toEqual(["the payments module is out of scope"]);
    expect(final?.items.map((i) => i.state)).toEqual(["done", "done"]);
    expect(git(rig.origin, "merge-base", "--is-ancestor", app, BRANCH)).toBe("");
  });

  it("never gives the agent the token, and redacts secrets from what it commits", async () => {
    const ws = await rig.workspace();
    const token = "ghs_canaryTOKEN1234567890";
    const key = "sk-ant-canary-0987654321";
    const result = await work(ws, {
      agentCommand: agent("leaker"),
      keepWorktree: true,
      workDir: join(rig.root, "work"),
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
    const names = JSON.parse(rig.show(BRANCH, "env.json") ?? "[]") as string[];
    expect(names).toContain("ANTHROPIC_API_KEY");
    expect(names).toContain("DISPATCH_TASK");
    expect(names.filter((n) => /^(GITHUB_TOKEN|GH_TOKEN|INPUT_|ACTIONS_|SOMETHING_ELSE)/.test(n))).toEqual([]);
    expect(rig.show(BRANCH, "values.txt")).not.toContain(token);
    // The key the agent printed is *** in everything committed.
    const all = git(rig.origin, "log", "-p", "--all");
    expect(all).not.toContain(key);
    expect(all).not.toContain(token);
    expect(rig.show(`${BRANCH}~1`, `${DIR}/output.md`)).toBe("The key is ***.\n");
    expect(rig.show(`${BRANCH}~1`, PLAN)).toContain("used ***");
    expect(result.output).toBe("The key is ***.\n");
    // The token is not in the checkout's git config either.
    expect(await readFile(join(ws, ".git/config"), "utf8")).not.toContain(token);
  });

  it("redacts secrets from commits the agent made by itself, message and content", async () => {
    const ws = await rig.workspace();
    const key = "sk-ant-canary-committed-42";
    const result = await work(ws, { agentCommand: agent("committer"), env: { PATH: process.env["PATH"] ?? "", ANTHROPIC_API_KEY: key } });
    expect(result.status).toBe("done");
    const all = git(rig.origin, "log", "-p", "--all");
    expect(all).not.toContain(key);
    expect(rig.show(BRANCH, "config.js")).toBe('export const key = "***";\n');
  });

  it("runs two workers of one dispatch at the same time, each on its own branch", async () => {
    const [a, b] = await Promise.all([rig.workspace(), rig.workspace()]);
    const results = await Promise.all([
      work(a, { spec: spec({ id: "api-tests", title: "Write API tests" }), agentCommand: agent("ticker") }),
      work(b, { spec: spec({ id: "update-readme", title: "Update the README" }), agentCommand: agent("asker"), questionTimeoutMs: 20_000 }).then(
        (r) => r,
      ),
      (async () => {
        await rig.until("question from update-readme", () => rig.show("dispatch/42/update-readme", ".dispatch/tasks/update-readme/ipc/001.question"));
        await rig.appCommit("dispatch/42/update-readme", { [".dispatch/tasks/update-readme/ipc/001.answer"]: "yes\n" }, "answer 001");
        return null;
      })(),
    ]);
    expect(results[0]?.status).toBe("done");
    expect(results[1]?.status).toBe("done");
    expect(rig.log("dispatch/42/api-tests")[0]).toBe("dispatch(api-tests): remove bookkeeping");
    expect(rig.log("dispatch/42/update-readme")[0]).toBe("dispatch(update-readme): remove bookkeeping");
    expect(rig.show("dispatch/42/api-tests", "src/logging.md")).toBeNull();
    expect(rig.show("dispatch/42/update-readme", "src/step-1.txt")).toBeNull();
  });

  it("refuses bad input with a clear answer", async () => {
    const ws = await rig.workspace();
    expect(await work(ws, { spec: spec({ id: "Not An Id" }) })).toMatchObject({ status: "failed", error: expect.stringContaining("not a task id") });
    expect(await work(ws, { spec: spec({ agent: "custom" }) })).toMatchObject({ status: "failed", error: expect.stringContaining("agent-command") });
    expect(await work(ws, { base: "no-such-branch", agentCommand: agent("ticker") })).toMatchObject({
      status: "failed",
      error: expect.stringContaining('the base branch "no-such-branch" does not exist'),
    });
  });
});
