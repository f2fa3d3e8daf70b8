/**
 * A scripted model server on 127.0.0.1 for the real agent CLIs: Anthropic Messages, Gemini streamGenerateContent and
 * OpenAI Responses, each playing the conversation in script.ts. It records every request (time, method, path) so a
 * test can see when the first one came and that nothing else was asked for.
 *
 * Modes: `script` (the conversation), `refuse` (401), `quota` (429), `fail` (500), `hang` (accepts, never answers), `silent` (a reply
 * with no text and no tool call), `slow` (the model's answer is a long text streamed in pieces: slow.ts).
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { anthropicFailure, anthropicReply } from "./anthropic.js";
import { geminiFailure, geminiReply } from "./gemini.js";
import { openaiFailure, openaiReply } from "./openai.js";
import { slowReply, type SlowStream } from "./slow.js";
import { json, USAGE } from "./wire.js";

export type ServerMode = "script" | "refuse" | "quota" | "fail" | "hang" | "silent" | "slow";
export type Protocol = "anthropic" | "gemini" | "openai" | "other";

export interface RecordedRequest {
  at: number;
  method: string;
  path: string;
  protocol: Protocol;
  /** The request body (its first 200 kB). */
  body: string;
}

export interface ModelServer {
  url: string;
  requests: RecordedRequest[];
  /** Model requests (the three protocols), not HEAD probes or unknown paths. */
  modelRequests(): RecordedRequest[];
  mode: ServerMode;
  close(): Promise<void>;
}

export { USAGE };

export interface ModelServerOptions {
  mode?: ServerMode;
  /** `slow` mode: how the answer streams; default 10 pieces a second apart. */
  slow?: SlowStream;
}

export async function startModelServer(opts: ModelServerOptions = {}): Promise<ModelServer> {
  const requests: RecordedRequest[] = [];
  const sockets = new Set<Socket>();
  const state = { mode: opts.mode ?? "script" };

  const server = createServer((req, res) => {
    void handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) json(res, 500, { error: { message: String(error) } });
      else res.end();
    });
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const protocol = protocolOf(req.method ?? "GET", url.pathname);
    const record: RecordedRequest = { at: Date.now(), method: req.method ?? "GET", path: url.pathname + url.search, protocol, body: "" };
    requests.push(record);
    const raw = await readBody(req);
    record.body = raw.slice(0, 200_000);
    if (protocol === "other") {
      // claude probes `HEAD /` before its first request.
      if (req.method === "HEAD" || url.pathname === "/") return void res.writeHead(200).end();
      return json(res, 404, { error: { message: `no such endpoint: ${req.method} ${url.pathname}` } });
    }
    if (state.mode === "hang") return; // never answered; the socket is destroyed on close()
    if (state.mode === "refuse" || state.mode === "quota" || state.mode === "fail") {
      const failure = state.mode;
      if (protocol === "anthropic") return anthropicFailure(res, failure);
      if (protocol === "gemini") return geminiFailure(res, failure);
      return openaiFailure(res, failure);
    }
    const body = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
    // `slow`: the main (streamed) request gets the long answer; side requests are answered at once.
    const streamed = protocol !== "gemini" || url.pathname.endsWith(":streamGenerateContent");
    if (state.mode === "slow" && streamed) return slowReply(res, protocol, opts.slow ?? { pieces: 10, everyMs: 1000 });
    // `silent`: the model answers with nothing (no tools offered → the script's text-free side reply).
    if (state.mode === "silent") body["tools"] = [];
    if (protocol === "anthropic") return anthropicReply(res, body);
    if (protocol === "gemini") return geminiReply(res, body, url.pathname.endsWith(":streamGenerateContent"));
    if (url.pathname.endsWith("/responses")) return openaiReply(res, body);
  }

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    modelRequests: () => requests.filter((r) => r.protocol !== "other"),
    get mode() {
      return state.mode;
    },
    set mode(mode: ServerMode) {
      state.mode = mode;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

function protocolOf(method: string, path: string): Protocol {
  if (method !== "POST") return "other";
  if (/^\/v1\/messages$/.test(path)) return "anthropic";
  if (/^\/v1beta\/models\/[^/]+:(streamGenerateContent|generateContent)$/.test(path)) return "gemini";
  if (/^\/v1\/responses$/.test(path)) return "openai";
  return "other";
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}
