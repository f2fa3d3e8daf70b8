/**
 * `dispatch-ask "question"`: the agent's way to ask the maintainer. Writes the next `NNN.question`, waits for
 * `NNN.answer` (the worker fetches it onto the worktree), acknowledges with `NNN.done` and prints the answer.
 *
 * Exit codes: 0 answered (answer on stdout) · 3 timed out (stop and leave the item) · 2 usage error ·
 * 4 this run asked `MAX_QUESTIONS_PER_RUN` questions already: nothing is asked, the worker ends the task.
 */
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { link, mkdir, readdir, readFile, rename, unlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { ipcFileName, IPC_DIR, MAX_QUESTIONS_PER_RUN, nextQuestionSeq, seqLabel, temporaryName } from "../core/ipc.js";

export const ASK_ANSWERED = 0;
export const ASK_USAGE = 2;
export const ASK_TIMED_OUT = 3;
export const ASK_LIMIT = 4;

/** Environment the worker gives the agent for `dispatch-ask`. */
export const TIMEOUT_ENV = "DISPATCH_QUESTION_TIMEOUT_SECONDS";
export const POLL_ENV = "DISPATCH_ASK_POLL_MS";
/** The highest question number this run may ask. */
export const LAST_QUESTION_ENV = "DISPATCH_LAST_QUESTION";
/** Written (outside the task folder) when a question over the limit was refused: the worker ends the task. */
export const LIMIT_FILE_ENV = "DISPATCH_QUESTION_LIMIT_FILE";

export interface AskOptions {
  /** Absolute path of the task folder. */
  dir: string;
  question: string;
  timeoutMs: number;
  pollMs?: number;
  /** The highest question number this run may ask; a question past it is not written. */
  lastSeq?: number;
}

export type AskResult =
  | { answered: true; seq: number; answer: string }
  | { answered: false; seq: number }
  | { answered: false; seq: number; limited: true };

/** Ask one question and wait for its answer. */
export async function ask(opts: AskOptions): Promise<AskResult> {
  const ipc = join(opts.dir, IPC_DIR);
  await mkdir(ipc, { recursive: true });
  const next = nextQuestionSeq(await readdir(ipc));
  if (opts.lastSeq !== undefined && next > opts.lastSeq) return { answered: false, seq: next, limited: true };
  const seq = await writeQuestion(ipc, opts.question);
  const answerFile = join(ipc, ipcFileName(seq, "answer"));
  const deadline = Date.now() + opts.timeoutMs;
  const pollMs = opts.pollMs ?? 500;
  for (;;) {
    // git brings the answer in by creating the file, then writing it: an empty file is one being written (the app
    // never writes an empty answer), so it is read again until its text is there.
    const answer = existsSync(answerFile) ? await readFile(answerFile, "utf8").catch(() => "") : "";
    if (answer.trim().length > 0) {
      await writeAtomic(ipc, ipcFileName(seq, "done"), `${new Date().toISOString()}\n`);
      return { answered: true, seq, answer };
    }
    if (Date.now() >= deadline) return { answered: false, seq };
    await sleep(Math.min(pollMs, Math.max(1, deadline - Date.now())));
  }
}

/** Write the next `NNN.question` atomically; a number another asker took meanwhile is skipped. */
async function writeQuestion(ipc: string, question: string): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const seq = nextQuestionSeq(await readdir(ipc));
    const name = ipcFileName(seq, "question");
    const tmp = join(ipc, temporaryName(name, randomBytes(6).toString("hex")));
    await writeFile(tmp, question.endsWith("\n") ? question : `${question}\n`);
    try {
      await link(tmp, join(ipc, name)); // fails when the name exists: never overwrite a question
      return seq;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    } finally {
      await unlink(tmp).catch(() => undefined);
    }
  }
  throw new Error("dispatch-ask: could not pick a question number");
}

async function writeAtomic(dir: string, name: string, text: string): Promise<void> {
  const tmp = join(dir, temporaryName(name, randomBytes(6).toString("hex")));
  await writeFile(tmp, text);
  await rename(tmp, join(dir, name));
}

export interface AskIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

/** The `dispatch-ask` program: arguments after `ask`, the agent's environment. Returns the exit code. */
export async function askMain(args: readonly string[], env: Readonly<Record<string, string | undefined>>, io: AskIo): Promise<number> {
  const question = args.join(" ").trim();
  if (!question || question === "--help" || question === "-h") {
    io.stderr('usage: dispatch-ask "your question for the maintainer"\nPrints the answer. Exit 3 when nobody answered in time.\n');
    return ASK_USAGE;
  }
  const dir = env["DISPATCH_DIR"];
  if (!dir) {
    io.stderr("dispatch-ask: DISPATCH_DIR is not set; run me from a dispatch task\n");
    return ASK_USAGE;
  }
  const seconds = Number(env[TIMEOUT_ENV] ?? "1800");
  const timeoutMs = Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : 1_800_000;
  const poll = Number(env[POLL_ENV] ?? "500");
  const lastSeq = Number(env[LAST_QUESTION_ENV]);
  const result = await ask({
    dir,
    question,
    timeoutMs,
    pollMs: Number.isFinite(poll) && poll > 0 ? poll : 500,
    ...(Number.isSafeInteger(lastSeq) && lastSeq >= 0 ? { lastSeq } : {}),
  });
  if ("limited" in result) {
    const file = env[LIMIT_FILE_ENV];
    if (file) await writeFile(file, `${question}\n`).catch(() => undefined);
    io.stderr(
      `dispatch-ask: this run has asked ${MAX_QUESTIONS_PER_RUN} questions, the most a run may ask; this one was not ` +
        `asked. The task ends now: write where the work stands to context.md in the task folder and exit.\n`,
    );
    return ASK_LIMIT;
  }
  if (result.answered) {
    io.stdout(result.answer.endsWith("\n") ? result.answer : `${result.answer}\n`);
    return ASK_ANSWERED;
  }
  io.stderr(
    `dispatch-ask: question ${seqLabel(result.seq)} was not answered in time. Stop now: write where the work stands to ` +
      `context.md in the task folder, leave the current item unticked and exit. The task resumes when the answer comes.\n`,
  );
  return ASK_TIMED_OUT;
}
