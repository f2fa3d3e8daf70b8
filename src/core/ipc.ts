/**
 * IPC names: the files a worker and the app exchange on a task branch.
 *
 *   .dispatch/tasks/<id>/plan.md, output.md, context.md
 *   .dispatch/tasks/<id>/ipc/NNN.question  (worker) · NNN.answer (app) · NNN.done (worker) · .done · .cancel (app)
 */

export const DISPATCH_ROOT = ".dispatch";

export function taskDir(task: string): string {
  return `${DISPATCH_ROOT}/tasks/${task}`;
}

export const PLAN_FILE = "plan.md";
export const OUTPUT_FILE = "output.md";
export const CONTEXT_FILE = "context.md";
export const IPC_DIR = "ipc";
/** The task is finished (written by the worker in its `done` commit). */
export const DONE_FILE = ".done";
/** The maintainer cancelled the task (written by the app; the worker stops when it sees it). */
export const CANCEL_FILE = ".cancel";

export type IpcKind = "question" | "answer" | "done";

export interface IpcName {
  seq: number;
  kind: IpcKind;
}

export function planPath(task: string): string {
  return `${taskDir(task)}/${PLAN_FILE}`;
}

export function outputPath(task: string): string {
  return `${taskDir(task)}/${OUTPUT_FILE}`;
}

export function contextPath(task: string): string {
  return `${taskDir(task)}/${CONTEXT_FILE}`;
}

export function ipcDir(task: string): string {
  return `${taskDir(task)}/${IPC_DIR}`;
}

/** `001`, `002` … three digits, more only past 999. */
export function seqLabel(seq: number): string {
  return String(seq).padStart(3, "0");
}

export function ipcFileName(seq: number, kind: IpcKind): string {
  return `${seqLabel(seq)}.${kind}`;
}

export function ipcPath(task: string, seq: number, kind: IpcKind): string {
  return `${ipcDir(task)}/${ipcFileName(seq, kind)}`;
}

/** `007.answer` → { seq: 7, kind: "answer" }; anything else (temporary files, `.done`) → null. */
export function parseIpcName(name: string): IpcName | null {
  const match = /^(\d{3,})\.(question|answer|done)$/.exec(name);
  if (!match) return null;
  return { seq: Number(match[1]), kind: match[2] as IpcKind };
}

/** The most questions one run of a task may ask; asking more ends the task (see `QUESTION_LIMIT_REASON`). */
export const MAX_QUESTIONS_PER_RUN = 10;

/** Why a task that asked too many questions failed: one line for the status comment. */
export const QUESTION_LIMIT_REASON =
  `the agent asked more than ${MAX_QUESTIONS_PER_RUN} questions in one run, the most a run may ask; ` +
  "answer what it asked, add a note, or retry with clearer instructions";

/** The next question number: one more than the questions so far. */
export function nextQuestionSeq(names: Iterable<string>): number {
  let count = 0;
  for (const name of names) if (parseIpcName(name)?.kind === "question") count++;
  return count + 1;
}

/** A question with no answer yet, the lowest first; null when every question is answered. */
export function pendingQuestionSeq(names: Iterable<string>): number | null {
  const questions = new Set<number>();
  const answers = new Set<number>();
  for (const name of names) {
    const parsed = parseIpcName(name);
    if (parsed?.kind === "question") questions.add(parsed.seq);
    if (parsed?.kind === "answer") answers.add(parsed.seq);
  }
  const open = [...questions].filter((q) => !answers.has(q)).sort((a, b) => a - b);
  return open[0] ?? null;
}

/** The task's questions among the paths a commit adds (repository paths), lowest first. */
export function questionsAdded(task: string, added: readonly string[]): number[] {
  const prefix = `${ipcDir(task)}/`;
  const seqs = added.flatMap((path) => {
    if (!path.startsWith(prefix)) return [];
    const parsed = parseIpcName(path.slice(prefix.length));
    return parsed?.kind === "question" ? [parsed.seq] : [];
  });
  return seqs.sort((a, b) => a - b);
}

/**
 * What a worker's save says it is: a progress save that carries a question (the agent wrote it after the monitor's
 * last look) is named for the question, as the question's own save would have been.
 */
export function saveSubject(opts: { task: string; what: string; added: readonly string[] }): string {
  const questions = opts.what === "progress" ? questionsAdded(opts.task, opts.added) : [];
  const what = questions.length > 0 ? `question ${questions.map(seqLabel).join(", ")}` : opts.what;
  return `dispatch(${opts.task}): ${what}`;
}

/** Name for an atomic write: write here, then rename onto `finalName`. Never matches an IPC name. */
export function temporaryName(finalName: string, unique: string): string {
  return `.${finalName}.${unique}.tmp`;
}
