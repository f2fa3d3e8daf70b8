/**
 * `dispatch parse [--config FILE]`: a comment body on standard input, the parsed command as one JSON object out.
 */
import { parse as parseYaml } from "yaml";
import type { Command } from "../core/command.js";
import { parseConfig, type DispatchConfig } from "../core/config.js";
import { parseComment } from "../core/grammar.js";
import type { TaskSpec } from "../core/task.js";

export interface CliResult {
  stdout: string;
  stderr: string;
  /** 0 for any command (errors included); 2 for a bad invocation or configuration. */
  code: number;
}

export interface ParseOptions {
  /** Arguments after `parse`. */
  args: readonly string[];
  /** The comment body. */
  stdin: string;
  /** Reads `--config`'s file; throws when it cannot. */
  readFile: (path: string) => string;
}

export const PARSE_USAGE = "usage: dispatch parse [--config FILE] < comment.md";

export function runParse({ args, stdin, readFile }: ParseOptions): CliResult {
  const options = readArgs(args);
  if (typeof options === "string") return { stdout: "", stderr: `${options}\n${PARSE_USAGE}\n`, code: 2 };
  let config: DispatchConfig | undefined;
  if (options.config !== undefined) {
    const loaded = loadConfig(options.config, readFile);
    if (typeof loaded === "string") return { stdout: "", stderr: `${loaded}\n`, code: 2 };
    config = loaded;
  }
  return { stdout: `${commandJson(parseComment(stdin, config))}\n`, stderr: "", code: 0 };
}

function readArgs(args: readonly string[]): { config?: string } | string {
  const result: { config?: string } = {};
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === "--config" || arg === "-c") {
      const file = args[++i];
      if (file === undefined) return "--config needs a file";
      result.config = file;
    } else if (arg.startsWith("--config=")) {
      result.config = arg.slice("--config=".length);
    } else {
      return `unknown argument: ${arg}`;
    }
  }
  return result;
}

function loadConfig(path: string, readFile: (path: string) => string): DispatchConfig | string {
  let text: string;
  try {
    text = readFile(path);
  } catch (error) {
    return `cannot read ${path}: ${error instanceof Error ? error.message : String(error)}`;
  }
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (error) {
    return `${path} is not valid YAML: ${error instanceof Error ? error.message : String(error)}`;
  }
  const result = parseConfig(raw);
  return result.ok ? result.config : `${path}: ${result.error}`;
}

/** The command as JSON with `kind` first and a TaskSpec's keys in the contract's order. */
export function commandJson(command: Command): string {
  const ordered: Record<string, unknown> = { kind: command.kind };
  if (command.kind === "dispatch") ordered.tasks = command.tasks.map(orderedTask);
  else for (const [key, value] of Object.entries(command)) if (key !== "kind") ordered[key] = value;
  return JSON.stringify(ordered);
}

function orderedTask(task: TaskSpec): TaskSpec {
  const { id, title, prompt, model, agent, worktree, steps, after } = task;
  return { id, title, prompt, model, agent, worktree, steps, after };
}
