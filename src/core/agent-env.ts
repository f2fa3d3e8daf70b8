/**
 * The agent's environment, built from an allowlist: a few base variables, the task agent's own key, the settings
 * its CLI reads, and what the worker sets itself (DISPATCH_*, PATH, HOME). Nothing else of the worker's
 * environment reaches the agent: not the GitHub token, not the runner's tokens, not another agent's key.
 */
import type { AgentName } from "./task.js";

/** The secrets each agent CLI authenticates with; one of them must be set for the task to run. */
export const AGENT_KEYS: Readonly<Record<AgentName, readonly string[]>> = {
  claude: ["ANTHROPIC_API_KEY", "CLAUDE_CODE_OAUTH_TOKEN"],
  gemini: ["GEMINI_API_KEY"],
  codex: ["OPENAI_API_KEY"],
  custom: [],
};

/**
 * Non-secret settings each agent CLI reads (base URLs, retries, telemetry switches), passed on when set.
 * Keep secrets out of these lists: a secret here would reach the agent.
 */
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
  // codex ignores OPENAI_BASE_URL: the worker turns it into a provider in $CODEX_HOME/config.toml (agent-home.ts).
  codex: ["OPENAI_BASE_URL"],
  custom: [],
};

/**
 * Variables every agent gets when the worker has them: locale, terminal, time zone, proxies, and the runner's job
 * marker RUNNER_TRACKING_ID (not a secret: the runner's end-of-job "Cleaning up orphan processes" kills every process
 * whose environment carries it and that it may read, so on a runner running as root an agent left behind by a killed
 * worker ends with the job; a non-root runner cannot read the agent user's processes).
 */
export const BASE_ENV: readonly string[] = [
  "PATH",
  "LANG",
  "LANGUAGE",
  "TERM",
  "TZ",
  "COLORTERM",
  "NO_COLOR",
  "CI",
  "HTTP_PROXY",
  "HTTPS_PROXY",
  "NO_PROXY",
  "http_proxy",
  "https_proxy",
  "no_proxy",
  "RUNNER_TRACKING_ID",
];

/** `LC_ALL`, `LC_CTYPE` …: locale variables by prefix. */
const BASE_PREFIXES: readonly string[] = ["LC_"];

export interface AgentEnvOptions {
  /** The worker's environment. */
  env: Readonly<Record<string, string | undefined>>;
  agent: AgentName;
  /** The agent's own home folder. */
  home: string;
  /** The agent's user name (USER, LOGNAME), when it runs as its own user. */
  user?: string;
  /** What the worker sets for the agent (DISPATCH_*, PATH): wins over everything taken from `env`. */
  set?: Readonly<Record<string, string>>;
}

/** The names the agent may receive from the worker's environment. */
export function allowedAgentVariables(agent: AgentName): Set<string> {
  return new Set([...BASE_ENV, ...AGENT_KEYS[agent], ...AGENT_SETTINGS_ENV[agent]]);
}

/** The agent's environment: the allowlist applied to `env`, HOME (and USER) its own, then `set`. */
export function agentEnv(opts: AgentEnvOptions): Record<string, string> {
  const allowed = allowedAgentVariables(opts.agent);
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(opts.env)) {
    if (value === undefined) continue;
    if (allowed.has(name) || BASE_PREFIXES.some((p) => name.startsWith(p))) out[name] = value;
  }
  out["HOME"] = opts.home;
  if (opts.user) {
    out["USER"] = opts.user;
    out["LOGNAME"] = opts.user;
  }
  return { ...out, ...opts.set };
}

/**
 * Why the task cannot run for want of its agent's key, naming the secret to add; null when a key is there (or the
 * agent needs none).
 */
export function missingKeyError(agent: AgentName, env: Readonly<Record<string, string | undefined>>): string | null {
  const keys = AGENT_KEYS[agent];
  if (keys.length === 0) return null;
  if (keys.some((k) => (env[k] ?? "").trim().length > 0)) return null;
  const names = keys.map((k) => `\`${k}\``).join(" or ");
  return `the ${agent} agent needs its key: add the secret ${names} to the repository (Settings → Secrets and variables → Actions) and pass it to the job`;
}

/** claude's own bound on a model request: API_TIMEOUT_MS per attempt, CLAUDE_CODE_MAX_RETRIES retries. */
export const CLAUDE_LIMITS = { requestTimeoutMs: 25_000, maxRetries: 2 } as const;

/**
 * codex's own bounds (its provider settings in config.toml, agent-home.ts): a stream silent for `streamIdleMs` is
 * dropped and retried `streamMaxRetries` times. codex 0.169 waits for a reply's headers without any limit (measured
 * against a server that never answers): the worker's model-silence limit covers that.
 */
export const CODEX_LIMITS = { streamIdleMs: 30_000, streamMaxRetries: 1, requestMaxRetries: 1 } as const;

/** codex's log filter: errors, and the trace line codex writes for each server-sent event it reads. */
export const CODEX_RUST_LOG = "error,codex_api::sse::responses=trace";

/** Values the worker sets for an agent unless its environment already sets them. */
export const AGENT_SETTINGS_DEFAULTS: Record<AgentName, Record<string, string>> = {
  claude: {
    // No side calls (telemetry, update checks, error reports): only the model server is contacted.
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: "1",
    DISABLE_AUTOUPDATER: "1",
    DISABLE_TELEMETRY: "1",
    DISABLE_ERROR_REPORTING: "1",
    // A refused key or a failing server ends the run in seconds instead of minutes of retries; a request that gets
    // no answer is given up after 25 s, so claude's own worst case (3 attempts) stays under 90 s (agent-silence.ts).
    CLAUDE_CODE_MAX_RETRIES: String(CLAUDE_LIMITS.maxRetries),
    API_TIMEOUT_MS: String(CLAUDE_LIMITS.requestTimeoutMs),
    // Root is normal in container jobs; without this claude refuses --dangerously-skip-permissions as root.
    IS_SANDBOX: "1",
  },
  gemini: { GEMINI_CLI_NO_RELAUNCH: "true", GEMINI_TELEMETRY_ENABLED: "false" },
  // codex prints nothing while an answer streams; its own trace of each server event (one line per SSE event) is
  // how the worker sees the model at work (agent-activity.ts). Not overridable: the watch depends on it.
  codex: { RUST_LOG: CODEX_RUST_LOG },
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
