/**
 * The agent's prompt: the task, the thread it was dispatched from, its checklist, and the rules of working under dispatch.
 * A resumed task gets what the previous run left behind (context.md, the answers, the maintainer's notes).
 */
import type { TaskSpec } from "./task.js";

export interface AnsweredQuestion {
  seq: number;
  question: string;
  answer: string;
}

export interface PromptOptions {
  spec: TaskSpec;
  /** plan.md as it is now. */
  plan: string;
  /** Paths relative to the worktree root. */
  paths: { dir: string; plan: string; output: string; context: string };
  /** The checklist is the worker's starter one: the agent replaces it with concrete items. */
  starter: boolean;
  /** An earlier run worked this task (a resume or a retry); default: when there is context or an answer. */
  resumed?: boolean;
  /** context.md from an earlier run, when there is one. */
  context?: string;
  /** Questions asked by earlier runs and their answers. */
  answers?: AnsweredQuestion[];
  /** Maintainer notes from plan.md. */
  notes?: string[];
  /** The `## The thread` section (`core/thread-context.ts`): budgeted and cleaned already, so never cut here. */
  thread?: string;
}

/** Larger pieces are cut so the prompt always fits on a command line. */
const MAX_PIECE = 20_000;

export function buildPrompt(opts: PromptOptions): string {
  const { spec, paths } = opts;
  const answers = opts.answers ?? [];
  const notes = opts.notes ?? [];
  const context = opts.context?.trim() ?? "";
  const resumed = opts.resumed ?? (context.length > 0 || answers.length > 0);
  const parts: string[] = [];

  parts.push(`You are working one task for dispatch, unattended, in a git worktree of the repository.`);
  parts.push(`# Task: ${spec.title}\n\n${cut(spec.prompt.trim() || spec.title)}`);
  if (opts.thread?.trim()) parts.push(opts.thread.trim());

  if (resumed) {
    parts.push(
      `# You are resuming this task\n\nAn earlier run stopped before finishing. Continue from the first item that is not ticked; do not redo ticked items.`,
    );
  }
  if (context) parts.push(`## Where the work stands (${paths.context})\n\n${cut(context)}`);
  if (answers.length > 0) {
    const lines = answers.map((a) => `- Question ${pad(a.seq)}: ${oneBlock(a.question)}\n  Answer: ${oneBlock(a.answer)}`);
    parts.push(`## Answers from the maintainer\n\n${lines.join("\n")}`);
  }
  if (notes.length > 0) parts.push(`## Notes from the maintainer\n\n${notes.map((n) => `- ${oneBlock(n)}`).join("\n")}`);

  parts.push(`## Your checklist (${paths.plan})\n\n${cut(opts.plan.trim())}`);

  const rules = [
    `Work the checklist in ${paths.plan} from top to bottom. The first item that is not ticked is the one in progress.`,
    `Tick each item as soon as it is done by changing \`- [ ]\` to \`- [x]\` in ${paths.plan}; you may add a short note after " — ". Save the file after each tick: the maintainer watches it live.`,
    opts.starter
      ? `This checklist is only a starting point: first replace its items with the concrete steps this task needs (one item for a small edit, five to eight for an investigation), keeping "Write a summary to output.md" last, then work them.`
      : `These items were given by the maintainer or an earlier run: keep them and their order. You may add items but do not drop any.`,
    `When you need a decision only the maintainer can make, run \`"$DISPATCH_ASK" "your question"\` in the shell ($DISPATCH_ASK is the absolute path of dispatch-ask, which is also on PATH). It waits for the answer and prints it. If it exits with code 3 nobody answered in time: write where the work stands to ${paths.context} and stop at once, leaving the item unticked. Ask only when you cannot reasonably decide yourself.`,
    `On an error you cannot recover from, mark the item \`- [!]\` with the reason on the next line, indented by two spaces, and stop.`,
    `Write your summary for the maintainer (what you did, what you found, what is left) to ${paths.output}.`,
    `Never run git push, never change git remotes or configuration, and never touch files outside this worktree. Commit nothing: dispatch commits and pushes your work (the repository's .git is read-only for you).`,
    `Files under .github/workflows/ are out of reach: the job's token cannot push changes to them, so dispatch leaves such changes out. Describe a needed workflow change in ${paths.output} instead.`,
    `Do not edit the front matter of ${paths.plan} or anything under ${paths.dir}/ipc/.`,
  ];
  parts.push(`## How to work\n\n${rules.map((r, i) => `${i + 1}. ${r}`).join("\n")}`);
  return parts.join("\n\n") + "\n";
}

function pad(seq: number): string {
  return String(seq).padStart(3, "0");
}

function oneBlock(text: string): string {
  return cut(text.trim()).replace(/\n/g, "\n  ");
}

function cut(text: string): string {
  return text.length <= MAX_PIECE ? text : `${text.slice(0, MAX_PIECE)}\n… (cut: ${text.length - MAX_PIECE} more characters)`;
}
