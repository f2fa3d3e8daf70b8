/**
 * Scenario (issue 11): the real claude, gemini and codex CLIs end to end, one dispatch each. A maintainer's /dispatch goes through the real app, the
 * workflow's matrix and the bundled Action; the Action starts the CLI from node_modules (no agent-command) against the
 * scripted model server. It ticks its checklist with its own Bash tool, asks its question with dispatch-ask, the
 * maintainer answers on the thread, the answer reaches claude and comes back in its output and its work, and the
 * task ends complete with a PR. Nothing but 127.0.0.1 is contacted.
 */
import { afterEach, describe, expect, it } from "vitest";
import { taskBranch } from "../../src/core/branch.js";
import { startModelServer, type ModelServer } from "../model-server/server.js";
import { startProxyRecorder, type ProxyRecorder } from "../model-server/proxy-recorder.js";
import { QUESTION, WORK_FILE } from "../model-server/script.js";
import { startHarness, type Harness } from "./harness.js";
import { realAgentOptions } from "./real-agents.js";
import { parseStatus } from "../../src/core/status-read.js";
import { headline, until } from "./scenario-kit.js";

const ANSWER = "Yes, flag INFO logs too";
const TASK = "review-logging";

let harness: Harness | undefined;
let server: ModelServer | undefined;
let proxy: ProxyRecorder | undefined;

afterEach(async () => {
  await harness?.stop();
  await server?.close();
  await proxy?.close();
  harness = server = proxy = undefined;
});

describe("scenario: a real agent CLI end to end", () => {
  it.each([
    { model: "opus", cost: true },
    // gemini runs its shell tool with a sanitized environment in Actions (GITHUB_SHA set): DISPATCH_* must get through.
    { model: "gemini", cost: false },
    // codex offers its exec_command tool for a model it does not know (its own models get other tools).
    { model: "gpt-5-scripted", cost: false },
  ])("$model ticks, asks, takes the answer from the thread, finishes with a PR, and reports its usage", { timeout: 240_000 }, async ({ model, cost }) => {
    server = await startModelServer();
    proxy = await startProxyRecorder();
    harness = await startHarness(realAgentOptions(server.url, { HTTP_PROXY: proxy.url, HTTPS_PROXY: proxy.url, NO_PROXY: "127.0.0.1,localhost" }));
    const { hub } = harness;
    hub.openIssue({ title: "Logging review", user: "maintainer" });
    const { comment: command } = await harness.comment({ body: `/dispatch use ${model} to review logging`, issue: 1 });
    const branch = taskBranch("dispatch/", 1, TASK, command.id);

    const question = await until("the question comment", () => harness!.questionComments(1)[0], 180_000);
    expect(question.body).toContain(QUESTION);
    await harness.quoteReply({ to: question, answer: ANSWER });
    await until("the task complete", () => {
      const status = harness!.statusComment(1);
      return status && headline(status.body, TASK).includes("COMPLETE") ? status : null;
    }, 180_000);
    await harness.waitForQuiet();
    // The status comment shows what the CLI reported: tokens (and claude's cost) for the task and for the dispatch.
    const status = harness.statusComment(1)!.body;
    const money = cost ? "\\\\\\$0\\.\\d\\d · " : "";
    expect(headline(status, TASK)).toMatch(new RegExp(`${money}[\\d.]+k? tokens in, \\d+ out`));
    expect(status).toMatch(new RegExp(`^Usage: ${money}[\\d.]+k? tokens in, \\d+ out$`, "m"));

    // The work the agent wrote with the answer it received is on the branch (the dispatch's own) and in a PR.
    expect(parseStatus(status)!.tasks[0]!.branch).toBe(branch);
    expect(branch).toMatch(new RegExp(`^dispatch/1/${TASK}-[0-9a-z]+$`));
    expect(await hub.readFile(branch, WORK_FILE)).toBe(`Log levels to flag: ${ANSWER}\n`);
    expect(harness.pulls().map((p) => p.pull!.head)).toEqual([branch]);
    // Every item ticked by the agent itself, and its usage recorded, in the final plan.
    const plan = (await hub.readFile(`${branch}~1`, `.dispatch/tasks/${TASK}/plan.md`)) ?? "";
    if (cost) expect(plan).toMatch(/^cost_usd: 0\.\d+/m);
    else expect(plan).not.toMatch(/^cost_usd:/m);
    expect(plan).toMatch(/^tokens_in: \d+$/m);
    expect(plan).not.toMatch(/^- \[[ ?!]\]/m);
    expect(plan.match(/^- \[x\] .* — checked by the scripted model$/gm)?.length).toBeGreaterThan(0);
    expect(await hub.readFile(`${branch}~1`, `.dispatch/tasks/${TASK}/output.md`)).toBe(`The maintainer answered: ${ANSWER}\n`);
    // Only the model server and the stand-in were contacted.
    expect(proxy.attempts).toEqual([]);
    expect(server.modelRequests().length).toBeGreaterThanOrEqual(4);
  });
});
