/** OpenAI Responses (`POST /v1/responses`), streamed: the scripted move as an `exec_command` (or `shell`) call. */
import type { ServerResponse } from "node:http";
import { nextMove } from "./script.js";
import { json, sse, startSse, textOf, USAGE, type Failure } from "./wire.js";

interface Body {
  tools?: { name?: string }[];
  input?: { type?: string; output?: unknown }[];
}

/** codex's exec_command yields after a while and hands back a session to poll with write_stdin. */
const RUNNING = /Process running with session ID (\d+)/;

/** Tool outputs with each command's polls joined to it, and the session still running, if any. */
function commandResults(outputs: readonly string[]): { results: string[]; running: number | null } {
  const results: string[] = [];
  let running: number | null = null;
  for (const output of outputs) {
    if (running !== null) results[results.length - 1] += `\n${output}`;
    else results.push(output);
    const match = RUNNING.exec(output);
    running = match ? Number(match[1]) : null;
  }
  return { results, running };
}

export function openaiReply(res: ServerResponse, body: Body): void {
  const outputs = (body.input ?? []).filter((i) => i.type === "function_call_output" || i.type === "custom_tool_call_output").map((i) => textOf(i.output));
  const { results, running } = commandResults(outputs);
  const names = new Set((body.tools ?? []).map((t) => t.name));
  const tool = names.has("exec_command") ? "exec_command" : names.has("shell") ? "shell" : null;
  const move = tool ? nextMove(results) : { kind: "text" as const, text: "ok" };
  const n = outputs.length;
  const id = `resp_${n}_${Date.now()}`;
  const call = (name: string, args: unknown) => ({
    type: "function_call", id: `fc_${n}`, call_id: `call_${n}`, name, status: "completed", arguments: JSON.stringify(args),
  });
  const item = tool === "exec_command" && running !== null
    ? call("write_stdin", { session_id: running, chars: "", yield_time_ms: 30_000 })
    : move.kind === "shell" && tool
    ? call(tool, tool === "shell" ? { command: ["bash", "-lc", move.command] } : { cmd: move.command, yield_time_ms: 30_000 })
    : { type: "message", id: `msg_${n}`, role: "assistant", status: "completed", content: [{ type: "output_text", text: move.kind === "text" ? move.text : "", annotations: [] }] };
  startSse(res);
  sse(res, { type: "response.created", response: { id, status: "in_progress" } }, "response.created");
  sse(res, { type: "response.output_item.added", output_index: 0, item }, "response.output_item.added");
  sse(res, { type: "response.output_item.done", output_index: 0, item }, "response.output_item.done");
  completeResponse(res, { id, item });
  res.end();
}

/** The last event of a response: `response.completed` with its one output item and the usage, in OpenAI's fields. */
export function completeResponse(res: ServerResponse, { id, item }: { id: string; item: Record<string, unknown> }): void {
  const usage = {
    input_tokens: USAGE.input, input_tokens_details: { cached_tokens: 0 },
    output_tokens: USAGE.output, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: USAGE.input + USAGE.output,
  };
  sse(res, { type: "response.completed", response: { id, status: "completed", output: [item], usage } }, "response.completed");
}

export function openaiFailure(res: ServerResponse, failure: Failure): void {
  if (failure === "refuse") json(res, 401, { error: { message: "Incorrect API key provided.", type: "invalid_request_error", code: "invalid_api_key" } });
  else if (failure === "quota") json(res, 429, { error: { message: "You exceeded your current quota, please check your plan and billing details.", type: "insufficient_quota", code: "insufficient_quota" } });
  else json(res, 500, { error: { message: "The server had an error processing your request.", type: "server_error", code: null } });
}
