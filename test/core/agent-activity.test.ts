/**
 * Reading what an agent is doing from its output lines, on lines captured from the real claude 2.1.197, gemini 0.61.0
 * and codex 0.169.0 (test/core/fixtures/agent-output/: each CLI run by the worker's command line and settings against
 * test/model-server/ in modes `script`, `slow` (a long answer streamed in pieces), `hang`; codex-long-tool: a command
 * that runs 35 s, past codex's 30 s yield).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { claudeActivity, codexActivity, geminiActivity, isCodexTrace, lineActivity, type LineActivity } from "../../src/core/agent-activity.js";
import { readableLine } from "../../src/core/agent.js";
import { AGENTS } from "../../src/core/task.js";

const FIXTURES = join(import.meta.dirname, "fixtures/agent-output");
const lines = (name: string) => readFileSync(join(FIXTURES, `${name}.txt`), "utf8").split("\n").filter((l) => l.length > 0);

/** Each line as one word: `model`, `fragment` (a streamed piece), `start:<id>`, `finish:<id>`, or `-`. */
function words(classify: (line: string) => LineActivity, input: readonly string[]): string[] {
  return input.map((line) => {
    const a = classify(line);
    const parts = [
      ...(a.fragment ? ["fragment"] : a.model ? ["model"] : []),
      ...a.started.map((id) => `start:${id}`),
      ...a.finished.map((id) => `finish:${id}`),
    ];
    return parts.length > 0 ? parts.join(" ") : "-";
  });
}

describe("claude stream-json with --include-partial-messages", () => {
  it("a scripted task: every streamed piece, each tool call started by its assistant message and finished by its result", () => {
    const got = words(claudeActivity, lines("claude-script"));
    const turn = (n: number) => ["-", "fragment", "fragment", "fragment", `model start:toolu_${n}`, "fragment", "fragment", "fragment", `finish:toolu_${n}`];
    expect(got).toEqual([
      "-", // system init
      ...turn(0), ...turn(1), ...turn(2),
      "-", "fragment", "fragment", "fragment", "model", "fragment", "fragment", "fragment", // the final text
      "-", // result
    ]);
  });

  it("a long answer: each piece prints a line while it streams", () => {
    const input = lines("claude-slow");
    const pieces = input.filter((l) => l.includes('"text_delta"'));
    expect(pieces).toHaveLength(3);
    for (const line of pieces) expect(claudeActivity(line)).toEqual({ model: true, started: [], finished: [], fragment: true });
  });

  it("a server that never answers: status, retries and claude's own timeout message are not the model", () => {
    const input = lines("claude-hang");
    expect(input.map((l) => (JSON.parse(l) as { subtype?: string; type: string }).subtype ?? (JSON.parse(l) as { type: string }).type)).toEqual([
      "init", "status", "api_retry", "api_retry", "assistant", "success",
    ]);
    expect(words(claudeActivity, input)).toEqual(["-", "-", "-", "-", "-", "-"]);
  });

  it("several tool calls in one message and their results in one reply; malformed parts are skipped", () => {
    const call = JSON.stringify({ type: "assistant", message: { model: "claude-opus-4-8", content: [
      { type: "text", text: "running both" }, { type: "tool_use", id: "a" }, { type: "tool_use", id: "b" }, { type: "tool_use" }, "junk",
    ] } });
    expect(claudeActivity(call)).toEqual({ model: true, started: ["a", "b"], finished: [], fragment: false });
    const reply = JSON.stringify({ type: "user", message: { content: [{ type: "tool_result", tool_use_id: "b" }, { type: "tool_result", tool_use_id: "a" }, { type: "text" }] } });
    expect(claudeActivity(reply)).toEqual({ model: false, started: [], finished: ["b", "a"], fragment: false });
    expect(claudeActivity(JSON.stringify({ type: "user", message: { content: "a prompt" } }))).toEqual({ model: false, started: [], finished: [], fragment: false });
    expect(claudeActivity(JSON.stringify({ type: "assistant" }))).toEqual({ model: true, started: [], finished: [], fragment: false });
  });

  it("a web search runs on the API's side, inside the model's turn: no tool the watch waits for", () => {
    const search = JSON.stringify({ type: "assistant", message: { model: "claude-opus-4-8", content: [
      { type: "server_tool_use", id: "srvtoolu_1", name: "web_search" }, { type: "web_search_tool_result", tool_use_id: "srvtoolu_1", content: [] },
    ] } });
    expect(claudeActivity(search)).toEqual({ model: true, started: [], finished: [], fragment: false });
  });
});

