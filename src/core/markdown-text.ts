/**
 * Text from agents and people placed into comments the app posts: shown as written, never able to forge a hidden
 * marker, ping someone, or break the comment's layout; and cut to fit GitHub's size limit.
 */
import { breakClosingKeywords } from "./defuse.js";

/** Backslash-escaped: everything that could start markdown, HTML, an entity or math inside a line. */
const SPECIAL = /[\\`*_[\]<>&()|~!$]/g;
const ESCAPED = /\\([\\`*_[\]<>&()|~!$])|&mdash;|&#8288;/g;
/** `@name` that GitHub would turn into a mention. */
const MENTION = /(^|[^\w`])@(?=[A-Za-z0-9])/g;
/** U+2060 WORD JOINER: invisible, breaks mentions and markers without changing what a reader sees. */
export const WORD_JOINER = "\u2060";
/** Where GitHub would autolink a bare URL (`https://…`, `www.…`). */
const AUTOLINK = /(https?(?=:\/\/)|www(?=\.))/gi;
/** `owner/repo#1`: a reference that would add a cross-reference to another repository's issue. */
const CROSS_REFERENCE = /\b([\w.-]{1,100}\/[\w.-]{1,100})#(?=\d)/g;

/**
 * One line of plain text as inline markdown that renders exactly as the text and reads back with `unescapeInline`.
 * Line breaks become spaces; ` — ` stays free for the renderer (em dashes are written `&mdash;`). Nothing in it is
 * active: no markup, no mention, no closing keyword, no autolinked URL (a `&#8288;` word joiner breaks each).
 */
export function escapeInline(text: string): string {
  const escaped = oneLine(text).replace(SPECIAL, "\\$&").replace(/—/g, "&mdash;").replace(MENTION, "$1@&#8288;");
  return breakClosingKeywords(escaped, "&#8288;").replace(AUTOLINK, "$1&#8288;").replace(CROSS_REFERENCE, "$1#&#8288;");
}

export function unescapeInline(markdown: string): string {
  return markdown.replace(ESCAPED, (whole, char: string | undefined) => {
    if (char !== undefined) return char;
    return whole === "&mdash;" ? "—" : "";
  });
}

/** Line breaks and the whitespace around them become one space (linear: no pattern backtracks over long blanks). */
export function oneLine(text: string): string {
  return text
    .split(/[\r\n]+/)
    .map((part) => part.trim())
    .filter((part) => part !== "")
    .join(" ");
}

/**
 * Cut `text` to at most `max` characters, ending with `notice` when cut; never splits a surrogate pair and closes
 * a code fence left open by the cut.
 */
export function fitText(text: string, max: number, notice: string): string {
  if (text.length <= max) return text;
  const fence = "\n```";
  let cut = Math.max(0, max - notice.length - fence.length - 2);
  if (cut > 0 && /[\uD800-\uDBFF]/.test(text[cut - 1]!)) cut--;
  let kept = text.slice(0, cut).trimEnd();
  if (((kept.match(/^ {0,3}(```|~~~)/gm) ?? []).length) % 2 === 1) kept += fence;
  return `${kept}\n\n${notice}`.slice(0, max);
}

/** A URL as a markdown link destination: spaces, parentheses and angle brackets percent-encoded. */
export function markdownUrl(url: string): string {
  return url.replace(/[\s()<>]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, "0")}`);
}
