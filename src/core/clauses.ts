/**
 * Several tasks in one sentence: `/dispatch use opus to review auth and use gemini to update the README`. A task
 * runs on one model, so a paragraph handing work to two different models (`use <model> to …`, `have <model> <verb> …`)
 * is one task per clause. A clause's own words end at its sentence's end; what joins it to the next clause may say
 * that one waits (`then`, `after that`, `once that's done`), as may a clause's own words (`… afterwards`, `… and use
 * opus to review it`: work on what the clause before made).
 * One model named throughout (`use opus to fix it and use opus to test it`) stays one task doing all of it; clauses
 * inside code spans, quotes or parentheses are text, not tasks.
 */
import { maskQuoted, modelClauses } from "./directive.js";
import type { ModelAlias } from "./model.js";

export interface Clause {
  /** The clause's own words, directives included, without what joins it to the next. */
  text: string;
  /** Its task waits for the one before. */
  afterPrevious: boolean;
}

export interface SentenceTasks {
  /** The words before the first clause (`In separate worktrees:`), for the directives they hold. */
  lead: string;
  clauses: Clause[];
}

/** Where a sentence ends: `.`, `!` or `?` before a space, or a line break. */
const SENTENCE_END = /[.!?](?=\s|$)|\n/;
/** Joining words and punctuation at the end of a clause's words, before the next clause. */
const JOIN_CHAR = /[\s,;:\u2014\u2013-]/;
const JOIN_WORD = /(?<![\p{L}\p{N}])(?:and|then|also|but|please|just|plus)$/iu;
/** Words between two clauses that make the second wait for the first. */
const WAITS = /\b(?:then|afterwards|after\s+that|once\s+(?:that|this|it|done|finished)\b|when\s+(?:that|this|it)\s*(?:['\u2019]s|is)\s+(?:done|finished|merged))/i;
/** A clause ending in these waits for the one before (`use haiku to write the changelog afterwards`). */
const WAITS_AT_END = /\b(?:afterwards|after\s+that|once\s+(?:that|this|it)\s*(?:['\u2019]s|is)\s+(?:done|finished|merged))\s*$/i;
/** Work on what an earlier clause made (`… and use opus to review it`): that clause's task goes first. */
const REFERS_BACK = /\b(?:it|them|its|their|the\s+(?:results?|findings|fix|changes|output)|what\s+[\p{L}-]+\s+(?:wrote|did|found|made|changed|built))\b/iu;

/** The clauses of a paragraph naming at least two different models' work; null when it is one task. */
export function splitSentence(text: string, aliases: Readonly<Record<string, ModelAlias>> = {}): SentenceTasks | null {
  // Clauses inside code spans, quotes or parentheses are the subject, not tasks.
  const masked = maskQuoted(text, { parens: true });
  const starts = modelClauses(masked, aliases);
  if (starts.length < 2 || new Set(starts.map((c) => c.model)).size < 2) return null;
  const clauses: Clause[] = [];
  for (const [index, clause] of starts.entries()) {
    const next = starts[index + 1]?.start ?? text.length;
    const piece = masked.slice(clause.start, next);
    const sentence = SENTENCE_END.exec(piece);
    let end = sentence ? sentence.index : piece.length;
    if (index < starts.length - 1) end = joinStart(piece, end);
    const own = text.slice(clause.start, clause.start + end).trim();
    const before = index > 0 ? text.slice(clauseEnd(clauses, starts, index), clause.start) : "";
    const work = text.slice(clause.work, clause.start + end);
    clauses.push({ text: own, afterPrevious: index > 0 && (WAITS.test(before) || WAITS_AT_END.test(own) || REFERS_BACK.test(work)) });
  }
  return { lead: text.slice(0, starts[0]!.start).trim(), clauses };
}

/** Where the previous clause's own words end in the text (the start of what joins it to this one). */
function clauseEnd(clauses: readonly Clause[], starts: ReadonlyArray<{ start: number }>, index: number): number {
  return starts[index - 1]!.start + clauses[index - 1]!.text.length;
}

/** Where the joining words and punctuation at the end of `piece.slice(0, end)` begin. */
function joinStart(piece: string, end: number): number {
  for (;;) {
    const before = end;
    while (end > 0 && JOIN_CHAR.test(piece[end - 1]!)) end--;
    const from = Math.max(0, end - 8);
    const word = JOIN_WORD.exec(piece.slice(from, end));
    // A match at the window's start may be the tail of a longer word before the window.
    if (word && (word.index > 0 || from === 0 || !/[\p{L}\p{N}]/u.test(piece[from - 1]!))) end -= word[0].length;
    if (end === before) return end;
  }
}
