/** The worker's pure helpers in src/core: agent command lines, secrets, prompt, outcome, plan merge, Action inputs. */
import { describe, expect, it } from "vitest";
import { agentCommand, readableLine } from "../../src/core/agent.js";
import { usageInLine } from "../../src/core/agent-usage.js";
import { parseActionInputs, runUrl } from "../../src/core/inputs.js";
import { decideOutcome, failureReason, finalPlan, waitingContext } from "../../src/core/outcome.js";
import { mergePlanNotes } from "../../src/core/plan-merge.js";
import { parsePlan } from "../../src/core/plan.js";
import { buildPrompt } from "../../src/core/prompt.js";
import { redact, secretValues } from "../../src/core/secret.js";
import { spec } from "./helpers.js";

const PLAN = `---
task: security-review
title: Do a security review
model: opus
agent: claude
issue: 42
status: running
updated: 2026-11-24T09:00:00.000Z
---
# Do a security review

- [x] Scan for hardcoded secrets
- [ ] Review authentication logic
- [ ] Write a summary to output.md
`;

describe("agentCommand", () => {
  it("runs Claude Code in print mode with stream-json (each streamed piece too) and permissions bypassed", () => {
    expect(agentCommand({ agent: "claude", model: "opus", prompt: "do it" })).toEqual({
      file: "claude",
      args: ["-p", "--model", "opus", "--output-format", "stream-json", "--include-partial-messages", "--verbose", "--dangerously-skip-permissions", "--", "do it"],
    });
  });
  it("gives Gemini and Codex a model only when one is named beyond the family word", () => {
    expect(agentCommand({ agent: "gemini", model: "gemini-2.5-flash", prompt: "p" }).args).toEqual(["--model", "gemini-2.5-flash", "--yolo", "--skip-trust", "--output-format", "stream-json", "--prompt=p"]);
    expect(agentCommand({ agent: "gemini", model: "gemini", prompt: "p" }).args).toEqual(["--yolo", "--skip-trust", "--output-format", "stream-json", "--prompt=p"]);
    expect(agentCommand({ agent: "codex", model: "gpt-5", prompt: "p" })).toEqual({ file: "codex", args: ["exec", "--json", "--sandbox", "workspace-write", "--model", "gpt-5", "--", "p"] });
    expect(agentCommand({ agent: "codex", model: "codex", prompt: "p" }).args).toEqual(["exec", "--json", "--sandbox", "workspace-write", "--", "p"]);
  });
  it("runs agent-command through sh with the prompt as $1, never inside the command string", () => {
    const prompt = `"; rm -rf / #`;
    expect(agentCommand({ agent: "claude", model: "opus", prompt, custom: "my-agent --fast" })).toEqual({
      file: "sh",
      args: ["-c", "my-agent --fast", "dispatch-agent", prompt],
    });
  });
  it("reads the cost from Claude's result event only", () => {
    expect(usageInLine("claude", '{"type":"result","subtype":"success","total_cost_usd":0.42,"result":"ok"}')?.usage.cost_usd).toBe(0.42);
    expect(usageInLine("claude", '{"type":"assistant","total_cost_usd":1}')).toBeNull();
    expect(usageInLine("claude", "not json")).toBeNull();
    expect(usageInLine("claude", '{"type":"result","total_cost_usd":"x"}')?.usage.cost_usd).toBeUndefined();
  });
  it("turns Claude's events into readable lines", () => {
    expect(readableLine("claude", '{"type":"assistant","message":{"content":[{"type":"text","text":"Looking at auth"}]}}')).toBe("Looking at auth");
    expect(readableLine("claude", '{"type":"system","subtype":"init"}')).toBeNull();
    expect(readableLine("claude", '{"type":"result","subtype":"error_max_turns","result":""}')).toBe("[error_max_turns]");
    expect(readableLine("claude", "plain text")).toBe("plain text");
    expect(readableLine("custom", '{"type":"system"}')).toBe('{"type":"system"}');
  });
});

describe("secrets", () => {
  const env = { GITHUB_TOKEN: "ghs_abcdefghij", ANTHROPIC_API_KEY: "sk-ant-123456", NPM_TOKEN: "npm_999999", PATH: "/usr/bin", SHORT_TOKEN: "1" };
  it("finds secret values by name, longest first, ignoring short ones", () => {
    expect(secretValues(env)).toEqual(["ghs_abcdefghij", "sk-ant-123456", "npm_999999"]);
    expect(secretValues({}, ["extra-secret"])).toEqual(["extra-secret"]);
  });
  it("redacts every occurrence", () => {
    expect(redact("a ghs_abcdefghij b ghs_abcdefghij sk-ant-123456", secretValues(env))).toBe("a *** b *** ***");
  });
});

