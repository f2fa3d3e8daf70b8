import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { AGENT_KEYS, AGENT_SETTINGS_ENV, agentEnv, allowedAgentVariables, BASE_ENV, missingKeyError } from "../../src/core/agent-env.js";
import { AGENTS } from "../../src/core/task.js";
import { isWorkflowPath, isWorkflowRefusal, workflowsLeftOutNote } from "../../src/core/workflow-files.js";

const RUNNER = {
  PATH: "/usr/bin",
  LANG: "C.UTF-8",
  LC_ALL: "C.UTF-8",
  HOME: "/home/runner",
  "INPUT_GITHUB-TOKEN": "ghs_token123456",
  GITHUB_TOKEN: "ghs_token123456",
  ACTIONS_RUNTIME_TOKEN: "runtime123456",
  ANTHROPIC_API_KEY: "sk-ant-123456",
  CLAUDE_CODE_OAUTH_TOKEN: "sk-ant-oat-123456",
  GEMINI_API_KEY: "gemini-123456",
  OPENAI_API_KEY: "sk-openai-123456",
  NPM_TOKEN: "npm_123456",
  GIT_CONFIG_GLOBAL: "/home/runner/.gitconfig",
  RUNNER_TEMP: "/home/runner/work/_temp",
  RUNNER_TRACKING_ID: "github_0f3c2d9e-5b1a-4c1e-9d3f-7a2b6c8e4f10",
};

describe("agentEnv", () => {
  it("gives each agent only its own key, the base variables, its own home and what the worker sets", () => {
    expect(agentEnv({ env: RUNNER, agent: "claude", home: "/tmp/h", user: "dispatch-agent", set: { DISPATCH_TASK: "t", PATH: "/x:/usr/bin" } })).toEqual({
      PATH: "/x:/usr/bin",
      LANG: "C.UTF-8",
      LC_ALL: "C.UTF-8",
      HOME: "/tmp/h",
      USER: "dispatch-agent",
      LOGNAME: "dispatch-agent",
      ANTHROPIC_API_KEY: "sk-ant-123456",
      CLAUDE_CODE_OAUTH_TOKEN: "sk-ant-oat-123456",
      RUNNER_TRACKING_ID: RUNNER.RUNNER_TRACKING_ID,
      DISPATCH_TASK: "t",
    });
    expect(Object.keys(agentEnv({ env: RUNNER, agent: "gemini", home: "/h" })).sort()).toEqual(["GEMINI_API_KEY", "HOME", "LANG", "LC_ALL", "PATH", "RUNNER_TRACKING_ID"]);
    expect(Object.keys(agentEnv({ env: RUNNER, agent: "codex", home: "/h" })).sort()).toEqual(["HOME", "LANG", "LC_ALL", "OPENAI_API_KEY", "PATH", "RUNNER_TRACKING_ID"]);
    expect(Object.keys(agentEnv({ env: RUNNER, agent: "custom", home: "/h" })).sort()).toEqual(["HOME", "LANG", "LC_ALL", "PATH", "RUNNER_TRACKING_ID"]);
  });

  it("passes a settings variable the agent's CLI reads, and only that agent's", () => {
    AGENT_SETTINGS_ENV.claude.push("ANTHROPIC_BASE_URL");
    try {
      expect(agentEnv({ env: { ANTHROPIC_BASE_URL: "http://127.0.0.1:1" }, agent: "claude", home: "/h" })["ANTHROPIC_BASE_URL"]).toBe("http://127.0.0.1:1");
      expect(agentEnv({ env: { ANTHROPIC_BASE_URL: "http://127.0.0.1:1" }, agent: "gemini", home: "/h" })["ANTHROPIC_BASE_URL"]).toBeUndefined();
    } finally {
      AGENT_SETTINGS_ENV.claude.splice(AGENT_SETTINGS_ENV.claude.indexOf("ANTHROPIC_BASE_URL"), 1);
    }
  });

  it("never lets through a variable outside the allowlist, whatever the environment holds", () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string({ minLength: 1, maxLength: 20 }), fc.string()), fc.constantFrom(...AGENTS), (env, agent) => {
        const out = agentEnv({ env, agent, home: "/h" });
        const allowed = allowedAgentVariables(agent);
        for (const name of Object.keys(out)) {
          expect(allowed.has(name) || name.startsWith("LC_") || name === "HOME").toBe(true);
        }
        for (const other of AGENTS.filter((a) => a !== agent)) for (const key of AGENT_KEYS[other]) if (!AGENT_KEYS[agent].includes(key)) expect(out[key]).toBeUndefined();
      }),
    );
  });

  it("keeps secrets out of the base and settings lists", () => {
    for (const name of [...BASE_ENV, ...Object.values(AGENT_SETTINGS_ENV).flat()]) expect(name).not.toMatch(/TOKEN|SECRET|KEY|PASSWORD/);
  });
});

describe("missingKeyError", () => {
  it("names the secret the task's agent needs; another agent's key does not count", () => {
    expect(missingKeyError("gemini", { ANTHROPIC_API_KEY: "x" })).toContain("add the secret `GEMINI_API_KEY`");
    expect(missingKeyError("claude", {})).toContain("`ANTHROPIC_API_KEY` or `CLAUDE_CODE_OAUTH_TOKEN`");
    expect(missingKeyError("codex", { OPENAI_API_KEY: "  " })).toContain("`OPENAI_API_KEY`");
    expect(missingKeyError("claude", { CLAUDE_CODE_OAUTH_TOKEN: "t" })).toBeNull();
    expect(missingKeyError("custom", {})).toBeNull();
  });
});

describe("workflow files", () => {
  it("knows workflow paths and GitHub's refusal", () => {
    expect(isWorkflowPath(".github/workflows/ci.yml")).toBe(true);
    expect(isWorkflowPath(".github/dispatch.yml")).toBe(false);
    expect(isWorkflowRefusal("! [remote rejected] HEAD -> b (refusing to allow a GitHub App to create or update workflow `.github/workflows/a.yml` without `workflows` permission)")).toBe(true);
    expect(isWorkflowRefusal("refusing to allow an OAuth App to create or update workflow `.github/workflows/a.yml` without `workflow` scope")).toBe(true);
    expect(isWorkflowRefusal("! [rejected] HEAD -> b (fetch first)")).toBe(false);
    expect(workflowsLeftOutNote([".github/workflows/b.yml", ".github/workflows/a.yml", ".github/workflows/a.yml"])).toContain("(`.github/workflows/a.yml`, `.github/workflows/b.yml`)");
  });
});