describe("gemini stream-json", () => {
  it("a scripted task: each tool_use started and its tool_result finished by tool_id, the final text the model's", () => {
    const input = lines("gemini-script");
    const ids = input.filter((l) => l.startsWith('{"type":"tool_use"')).map((l) => (JSON.parse(l) as { tool_id: string }).tool_id);
    expect(ids).toHaveLength(3);
    expect(words(geminiActivity, input)).toEqual([
      "-", "-", "-", "-", // warnings on stderr
      "-", "-", // init, the user's message
      `model start:${ids[0]}`, `finish:${ids[0]}`,
      `model start:${ids[1]}`, `finish:${ids[1]}`,
      `model start:${ids[2]}`, `finish:${ids[2]}`,
      "model", // the final text
      "-", // result
    ]);
  });

  it("a long answer: each piece is an assistant message line as it streams", () => {
    const got = words(geminiActivity, lines("gemini-slow"));
    expect(got.slice(-4)).toEqual(["model", "model", "model", "-"]);
    expect(got.filter((w) => w === "model")).toHaveLength(3);
  });
});

describe("codex exec --json with its server-event trace (RUST_LOG)", () => {
  it("a scripted task: each server event traced, each command started and finished by item id", () => {
    const got = words(codexActivity, lines("codex-script"));
    const events = ["fragment", "fragment", "fragment", "fragment"];
    expect(got).toEqual([
      "-", "-", // warnings on stderr
      "-", "-", "-", // thread.started, the model-metadata notice, turn.started
      ...events, "start:item_1", "finish:item_1",
      ...events, "start:item_2", "finish:item_2",
      ...events, "start:item_3", "finish:item_3",
      ...events, "model", // the final message
      "-", // turn.completed
    ]);
  });

  it("a long answer: codex's JSON says nothing while it streams, its trace prints every piece", () => {
    const input = lines("codex-slow");
    const pieces = input.filter((l) => l.includes("response.output_text.delta"));
    expect(pieces).toHaveLength(3);
    for (const line of pieces) expect(codexActivity(line).model).toBe(true);
    expect(input.filter((l) => l.startsWith("{")).map((l) => codexActivity(l).model)).toEqual([false, false, false, true, false]);
  });

  it("a command running past codex's yield stays started while the model polls it", () => {
    const got = words(codexActivity, lines("codex-long-tool"));
    const start = got.indexOf("start:item_2");
    const finish = got.indexOf("finish:item_2");
    expect(start).toBeGreaterThan(0);
    // The model's poll (write_stdin) comes while the command runs.
    expect(got.slice(start + 1, finish)).toEqual(["fragment", "fragment", "fragment", "fragment"]);
  });

  it("plans, reasoning and errors are not tools; the trace is shown nowhere", () => {
    const item = (type: string, event: string) => JSON.stringify({ type: event, item: { id: "i", type } });
    expect(codexActivity(item("todo_list", "item.started"))).toEqual({ model: false, started: [], finished: [], fragment: false });
    expect(codexActivity(item("reasoning", "item.completed")).model).toBe(true);
    expect(codexActivity(item("file_change", "item.completed")).finished).toEqual(["i"]);
    expect(codexActivity(item("mcp_tool_call", "item.started")).started).toEqual(["i"]);
    expect(codexActivity(item("web_search", "item.started")).started).toEqual(["i"]);
    for (const line of lines("codex-script").filter(isCodexTrace)) expect(readableLine("codex", line)).toBeNull();
    expect(readableLine("codex", "WARNING: proceeding")).toBe("WARNING: proceeding");
    expect(isCodexTrace("TRACE codex_api::sse::responses: SSE event: {}")).toBe(true);
    expect(isCodexTrace("TRACE codex_core::client: SSE event: {}")).toBe(false);
  });
});

describe("lineActivity", () => {
  it("reads each CLI's lines by its own format, a custom agent's by none", () => {
    const claudePiece = lines("claude-slow").find((l) => l.includes('"text_delta"'))!;
    expect(lineActivity("claude", claudePiece).fragment).toBe(true);
    expect(lineActivity("gemini", claudePiece).model).toBe(false);
    expect(lineActivity("codex", claudePiece).model).toBe(false);
    expect(lineActivity("custom", claudePiece)).toEqual({ model: false, started: [], finished: [], fragment: false });
  });

  it("never throws and never invents an id, whatever the line", () => {
    fc.assert(
      fc.property(fc.constantFrom(...AGENTS), fc.oneof(fc.string(), fc.json()), (agent, line) => {
        const a = lineActivity(agent, line);
        for (const id of [...a.started, ...a.finished]) expect(line).toContain(id);
        if (a.fragment) expect(a.model).toBe(true);
      }),
    );
  });
});
