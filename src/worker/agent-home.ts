/**
 * The agent's own HOME for one run: a new folder the worker writes the CLI's per-run configuration into, so nothing
 * of the runner's home (credentials, other config) reaches the agent and every run starts the same.
 *
 * - gemini: `~/.gemini/settings.json` selects API-key auth (without it gemini exits 41) and switches off
 *   telemetry, usage statistics, update checks and the ripgrep download.
 * - codex: `$CODEX_HOME/config.toml`; when `OPENAI_BASE_URL` is set (codex itself ignores it) a provider that
 *   speaks the Responses API there with the key in `OPENAI_API_KEY`; update checks, analytics, feedback, plugin and
 *   app sync off (they reach github.com and chatgpt.com at start), retries and stream idling bounded (CODEX_LIMITS).
 */
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { CODEX_LIMITS } from "../core/agent-env.js";
import type { AgentName } from "../core/task.js";

export interface AgentHomeOptions {
  home: string;
  agent: AgentName;
  env: Readonly<Record<string, string | undefined>>;
  /**
   * Variables the agent's shell commands must see (DISPATCH_*). gemini strips every variable not on its allowlist
   * from its shell tool when GITHUB_SHA is set (as in every Actions job): these are added to that allowlist.
   */
  shellEnv?: readonly string[];
  /** How long one shell command may stay silent (dispatch-ask waiting for an answer); gemini's default is 5 minutes. */
  commandMs?: number;
}

/** Writes the configuration; returns the variables that point the agent at it. */
export async function prepareAgentHome(opts: AgentHomeOptions): Promise<Record<string, string>> {
  await mkdir(opts.home, { recursive: true, mode: 0o700 });
  const vars: Record<string, string> = { HOME: opts.home };
  if (opts.agent === "gemini") {
    await mkdir(join(opts.home, ".gemini"), { recursive: true });
    await writeFile(join(opts.home, ".gemini", "settings.json"), `${JSON.stringify(geminiSettings(opts.shellEnv ?? [], opts.commandMs), null, 2)}\n`);
  }
  if (opts.agent === "codex") {
    const codexHome = join(opts.home, ".codex");
    await mkdir(codexHome, { recursive: true });
    await writeFile(join(codexHome, "config.toml"), codexConfig(opts.env["OPENAI_BASE_URL"]));
    vars["CODEX_HOME"] = codexHome;
  }
  return vars;
}

export function geminiSettings(shellEnv: readonly string[], commandMs?: number): Record<string, unknown> {
  return {
    security: { auth: { selectedType: "gemini-api-key" }, environmentVariableRedaction: { allowed: [...shellEnv] } },
    // A failing or unreachable server ends the run in seconds: 2 attempts, not 10 with backoff.
    general: { enableAutoUpdate: false, enableAutoUpdateNotification: false, maxAttempts: 2, retryFetchErrors: false },
    privacy: { usageStatisticsEnabled: false },
    telemetry: { enabled: false },
    tools: { useRipgrep: false, ...(commandMs !== undefined ? { shell: { inactivityTimeout: Math.ceil(commandMs / 1000) } } : {}) },
  };
}

export function codexConfig(baseUrl: string | undefined): string {
  const lines = [
    "check_for_update_on_startup = false",
    "",
    "[analytics]",
    "enabled = false",
    "",
    "[feedback]",
    "enabled = false",
    "",
    // Plugin and app sync reach github.com and chatgpt.com at start; retries must end.
    "[features]",
    "plugins = false",
    "remote_plugin = false",
    "apps = false",
    "in_app_updates = false",
    "unbounded_connection_retries = false",
    "",
  ];
  const url = baseUrl?.trim();
  if (url) {
    lines.unshift(`model_provider = "dispatch"`);
    lines.push(
      "[model_providers.dispatch]",
      `name = "dispatch"`,
      `base_url = ${JSON.stringify(url.replace(/\/+$/, ""))}`,
      `wire_api = "responses"`,
      `env_key = "OPENAI_API_KEY"`,
      `request_max_retries = ${CODEX_LIMITS.requestMaxRetries}`,
      `stream_max_retries = ${CODEX_LIMITS.streamMaxRetries}`,
      `stream_idle_timeout_ms = ${CODEX_LIMITS.streamIdleMs}`,
      "",
    );
  }
  return `${lines.join("\n")}\n`;
}
