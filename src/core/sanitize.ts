/**
 * Inbound cleaning: text a person or an agent wrote, before it becomes a task, a prompt, an answer, a note or a line
 * the app shows. What a reader of the rendered comment cannot see must not reach the agent, and nothing shaped like a
 * token passes on.
 *
 * `sanitizeText` removes:
 * - HTML comments, also unterminated ones (`<!-- …` to the end, as a browser hides it);
 * - invisible and format characters: every `Cf` character (zero-width space/joiners, bidi controls, word joiner,
 *   soft hyphen, BOM, the Unicode tag block U+E0000–E007F), control characters other than tab and line breaks, lone
 *   surrogates, the Hangul fillers, the combining grapheme joiner, variation selectors other than a single emoji one;
 * - elements marked `hidden` (or `display:none`) with their content, `alt`/`title` attributes, image alt text and
 *   link titles (`![alt](u)`, `[x](u "title")`, `[x]: u "title"`);
 * - token-shaped strings (`ghp_…`, `github_pat_…`, `sk-ant-…`, `sk-…`, `AIza…`, `AKIA…`, `xoxb-…`, `npm_…`, private
 *   key blocks), replaced by `***`.
 * Entities are decoded first (`&#x200B;`, `&lt;!--`, `&shy;` are what they stand for); `&amp;` stays as written, so
 * text that shows an entity keeps showing it.
 *
 * Pure and total: never throws, never makes a text longer, and cleaning a cleaned text changes nothing.
 */
import { REDACTED } from "./secret.js";

/**
 * Passes of the whole cleaning (only nested tricks need more than two). Text nested deeper than that (`&l&#x26;…`,
 * comments inside comments) loses every `&`, `<` and `>`, so nothing can decode, open a comment or a tag again.
 */
const MAX_PASSES = 6;

const INVISIBLE =
  /[\p{Cf}\p{Cs}\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u034F\u115F\u1160\u3164\uFFA0\uFE00-\uFE0D\u{E0100}-\u{E01EF}]/gu;
/** An emoji variation selector repeated (one is presentation, more is a hidden message). */
const REPEATED_SELECTOR = /(?<=[\uFE0E\uFE0F])[\uFE0E\uFE0F]+|(?<![^\uFE0E\uFE0F\s])[\uFE0E\uFE0F]+/gu;
const LINE_SEPARATORS = /[\u2028\u2029\u0085]/g;

