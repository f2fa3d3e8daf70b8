/**
 * `dispatch parse [--config FILE] [--explain] ['<comment>']` and `dispatch help [--config FILE]`: a comment body (the
 * argument, else standard input) to the parsed command as one JSON object; the `/dispatch help` reply, offline.
 */
import { parse as parseYaml } from "yaml";
import type { Command } from "../core/command.js";
import { DEFAULT_CONFIG, parseConfig, type DispatchConfig } from "../core/config.js";
import { parseComment } from "../core/grammar.js";
import { renderHelp } from "../core/help.js";
import type { TaskSpec } from "../core/task.js";

export interface CliResult {
  stdout: string;
  stderr: string;
  /** 0: a command; 1: the comment is no command or one the app refuses (`error`); 2: a bad invocation or configuration. */
  code: number;
}

export interface ParseOptions {
  /** Arguments after `parse`. */
  args: readonly string[];
  /** Reads the comment body from standard input (null: a terminal, nothing piped); only without a comment argument. */
  readStdin: () => Promise<string | null>;
  /** Reads `--config`'s file; throws when it cannot. */
  readFile: (path: string) => string;
}

export const PARSE_USAGE = "usage: dispatch parse [--config FILE] [--explain] ['<comment>'] (the comment as an argument or on standard input)";
export const HELP_USAGE = "usage: dispatch help [--config FILE]";

interface Args {
  config?: string;
  explain: boolean;
  /** Words of the comment given as arguments, joined by spaces. */
  comment?: string;
}

export async function runParse({ args, readStdin, readFile }: ParseOptions): Promise<CliResult> {
  const options = readArgs(args);
  if (typeof options === "string") return { stdout: "", stderr: `${options}\n${PARSE_USAGE}\n`, code: 2 };
  const config = loadOptionalConfig(options.config, readFile);
  if (typeof config === "string") return { stdout: "", stderr: `${config}\n`, code: 2 };
  if (options.explain) return { stdout: `${renderHelp(config)}\n`, stderr: "", code: 0 };
  const body = options.comment ?? (await readStdin());
  if (body === null) return { stdout: "", stderr: `no comment: give it as an argument or on standard input\n${PARSE_USAGE}\n`, code: 2 };
  const command = parseComment(body, config);
  const stdout = `${commandJson(command)}\n`;
  if (command.kind === "none") {
    return { stdout, stderr: "not a dispatch command: the comment has no /dispatch line, so the app ignores it (dispatch help shows the commands)\n", code: 1 };
  }
  if (command.kind === "error") return { stdout, stderr: `the app would reply: ${command.message}\n`, code: 1 };
  return { stdout, stderr: "", code: 0 };
}

/** `dispatch help`: the text the app replies to `/dispatch help`, for the defaults or a `.github/dispatch.yml`. */
export function runHelp({ args, readFile }: Omit<ParseOptions, "readStdin">): CliResult {
  const options = readArgs(args);
  if (typeof options === "string" || options.comment !== undefined || options.explain) {
    return { stdout: "", stderr: `${typeof options === "string" ? options : "help takes no comment"}\n${HELP_USAGE}\n`, code: 2 };
  }
  const config = loadOptionalConfig(options.config, readFile);
  if (typeof config === "string") return { stdout: "", stderr: `${config}\n`, code: 2 };
  return { stdout: `${renderHelp(config)}\n`, stderr: "", code: 0 };
}

function readArgs(args: readonly string[]): Args | string {
  const result: Args = { explain: false };
  const words: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === "--") {
      words.push(...args.slice(i + 1));
      break;
    }
    if (arg === "--config" || arg === "-c") {
      const file = args[++i];
      if (file === undefined) return "--config needs a file";
      result.config = file;
    } else if (arg.startsWith("--config=")) {
      result.config = arg.slice("--config=".length);
    } else if (arg === "--explain") {
      result.explain = true;
    } else if (arg.startsWith("-") && arg !== "-") {
      return `unknown option: ${arg}`;
    } else {
      words.push(arg);
    }
  }
  if (words.length > 0 && !(words.length === 1 && words[0] === "-")) result.comment = words.join(" ");
  return result;
}

function loadOptionalConfig(path: string | undefined, readFile: (path: string) => string): DispatchConfig | string {
  return path === undefined ? DEFAULT_CONFIG : loadConfig(path, readFile);
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
