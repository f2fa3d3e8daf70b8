/**
 * Several tasks in one sentence: `/dispatch use opus to review auth and use gemini to update the README`. A task
 * runs on one model, so a paragraph handing work to two different models is one task per clause; a `then` before a
 * clause makes its task wait for the one before (`use opus to fix the bug, then use haiku to write the changelog`).
 * One model named throughout (`use opus to fix it and use opus to test it`) stays one task doing all of it.
 */
import { modelClauses } from "./directive.js";
import type { ModelAlias } from "./model.js";

export interface Clause {
  /** The clause, directives included, without the joining words around it. */
  text: string;
  /** A `then` joined it to the clause before: its task waits for that one. */
  afterPrevious: boolean;
}

export interface SentenceTasks {
  /** Words before the first clause worth giving every task (`we launch Thursday:`); empty when none. */
  context: string;
  clauses: Clause[];
}

const JOIN_CHAR = /[\s,;:.!?\u2014\u2013-]/;
/** A joining word ending the text, not the end of a longer word (read on the last few characters only). */
const JOIN_WORD = /(?<![\p{L}\p{N}])(?:and|then|also|but|so|just|please|next|afterwards)$/iu;
const THEN = /\b(?:then|next|afterwards)\b/i;
/** Words before the first clause that say nothing about the work. */
const EMPTY_LEAD = /^(?:[\s,;:.!?\u2014\u2013-]|\b(?:please|and|also|just|so|ok|okay|hi|hey)\b)*$/i;

/** The clauses of a paragraph naming at least two different models' work; null when it is one task. */
export function splitSentence(text: string, aliases: Readonly<Record<string, ModelAlias>> = {}): SentenceTasks | null {
  const starts = modelClauses(text, aliases);
  if (starts.length < 2 || new Set(starts.map((c) => c.model)).size < 2) return null;
  const clauses: Clause[] = [];
  let afterPrevious = false;
  for (const [index, clause] of starts.entries()) {
    const piece = text.slice(clause.start, starts[index + 1]?.start ?? text.length);
    const end = joinStart(piece);
    clauses.push({ text: piece.slice(0, end).trim(), afterPrevious });
    afterPrevious = THEN.test(piece.slice(end));
  }
  const lead = text.slice(0, starts[0]!.start);
  return { context: EMPTY_LEAD.test(lead) ? "" : lead.slice(0, joinStart(lead)).trim(), clauses };
}

/** Where the joining words and punctuation at the end of a clause begin (`, and then ` before the next clause). */
function joinStart(piece: string): number {
  let end = piece.length;
  for (;;) {
    const before = end;
    while (end > 0 && JOIN_CHAR.test(piece[end - 1]!)) end--;
    const from = Math.max(0, end - 12);
    const word = JOIN_WORD.exec(piece.slice(from, end));
    // A match at the window's start may be the tail of a longer word before the window.
    if (word && (word.index > 0 || from === 0 || !/[\p{L}\p{N}]/u.test(piece[from - 1]!))) end -= word[0].length;
    if (end === before) return end;
  }
}
