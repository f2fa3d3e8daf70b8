/**
 * Outbound defusing: markdown an agent wrote (a question, output.md, a pull request body) made safe to post.
 *
 * - cleaned first (`sanitizeText`: hidden comments, invisible characters, hidden elements, tokens);
 * - closing keywords cannot close: a U+2060 WORD JOINER follows the keyword and the `#` of the reference
 *   (`Fixes #1`, `closes owner/repo#2`, `resolves GH-3`, `fixed: https://github.com/o/r/issues/4`, any case), so
 *   neither GitHub's closing-keyword nor its issue-reference pattern matches, and the reader sees the same words;
 * - `@mentions` cannot ping: a word joiner after the `@` (GitHub only mentions `@` directly followed by a name);
 * - raw HTML and HTML comments are not rendered: every `<` outside code is written `&lt;`;
 * - links are shown as text unless they point into this repository: `[text](url)` becomes `text (`url`)`, an image
 *   becomes `image: `url``, a bare URL becomes `` `url` `` (code is never autolinked); reference definitions are
 *   shown as written; `other/repo#1` gets a word joiner so it creates no cross-reference;
 * - a hidden `dispatch:` marker cannot be forged (`dispatch⁠:`).
 * Code spans and fenced code blocks are left as written (GitHub renders nothing in them), except closing keywords.
 */
import { sanitizeText } from "./sanitize.js";

