/**
 * The two silence limits (core/agent-silence.ts) on lines captured from the real CLIs and on made-up timelines, and
 * the bound they give: with the default settings a model that produces nothing ends the task within 90 s, whichever
 * CLI runs it.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { AGENT_SETTINGS_DEFAULTS, CLAUDE_LIMITS, CODEX_LIMITS } from "../../src/core/agent-env.js";
import {
  CODEX_STALL_MS,
  DEFAULT_MODEL_SILENCE_MS,
  restartClocks,
  silenceAt,
  silenceBound,
  silenceReason,
  SILENCE_BUDGET_MS,
  startWatch,
  watchLine,
  type SilenceWatch,
} from "../../src/core/agent-silence.js";
import { codexConfig } from "../../src/worker/agent-home.js";
import { DEFAULTS } from "../../src/worker/worker.js";
import { WATCH_TICK_MS } from "../../src/worker/watchdog.js";

const FIXTURES = join(import.meta.dirname, "fixtures/agent-output");
const lines = (name: string) => readFileSync(join(FIXTURES, `${name}.txt`), "utf8").split("\n").filter((l) => l.length > 0);
const LIMITS = { modelSilenceMs: 60_000, inactivityMs: 600_000 };

/** The watch after `input`, one line a second from t = 0. */
function replay(watch: SilenceWatch, input: readonly string[]): SilenceWatch {
  return input.reduce((w, line, i) => watchLine(w, line, (i + 1) * 1000), watch);
}

describe("the watch on real output", () => {
  it.each([["claude", "claude-script"], ["gemini", "gemini-script"], ["codex", "codex-script"]] as const)(
    "%s: no tool is left open after a whole task, and every tool it ran was seen open",
    (agent, fixture) => {
      let watch = startWatch(agent, 0);
      let seenOpen = 0;
      lines(fixture).forEach((line, i) => {
        watch = watchLine(watch, line, i * 1000);
        seenOpen = Math.max(seenOpen, watch.openTools.length);
      });
      expect(seenOpen).toBe(1);
      expect(watch.openTools).toEqual([]);
    },
  );

  it("claude's retries against a server that never answers keep the model's clock running", () => {
    const watch = replay(startWatch("claude", 0), lines("claude-hang"));
    expect(watch.lastLineAt).toBe(6000);
    expect(watch.lastActivityAt).toBe(0);
    expect(silenceAt(watch, 60_000, LIMITS)).toEqual({ kind: "model", ms: 60_000 });
  });

  it("codex: while its command runs past the yield, the tool's limit applies, not the model's", () => {
    const input = lines("codex-long-tool");
    const started = input.findIndex((l) => l.includes('"item.started"') && l.includes('"item_2"'));
    const watch = replay(startWatch("codex", 0), input.slice(0, started + 1));
    expect(watch.openTools).toEqual(["item_2"]);
    expect(silenceAt(watch, watch.lastLineAt + 300_000, LIMITS)).toBeNull();
    expect(silenceAt(watch, watch.lastLineAt + 600_000, LIMITS)).toEqual({ kind: "agent", ms: 600_000 });
  });
});

describe("silenceAt", () => {
  const call = JSON.stringify({ type: "assistant", message: { content: [{ type: "tool_use", id: "t1" }] } });
  const result = JSON.stringify({ type: "user", message: { content: [{ type: "tool_result", tool_use_id: "t1" }] } });
  const retry = JSON.stringify({ type: "system", subtype: "api_retry" });

  it("the model's turn: its limit runs from its last output, not from other lines", () => {
    let watch = startWatch("claude", 0);
    expect(silenceAt(watch, 59_999, LIMITS)).toBeNull();
    expect(silenceAt(watch, 60_000, LIMITS)).toEqual({ kind: "model", ms: 60_000 });
    watch = watchLine(watch, retry, 30_000);
    expect(silenceAt(watch, 60_000, LIMITS)).toEqual({ kind: "model", ms: 60_000 });
  });

  it("a tool's turn: only the inactivity limit, from the last line of any kind; the model's clock restarts when it ends", () => {
    let watch = watchLine(startWatch("claude", 0), call, 1000);
    expect(watch.openTools).toEqual(["t1"]);
    expect(silenceAt(watch, 500_000, LIMITS)).toBeNull();
    watch = watchLine(watch, "some output of the tool", 500_000);
    expect(silenceAt(watch, 1_099_999, LIMITS)).toBeNull();
    expect(silenceAt(watch, 1_100_000, LIMITS)).toEqual({ kind: "agent", ms: 600_000 });
    watch = watchLine(watch, result, 700_000);
    expect(watch.openTools).toEqual([]);
    expect(silenceAt(watch, 759_999, LIMITS)).toBeNull();
    expect(silenceAt(watch, 760_000, LIMITS)).toEqual({ kind: "model", ms: 60_000 });
  });

  it("a tool finished in the line that starts it, or twice, or never started, leaves nothing open", () => {
    const both = JSON.stringify({ type: "tool_use", tool_id: "x" });
    let watch = watchLine(startWatch("gemini", 0), both, 1);
    watch = watchLine(watch, JSON.stringify({ type: "tool_result", tool_id: "x" }), 2);
    watch = watchLine(watch, JSON.stringify({ type: "tool_result", tool_id: "x" }), 3);
    watch = watchLine(watch, JSON.stringify({ type: "tool_result", tool_id: "never" }), 4);
    expect(watch.openTools).toEqual([]);
    watch = watchLine(watch, both, 5);
    watch = watchLine(watch, both, 6);
    expect(watch.openTools).toEqual(["x"]);
  });

  it("a custom agent: its lines have no known format, only the inactivity limit applies", () => {
    const watch = watchLine(startWatch("custom", 0), "working", 1000);
    expect(silenceAt(watch, 500_000, LIMITS)).toBeNull();
    expect(silenceAt(watch, 601_000, LIMITS)).toEqual({ kind: "agent", ms: 600_000 });
  });

  it("a pending question restarts both clocks", () => {
    const watch = restartClocks(startWatch("claude", 0), 100_000);
    expect(silenceAt(watch, 159_999, LIMITS)).toBeNull();
    expect(silenceAt(watch, 160_000, LIMITS)).toEqual({ kind: "model", ms: 60_000 });
  });
});

