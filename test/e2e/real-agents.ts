/**
 * Harness options that run the real agent CLIs (claude, gemini, codex from node_modules) instead of scripted agents:
 * no agent-command, each CLI pointed at the scripted model server, test keys as repository secrets.
 */
import { join } from "node:path";
import type { HarnessOptions } from "./harness.js";

const ROOT = join(import.meta.dirname, "../..");

export function realAgentOptions(serverUrl: string, extraEnv: Record<string, string> = {}): Pick<HarnessOptions, "agentCommand" | "runner"> {
  return {
    agentCommand: null,
    runner: {
      secrets: {
        ANTHROPIC_API_KEY: "sk-ant-sandbox-key-0123456789",
        GEMINI_API_KEY: "gemini-sandbox-key-0123456789",
        OPENAI_API_KEY: "sk-sandbox-key-0123456789",
      },
      stepEnv: {
        PATH: [join(ROOT, "node_modules/.bin"), process.env["PATH"] ?? ""].join(":"),
        ANTHROPIC_BASE_URL: serverUrl,
        GOOGLE_GEMINI_BASE_URL: serverUrl,
        OPENAI_BASE_URL: `${serverUrl}/v1`,
        ...extraEnv,
      },
      stepInputs: { "agent-inactivity-seconds": "120" },
    },
  };
}
