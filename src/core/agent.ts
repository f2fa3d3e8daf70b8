/**
 * Agent command lines: how each coding-agent CLI is started non-interactively, allowed to edit files, with one prompt.
 * Every command line here is run for real against a scripted model server by the tests (test/worker/real-*.test.ts).
 * A prompt may start with `-`: it follows `--` (claude, codex) or is glued to `--prompt=` (gemini), never read as a flag.
 * Each CLI prints JSON events (stream-json, `exec --json`) so the worker can read progress and usage.
 */
import { isCodexTrace } from "./agent-activity.js";
import { isRecord, parseJsonLine } from "./agent-usage.js";
import type { AgentName } from "./task.js";

export interface AgentCommand {
  file: string;
  args: string[];
}

export interface AgentCommandOptions {
  agent: AgentName;
  model: string;
  prompt: string;
  /** `agent-command`: a command line run by `sh -c` instead of the agent; the prompt is its `$1`. */
  custom?: string;
}

/** The program and arguments that run one task's agent. Never a shell string with the prompt in it. */
export function agentCommand(opts: AgentCommandOptions): AgentCommand {
  const custom = opts.custom?.trim();
  if (custom) return { file: "sh", args: ["-c", custom, "dispatch-agent", opts.prompt] };
  const model = opts.model.trim();
  // The family word alone (`claude`, `gemini`, `codex`) means the CLI's own default model: no --model.
  const named = model.length > 0 && model.toLowerCase() !== opts.agent;
  switch (opts.agent) {
    case "claude":
      return {
        file: "claude",
        args: [
          "-p",
          ...(named ? ["--model", model] : []),
          "--output-format",
          "stream-json",
          // Each piece of an answer as it streams: a long answer is the model at work, not silence (agent-activity.ts).
          "--include-partial-messages",
          "--verbose",
          "--dangerously-skip-permissions",
          "--",
          opts.prompt,
        ],
      };
    case "gemini":
      return {
        file: "gemini",
        args: [...(named ? ["--model", model] : []), "--yolo", "--skip-trust", "--output-format", "stream-json", `--prompt=${opts.prompt}`],
      };
    case "codex":
      // `--full-auto` is gone from codex 0.1xx; its meaning (edit the workspace, never ask) is `--sandbox workspace-write`.
      return { file: "codex", args: ["exec", "--json", "--sandbox", "workspace-write", ...(named ? ["--model", model] : []), "--", opts.prompt] };
    case "custom":
      // A custom agent with no command line: the caller must refuse this before starting anything.
      return { file: "sh", args: ["-c", 'echo "dispatch: no agent-command given for a custom agent" >&2; exit 2'] };
  }
}

/** The cost a Claude Code stream-json `result` event reports; null for any other line. */
export function claudeCost(line: string): number | null {
  const event = parseJsonLine(line);
  if (!event || event["type"] !== "result") return null;
  const cost = event["total_cost_usd"];
  return typeof cost === "number" && Number.isFinite(cost) && cost >= 0 ? cost : null;
}

/**
 * A line of agent output as a person reads it. The CLIs' JSON events become their text (assistant text, shell
 * commands run, the final result or error); other events give null (not worth showing). Other lines are kept as they are.
 */
export function readableLine(agent: AgentName, line: string): string | null {
  if (agent === "custom") return line;
  // codex's trace of each server event (RUST_LOG, agent-env.ts) is for the worker's watch only.
  if (agent === "codex" && isCodexTrace(line)) return null;
  const event = parseJsonLine(line);
  if (!event) return line;
  if (agent === "claude") return claudeLine(event);
  if (agent === "gemini") return geminiLine(event);
  return codexLine(event);
}

function claudeLine(event: Record<string, unknown>): string | null {
  if (event["type"] === "result") {
    const text = typeof event["result"] === "string" ? event["result"] : "";
    const subtype = typeof event["subtype"] === "string" ? event["subtype"] : "result";
    const status = typeof event["api_error_status"] === "number" ? ` (API status ${event["api_error_status"]})` : "";
    return `[${event["is_error"] === true && subtype === "success" ? "error" : subtype}] ${text}${status}`.trim();
  }
  if (event["type"] === "assistant") {
    const message = event["message"] as { content?: unknown } | undefined;
    const content = Array.isArray(message?.content) ? message.content : [];
    const texts = content
      .map((part: unknown) => {
        if (!isRecord(part)) return "";
        if (part["type"] === "text" && typeof part["text"] === "string") return part["text"];
        const input = isRecord(part["input"]) ? part["input"] : {};
        if (part["type"] === "tool_use" && typeof input["command"] === "string") return `$ ${input["command"]}`;
        return "";
      })
      .filter((t: string) => t.length > 0);
    return texts.length > 0 ? texts.join("\n") : null;
  }
  return null;
}

function geminiLine(event: Record<string, unknown>): string | null {
  const type = event["type"];
  if (type === "message" && event["role"] === "assistant" && typeof event["content"] === "string") return event["content"] || null;
  if (type === "tool_use") {
    const params = isRecord(event["parameters"]) ? event["parameters"] : {};
    return typeof params["command"] === "string" ? `$ ${params["command"]}` : null;
  }
  if (type === "error") return `[error] ${stringOf(event["message"])}`;
  if (type === "result") {
    const error = isRecord(event["error"]) ? ` ${stringOf(event["error"]["message"])}` : "";
    return `[${stringOf(event["status"]) || "result"}]${error}`;
  }
  return null;
}

function codexLine(event: Record<string, unknown>): string | null {
  const type = event["type"];
  const item = isRecord(event["item"]) ? event["item"] : {};
  if (type === "item.completed" && item["type"] === "agent_message") return stringOf(item["text"]) || null;
  if (type === "item.started" && item["type"] === "command_execution") return `$ ${stringOf(item["command"])}`;
  if (type === "item.completed" && item["type"] === "error") return `[error] ${stringOf(item["message"])}`;
  if (type === "error") return `[error] ${stringOf(event["message"])}`;
  if (type === "turn.failed") return `[failed] ${stringOf(isRecord(event["error"]) ? event["error"]["message"] : "")}`;
  return null;
}

function stringOf(value: unknown): string {
  return typeof value === "string" ? value : "";
}
