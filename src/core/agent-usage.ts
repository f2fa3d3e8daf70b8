/**
 * What a run of an agent cost, as the CLI itself reports it in its JSON events: tokens always, dollars where the CLI
 * gives them (only claude's `result` event has `total_cost_usd`; gemini and codex report tokens only).
 *
 * - claude `-p --output-format stream-json`: `{"type":"result","total_cost_usd":…,"usage":{input_tokens,…}}` (run total)
 * - gemini `--output-format stream-json`: `{"type":"result","stats":{"input_tokens":…,"output_tokens":…}}` (run total)
 * - codex `exec --json`: `{"type":"turn.completed","usage":{"input_tokens":…,"output_tokens":…}}` (per turn: added up)
 */
import type { AgentName } from "./task.js";

export interface AgentUsage {
  input_tokens: number;
  output_tokens: number;
  cost_usd?: number;
}

/** A usage report in one output line, and whether it is the run's total or one turn's share; null for other lines. */
export function usageInLine(agent: AgentName, line: string): { usage: AgentUsage; total: boolean } | null {
  const event = parseJsonLine(line);
  if (!event) return null;
  if (agent === "claude" && event["type"] === "result") {
    const u = record(event["usage"]);
    const usage: AgentUsage = {
      input_tokens: count(u["input_tokens"]) + count(u["cache_creation_input_tokens"]) + count(u["cache_read_input_tokens"]),
      output_tokens: count(u["output_tokens"]),
    };
    const cost = event["total_cost_usd"];
    if (typeof cost === "number" && Number.isFinite(cost) && cost >= 0) usage.cost_usd = cost;
    return { usage, total: true };
  }
  if (agent === "gemini" && event["type"] === "result" && event["stats"] !== undefined) {
    const s = record(event["stats"]);
    return { usage: { input_tokens: count(s["input_tokens"]), output_tokens: count(s["output_tokens"]) }, total: true };
  }
  if (agent === "codex" && event["type"] === "turn.completed") {
    const u = record(event["usage"]);
    return { usage: { input_tokens: count(u["input_tokens"]), output_tokens: count(u["output_tokens"]) }, total: false };
  }
  return null;
}

/** The running usage after one more line. */
export function addUsage(agent: AgentName, so_far: AgentUsage | undefined, line: string): AgentUsage | undefined {
  const found = usageInLine(agent, line);
  if (!found) return so_far;
  if (found.total || !so_far) return found.usage;
  const sum: AgentUsage = {
    input_tokens: so_far.input_tokens + found.usage.input_tokens,
    output_tokens: so_far.output_tokens + found.usage.output_tokens,
  };
  if (so_far.cost_usd !== undefined || found.usage.cost_usd !== undefined) sum.cost_usd = (so_far.cost_usd ?? 0) + (found.usage.cost_usd ?? 0);
  return sum;
}

export function parseJsonLine(line: string): Record<string, unknown> | null {
  const trimmed = line.trim();
  if (!trimmed.startsWith("{")) return null;
  try {
    const value: unknown = JSON.parse(trimmed);
    return isRecord(value) ? value : null;
  } catch {
    return null;
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function record(value: unknown): Record<string, unknown> {
  return isRecord(value) ? value : {};
}

function count(value: unknown): number {
  return typeof value === "number" && Number.isFinite(value) && value >= 0 ? Math.round(value) : 0;
}
