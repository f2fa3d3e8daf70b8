/**
 * Several tasks in one sentence: `/dispatch use opus to review auth and use gemini to update the README`. A task
 * runs on one model, so a paragraph handing work to two different models (`use <model> to …`, `have <model> <verb> …`)
 * is one task per clause. A clause's own words end at its sentence's end; what joins it to the next clause may say
 * that one waits (`then`, `after that`, `once that's done`), as may its own words (`… afterwards`, `… and use opus to
 * review it`: work on what the clause before made). One model named throughout (`use opus to fix it and use opus to
 * test it`) stays one task; clauses inside code spans, quotes or parentheses are text, not tasks. Work asked for
 * outside the clauses (`refactor the parser, then use opus to …`, `…. Also bump the version.`) would go to no task:
 * such a paragraph is `unclear`, for the caller to refuse.
 */
import { maskQuoted, modelClauses, OPENER_WORDS, readDirectives, type ModelClause } from "./directive.js";
import type { ModelAlias } from "./model.js";

export interface Clause {
  /** The clause's own words, directives included, without what joins it to the next. */
  text: string;
  /** Its task waits for the one before. */
  afterPrevious: boolean;
}

export type Sentence =
  /** `lead`: the words before the first clause (`In separate worktrees:`), for the directives they hold. */
  | { kind: "tasks"; lead: string; clauses: Clause[] }
  /** Words outside every clause that ask for work (`extra`, as written). */
  | { kind: "unclear"; extra: string };

type Aliases = Readonly<Record<string, ModelAlias>>;

/** Where a sentence ends: `.`, `!` or `?` before a space (not in `e.g.`, `i.e.`, `etc.`), or a line break. */
const SENTENCE_END = /(?<!\b(?:e\.g|i\.e|etc|vs))[.!?](?=\s|$)|\n/i;
/** Joining words and punctuation at the end of a clause's words, before the next clause. */
const JOIN_CHAR = /[\s,;:\u2014\u2013-]/;
const JOIN_WORD = /(?<![\p{L}\p{N}])(?:and|then|also|but|please|just|plus)$/iu;
/** What may stand between two clauses: joining words, and the ones that make the second wait. */
const DONE = String.raw`(?:that|this|it)\s*(?:['\u2019]s|is)\s+(?:done|finished|merged)`;
const WAIT_WORDS = String.raw`then|next|afterwards|after\s+that|(?:once|when)\s+(?:${DONE}|done|finished|merged)`;
const JOINS = new RegExp(String.raw`\b(?:${WAIT_WORDS}|and|also|but|please|just|plus|finally|lastly)\b`, "gi");
const WAITS = new RegExp(String.raw`\b(?:${WAIT_WORDS})\b`, "i");
/** A clause ending in these waits for the one before (`use haiku to write the changelog afterwards`). */
const WAITS_AT_END = new RegExp(String.raw`\b(?:afterwards|after\s+that|(?:once|when)\s+${DONE})\s*$`, "i");
/** Work on what an earlier clause made (`… and use opus to review it`); lowercase, so `the IT docs` is not one. */
const REFERS_BACK = /\b(?:it|them|its|their|the\s+(?:results?|findings|fix|changes|output)|what\s+[\p{L}-]+\s+(?:wrote|did|found|made|changed|built))\b/u;
/** What may open the paragraph before the first clause. */
const OPENERS = new RegExp(String.raw`\b(?:${OPENER_WORDS}|hi|hey|ok|okay)\b`, "gi");
/** What may close the paragraph after the last clause. */
const CLOSERS = /\b(?:thanks|thank\s+you|thx|ty|cheers|please|cc)\b|@[\w-]+/gi;
const WORDS = /[\p{L}\p{N}]/u;

/** The clauses of a paragraph naming at least two different models' work; null when it is one task. */
export function splitSentence(text: string, aliases: Aliases = {}): Sentence | null {
  // Clauses inside code spans, quotes or parentheses are the subject, not tasks.
  const masked = maskQuoted(text, { parens: true });
  const starts = modelClauses(masked, aliases);
  if (starts.length < 2 || new Set(starts.map((c) => c.model)).size < 2) return null;
  const lead = text.slice(0, starts[0]!.start);
  // A lead ending in `:` is context (`we launch Thursday:`); any other words in it ask for work no clause names.
  const leadRest = readDirectives(lead, aliases).rest;
  if (!/:\s*$/.test(lead) && WORDS.test(leadRest.replace(OPENERS, " "))) return { kind: "unclear", extra: lead.trim() };
  const clauses: Clause[] = [];
  let previousEnd = 0;
  for (const [index, clause] of starts.entries()) {
    const own = ownWords({ text, masked, clause, next: starts[index + 1]?.start });
    const between = text.slice(previousEnd, clause.start);
    if (index > 0 && WORDS.test(between.replace(JOINS, " "))) return { kind: "unclear", extra: between.trim() };
    const work = readDirectives(text.slice(clause.work, clause.start + own.length), aliases).rest;
    const waits = index > 0 && (WAITS.test(between) || WAITS_AT_END.test(own) || REFERS_BACK.test(work));
    clauses.push({ text: own.trim(), afterPrevious: waits });
    previousEnd = clause.start + own.length;
  }
  const tail = text.slice(previousEnd);
  if (WORDS.test(tail.replace(CLOSERS, " "))) return { kind: "unclear", extra: tail.trim() };
  return { kind: "tasks", lead: lead.trim(), clauses };
}

/** A clause's own words: up to its sentence's end, without the joining words before the next clause. */
function ownWords({ text, masked, clause, next }: { text: string; masked: string; clause: ModelClause; next: number | undefined }): string {
  const piece = masked.slice(clause.start, next ?? text.length);
  const sentence = SENTENCE_END.exec(piece);
  let end = sentence ? sentence.index : piece.length;
  if (next !== undefined) end = joinStart(piece, end);
  return text.slice(clause.start, clause.start + end);
}

/** Where the joining words and punctuation at the end of `piece.slice(0, end)` begin. */
function joinStart(piece: string, end: number): number {
  for (;;) {
    const before = end;
    while (end > 0 && JOIN_CHAR.test(piece[end - 1]!)) end--;
    const from = Math.max(0, end - 8);
    const word = JOIN_WORD.exec(piece.slice(from, end));
    // A match at the window's start may be the tail of a longer word before the window.
    if (word && (word.index > 0 || from === 0 || !WORDS.test(piece[from - 1]!))) end -= word[0].length;
    if (end === before) return end;
  }
}
