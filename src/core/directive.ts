/**
 * Directives: the words in a task's text that say how to run it rather than what to do —
 * the model (`use opus to …`, `(sonnet)`, `gemini: …`, `…, sonnet in a worktree`), the worktree, and `after 1:`.
 *
 * A model word inside the task's subject ("compare opus and sonnet pricing") is not a directive: only the forms
 * below are. Every pattern works on one paragraph and is linear (no nested quantifiers).
 */
import { isUnknownModel, routeModel, type ModelAlias } from "./model.js";

export interface Directives {
  /** The model word as written, lowercased (`opus`, `gpt-5`), of the last model directive; null when none. */
  model: string | null;
  worktree: boolean;
  /** References as written: item numbers (`1`) or task ids (`orders-table`). */
  after: string[];
  /** The text with every directive taken out, not yet tidied. */
  rest: string;
  /**
   * A word in a model directive's place that names no model here but looks meant as one (`use llama to …`,
   * `(sonet)`), lowercased; null when none. The caller refuses the command rather than run another model.
   */
  unknownModel: string | null;
}

interface Span {
  start: number;
  end: number;
  model?: string;
  worktree?: boolean;
  after?: string[];
}

type Aliases = Readonly<Record<string, ModelAlias>>;

/** A word that could name a model: letters, digits, `_`, `-`, and dots between them (`gemini-2.5-pro`). */
const WORD = String.raw`[A-Za-z0-9](?:[A-Za-z0-9_-]|\.(?=[A-Za-z0-9]))*`;
const REF = String.raw`(?:(?:task|item|step)\s+)?#?[A-Za-z0-9](?:[A-Za-z0-9-]){0,39}`;
const REFS = String.raw`${REF}(?:\s*(?:,|&|\band\b)\s*${REF}){0,20}`;
const WORKTREE = String.raw`(?:(?:do|run|work\s+on|put)\s+(?:it|this|them|each(?:\s+one)?)\s+)?in\s+(?:(?:a|an|its\s+own|their\s+own|a\s+separate|separate|own|isolated)\s+(?:isolated\s+|separate\s+)?worktrees?|worktrees)\b|\buse\s+(?:a\s+|separate\s+)?worktrees?\b`;

/** Words that open a request (`can you use opus to …`, `let's`, `first`): a clause begins after them. */
export const OPENER_WORDS = String.raw`please|first|now|so|and|also|just|(?:can|could|would|will)\s+you|let['\u2019]?s|i['\u2019]?d\s+like\s+(?:you\s+)?to|i\s+want\s+(?:you\s+)?to|we\s+need\s+to`;
/** Where a clause begins: the start, after punctuation or a dash, or after a joining or opening word. */
const CLAUSE = String.raw`(?<=^\s*|[.,;:!?(\u2014\u2013]\s*|\s-\s*|\b(?:then|but|${OPENER_WORDS})\s+)`;

