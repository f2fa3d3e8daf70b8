/**
 * The non-secret settings each agent CLI reads from its environment: where its model server is, and how it is kept
 * quiet, bounded and unattended. The worker passes these names through to the agent and fills in the defaults below
 * when the worker's own environment does not set them. Keys are not here: they are secrets (core/secret.ts).
 */
import type { AgentName } from "./task.js";

/** Names of variables passed through from the worker's environment to the agent, per agent. */
export const AGENT_SETTINGS_ENV: Record<AgentName, string[]> = {
  claude: [
    "ANTHROPIC_BASE_URL",
    "ANTHROPIC_MODEL",
    "CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC",
    "CLAUDE_CODE_MAX_RETRIES",
    "API_TIMEOUT_MS",
    "DISABLE_AUTOUPDATER",
    "DISABLE_TELEMETRY",
    "DISABLE_ERROR_REPORTING",
    "IS_SANDBOX",
    "BASH_DEFAULT_TIMEOUT_MS",
    "BASH_MAX_TIMEOUT_MS",
  ],
  gemini: ["GOOGLE_GEMINI_BASE_URL", "GEMINI_MODEL", "GEMINI_CLI_NO_RELAUNCH", "GEMINI_TELEMETRY_ENABLED"],
  // codex ignores OPENAI_BASE_URL: the worker turns it into a provider in $CODEX_HOME/config.toml.
  codex: ["OPENAI_BASE_URL", "CODEX_HOME"],
  custom: [],
};

/** Values the worker sets for an agent unless its environment already sets them. */
export const AGENT_SETTINGS_DEFAULTS: Record<AgentName, Record<string, string>> = {
  claude: {
    // No side calls (telemetry, update checks, error reports): only the model server is contacted.
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: "1",
    DISABLE_AUTOUPDATER: "1",
    DISABLE_TELEMETRY: "1",
    DISABLE_ERROR_REPORTING: "1",
    // A refused key or a failing server ends the run in seconds instead of minutes of retries.
    CLAUDE_CODE_MAX_RETRIES: "2",
    API_TIMEOUT_MS: "60000",
    // Root is normal in container jobs; without this claude refuses --dangerously-skip-permissions as root.
    IS_SANDBOX: "1",
  },
  gemini: { GEMINI_CLI_NO_RELAUNCH: "true", GEMINI_TELEMETRY_ENABLED: "false" },
  codex: {},
  custom: {},
};

/**
 * The settings variables for one agent: defaults, overridden by what the worker's environment sets. `commandMs`:
 * how long one shell command may run (dispatch-ask waits for an answer that long); claude's Bash tool would
 * otherwise kill it after 2 minutes.
 */
export function agentSettings(agent: AgentName, env: Readonly<Record<string, string | undefined>>, commandMs?: number): Record<string, string> {
  const out: Record<string, string> = { ...AGENT_SETTINGS_DEFAULTS[agent] };
  if (agent === "claude" && commandMs !== undefined) {
    out["BASH_DEFAULT_TIMEOUT_MS"] = String(Math.ceil(commandMs));
    out["BASH_MAX_TIMEOUT_MS"] = String(Math.ceil(commandMs));
  }
  for (const name of AGENT_SETTINGS_ENV[agent]) {
    const value = env[name];
    if (value !== undefined && value !== "") out[name] = value;
  }
  return out;
}
