/**
 * The worker end to end on real git: a question answered, parked and resumed, remembered by a retry, asked by one of two workers.
 */
import { describe, expect, it } from "vitest";
import { parsePlan } from "../../src/core/plan.js";
import { agent, git, spec, work } from "./helpers.js";
import { BRANCH, DIR, PLAN, useRig } from "./task-rig.js";

const rig = useRig();

describe("runWorker: questions and answers through ipc/ files on the branch", () => {
  it("gets the maintainer's answer to the agent", async () => {
    const ws = await rig().workspace();
    const running = work(ws, { agentCommand: agent("asker") });
    await rig().until("question 001 on the remote", () => rig().show(BRANCH, `${DIR}/ipc/001.question`));
    expect(rig().show(BRANCH, `${DIR}/ipc/001.question`)).toBe("Should I flag INFO level logs?\n");
    // Pushed in a commit of its own (a progress push may already have followed it).
    expect(rig().log(BRANCH)).toContain("dispatch(security-review): question 001");
    const app = await rig().appCommit(BRANCH, { [`${DIR}/ipc/001.answer`]: "Yes, flag them\n" }, "dispatch(security-review): answer 001");

    const result = await running;
    expect(result.status).toBe("done");
    expect(result.output).toContain("The maintainer said: Yes, flag them");
    expect(rig().show(`${BRANCH}~1`, `${DIR}/ipc/001.done`)).not.toBeNull();
    expect(rig().show(BRANCH, "src/logging.md")).toBe("INFO logs: Yes, flag them\n");
    // The closing commit takes the whole task folder away, the app's answer too (else the branch differs from its
    // base by the answer alone and a review-only task gets a pull request).
    expect(git(rig().origin, "ls-tree", "-r", "--name-only", BRANCH).split("\n").filter((f) => f.startsWith(".dispatch/"))).toEqual([]);
    // The app's commit is in the history: replayed onto, never forced over.
    expect(git(rig().origin, "merge-base", "--is-ancestor", app, BRANCH)).toBe("");
    // The bookkeeping removal takes the answer away too: nothing of .dispatch/ is left for the pull request.
    expect(rig().show(BRANCH, `${DIR}/ipc/001.answer`)).toBeNull();
    expect(git(rig().origin, "ls-tree", "-r", "--name-only", BRANCH).split("\n").filter((f) => f.startsWith(".dispatch/"))).toEqual([]);
  });

  it("parks the task when the question times out, and a second run resumes with the answer", async () => {
    const ws = await rig().workspace();
    const first = await work(ws, { agentCommand: agent("asker"), questionTimeoutMs: 1500 });
    expect(first.status).toBe("waiting");
    const parked = rig().show(BRANCH, PLAN) ?? "";
    expect(parsePlan(parked)?.status).toBe("waiting");
    expect(parsePlan(parked)?.items.map((i) => i.state)).toEqual(["done", "question", "pending"]);
    const context = rig().show(BRANCH, `${DIR}/context.md`) ?? "";
    expect(context).toContain("Scanned; waiting to know about INFO logs (dispatch-ask exit 3)");
    expect(context).toContain("Should I flag INFO level logs?");
    expect(rig().log(BRANCH)[0]).toBe("dispatch(security-review): waiting");

    await rig().appCommit(BRANCH, { [`${DIR}/ipc/001.answer`]: "No, only WARN and above\n" }, "dispatch(security-review): answer 001");
    const second = await work(await rig().workspace(), { agentCommand: agent("asker") });
    expect(second.status).toBe("done");
    expect(second.output).toContain("The maintainer said: No, only WARN and above");
    expect(second.output).toContain("Resumed: yes");
    const final = parsePlan(rig().show(`${BRANCH}~1`, PLAN) ?? "");
    expect(final?.items.map((i) => i.state)).toEqual(["done", "done", "done"]);
    expect(final?.items[0]?.note).toBe("scanned");
  });

  it("a retry after a finished run brings its questions back, so numbering goes on and answers reach the prompt", async () => {
    const ws = await rig().workspace();
    const first = work(ws, { agentCommand: agent("asker"), questionTimeoutMs: 20_000 });
    await rig().until("question 001", () => rig().show(BRANCH, `${DIR}/ipc/001.question`));
    await rig().appCommit(BRANCH, { [`${DIR}/ipc/001.answer`]: "yes\n" }, "dispatch(security-review): answer 001");
    expect((await first).status).toBe("done");
    expect(rig().show(BRANCH, `${DIR}/plan.md`)).toBeNull(); // bookkeeping removed

    const retry = await work(await rig().workspace(), { agentCommand: agent("asker") });
    expect(retry.status).toBe("done");
    expect(retry.output).toContain("Resumed: yes"); // the earlier answer was in its prompt: no new question
    expect(rig().show(`${BRANCH}~1`, `${DIR}/ipc/001.answer`)).toBe("yes\n");
    expect(rig().show(`${BRANCH}~1`, `${DIR}/ipc/002.question`)).toBeNull();
  });

  it("runs two workers of one dispatch at the same time, each on its own branch", async () => {
    const [a, b] = await Promise.all([rig().workspace(), rig().workspace()]);
    const results = await Promise.all([
      work(a, { spec: spec({ id: "api-tests", title: "Write API tests" }), agentCommand: agent("ticker") }),
      work(b, { spec: spec({ id: "update-readme", title: "Update the README" }), agentCommand: agent("asker"), questionTimeoutMs: 20_000 }).then(
        (r) => r,
      ),
      (async () => {
        await rig().until("question from update-readme", () => rig().show("dispatch/42/update-readme", ".dispatch/tasks/update-readme/ipc/001.question"));
        await rig().appCommit("dispatch/42/update-readme", { [".dispatch/tasks/update-readme/ipc/001.answer"]: "yes\n" }, "answer 001");
        return null;
      })(),
    ]);
    expect(results[0]?.status).toBe("done");
    expect(results[1]?.status).toBe("done");
    expect(rig().log("dispatch/42/api-tests")[0]).toBe("dispatch(api-tests): remove bookkeeping");
    expect(rig().log("dispatch/42/update-readme")[0]).toBe("dispatch(update-readme): remove bookkeeping");
    expect(rig().show("dispatch/42/api-tests", "src/logging.md")).toBeNull();
    expect(rig().show("dispatch/42/update-readme", "src/step-1.txt")).toBeNull();
  });

  it.each([
    ["by dispatch-ask", {}],
    ["by a question file written by hand", { BY_HAND: "1" }],
  ])("ends the task with a clear reason when the agent asks an eleventh question in one run (%s)", async (_, extra) => {
    const ws = await rig().workspace();
    const result = await work(ws, { agentCommand: agent("questioner"), env: { PATH: process.env["PATH"] ?? "", ...extra } });
    expect(result.status).toBe("failed");
    expect(result.error).toMatch(/asked more than 10 questions in one run/);
    const files = git(rig().origin, "ls-tree", "-r", "--name-only", `${BRANCH}~1`);
    expect(files).toContain(`${DIR}/ipc/010.question`);
    expect(files).not.toContain(`${DIR}/ipc/011.question`);
    expect(parsePlan(rig().show(BRANCH, PLAN) ?? rig().show(`${BRANCH}~1`, PLAN) ?? "")?.status).toBe("failed");
  });
});
