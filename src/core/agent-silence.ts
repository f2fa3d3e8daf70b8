/**
 * When an agent has been silent too long, and why (docs/protocol.md, Limits). Two limits:
 *
 * - while the model has the turn (no tool runs, no question pending), the model must produce something within
 *   `modelSilenceMs` (input `model-silence-seconds`): a server that never answers, a stream that stalls, retries in
 *   silence all end the task in about a minute;
 * - while a tool runs (a test suite prints nothing for minutes), only `inactivityMs` (input
 *   `agent-inactivity-seconds`) applies: no line of output at all for that long.
 *
 * A pending question stops both clocks (the worker restarts them). A custom agent's output has no known format: only
 * `inactivityMs` applies to it.
 */
import { lineActivity } from "./agent-activity.js";
import { CLAUDE_LIMITS, CODEX_LIMITS } from "./agent-env.js";
import type { AgentName } from "./task.js";

export const DEFAULT_MODEL_SILENCE_MS = 60_000;

/** A failure must reach the status comment within this long of the model going silent (issue 11). */
export const SILENCE_BUDGET_MS = 90_000;

export interface SilenceWatch {
  agent: AgentName;
  /** Tool calls started and not finished. */
  openTools: readonly string[];
  /** The last line of any kind. */
  lastLineAt: number;
  /** The last line showing the model or a tool at work. */
  lastActivityAt: number;
}

export interface SilenceLimits {
  modelSilenceMs: number;
  inactivityMs: number;
}

export type Silence = { kind: "model"; ms: number } | { kind: "agent"; ms: number };

export function startWatch(agent: AgentName, at: number): SilenceWatch {
  return { agent, openTools: [], lastLineAt: at, lastActivityAt: at };
}

/** The watch after one more output line. */
export function watchLine(watch: SilenceWatch, line: string, at: number): SilenceWatch {
  const activity = lineActivity(watch.agent, line);
  const busy = activity.model || activity.started.length > 0 || activity.finished.length > 0;
  const open = watch.openTools.filter((id) => !activity.finished.includes(id));
  for (const id of activity.started) if (!open.includes(id) && !activity.finished.includes(id)) open.push(id);
  return { ...watch, openTools: open, lastLineAt: at, lastActivityAt: busy ? at : watch.lastActivityAt };
}

/** Both clocks restarted: a question was pending (waiting for a person is silent by design). */
export function restartClocks(watch: SilenceWatch, at: number): SilenceWatch {
  return { ...watch, lastLineAt: at, lastActivityAt: at };
}

/** The limit the agent has passed at `now`, or null. */
export function silenceAt(watch: SilenceWatch, now: number, limits: SilenceLimits): Silence | null {
  const quiet = now - watch.lastLineAt;
  const modelTurn = watch.agent !== "custom" && watch.openTools.length === 0;
  if (modelTurn && now - watch.lastActivityAt >= limits.modelSilenceMs) return { kind: "model", ms: now - watch.lastActivityAt };
  if (quiet >= limits.inactivityMs) return { kind: "agent", ms: quiet };
  return null;
}

/** What happened, for the status comment. */
export function silenceReason(silence: Silence): string {
  const seconds = Math.round(silence.ms / 1000);
  if (silence.kind === "model") return `the model produced nothing for ${seconds} s (no tool was running; limit \`model-silence-seconds\`)`;
  return `the agent produced no output for ${seconds} s (limit \`agent-inactivity-seconds\`)`;
}

export interface SilenceBoundOptions {
  agent: AgentName;
  modelSilenceMs: number;
  /** How often the worker checks the clocks. */
  tickMs: number;
  /** SIGTERM → SIGKILL delay when the worker stops the agent. */
  stopGraceMs: number;
  /** The settings variables the agent gets (API_TIMEOUT_MS, CLAUDE_CODE_MAX_RETRIES …). */
  settings?: Readonly<Record<string, string>>;
}

export interface SilenceBound {
  /** The worker's own limit: the model's silence noticed, the agent stopped. */
  workerMs: number;
  /** When the CLI gives up by itself on a server that never answers; null when it never does. */
  cliMs: number | null;
  /** The sooner of the two: the longest a silent model keeps the task running. */
  ms: number;
}

/** How long, at worst, a model that produces nothing keeps the task running. */
export function silenceBound(opts: SilenceBoundOptions): SilenceBound {
  const workerMs = opts.modelSilenceMs + opts.tickMs + opts.stopGraceMs;
  const cliMs = cliGivesUpMs(opts.agent, opts.settings ?? {});
  return { workerMs, cliMs, ms: cliMs === null ? workerMs : Math.min(workerMs, cliMs) };
}

/**
 * claude: each attempt waits API_TIMEOUT_MS, then backs off 0.5 s × 2^n (+25 % jitter at most) before the next of
 * CLAUDE_CODE_MAX_RETRIES retries (measured: 2 retries at 10 s ended the run after 33 s). codex waits for headers
 * without a limit (measured); gemini has no request timeout: null.
 */
function cliGivesUpMs(agent: AgentName, settings: Readonly<Record<string, string>>): number | null {
  if (agent !== "claude") return null;
  const timeout = Number(settings["API_TIMEOUT_MS"] ?? CLAUDE_LIMITS.requestTimeoutMs);
  const retries = Number(settings["CLAUDE_CODE_MAX_RETRIES"] ?? CLAUDE_LIMITS.maxRetries);
  if (!Number.isFinite(timeout) || !Number.isFinite(retries)) return null;
  let backoff = 0;
  for (let n = 0; n < retries; n++) backoff += Math.min(500 * 2 ** n, 32_000) * 1.25;
  return timeout * (retries + 1) + backoff;
}

/** codex's own bound on a stream that stalls after it began: idle timeout × attempts. */
export const CODEX_STALL_MS = CODEX_LIMITS.streamIdleMs * (CODEX_LIMITS.streamMaxRetries + 1);