describe("buildPrompt", () => {
  const paths = { dir: ".dispatch/tasks/security-review", plan: ".dispatch/tasks/security-review/plan.md", output: ".dispatch/tasks/security-review/output.md", context: ".dispatch/tasks/security-review/context.md" };
  it("gives the task, the checklist and the rules", () => {
    const prompt = buildPrompt({ spec: spec(), plan: PLAN, paths, starter: true });
    expect(prompt).toContain("# Task: Do a security review of the auth module");
    expect(prompt).toContain("- [ ] Review authentication logic");
    expect(prompt).toContain("replace its items with the concrete steps");
    expect(prompt).toContain('"$DISPATCH_ASK" "your question"');
    expect(prompt).toContain("exits with code 3");
    expect(prompt).toContain("`- [!]`");
    expect(prompt).toContain("Never run git push");
    expect(prompt).not.toContain("resuming");
  });
  it("hands a resumed task its context, answers and notes", () => {
    const prompt = buildPrompt({
      spec: spec(),
      plan: PLAN,
      paths,
      starter: false,
      context: "Scanned everything but logs.",
      answers: [{ seq: 1, question: "Flag INFO logs?", answer: "Yes" }],
      notes: ["payments are out of scope"],
    });
    expect(prompt).toContain("# You are resuming this task");
    expect(prompt).toContain("Scanned everything but logs.");
    expect(prompt).toContain("- Question 001: Flag INFO logs?\n  Answer: Yes");
    expect(prompt).toContain("- payments are out of scope");
    expect(prompt).toContain("keep them and their order");
  });
});

