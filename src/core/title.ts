/**
 * Task titles: one tidy line a person would name the task by, from the words left once directives are out.
 */

/** Longest title; longer text is cut at a word and ends with `…`. */
export const TITLE_MAX = 120;

/** Leading words a clause keeps after its directive is taken out (`, and do it …`). */
const LEADING_JOINER = /^(?:(?:and|then|also|please|just|so)\s+)+/i;

/**
 * `do a security review of the auth module.` → `Do a security review of the auth module`.
 * Whitespace and control characters collapse to one space; leftover punctuation at either end goes; empty brackets
 * left by a removed directive go; the first letter is capitalized; no trailing period.
 */
export function tidyTitle(text: string): string {
  let title = text
    .replace(/[\p{Cc}\p{Zl}\p{Zp}\s]+/gu, " ")
    .replace(/\(\s*\)|\[\s*\]/g, " ")
    .replace(/\s+([,.;:!?)])/g, "$1")
    .replace(/\(\s+/g, "(")
    .replace(/([,;:])(?:\s*[,;:])+/g, "$1")
    .replace(/ {2,}/g, " ")
    .trim();
  for (let guard = 0; guard < 4; guard++) {
    const before = title;
    title = title
      .replace(/^[\s,.;:\u2014\u2013-]+/, "")
      .replace(LEADING_JOINER, "")
      .replace(/[\s,.;:\u2014\u2013-]+$/, "");
    if (title === before) break;
  }
  return capitalize(cut(title, TITLE_MAX));
}

/** Upper-case the first letter when that keeps it one letter (`ß` stays, it would become `SS`). */
function capitalize(text: string): string {
  const first = text.codePointAt(0);
  if (first === undefined) return text;
  const letter = String.fromCodePoint(first);
  const upper = letter.toUpperCase();
  return upper.length === letter.length ? upper + text.slice(letter.length) : text;
}

/** At most `max` characters, cut at a word when one is near, ending with `…`. */
function cut(text: string, max: number): string {
  const chars = Array.from(text);
  if (chars.length <= max) return text;
  const head = chars.slice(0, max - 1).join("");
  const space = head.lastIndexOf(" ");
  const cutAt = space >= max / 2 ? head.slice(0, space) : head;
  return `${cutAt.replace(/[\s,.;:\u2014\u2013-]+$/, "")}…`;
}

/** Echo a person's words back safely: one line, no backticks, at most 40 characters, in code quotes. */
export function quoted(text: string): string {
  const clean = Array.from(text.replace(/[`\p{Cc}\s]+/gu, " ").trim());
  return `\`${clean.length > 40 ? `${clean.slice(0, 39).join("")}…` : clean.join("")}\``;
}