/** `use opus to`, `dispatch sonnet for`, `have haiku` (+ verb), at the start of a clause; what follows is checked in code. */
const LEAD_VERB = new RegExp(
  // The lookahead first: the clause's lookbehind runs only where a verb starts (linear on long runs of spaces).
  String.raw`(?=\b(?:use|dispatch|have)\s)${CLAUSE}\b(use|dispatch|have)\s+(?:the\s+)?(${WORD})(?:\s+model\b)?(\s+(?:to|for)\b\s*)?`,
  "gi",
);
/** What may follow `use X` / `dispatch X` when no `to`/`for` does. */
const AFTER_USE = /^(?:\s+(?:in|on|and|with)\b|\s*[,.;:)!?]|\s*$)/i;
/** `using sonnet` — unless the subject talks about using it (`the cost of using opus`). */
const USING = new RegExp(
  String.raw`(?=using\s)(?<!\b(?:of|about|for|on|by|the|when|why|how|to|with|without|avoid|avoids|stop|start|keep|try|tried|trying|like|against|vs)\s+)\busing\s+(?:the\s+)?(${WORD})(?:\s+model\b)?(?=\s+(?:to|for|in|on|and|with)\b|\s*[,.;:)!?]|\s*$)`,
  "gi",
);
const WORKTREE_ANYWHERE = new RegExp(String.raw`\b(?:${WORKTREE})`, "gi");
const PAREN = /\(([^()]{0,120})\)/g;
const LEAD_AFTER = new RegExp(String.raw`^\s*(?:\(\s*after\s+(${REFS})\s*\)\s*:?|after\s+(${REFS})\s*:)\s*`, "i");
const LEAD_MODEL_COLON = new RegExp(String.raw`^\s*\(?(${WORD})\)?\s*:\s+`, "i");
/** Words that may open a directive clause: `and use opus`, `actually gemini`, `or rather haiku`. */
const JOINERS = String.raw`(?:(?:and|then|please|but|also|just|actually|or|rather|no|instead)\s+)*`;
/** A clause that is nothing but directives, e.g. `use opus`, `sonnet in a worktree`, `dispatch sonnet`, `worktree`. */
const PHRASE_MODEL = new RegExp(
  String.raw`^${JOINERS}(?:(?:use|using|with|on|via|dispatch|have|run\s+(?:it\s+)?(?:on|with))\s+)?(?:the\s+)?(${WORD})(?:\s+model\b)?(?:\s+instead)?(?:\s*,?\s*(?:${WORKTREE}|worktrees?))?$`,
  "i",
);
const PHRASE_WORKTREE = new RegExp(String.raw`^${JOINERS}(?:${WORKTREE}|worktrees?)$`, "i");
const PHRASE_AFTER = new RegExp(String.raw`^after\s+(${REFS})$`, "i");
const SEGMENT_BREAK = /[.,;!]+(?:\s+|$)/g;
/** Longest clause worth reading as a directive phrase. */
const PHRASE_MAX = 80;