/** U+2060 WORD JOINER: invisible, breaks a pattern without changing what a reader sees. */
const JOINER = "\u2060";
const KEYWORD = String.raw`\b(close[sd]?|fix(?:e[sd])?|resolve[sd]?)\b`;
/** A closing keyword, what may stand between it and the reference, and the reference's `#` (or `GH-`) if any. */
const CLOSING = new RegExp(
  `${KEYWORD}([\\s:*_~\`\\\\]*)(?=#\\d|gh-\\d|[\\w.-]{1,100}\\/[\\w.-]{1,100}#\\d|https?:\\/\\/|www\\.)((?:#|gh-|[\\w.-]{1,100}\\/[\\w.-]{1,100}#)(?=\\d))?`,
  "gi",
);
const MENTION = /(^|[^\w`])@(?=[A-Za-z0-9])/g;
const MARKER = /dispatch:/gi;
const LINK = /(!?)\[([^[\]\n]{0,1000})\]\(\s*<?([^\s()<>]+)>?(?:\s+(?:"[^"\n]*"|'[^'\n]*'))?\s*\)/g;
const BARE_URL = /(?:https?:\/\/|www\.)[^\s<>`"'()[\]]+/gi;
const DEFINITION = /^( {0,3})\[(?=[^\]\n]+\]:)/gm;
const CROSS_REFERENCE = /\b([\w.-]{1,100}\/[\w.-]{1,100})#(?=\d)/g;
const TRAILING_PUNCTUATION = /[.,;:!?*_~]+$/;

export interface DefuseOptions {
  /** `https://github.com/<owner>/<repo>`: links into it stay links. Absent: every link is shown as text. */
  repoUrl?: string;
}

/** Agent-written markdown, defused as described above. Never throws. */
export function defuseMarkdown(markdown: string, opts: DefuseOptions = {}): string {
  const text = sanitizeText(markdown).replace(/\r\n?/g, "\n");
  const out = splitCode(text)
    .map((part) => (part.code ? part.text : defuseProse(part.text, opts)))
    .join("");
  return breakClosingKeywords(out, JOINER);
}

/** One line of plain text (a pull request title): cleaned, on one line, no closing keyword, no mention. */
export function defuseLine(text: string): string {
  const line = sanitizeText(text)
    .split(/[\r\n]+/)
    .map((part) => part.trim())
    .filter((part) => part !== "")
    .join(" ");
  return breakClosingKeywords(line, JOINER).replace(MENTION, `$1@${JOINER}`);
}

/**
 * Every closing keyword followed by an issue reference or URL gets `joiner` after it and after the reference's `#`.
 * `joiner` is U+2060 itself, or `&#8288;` in text that is read back with `unescapeInline`.
 */
export function breakClosingKeywords(text: string, joiner: string): string {
  return text.replace(CLOSING, (_whole, keyword: string, between: string, ref: string | undefined) =>
    ref === undefined ? `${keyword}${joiner}${between}` : `${keyword}${joiner}${between}${ref}${joiner}`,
  );
}

/** Whether `url` points into the repository at `repoUrl` (the repository page itself or anything under it). */
export function isRepositoryUrl(url: string, repoUrl: string | undefined): boolean {
  if (!repoUrl) return false;
  const base = repoUrl.replace(/\/+$/, "");
  if (/\/\.\.?(?:[/?#]|$)|%2e|\\/i.test(url)) return false;
  return url === base || url.startsWith(`${base}/`) || url.startsWith(`${base}#`) || url.startsWith(`${base}?`);
}

/**
 * The run link a plan may set: an Actions run (or job) of this repository. Anything else an agent wrote in the
 * front matter (`run: https://evil.example`) is not taken.
 */
export function isRunUrl(url: string | undefined, repoUrl: string | undefined): url is string {
  if (url === undefined || !repoUrl) return false;
  const base = repoUrl.replace(/\/+$/, "");
  if (!url.startsWith(`${base}/actions/runs/`)) return false;
  return /^\d+(?:\/(?:job\/\d+|attempts\/\d+))?\/?$/.test(url.slice(`${base}/actions/runs/`.length));
}

function defuseProse(text: string, opts: DefuseOptions): string {
  return text
    .replace(/</g, "&lt;")
    .replace(MARKER, `dispatch${JOINER}:`)
    .replace(MENTION, `$1@${JOINER}`)
    .replace(DEFINITION, "$1\\[")
    .replace(CROSS_REFERENCE, (whole, repo: string) => (isThisRepository(repo, opts.repoUrl) ? whole : `${repo}#${JOINER}`))
    .replace(new RegExp(`${LINK.source}|${BARE_URL.source}`, "gi"), (whole, bang?: string, label?: string, url?: string) => {
      if (url === undefined) return bareUrl(whole, opts);
      if (isRepositoryUrl(url, opts.repoUrl)) return whole;
      const shown = codeSpan(url);
      if (bang) return `image: ${shown}`;
      const words = (label ?? "").replace(BARE_URL, (inner) => bareUrl(inner, opts)).trim();
      return words === "" ? shown : `${words} (${shown})`;
    });
}

function bareUrl(url: string, opts: DefuseOptions): string {
  const trailing = TRAILING_PUNCTUATION.exec(url)?.[0] ?? "";
  const bare = url.slice(0, url.length - trailing.length);
  if (isRepositoryUrl(bare, opts.repoUrl)) return url;
  return codeSpan(bare) + trailing;
}

function isThisRepository(repo: string, repoUrl: string | undefined): boolean {
  if (!repoUrl) return false;
  return repoUrl.toLowerCase().replace(/\/+$/, "").endsWith(`/${repo.toLowerCase()}`);
}

function codeSpan(text: string): string {
  return "`" + text.replace(/`/g, "") + "`";
}

/** The text in prose and code parts: fenced code blocks (to their closing fence, else the end) and code spans. */
function splitCode(text: string): Array<{ code: boolean; text: string }> {
  const parts: Array<{ code: boolean; text: string }> = [];
  const lines = text.split("\n");
  let prose: string[] = [];
  const flushProse = () => {
    if (prose.length > 0) parts.push(...splitSpans(prose.join("\n") + "\n"));
    prose = [];
  };
  for (let i = 0; i < lines.length; i++) {
    const open = /^ {0,3}(`{3,}|~{3,})/.exec(lines[i]!);
    if (!open || (open[1]![0] === "`" && lines[i]!.slice(open[0].length).includes("`"))) {
      prose.push(lines[i]!);
      continue;
    }
    flushProse();
    const fence = open[1]!;
    const close = new RegExp(`^ {0,3}${fence[0] === "`" ? "`" : "~"}{${fence.length},}\\s*$`);
    let end = i + 1;
    while (end < lines.length && !close.test(lines[end]!)) end++;
    parts.push({ code: true, text: lines.slice(i, end + 1).join("\n") + "\n" });
    i = end;
  }
  flushProse();
  const joined = parts.map((p) => p.text).join("");
  // The split added a line break at the end; take it off again when the text had none.
  if (joined.length > text.length) {
    const last = parts[parts.length - 1]!;
    last.text = last.text.slice(0, last.text.length - (joined.length - text.length));
  }
  return parts;
}

/**
 * Inline code spans (a run of backticks to the next run of the same length) apart from the prose around them.
 * Linear: each run's partner is found from a table built from the end.
 */
function splitSpans(text: string): Array<{ code: boolean; text: string }> {
  const runs = [...text.matchAll(/`+/g)].map((m) => ({ at: m.index, length: m[0].length }));
  const partner: number[] = new Array(runs.length).fill(-1);
  const nextOfLength = new Map<number, number>();
  for (let i = runs.length - 1; i >= 0; i--) {
    partner[i] = nextOfLength.get(runs[i]!.length) ?? -1;
    nextOfLength.set(runs[i]!.length, i);
  }
  const parts: Array<{ code: boolean; text: string }> = [];
  let from = 0;
  for (let i = 0; i < runs.length; i++) {
    const j = partner[i]!;
    if (j < 0) continue;
    const start = runs[i]!.at;
    const end = runs[j]!.at + runs[j]!.length;
    if (start > from) parts.push({ code: false, text: text.slice(from, start) });
    parts.push({ code: true, text: text.slice(start, end) });
    from = end;
    i = j;
  }
  if (from < text.length) parts.push({ code: false, text: text.slice(from) });
  return parts;
}
