/** What the three wire formats share: the usage every reply reports, reading tool results, writing SSE. */
import type { ServerResponse } from "node:http";

/** Tokens every reply reports, in each protocol's own fields; a test multiplies by the number of requests. */
export const USAGE = { input: 1200, output: 40 } as const;

export type Failure = "refuse" | "quota" | "fail";

/** Every string inside a tool result, in order: each CLI wraps its shell output differently. */
export function textOf(value: unknown): string {
  if (typeof value === "string") return value;
  if (Array.isArray(value)) return value.map(textOf).join("\n");
  if (value && typeof value === "object") return Object.values(value).map(textOf).join("\n");
  return "";
}

export function startSse(res: ServerResponse): void {
  res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache", connection: "keep-alive" });
}

/** One SSE event; `event` is omitted for formats that send data lines only (Gemini). */
export function sse(res: ServerResponse, data: unknown, event?: string): void {
  res.write(`${event ? `event: ${event}\n` : ""}data: ${JSON.stringify(data)}\n\n`);
}

export function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { "content-type": "application/json", ...headers });
  res.end(JSON.stringify(body));
}