/** Code spans and quotes: what is inside is the subject (`` `use opus to …` ``), never a directive. */
// A `"` counts only at a word's edge (not the inch mark of `3"`); an opening `“` ends where the next one starts (linear).
const QUOTED = /`[^`\n]*`|(?<![\p{L}\p{N}])"[^"\n]*"(?![\p{L}\p{N}])|\u201c[^\u201c\u201d\n]*\u201d/gu;
const PARENTHESES = /\([^()\n]*\)/g;
/** A character no cleaned comment holds (core/sanitize.ts removes invisible characters). */
const BLANK = "\u2060";

/**
 * The text with its code spans and quotes (and with `parens`, its parentheses) blanked out, the same length, so
 * positions found in it are positions in the text.
 */
export function maskQuoted(text: string, { parens = false }: { parens?: boolean } = {}): string {
  const masked = text.replace(QUOTED, (span) => BLANK.repeat(span.length));
  return parens ? masked.replace(PARENTHESES, (span) => BLANK.repeat(span.length)) : masked;
}

/** Read the directives of one paragraph of text (a task's first paragraph, or a list's header). */
export function readDirectives(text: string, aliases: Aliases = {}): Directives {
  const spans: Span[] = [];
  let unknownModel: string | null = null;
  const model = (word: string): string | undefined => {
    if (routeModel(word, aliases)) return word.toLowerCase();
    if (unknownModel === null && isUnknownModel(word, aliases)) unknownModel = word.toLowerCase();
    return undefined;
  };

  let lead = 0;
  for (let guard = 0; guard < 8; guard++) {
    const head = text.slice(lead);
    const afterMatch = LEAD_AFTER.exec(head);
    if (afterMatch) {
      spans.push({ start: lead, end: lead + afterMatch[0].length, after: splitRefs(afterMatch[1] ?? afterMatch[2] ?? "") });
      lead += afterMatch[0].length;
      continue;
    }
    const colon = LEAD_MODEL_COLON.exec(head);
    const colonModel = colon ? model(colon[1]!) : undefined;
    if (colon && colonModel) {
      spans.push({ start: lead, end: lead + colon[0].length, model: colonModel });
      lead += colon[0].length;
      continue;
    }
    break;
  }

  const masked = maskQuoted(text);
  const verbs = [...masked.matchAll(LEAD_VERB)].map((match) => ({ match, index: match.index }));
  // What follows the leading directives opens a clause too: `(after 1) use gemini to …`.
  const opening = lead > 0 ? masked.slice(lead).matchAll(LEAD_VERB).next().value : undefined;
  if (opening?.index === 0 && !verbs.some((v) => v.index === lead)) verbs.push({ match: opening, index: lead });
  for (const { match, index } of verbs) {
    const verb = match[1]!.toLowerCase();
    const word = match[2]!;
    const next = masked.slice(index + match[0].length);
    // `have X` only before a verb (`have haiku write …`); the verb stays in the title.
    if (verb === "have" ? match[3] !== undefined || !/^\s+[a-z]/i.test(next) : match[3] === undefined && !AFTER_USE.test(next)) continue;
    const named = verb === "have" ? (routeModel(word, aliases) ? word.toLowerCase() : undefined) : model(word);
    if (!named) continue;
    spans.push({ start: index, end: index + match[0].length, model: named });
  }
  for (const match of masked.matchAll(USING)) {
    const named = model(match[1]!);
    if (named) spans.push({ start: match.index, end: match.index + match[0].length, model: named });
  }
  for (const match of text.matchAll(PAREN)) {
    const inside = match[1]!.trim();
    if (/^[A-Za-z0-9][\w.-]*$/.test(inside)) model(inside);
    const found = readPhraseList(match[1]!, aliases);
    if (found) spans.push({ start: match.index, end: match.index + match[0].length, ...found });
  }
  for (const match of masked.matchAll(WORKTREE_ANYWHERE)) {
    spans.push({ start: match.index, end: match.index + match[0].length, worktree: true });
  }
  spans.push(...trailingSpans(text, aliases));

  spans.sort((a, b) => a.start - b.start || b.end - a.end);
  let chosen: string | null = null;
  let worktree = false;
  const after: string[] = [];
  for (const span of spans) {
    if (span.model) chosen = span.model;
    if (span.worktree) worktree = true;
    if (span.after) after.push(...span.after);
  }
  return { model: chosen, worktree, after: [...new Set(after)], rest: removeSpans(text, spans), unknownModel };
}

/** Where a clause that hands work to a model begins: `use opus to …`, `dispatch sonnet to …`, `have haiku write …`. */
export interface ModelClause {
  start: number;
  /** Where the work begins, after `use opus to `. */
  work: number;
  /** The model word, lowercased. */
  model: string;
}

/**
 * The clauses of a paragraph that each give a model its own work (`use opus to review auth and use gemini to update
 * the README`, `have haiku write …`), in order. A bare `use opus` is a correction of the model, `use haiku for …` what
 * a model is for: neither is a clause of its own.
 */
export function modelClauses(text: string, aliases: Aliases = {}): ModelClause[] {
  const clauses: ModelClause[] = [];
  for (const match of text.matchAll(LEAD_VERB)) {
    const have = match[1]!.toLowerCase() === "have";
    // `use haiku for short prompts` says what a model is for, not work to do: only `to` opens a clause.
    if (have ? match[3] !== undefined : !/^\s+to\b/i.test(match[3] ?? "")) continue;
    // What follows must be work: a word (`have X` takes a verb: `have haiku write …`).
    const next = have ? /\s+[a-z]/iy : /\s*[\p{L}\p{N}]/uy;
    next.lastIndex = match.index + match[0].length;
    if (next.test(text) && routeModel(match[2]!, aliases)) clauses.push({ start: match.index, work: next.lastIndex, model: match[2]!.toLowerCase() });
  }
  return clauses;
}

/** Peel clauses off the end while each is nothing but directives: `…. use opus, do it in a worktree`. */
function trailingSpans(text: string, aliases: Aliases): Span[] {
  const breaks: Array<{ start: number; end: number }> = [{ start: 0, end: 0 }];
  for (const match of text.matchAll(SEGMENT_BREAK)) breaks.push({ start: match.index, end: match.index + match[0].length });
  const spans: Span[] = [];
  let end = text.length;
  for (let i = breaks.length - 1; i >= 0; i--) {
    const brk = breaks[i]!;
    if (brk.end >= end) {
      // A break at the very end (`….`): the clause before it is the next to read.
      if (brk.start < end) end = brk.start;
      continue;
    }
    const clause = text.slice(brk.end, end).trim();
    const found = readPhrase(clause, aliases);
    if (!found) break;
    if (found.bareModel && endsWithModel(text.slice(0, brk.start), aliases)) break; // `compare opus, sonnet`: a list of models
    spans.push({ start: brk.start, end, ...found.directives });
    end = brk.start;
  }
  return spans;
}

interface PhraseResult {
  directives: Omit<Span, "start" | "end">;
  /** The clause is a model word alone. */
  bareModel: boolean;
}

/** One clause made only of directives, or null. */
function readPhrase(clause: string, aliases: Aliases): PhraseResult | null {
  // Too long to be a phrase: refused before the trailing-punctuation pattern, quadratic on long runs of spaces.
  const trimmed = clause.trim();
  if (trimmed.length > PHRASE_MAX * 2) return null;
  const text = trimmed.replace(/[.,;:!?\s]+$/, "").trim();
  if (text.length === 0 || text.length > PHRASE_MAX) return null;
  if (PHRASE_WORKTREE.test(text)) return { directives: { worktree: true }, bareModel: false };
  const after = PHRASE_AFTER.exec(text);
  if (after) return { directives: { after: splitRefs(after[1]!) }, bareModel: false };
  const match = PHRASE_MODEL.exec(text);
  if (!match || !routeModel(match[1]!, aliases)) return null;
  const worktree = /worktree/i.test(text);
  return {
    directives: { model: match[1]!.toLowerCase(), ...(worktree ? { worktree } : {}) },
    bareModel: !worktree && match[1]!.length === text.length,
  };
}

/** The inside of parentheses when every part is a directive: `(opus)`, `(after 1)`, `(sonnet, worktree)`. */
function readPhraseList(inside: string, aliases: Aliases): Omit<Span, "start" | "end"> | null {
  const parts = inside.split(/\s*(?:[,;]|\band\b(?!\s*\d))\s*/i).filter((p) => p.trim().length > 0);
  if (parts.length === 0) return null;
  const result: Omit<Span, "start" | "end"> = {};
  for (const part of parts) {
    const found = readPhrase(part, aliases);
    if (!found) return null;
    Object.assign(result, found.directives);
  }
  return result;
}

function endsWithModel(text: string, aliases: Aliases): boolean {
  const last = new RegExp(String.raw`(${WORD})\s*$`).exec(text.slice(-60));
  return last !== null && routeModel(last[1]!, aliases) !== null;
}

function splitRefs(refs: string): string[] {
  return refs
    .split(/\s*(?:,|&|\band\b)\s*/i)
    .map((r) => r.replace(/^(?:task|item|step)\s+/i, "").replace(/^#/, "").trim().toLowerCase())
    .filter((r) => r.length > 0);
}

/** The text without the spans (overlapping spans merged), pieces joined by a space. */
function removeSpans(text: string, spans: readonly Span[]): string {
  const pieces: string[] = [];
  let at = 0;
  for (const span of spans) {
    if (span.start > at) pieces.push(text.slice(at, span.start));
    at = Math.max(at, span.end);
  }
  pieces.push(text.slice(at));
  return pieces.join(" ");
}
