/** OpenAI Responses (`POST /v1/responses`), streamed: the scripted move as an `exec_command` (or `shell`) call. */
import type { ServerResponse } from "node:http";
import { nextMove } from "./script.js";
import { json, sse, startSse, textOf, USAGE, type Failure } from "./wire.js";

interface Body {
  tools?: { name?: string }[];
  input?: { type?: string; output?: unknown }[];
}

export function openaiReply(res: ServerResponse, body: Body): void {
  const results = (body.input ?? []).filter((i) => i.type === "function_call_output" || i.type === "custom_tool_call_output").map((i) => textOf(i.output));
  const names = new Set((body.tools ?? []).map((t) => t.name));
  const tool = names.has("exec_command") ? "exec_command" : names.has("shell") ? "shell" : null;
  const move = tool ? nextMove(results) : { kind: "text" as const, text: "ok" };
  const id = `resp_${results.length}_${Date.now()}`;
  const item = move.kind === "shell"
    ? {
        type: "function_call", id: `fc_${results.length}`, call_id: `call_${results.length}`, name: tool, status: "completed",
        arguments: JSON.stringify(tool === "shell" ? { command: ["bash", "-lc", move.command] } : { cmd: move.command }),
      }
    : { type: "message", id: `msg_${results.length}`, role: "assistant", status: "completed", content: [{ type: "output_text", text: move.text, annotations: [] }] };
  startSse(res);
  sse(res, { type: "response.created", response: { id, status: "in_progress" } }, "response.created");
  sse(res, { type: "response.output_item.added", output_index: 0, item }, "response.output_item.added");
  sse(res, { type: "response.output_item.done", output_index: 0, item }, "response.output_item.done");
  const usage = {
    input_tokens: USAGE.input, input_tokens_details: { cached_tokens: 0 },
    output_tokens: USAGE.output, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: USAGE.input + USAGE.output,
  };
  sse(res, { type: "response.completed", response: { id, status: "completed", output: [item], usage } }, "response.completed");
  res.end();
}

export function openaiFailure(res: ServerResponse, failure: Failure): void {
  if (failure === "refuse") json(res, 401, { error: { message: "Incorrect API key provided.", type: "invalid_request_error", code: "invalid_api_key" } });
  else json(res, 500, { error: { message: "The server had an error processing your request.", type: "server_error", code: null } });
}