/** Numeric entities with or without `;` (as a browser reads them), named ones with it (as markdown does). */
const ENTITY = /&(?:#[xX]([0-9a-fA-F]{1,6});?|#([0-9]{1,7});?|([A-Za-z][A-Za-z0-9]{1,31});)/g;
/** Named entities that matter here: markup, and every invisible or format character HTML has a name for. */
const NAMED: Readonly<Record<string, string>> = {
  lt: "<", LT: "<", gt: ">", GT: ">", quot: '"', QUOT: '"', apos: "'", excl: "!", dash: "‐", hyphen: "‐",
  lpar: "(", rpar: ")", lsqb: "[", rsqb: "]", lbrack: "[", rbrack: "]", colon: ":", sol: "/", bsol: "\\", num: "#",
  commat: "@", grave: "`", equals: "=", nbsp: "\u00A0", NonBreakingSpace: "\u00A0", Tab: "\t", NewLine: "\n",
  shy: "\u00AD", zwj: "\u200D", zwnj: "\u200C", lrm: "\u200E", rlm: "\u200F", ZeroWidthSpace: "\u200B",
  NegativeVeryThinSpace: "\u200B", NegativeThinSpace: "\u200B", NegativeMediumSpace: "\u200B",
  NegativeThickSpace: "\u200B", NoBreak: "\u2060", af: "\u2061", ApplyFunction: "\u2061", it: "\u2062",
  InvisibleTimes: "\u2062", ic: "\u2063", InvisibleComma: "\u2063",
};

/** `<!-- … -->`, `<!-->`, `<!--->`, `--!>` endings; an unterminated comment runs to the end. */
const COMMENT = /<!--(?:>|->|[\s\S]*?--!?>|[\s\S]*$)/g;
/** An opening tag (bounded, never crosses another `<`). */
const HIDDEN_OPEN = /<([A-Za-z][A-Za-z0-9-]{0,30})\b([^<>]{0,2000}?)(\/?)>/g;
const HIDDEN_ATTRIBUTE = /(?:^|\s)(?:hidden|aria-hidden\s*=\s*["']?true)|display\s*:\s*none|visibility\s*:\s*hidden/i;
/** `alt`, `title`, `aria-label` attributes, quoted or not. */
const QUIET_ATTRIBUTE = /\s(?:alt|title|aria-label|aria-description)\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'>]+)/gi;
const IMAGE_ALT = /!\[[^\]\n]{0,1000}\]\(/g;
/** The title of an inline link `[x](url "title")` or a reference definition `[x]: url "title"`. */
const LINK_TITLE = /(\]\(\s*<?[^\s()<>]*>?)\s+(?:"[^"\n]*"|'[^'\n]*'|\([^()\n]*\))(\s*\))/g;
const DEFINITION_TITLE = /^([ \t]{0,3}\[[^\]\n]+\]:[ \t]*\S*)(?:[ \t]+(?:"[^"\n]*"|'[^'\n]*'|\([^()\n]*\)))?[ \t]*$/gm;

/** Token shapes of the services agents and workflows use. */
const TOKEN = new RegExp(
  [
    String.raw`\bgh[opsur]_[A-Za-z0-9]{20,255}`,
    String.raw`\bgithub_pat_[A-Za-z0-9_]{20,255}`,
    String.raw`\bsk-(?:ant-|proj-|svcacct-|admin-)?(?=[A-Za-z_-]*\d)[A-Za-z0-9_-]{20,}`,
    String.raw`\bAIza[0-9A-Za-z_-]{30,}`,
    String.raw`\b(?:AKIA|ASIA)[0-9A-Z]{16}\b`,
    String.raw`\bxox[abprs]-[A-Za-z0-9-]{10,}`,
    String.raw`\bnpm_[A-Za-z0-9]{30,}`,
    String.raw`-----BEGIN[A-Z ]{0,40}PRIVATE KEY-----[\s\S]*?(?:-----END[A-Z ]{0,40}PRIVATE KEY-----|$)`,
  ].join("|"),
  "g",
);

/** `text` cleaned as described above. Anything that is not a string reads as the empty text. */
export function sanitizeText(text: string): string {
  if (typeof text !== "string") return "";
  return settle(text) ?? settle(lastResort(text)) ?? lastResort(text);
}

/** Clean until nothing changes; null when that takes more than `MAX_PASSES`. */
function settle(text: string): string | null {
  let current = text;
  for (let pass = 0; pass < MAX_PASSES; pass++) {
    const next = cleanOnce(current);
    if (next === current) return current;
    current = next;
  }
  return null;
}

function lastResort(text: string): string {
  return redactTokens(removeInvisible(text.replace(/[&<>]/g, "")));
}

/** Whether `text` holds any character `sanitizeText` removes as invisible. */
export function hasInvisible(text: string): boolean {
  return new RegExp(INVISIBLE.source, "u").test(text);
}

/** Token-shaped strings replaced by `***` (the rest of the text untouched). */
export function redactTokens(text: string): string {
  return text.replace(TOKEN, REDACTED);
}

function cleanOnce(text: string): string {
  const decoded = decodeEntities(text);
  const visible = removeInvisible(decoded);
  const shown = removeHidden(visible.replace(COMMENT, ""));
  return redactTokens(shown);
}

function removeInvisible(text: string): string {
  return text.replace(INVISIBLE, "").replace(REPEATED_SELECTOR, "").replace(LINE_SEPARATORS, "\n");
}

/** Elements marked hidden go with their content (to their closing tag, else the end); quiet attributes go. */
function removeHidden(text: string): string {
  let out = "";
  let from = 0;
  HIDDEN_OPEN.lastIndex = 0;
  for (let match = HIDDEN_OPEN.exec(text); match; match = HIDDEN_OPEN.exec(text)) {
    if (match.index < from || !HIDDEN_ATTRIBUTE.test(match[2]!)) continue;
    out += text.slice(from, match.index);
    const after = match.index + match[0].length;
    if (match[3] === "/" || /^(?:img|input|br|hr|source|meta|link)$/i.test(match[1]!)) {
      from = after;
    } else {
      const close = new RegExp(`</${match[1]}\\s*>`, "i").exec(text.slice(after));
      from = close ? after + close.index + close[0].length : text.length;
    }
    HIDDEN_OPEN.lastIndex = from;
  }
  out += text.slice(from);
  return out
    .replace(HIDDEN_OPEN, (tag) => tag.replace(QUIET_ATTRIBUTE, ""))
    .replace(IMAGE_ALT, "![](")
    .replace(LINK_TITLE, "$1$2")
    .replace(DEFINITION_TITLE, "$1");
}

/** Every entity as the character it stands for, except `&` itself (kept as written). */
function decodeEntities(text: string): string {
  if (!text.includes("&")) return text;
  return text.replace(ENTITY, (whole, hex: string | undefined, dec: string | undefined, name: string | undefined) => {
    let char: string | undefined;
    if (name !== undefined) char = NAMED[name];
    else {
      const code = hex !== undefined ? parseInt(hex, 16) : Number(dec);
      char = code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : "";
    }
    return char === undefined || char === "&" ? whole : char;
  });
}
