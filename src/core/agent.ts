/**
 * Agent command lines: how each coding-agent CLI is started non-interactively, allowed to edit files, with one prompt.
 * Every flag here is checked against the real CLI's `--help` by a test.
 */
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
          "--verbose",
          "--dangerously-skip-permissions",
          opts.prompt,
        ],
      };
    case "gemini":
      return { file: "gemini", args: [...(named ? ["--model", model] : []), "--yolo", "--skip-trust", "--prompt", opts.prompt] };
    case "codex":
      // `--full-auto` is gone from codex 0.1xx; its meaning (edit the workspace, never ask) is `--sandbox workspace-write`.
      return { file: "codex", args: ["exec", "--sandbox", "workspace-write", ...(named ? ["--model", model] : []), opts.prompt] };
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
 * A line of agent output as a person reads it. Claude's stream-json events become their text (assistant text,
 * the final result); other events give null (not worth showing). Any other line is kept as it is.
 */
export function readableLine(agent: AgentName, line: string): string | null {
  if (agent !== "claude") return line;
  const event = parseJsonLine(line);
  if (!event) return line;
  if (event["type"] === "result") {
    const text = typeof event["result"] === "string" ? event["result"] : "";
    const subtype = typeof event["subtype"] === "string" ? event["subtype"] : "result";
    return `[${subtype}] ${text}`.trim();
  }
  if (event["type"] === "assistant") {
    const message = event["message"] as { content?: unknown } | undefined;
    const content = Array.isArray(message?.content) ? message.content : [];
    const texts = content
      .map((part: unknown) => (isRecord(part) && part["type"] === "text" && typeof part["text"] === "string" ? part["text"] : ""))
      .filter((t: string) => t.length > 0);
    return texts.length > 0 ? texts.join("\n") : null;
  }
  return null;
}

function parseJsonLine(line: string): Record<string, unknown> | null {
  const trimmed = line.trim();
  if (!trimmed.startsWith("{")) return null;
  try {
    const value: unknown = JSON.parse(trimmed);
    return isRecord(value) ? value : null;
  } catch {
    return null;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
