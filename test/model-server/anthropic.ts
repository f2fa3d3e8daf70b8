/** Anthropic Messages (`POST /v1/messages`), streamed: the scripted move as a `Bash` tool_use or a text block. */
import type { ServerResponse } from "node:http";
import { nextMove } from "./script.js";
import { json, sse, startSse, textOf, USAGE, type Failure } from "./wire.js";

interface Body {
  model?: string;
  tools?: { name?: string }[];
  messages?: { role?: string; content?: unknown }[];
}

export function anthropicReply(res: ServerResponse, body: Body): void {
  const results: string[] = [];
  for (const message of body.messages ?? []) {
    if (!Array.isArray(message.content)) continue;
    for (const part of message.content as { type?: string; content?: unknown }[]) {
      if (part.type === "tool_result") results.push(textOf(part.content));
    }
  }
  const hasBash = (body.tools ?? []).some((t) => t.name === "Bash");
  // A side request (no tools: a title, a summary) gets a short text.
  const move = hasBash ? nextMove(results) : { kind: "text" as const, text: "ok" };
  const id = `msg_${results.length}_${Date.now()}`;
  startSse(res);
  sse(res, {
    type: "message_start",
    message: {
      id, type: "message", role: "assistant", model: body.model ?? "claude", content: [], stop_reason: null, stop_sequence: null,
      usage: { input_tokens: USAGE.input, output_tokens: 1, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 },
    },
  }, "message_start");
  if (move.kind === "shell") {
    sse(res, { type: "content_block_start", index: 0, content_block: { type: "tool_use", id: `toolu_${results.length}`, name: "Bash", input: {} } }, "content_block_start");
    const input = JSON.stringify({ command: move.command, description: "scripted step" });
    sse(res, { type: "content_block_delta", index: 0, delta: { type: "input_json_delta", partial_json: input } }, "content_block_delta");
  } else {
    sse(res, { type: "content_block_start", index: 0, content_block: { type: "text", text: "" } }, "content_block_start");
    sse(res, { type: "content_block_delta", index: 0, delta: { type: "text_delta", text: move.text } }, "content_block_delta");
  }
  sse(res, { type: "content_block_stop", index: 0 }, "content_block_stop");
  const stop = move.kind === "shell" ? "tool_use" : "end_turn";
  sse(res, { type: "message_delta", delta: { stop_reason: stop, stop_sequence: null }, usage: { output_tokens: USAGE.output } }, "message_delta");
  sse(res, { type: "message_stop" }, "message_stop");
  res.end();
}

export function anthropicFailure(res: ServerResponse, failure: Failure): void {
  if (failure === "refuse") json(res, 401, { type: "error", error: { type: "authentication_error", message: "invalid x-api-key" } });
  else if (failure === "quota") json(res, 429, { type: "error", error: { type: "rate_limit_error", message: "Your credit balance is too low to access the Anthropic API." } }, { "retry-after": "1" });
  else json(res, 500, { type: "error", error: { type: "api_error", message: "Internal server error" } });
}
