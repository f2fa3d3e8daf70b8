/** Reading the agent CLIs' JSON output: failure reasons, usage and readable lines (lines as the real CLIs print them). */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { readableLine } from "../../src/core/agent.js";
import { apiFailure } from "../../src/core/agent-failure.js";
import { addUsage, usageInLine } from "../../src/core/agent-usage.js";
import { AGENTS } from "../../src/core/task.js";

const CLAUDE_401 = '{"type":"result","subtype":"success","is_error":true,"api_error_status":401,"result":"Invalid API key · Fix external API key","total_cost_usd":0}';
const CLAUDE_DOWN = '{"type":"result","subtype":"success","is_error":true,"api_error_status":null,"result":"API Error: Unable to connect to API (ConnectionRefused)"}';
const GEMINI_401 = '{"type":"result","status":"error","error":{"type":"unknown","message":"[API Error: {\\"error\\":{\\"code\\":401,\\"message\\":\\"API key not valid.\\",\\"status\\":\\"UNAUTHENTICATED\\"}}]"}}';
const CODEX_401 = '{"type":"turn.failed","error":{"message":"unexpected status 401 Unauthorized: Incorrect API key provided., url: http://127.0.0.1:1/v1/responses"}}';
const CODEX_500 = '{"type":"turn.failed","error":{"message":"We’re currently experiencing high demand, which may cause temporary errors."}}';

describe("apiFailure", () => {
  it("names the API and what it did, from each CLI's own words", () => {
    expect(apiFailure("claude", ["{}", CLAUDE_401])).toBe("the Anthropic API refused the key (401)");
    expect(apiFailure("claude", [CLAUDE_DOWN])).toBe("the Anthropic API could not be reached");
    expect(apiFailure("gemini", [GEMINI_401])).toBe("the Gemini API refused the key (401)");
    expect(apiFailure("gemini", ["Error: status 429 Too Many Requests"])).toBe("the Gemini API refused the request: quota or rate limit (429)");
    expect(apiFailure("codex", [CODEX_401])).toBe("the OpenAI API refused the key (401)");
    expect(apiFailure("codex", [CODEX_500])).toBe("the OpenAI API failed (server error)");
    expect(apiFailure("codex", ['{"type":"turn.failed","error":{"message":"Quota exceeded. Check your plan and billing details."}}'])).toBe(
      "the OpenAI API refused the request: quota or rate limit",
    );
    expect(apiFailure("claude", ['{"type":"result","is_error":true,"api_error_status":503,"result":"x"}'])).toBe("the Anthropic API failed (503)");
  });
  it("says nothing for ordinary output", () => {
    expect(apiFailure("claude", ["Fixed 500 lines of code", "Checked 401 files", "done"])).toBeNull();
    fc.assert(fc.property(fc.constantFrom(...AGENTS), fc.array(fc.string()), (agent, lines) => {
      const reason = apiFailure(agent, lines);
      return reason === null || reason.startsWith("the ");
    }));
  });
});

describe("usage", () => {
  it("claude: tokens and cost from the result event", () => {
    const line = '{"type":"result","total_cost_usd":0.028,"usage":{"input_tokens":4000,"cache_creation_input_tokens":500,"cache_read_input_tokens":300,"output_tokens":160}}';
    expect(usageInLine("claude", line)).toEqual({ usage: { input_tokens: 4800, output_tokens: 160, cost_usd: 0.028 }, total: true });
  });
  it("gemini: tokens from the stream-json result stats, no cost", () => {
    const line = '{"type":"result","status":"success","stats":{"total_tokens":4960,"input_tokens":4800,"output_tokens":160}}';
    expect(addUsage("gemini", undefined, line)).toEqual({ input_tokens: 4800, output_tokens: 160 });
  });
  it("codex: tokens added up over turn.completed events", () => {
    const turn = '{"type":"turn.completed","usage":{"input_tokens":100,"cached_input_tokens":0,"output_tokens":7}}';
    expect(addUsage("codex", addUsage("codex", undefined, turn), turn)).toEqual({ input_tokens: 200, output_tokens: 14 });
    expect(addUsage("codex", undefined, "plain")).toBeUndefined();
  });
  it("never reads negative or odd numbers as usage", () => {
    expect(usageInLine("gemini", '{"type":"result","stats":{"input_tokens":-5,"output_tokens":"x"}}')?.usage).toEqual({ input_tokens: 0, output_tokens: 0 });
  });
});

describe("readableLine for gemini and codex", () => {
  it("keeps the assistant's text, commands and errors", () => {
    expect(readableLine("gemini", '{"type":"message","role":"assistant","content":"All done."}')).toBe("All done.");
    expect(readableLine("gemini", '{"type":"tool_use","tool_name":"run_shell_command","parameters":{"command":"ls"}}')).toBe("$ ls");
    expect(readableLine("gemini", '{"type":"init","model":"m"}')).toBeNull();
    expect(readableLine("codex", '{"type":"item.completed","item":{"type":"agent_message","text":"Done."}}')).toBe("Done.");
    expect(readableLine("codex", '{"type":"item.started","item":{"type":"command_execution","command":"ls"}}')).toBe("$ ls");
    expect(readableLine("codex", CODEX_500)).toBe("[failed] We’re currently experiencing high demand, which may cause temporary errors.");
    expect(readableLine("codex", "plain text")).toBe("plain text");
  });
});

describe("agentSettings", () => {
  it("gives each CLI its defaults, overridden by the worker's environment, and passes only its own names", async () => {
    const { agentSettings, AGENT_SETTINGS_ENV } = await import("../../src/core/agent-env.js");
    const env = { ANTHROPIC_BASE_URL: "http://127.0.0.1:1", CLAUDE_CODE_MAX_RETRIES: "5", GOOGLE_GEMINI_BASE_URL: "http://127.0.0.1:2", ANTHROPIC_API_KEY: "sk-secret-value" };
    const claude = agentSettings("claude", env);
    expect(claude).toMatchObject({ ANTHROPIC_BASE_URL: "http://127.0.0.1:1", CLAUDE_CODE_MAX_RETRIES: "5", IS_SANDBOX: "1", CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: "1" });
    expect(claude).not.toHaveProperty("GOOGLE_GEMINI_BASE_URL");
    // Keys are secrets, never settings.
    for (const agent of AGENTS) expect(agentSettings(agent, env)).not.toHaveProperty("ANTHROPIC_API_KEY");
    expect(agentSettings("gemini", env)).toMatchObject({ GOOGLE_GEMINI_BASE_URL: "http://127.0.0.1:2" });
    expect(agentSettings("custom", env)).toEqual({});
    for (const names of Object.values(AGENT_SETTINGS_ENV)) for (const name of names) expect(name).not.toMatch(/KEY|TOKEN|SECRET/);
  });
});
