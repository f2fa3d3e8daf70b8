/**
 * `slow` mode: the model's answer is a long text streamed in pieces with a pause between them, in each wire format,
 * as a long generation is: a test can see whether the CLI prints anything while it streams.
 */
import type { ServerResponse } from "node:http";
import { setTimeout as sleep } from "node:timers/promises";
import { completeResponse } from "./openai.js";
import { sse, startSse, USAGE } from "./wire.js";

export interface SlowStream {
  /** How many pieces the text comes in. */
  pieces: number;
  /** The pause before each piece. */
  everyMs: number;
}

export const SLOW_WORD = "streaming";

type Protocol = "anthropic" | "gemini" | "openai";

export async function slowReply(res: ServerResponse, protocol: Protocol, stream: SlowStream): Promise<void> {
  startSse(res);
  const piece = (i: number) => `${SLOW_WORD} ${i + 1} `;
  if (protocol === "anthropic") {
    sse(res, {
      type: "message_start",
      message: {
        id: `msg_slow_${Date.now()}`, type: "message", role: "assistant", model: "claude", content: [], stop_reason: null, stop_sequence: null,
        usage: { input_tokens: USAGE.input, output_tokens: 1, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 },
      },
    }, "message_start");
    sse(res, { type: "content_block_start", index: 0, content_block: { type: "text", text: "" } }, "content_block_start");
    for (let i = 0; i < stream.pieces; i++) {
      await sleep(stream.everyMs);
      if (res.destroyed) return;
      sse(res, { type: "content_block_delta", index: 0, delta: { type: "text_delta", text: piece(i) } }, "content_block_delta");
    }
    sse(res, { type: "content_block_stop", index: 0 }, "content_block_stop");
    sse(res, { type: "message_delta", delta: { stop_reason: "end_turn", stop_sequence: null }, usage: { output_tokens: USAGE.output } }, "message_delta");
    sse(res, { type: "message_stop" }, "message_stop");
  } else if (protocol === "gemini") {
    for (let i = 0; i < stream.pieces; i++) {
      await sleep(stream.everyMs);
      if (res.destroyed) return;
      const last = i === stream.pieces - 1;
      sse(res, {
        candidates: [{ content: { role: "model", parts: [{ text: piece(i) }] }, index: 0, ...(last ? { finishReason: "STOP" } : {}) }],
        ...(last ? { usageMetadata: { promptTokenCount: USAGE.input, candidatesTokenCount: USAGE.output, totalTokenCount: USAGE.input + USAGE.output } } : {}),
        modelVersion: "scripted",
      });
    }
  } else {
    const id = `resp_slow_${Date.now()}`;
    const empty = { type: "message", id: "msg_slow", role: "assistant", status: "in_progress", content: [] };
    sse(res, { type: "response.created", response: { id, status: "in_progress" } }, "response.created");
    sse(res, { type: "response.output_item.added", output_index: 0, item: empty }, "response.output_item.added");
    sse(res, { type: "response.content_part.added", item_id: "msg_slow", output_index: 0, content_index: 0, part: { type: "output_text", text: "", annotations: [] } }, "response.content_part.added");
    let text = "";
    for (let i = 0; i < stream.pieces; i++) {
      await sleep(stream.everyMs);
      if (res.destroyed) return;
      text += piece(i);
      sse(res, { type: "response.output_text.delta", item_id: "msg_slow", output_index: 0, content_index: 0, delta: piece(i) }, "response.output_text.delta");
    }
    const item = { ...empty, status: "completed", content: [{ type: "output_text", text, annotations: [] }] };
    sse(res, { type: "response.output_item.done", output_index: 0, item }, "response.output_item.done");
    completeResponse(res, { id, item });
  }
  res.end();
}
