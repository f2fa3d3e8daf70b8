/**
 * What one line of an agent CLI's output says about what the agent is doing: the model producing output, a tool
 * starting, a tool finishing (by the tool call's id), or nothing the worker watches (start-up, retries, the result).
 * The worker uses it to tell "waiting on the model" from "running a tool" (agent-silence.ts). Read from each CLI's
 * own output, as measured on the pinned versions:
 *
 * - claude `-p --output-format stream-json --include-partial-messages`: `stream_event` lines while an answer streams
 *   (text, thinking, tool input); an `assistant` message per content block, its `tool_use` blocks starting tools; a
 *   `user` message carrying `tool_result`s finishing them. `system` lines (init, status, api_retry) are not the model.
 * - gemini `--output-format stream-json`: `message` lines from the assistant (one per streamed piece); `tool_use` and
 *   `tool_result` with a `tool_id`.
 * - codex `exec --json` prints nothing while an answer streams: the worker sets RUST_LOG so codex traces each
 *   server-sent event it reads (`TRACE codex_api::sse::responses: SSE event: {…}`) on stderr; `item.started` /
 *   `item.completed` of a command, patch, MCP or web-search item start and finish tools.
 */
import { isRecord, parseJsonLine } from "./agent-usage.js";
import type { AgentName } from "./task.js";

export interface LineActivity {
  /** The model produced something: a piece of an answer, a whole message, a tool call. */
  model: boolean;
  /** Ids of the tool calls this line starts. */
  started: string[];
  /** Ids of the tool calls this line finishes. */
  finished: string[];
  /** A piece of a streaming answer, repeated in a later line: not worth keeping for a failure report. */
  fragment: boolean;
}

const NOTHING: LineActivity = { model: false, started: [], finished: [], fragment: false };

/** The activity in one output line; a custom agent's lines (no known format) say nothing. */
export function lineActivity(agent: AgentName, line: string): LineActivity {
  if (agent === "claude") return claudeActivity(line);
  if (agent === "gemini") return geminiActivity(line);
  if (agent === "codex") return codexActivity(line);
  return NOTHING;
}

export function claudeActivity(line: string): LineActivity {
  const event = parseJsonLine(line);
  if (!event) return NOTHING;
  if (event["type"] === "stream_event") return { ...NOTHING, model: true, fragment: true };
  const message = isRecord(event["message"]) ? event["message"] : {};
  const content = Array.isArray(message["content"]) ? message["content"].filter(isRecord) : [];
  if (event["type"] === "assistant") {
    // claude words its own errors ("Request timed out") as a message from a `<synthetic>` model: not the model.
    if (message["model"] === "<synthetic>") return NOTHING;
    // Only the CLI's own tools run outside the model's turn; a `server_tool_use` (web search) runs on the API's side,
    // inside the turn, and its result comes back in an assistant message: not a tool the watch waits for.
    const started = content.filter((part) => part["type"] === "tool_use").map((part) => idOf(part["id"]));
    return { ...NOTHING, model: true, started: started.filter(nonEmpty) };
  }
  if (event["type"] === "user") {
    const finished = content.filter((part) => part["type"] === "tool_result").map((part) => idOf(part["tool_use_id"]));
    return { ...NOTHING, finished: finished.filter(nonEmpty) };
  }
  return NOTHING;
}

export function geminiActivity(line: string): LineActivity {
  const event = parseJsonLine(line);
  if (!event) return NOTHING;
  if (event["type"] === "message" && event["role"] === "assistant") return { ...NOTHING, model: true };
  const id = idOf(event["tool_id"]);
  if (event["type"] === "tool_use") return { ...NOTHING, model: true, started: id ? [id] : [] };
  if (event["type"] === "tool_result") return { ...NOTHING, finished: id ? [id] : [] };
  return NOTHING;
}

/** The item types of `codex exec --json` that are tools at work (not the model's message, reasoning or plan). */
const CODEX_TOOL_ITEMS = new Set(["command_execution", "file_change", "mcp_tool_call", "web_search"]);

/** codex's trace of a server-sent event (RUST_LOG `codex_api::sse::responses=trace`), with or without a timestamp. */
const CODEX_SSE_TRACE = /^(?:\S+\s+)?TRACE codex_api::sse::responses: (?:SSE event|unhandled responses event): /;

export function codexActivity(line: string): LineActivity {
  if (CODEX_SSE_TRACE.test(line)) return { ...NOTHING, model: true, fragment: true };
  const event = parseJsonLine(line);
  if (!event) return NOTHING;
  const item = isRecord(event["item"]) ? event["item"] : {};
  const id = idOf(item["id"]);
  const tool = typeof item["type"] === "string" && CODEX_TOOL_ITEMS.has(item["type"]);
  if (event["type"] === "item.started" && tool) return { ...NOTHING, started: id ? [id] : [] };
  if (event["type"] === "item.completed" && tool) return { ...NOTHING, finished: id ? [id] : [] };
  if (event["type"] === "item.completed" && (item["type"] === "agent_message" || item["type"] === "reasoning")) return { ...NOTHING, model: true };
  return NOTHING;
}

/** Whether a line is codex's trace of a server event: the worker shows it nowhere. */
export function isCodexTrace(line: string): boolean {
  return CODEX_SSE_TRACE.test(line);
}

function idOf(value: unknown): string {
  return typeof value === "string" ? value : typeof value === "number" ? String(value) : "";
}

function nonEmpty(text: string): boolean {
  return text.length > 0;
}
