/**
 * Gemini (`POST /v1beta/models/<m>:streamGenerateContent?alt=sse`, data-only SSE) and its unstreamed
 * `:generateContent` (side questions such as "who speaks next", answered as JSON text).
 */
import type { ServerResponse } from "node:http";
import { nextMove } from "./script.js";
import { json, sse, startSse, textOf, USAGE, type Failure } from "./wire.js";

interface Body {
  contents?: { role?: string; parts?: { functionResponse?: { response?: unknown } }[] }[];
  tools?: { functionDeclarations?: { name?: string }[] }[];
}

const usageMetadata = { promptTokenCount: USAGE.input, candidatesTokenCount: USAGE.output, totalTokenCount: USAGE.input + USAGE.output };

export function geminiReply(res: ServerResponse, body: Body, streamed: boolean): void {
  const results: string[] = [];
  for (const content of body.contents ?? []) {
    for (const part of content.parts ?? []) if (part.functionResponse) results.push(textOf(part.functionResponse.response));
  }
  const hasShell = (body.tools ?? []).some((t) => (t.functionDeclarations ?? []).some((f) => f.name === "run_shell_command"));
  const move = hasShell ? nextMove(results) : { kind: "text" as const, text: '{"reasoning":"the task is finished","next_speaker":"user"}' };
  const part = move.kind === "shell"
    ? { functionCall: { name: "run_shell_command", args: { command: move.command, description: "scripted step" } } }
    : { text: move.text };
  const reply = { candidates: [{ content: { role: "model", parts: [part] }, finishReason: "STOP", index: 0 }], usageMetadata, modelVersion: "scripted" };
  if (!streamed) return json(res, 200, reply);
  startSse(res);
  sse(res, reply);
  res.end();
}

export function geminiFailure(res: ServerResponse, failure: Failure): void {
  if (failure === "refuse") json(res, 401, { error: { code: 401, message: "API key not valid. Please pass a valid API key.", status: "UNAUTHENTICATED" } });
  else if (failure === "quota") json(res, 429, { error: { code: 429, message: "Resource has been exhausted (e.g. check quota).", status: "RESOURCE_EXHAUSTED" } });
  else json(res, 500, { error: { code: 500, message: "Internal error encountered.", status: "INTERNAL" } });
}