describe("silenceReason", () => {
  it("says which limit and what happened", () => {
    expect(silenceReason({ kind: "model", ms: 60_400 })).toBe("the model produced nothing for 60 s (no tool was running; limit `model-silence-seconds`)");
    expect(silenceReason({ kind: "agent", ms: 600_000 })).toBe("the agent produced no output for 600 s (limit `agent-inactivity-seconds`)");
  });
});

describe("the default settings bound a silent model under 90 s", () => {
  const defaults = { modelSilenceMs: DEFAULTS.modelSilenceMs, tickMs: WATCH_TICK_MS, stopGraceMs: DEFAULTS.stopGraceMs };

  it.each(["claude", "gemini", "codex"] as const)("%s", (agent) => {
    expect(DEFAULTS.modelSilenceMs).toBe(DEFAULT_MODEL_SILENCE_MS);
    const bound = silenceBound({ agent, ...defaults, settings: AGENT_SETTINGS_DEFAULTS[agent] });
    // The worker's limit alone, with time left over to push the failed status (a few seconds).
    expect(bound.workerMs).toBeLessThanOrEqual(SILENCE_BUDGET_MS - 20_000);
    expect(bound.ms).toBeLessThanOrEqual(bound.workerMs);
  });

  it("claude gives up by itself under 90 s too (3 attempts of API_TIMEOUT_MS and their back-off)", () => {
    const bound = silenceBound({ agent: "claude", ...defaults, settings: AGENT_SETTINGS_DEFAULTS.claude });
    expect(AGENT_SETTINGS_DEFAULTS.claude).toMatchObject({ API_TIMEOUT_MS: "25000", CLAUDE_CODE_MAX_RETRIES: "2" });
    expect(bound.cliMs).toBe(3 * CLAUDE_LIMITS.requestTimeoutMs + (500 + 1000) * 1.25);
    expect(bound.cliMs!).toBeLessThan(SILENCE_BUDGET_MS);
    // Measured: 2 retries at API_TIMEOUT_MS=3000 ended the run 11.4 s in (fixtures/agent-output/claude-hang.txt).
    expect(silenceBound({ agent: "claude", ...defaults, settings: { API_TIMEOUT_MS: "3000", CLAUDE_CODE_MAX_RETRIES: "2" } }).cliMs).toBeGreaterThan(9_000);
    // Settings the job sets win: a longer timeout leaves the worker's limit as the bound.
    expect(silenceBound({ agent: "claude", ...defaults, settings: { API_TIMEOUT_MS: "600000" } }).ms).toBe(defaults.modelSilenceMs + WATCH_TICK_MS + DEFAULTS.stopGraceMs);
  });

  it("codex drops a stalled stream within the model's limit; it never gives up on a reply that never starts", () => {
    expect(CODEX_STALL_MS).toBe(CODEX_LIMITS.streamIdleMs * (CODEX_LIMITS.streamMaxRetries + 1));
    expect(CODEX_STALL_MS).toBeLessThanOrEqual(DEFAULT_MODEL_SILENCE_MS);
    expect(codexConfig("http://127.0.0.1:1/v1")).toContain(`stream_idle_timeout_ms = ${CODEX_LIMITS.streamIdleMs}\n`);
    expect(codexConfig("http://127.0.0.1:1/v1")).toContain(`stream_max_retries = ${CODEX_LIMITS.streamMaxRetries}\n`);
    expect(silenceBound({ agent: "codex", ...defaults }).cliMs).toBeNull();
    expect(silenceBound({ agent: "gemini", ...defaults }).cliMs).toBeNull();
  });
});
