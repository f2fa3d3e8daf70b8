/**
 * Question comments: a worker's `NNN.question`, posted once on the thread as a reply the maintainer can answer.
 *
 *   <!-- dispatch:question task=security-review seq=001 -->
 *   **❓ Question 001 from `security-review`** (opus)
 *
 *   > Should I flag INFO level logs?
 *
 *   Answer with a quote reply of this comment, or `/dispatch answer security-review <your answer>`.
 */
import { seqLabel } from "./ipc.js";
import { defuseMarkdown } from "./defuse.js";
import { escapeInline, fitText, WORD_JOINER } from "./markdown-text.js";
import { COMMENT_LIMIT } from "./status-view.js";
import { isTaskId } from "./task.js";

const MARKER = /^\s*<!-- dispatch:question task=([a-z0-9-]+) seq=(\d+) -->/;

export function questionMarker(task: string, seq: number): string {
  return `<!-- dispatch:question task=${task} seq=${seqLabel(seq)} -->`;
}

/** The visible heading a quote reply carries back (see `parseQuoteReply`). */
export function questionHeading(q: { task: string; seq: number; model: string }): string {
  return `**❓ Question ${seqLabel(q.seq)} from \`${q.task}\`** (${escapeInline(q.model)})`;
}

/** `repoUrl`: links into this repository stay links; others (and all when absent) are shown as text. */
export function renderQuestion(q: { task: string; seq: number; model: string; question: string; repoUrl?: string }): string {
  const task = safeId(q.task);
  const seq = Number.isSafeInteger(q.seq) && q.seq > 0 ? q.seq : 1;
  const head = `${questionMarker(task, seq)}\n${questionHeading({ task, seq, model: q.model })}\n\n`;
  const foot = `\n\nAnswer with a quote reply of this comment, or \`/dispatch answer ${task} <your answer>\`.\n`;
  const notice = `_… cut to fit in a comment: the whole question is in \`.dispatch/tasks/${task}/ipc/${seqLabel(seq)}.question\` on the task's branch._`;
  const text = defuseQuestion(q.question, q.repoUrl);
  const room = COMMENT_LIMIT - head.length - foot.length;
  let quoted = quote(text);
  if (quoted.length > room) {
    // Quoting adds `> ` to every line: find the longest cut of the text whose quoted form fits.
    let low = 0;
    let high = Math.min(text.length, room);
    quoted = quote(fitText(text, 0, notice)).slice(0, room);
    while (low <= high) {
      const mid = Math.floor((low + high) / 2);
      const attempt = quote(fitText(text, mid, notice));
      if (attempt.length <= room) {
        quoted = attempt;
        low = mid + 1;
      } else high = mid - 1;
    }
  }
  return head + quoted + foot;
}

/** The task and question number of a question comment; null for any other comment. */
export function parseQuestionComment(body: string): { task: string; seq: number } | null {
  const match = MARKER.exec(body);
  if (!match || !isTaskId(match[1]!)) return null;
  const seq = Number(match[2]);
  return Number.isSafeInteger(seq) && seq > 0 ? { task: match[1]!, seq } : null;
}

function safeId(task: string): string {
  if (isTaskId(task)) return task;
  const cleaned = task.toLowerCase().replace(/[^a-z0-9-]+/g, "-").replace(/-+/g, "-").replace(/^-|-$/g, "").slice(0, 40);
  return isTaskId(cleaned) ? cleaned : "task";
}

/** Agent text, defused; a heading such as "Question 002 from `x`" inside it cannot pass for the real one. */
function defuseQuestion(question: string, repoUrl: string | undefined): string {
  return defuseMarkdown(question, repoUrl ? { repoUrl } : {})
    .trim().replace(/(question)(\s+\d)/gi, `$1${WORD_JOINER}$2`);
}

function quote(text: string): string {
  if (text === "") return "> _(the question is empty)_";
  return text
    .split("\n")
    .map((line) => (line.trim() === "" ? ">" : `> ${line}`))
    .join("\n");
}
