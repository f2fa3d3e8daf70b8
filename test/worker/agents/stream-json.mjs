// A stand-in for Claude Code speaking its stream-json (lines as the real claude 2.1 prints them; see
// test/core/fixtures/agent-output/), installed as `claude` on the PATH. FAKE_MODE:
//   long-tool  a Bash tool call that prints nothing for FAKE_MS, then every item ticked;
//   streaming  an answer streamed in pieces every 150 ms for FAKE_MS, then every item ticked;
//   silent     start-up lines, then nothing: the model never answers.
import { tick, sleep } from "./lib.mjs";

const session = "fake-session";
const say = (event) => console.log(JSON.stringify({ ...event, session_id: session }));
const mode = process.env.FAKE_MODE ?? "silent";
const ms = Number(process.env.FAKE_MS ?? "3000");

say({ type: "system", subtype: "init", cwd: process.cwd(), tools: ["Bash"], model: "claude-opus-4-8" });
say({ type: "system", subtype: "status", status: "requesting" });
if (mode === "silent") {
  setInterval(() => {}, 1000);
} else {
  if (mode === "long-tool") {
    say({ type: "stream_event", event: { type: "content_block_start", index: 0, content_block: { type: "tool_use", id: "toolu_1", name: "Bash", input: {} } } });
    say({ type: "assistant", message: { id: "msg_1", role: "assistant", model: "claude-opus-4-8", content: [{ type: "tool_use", id: "toolu_1", name: "Bash", input: { command: "npm test" } }] } });
    await sleep(ms);
    say({ type: "user", message: { role: "user", content: [{ tool_use_id: "toolu_1", type: "tool_result", content: "all tests passed", is_error: false }] } });
  } else {
    const end = Date.now() + ms;
    for (let i = 1; Date.now() < end; i++) {
      say({ type: "stream_event", event: { type: "content_block_delta", index: 0, delta: { type: "text_delta", text: `piece ${i} ` } } });
      await sleep(150);
    }
  }
  while (tick("done by the fake claude"));
  say({ type: "assistant", message: { id: "msg_2", role: "assistant", model: "claude-opus-4-8", content: [{ type: "text", text: "All done." }] } });
  say({ type: "result", subtype: "success", is_error: false, result: "All done.", total_cost_usd: 0.01, usage: { input_tokens: 10, output_tokens: 5 } });
}