describe("outcome", () => {
  const allDone = PLAN.replace(/- \[ \]/g, "- [x]");
  it("is done only when every item is ticked and the agent exited 0", () => {
    expect(decideOutcome({ plan: allDone, exitCode: 0, pendingQuestion: null, cancelled: false })).toBe("done");
    expect(decideOutcome({ plan: allDone, exitCode: 1, pendingQuestion: null, cancelled: false })).toBe("failed");
    expect(decideOutcome({ plan: PLAN, exitCode: 0, pendingQuestion: null, cancelled: false })).toBe("failed");
    expect(decideOutcome({ plan: "garbage", exitCode: 0, pendingQuestion: null, cancelled: false })).toBe("failed");
    expect(decideOutcome({ plan: PLAN, exitCode: 0, pendingQuestion: 2, cancelled: false })).toBe("waiting");
    expect(decideOutcome({ plan: allDone, exitCode: 0, pendingQuestion: 2, cancelled: true })).toBe("cancelled");
  });
  it("marks the failing item with the reason, or the waiting one with [?]", () => {
    const failed = parsePlan(finalPlan({ plan: PLAN, status: "failed", now: "2026-11-24T10:00:00.000Z", reason: "exit 1\nboom", cost_usd: 0.5 }));
    expect(failed).toMatchObject({ status: "failed", updated: "2026-11-24T10:00:00.000Z", cost_usd: 0.5 });
    expect(failed?.items[1]).toMatchObject({ state: "error", reason: "exit 1\nboom" });
    const waiting = parsePlan(finalPlan({ plan: PLAN, status: "waiting", now: "2026-11-24T10:00:00.000Z" }));
    expect(waiting?.items.map((i) => i.state)).toEqual(["done", "question", "pending"]);
    const allTicked = parsePlan(finalPlan({ plan: allDone, status: "failed", now: "2026-11-24T10:00:00.000Z", reason: "exit 2" }));
    expect(allTicked?.items.at(-1)).toMatchObject({ state: "error", text: "The agent exited with an error", reason: "exit 2" });
  });
  it("keeps the last 20 non-blank output lines", () => {
    const lines = Array.from({ length: 30 }, (_, i) => `line ${i + 1}`);
    const reason = failureReason({ lines: [...lines, ""], exitCode: 1 });
    expect(reason.split("\n")).toEqual(["the agent exited with code 1; last output:", ...lines.slice(10)]);
    expect(failureReason({ lines: [], exitCode: null, signal: "SIGKILL" })).toBe("the agent was stopped by SIGKILL");
  });
  it("writes where the work stands for a parked task", () => {
    expect(waitingContext({ context: null, plan: PLAN, seq: 1, question: "Flag INFO logs?\n" })).toMatchInlineSnapshot(`
      "# Where the work stands

      ## Parked by dispatch

      Done so far:
      - [x] Scan for hardcoded secrets

      Stopped at: Review authentication logic

      Waiting for the answer to question 001:
      > Flag INFO logs?
      "
    `);
    expect(waitingContext({ context: "My notes.", plan: PLAN, seq: 1, question: "Q" })).toMatch(/^My notes\.\n\n## Parked by dispatch/);
  });
});

describe("mergePlanNotes", () => {
  it("keeps the local ticks and adds the remote's new notes once", () => {
    const local = PLAN.replace("- [ ] Review", "- [x] Review");
    const remote = `${PLAN}\n> **Note:** payments are out of scope\n`;
    const merged = parsePlan(mergePlanNotes(local, remote));
    expect(merged?.items.map((i) => i.state)).toEqual(["done", "done", "pending"]);
    expect(merged?.notes).toEqual(["payments are out of scope"]);
    expect(mergePlanNotes(mergePlanNotes(local, remote), remote)).toBe(mergePlanNotes(local, remote));
    expect(mergePlanNotes("not a plan", remote)).toBe("not a plan");
  });
});

describe("parseActionInputs", () => {
  const task = JSON.stringify(spec());
  it("reads the inputs with their defaults", () => {
    expect(parseActionInputs({ task, issue: "42", base: "main" })).toEqual({
      ok: true,
      inputs: { spec: spec(), issue: 42, base: "main", branchPrefix: "dispatch/", questionTimeoutMs: 1_800_000, pushIntervalMs: 5000, inactivityMs: 600_000, modelSilenceMs: 60_000 },
    });
    const custom = parseActionInputs({ task, issue: "7", base: "feature/x", "branch-prefix": "bots/", "question-timeout-minutes": "0.5", "push-interval-seconds": "1", "agent-command": "node agent.mjs", "model-silence-seconds": "75" });
    expect(custom).toMatchObject({ ok: true, inputs: { branchPrefix: "bots/", questionTimeoutMs: 30_000, pushIntervalMs: 1000, agentCommand: "node agent.mjs", modelSilenceMs: 75_000 } });
  });
  it("names the input that is wrong", () => {
    expect(parseActionInputs({ task: "{", issue: "1", base: "main" })).toMatchObject({ ok: false, error: expect.stringContaining("input `task`: not JSON") });
    expect(parseActionInputs({ task: JSON.stringify({ ...spec(), id: "Bad Id" }), issue: "1", base: "main" })).toMatchObject({ ok: false, error: expect.stringContaining("input `task`: id:") });
    expect(parseActionInputs({ task, issue: "x", base: "main" })).toMatchObject({ ok: false, error: expect.stringContaining("input `issue`") });
    expect(parseActionInputs({ task, issue: "1", base: "a..b" })).toMatchObject({ ok: false, error: expect.stringContaining("input `base`") });
    expect(parseActionInputs({ task, issue: "1", base: "main", "branch-prefix": "x" })).toMatchObject({ ok: false, error: expect.stringContaining("input `branch-prefix`") });
    expect(parseActionInputs({ task, issue: "1", base: "main", "question-timeout-minutes": "-1" })).toMatchObject({ ok: false, error: expect.stringContaining("question-timeout-minutes") });
    for (const bad of ["0", "-5", "3601", "soon"]) {
      expect(parseActionInputs({ task, issue: "1", base: "main", "model-silence-seconds": bad })).toMatchObject({ ok: false, error: expect.stringContaining("input `model-silence-seconds`") });
    }
    expect(parseActionInputs({ task: JSON.stringify(spec({ agent: "custom" })), issue: "1", base: "main" })).toMatchObject({ ok: false, error: expect.stringContaining("agent-command") });
  });
  it("builds the run URL from the runner's environment", () => {
    expect(runUrl({ GITHUB_SERVER_URL: "https://github.com", GITHUB_REPOSITORY: "acme/shop", GITHUB_RUN_ID: "123" })).toBe("https://github.com/acme/shop/actions/runs/123");
    expect(runUrl({})).toBeUndefined();
  });
});
