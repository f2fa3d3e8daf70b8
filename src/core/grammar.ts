/**
 * The /dispatch grammar: a comment body in, one command out. Never throws.
 *
 * A comment is a command when its first line that is neither blank nor quoted (`> …`) starts with `/dispatch` as a
 * whole word, in any case. The word after it picks a sub-command (`status`, `answer`, `cancel`, `retry`, `note`,
 * `help`); anything else is a dispatch prompt, split into tasks by `core/split.ts`.
 */
import type { Command } from "./command.js";
import { DEFAULT_CONFIG, type DispatchConfig } from "./config.js";
import { sanitizeText } from "./sanitize.js";
import { splitPrompt } from "./split.js";
import { isTaskId } from "./task.js";
import { quoted } from "./title.js";

const COMMAND_LINE = /^\s*\/dispatch(?=\s|$)(.*)$/i;
const SUBCOMMANDS = new Set(["status", "answer", "cancel", "retry", "note", "help"]);
/** A line longer than this is cut before any pattern reads it. */
const LINE_MAX = 65_536;

/** The usage of each sub-command, for error messages. */
export const USAGE = {
  status: "`/dispatch status` or `/dispatch status <task>`, e.g. `/dispatch status security-review`",
  answer: "`/dispatch answer <task> <your answer>`, e.g. `/dispatch answer security-review yes, flag INFO logs too`",
  cancel: "`/dispatch cancel <task>` or `/dispatch cancel all`",
  retry: "`/dispatch retry <task>`, e.g. `/dispatch retry api-tests`",
  note: "`/dispatch note <task> <text>`, e.g. `/dispatch note security-review the payments module is out of scope`",
  help: "`/dispatch help`",
} as const;

/**
 * Parse a comment body into a command. `config` defaults to the built-in configuration. The body is cleaned first
 * (`sanitizeText`): what a reader of the comment cannot see (HTML comments, invisible characters, hidden text) is
 * neither a command nor part of a title, prompt, step, answer or note, and token-shaped strings are redacted.
 */
export function parseComment(body: string, config: DispatchConfig = DEFAULT_CONFIG): Command {
  try {
    return parse(sanitizeText(body), config);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return { kind: "error", message: `dispatch could not read this command (${reason.slice(0, 200)}). \`/dispatch help\` shows what it understands.` };
  }
}

function parse(body: string, config: DispatchConfig): Command {
  if (typeof body !== "string") return { kind: "none" };
  const lines = body.replace(/\r\n?/g, "\n").split("\n");
  let index = 0;
  while (index < lines.length && (lines[index]!.trim() === "" || /^\s*>/.test(lines[index]!))) index++;
  const first = lines[index];
  if (first === undefined) return { kind: "none" };
  const match = COMMAND_LINE.exec(first.slice(0, LINE_MAX));
  if (!match) return { kind: "none" };

  const rest = match[1]!.trim();
  const below = lines.slice(index + 1);
  const [word = "", ...args] = rest.split(/\s+/).filter((w) => w.length > 0);
  const keyword = word.toLowerCase().replace(/[:?!.,]+$/, "");
  if (SUBCOMMANDS.has(keyword)) {
    const afterWord = rest.slice(rest.indexOf(word) + word.length).trim();
    return subcommand({ keyword: keyword as keyof typeof USAGE, args, afterWord, below });
  }
  return splitPrompt({ firstLine: rest, below, config });
}

interface SubcommandInput {
  keyword: keyof typeof USAGE;
  /** Words after the keyword on the command line. */
  args: string[];
  /** The command line after the keyword, as written. */
  afterWord: string;
  /** The lines below the command line. */
  below: string[];
}

function subcommand({ keyword, args, afterWord, below }: SubcommandInput): Command {
  switch (keyword) {
    case "help":
      return { kind: "help" };
    case "status": {
      if (args.length === 0) return { kind: "status", task: null };
      if (args.length > 1) return { kind: "error", message: `\`/dispatch status\` takes at most one task. Write ${USAGE.status}.` };
      const task = taskArgument(args[0]!);
      return isTaskId(task) ? { kind: "status", task } : notATask(args[0]!, USAGE.status);
    }
    case "cancel":
    case "retry": {
      if (args.length !== 1) {
        const what = args.length === 0 ? "needs a task" : "takes one task";
        return { kind: "error", message: `\`/dispatch ${keyword}\` ${what}. Write ${USAGE[keyword]}.` };
      }
      const task = taskArgument(args[0]!);
      if (keyword === "retry" && task === "all") {
        return { kind: "error", message: `\`/dispatch retry\` takes one task at a time. Write ${USAGE.retry}.` };
      }
      if (!isTaskId(task)) return notATask(args[0]!, USAGE[keyword]);
      return keyword === "cancel" ? { kind: "cancel", task } : { kind: "retry", task };
    }
    case "answer":
    case "note": {
      const what = keyword === "answer" ? "the task and your answer" : "the task and the note";
      if (args.length === 0) return { kind: "error", message: `\`/dispatch ${keyword}\` needs ${what}. Write ${USAGE[keyword]}.` };
      const task = taskArgument(args[0]!);
      if (!isTaskId(task)) return notATask(args[0]!, USAGE[keyword]);
      const firstRest = afterWord.slice(afterWord.indexOf(args[0]!) + args[0]!.length);
      const text = [firstRest, ...below].join("\n").trim();
      if (text.length === 0) {
        const missing = keyword === "answer" ? "the answer" : "the note";
        return { kind: "error", message: `\`/dispatch ${keyword} ${task}\` is missing ${missing}. Write ${USAGE[keyword]}.` };
      }
      return keyword === "answer" ? { kind: "answer", task, text } : { kind: "note", task, text };
    }
  }
}

/** `` `Security-Review`: `` → `security-review`: quotes and trailing punctuation off, lowercased. */
function taskArgument(word: string): string {
  return word
    .replace(/^[`'"“‘]+|[`'"”’]+$/g, "")
    .replace(/[:,.;!?]+$/, "")
    .replace(/^[`'"“‘]+|[`'"”’]+$/g, "")
    .toLowerCase();
}

function notATask(word: string, usage: string): Command {
  return {
    kind: "error",
    message: `${quoted(word)} is not a task id: ids are lowercase letters, digits and dashes, like \`security-review\`. Write ${usage}.`,
  };
}
