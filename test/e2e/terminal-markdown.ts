/**
 * GitHub-flavoured markdown of a comment as a person sees it rendered on GitHub, as terminal text: hidden HTML
 * comments and tags gone, entities (`&emsp;`, `&mdash;`, `&#8288;`) decoded, backslash escapes resolved, emphasis,
 * code spans and links shown as their text (bold and italic in ANSI when `ansi` is on), quotes behind `│`, tables in
 * aligned columns. Only what the app's comments use; used by the sandbox (`npm run sandbox`).
 */

export interface TerminalOptions {
  /** Bold, italic, dim and underline with ANSI escape codes (a terminal); plain text otherwise. */
  ansi?: boolean;
}

const ENTITIES: Record<string, string> = {
  emsp: "  ",
  ensp: " ",
  nbsp: " ",
  mdash: "—",
  ndash: "–",
  hellip: "…",
  middot: "·",
  amp: "&",
  lt: "<",
  gt: ">",
  quot: '"',
  apos: "'",
};
/** CommonMark: a backslash before ASCII punctuation shows the character itself. */
const ESCAPE = /\\([!-/:-@[-`{-~])/g;
/** Private-use characters stand for escaped characters while emphasis is read, so `\*` never starts emphasis. */
const HOLD_BASE = 0xe000;

export function renderForTerminal(markdown: string, options: TerminalOptions = {}): string {
  const style = styles(options.ansi ?? false);
  const text = markdown.replace(/\r\n?/g, "\n").replace(/<!--[\s\S]*?-->/g, "");
  const out: string[] = [];
  let fence: string | null = null;
  let table: string[][] = [];
  const flushTable = () => {
    if (table.length > 0) out.push(...alignTable(table));
    table = [];
  };
  for (const line of text.split("\n")) {
    const fenceMark = /^ {0,3}(```+|~~~+)/.exec(line)?.[1];
    if (fence !== null) {
      if (fenceMark && fenceMark.startsWith(fence)) fence = null;
      else out.push(`    ${line}`);
      continue;
    }
    if (fenceMark) {
      flushTable();
      fence = fenceMark;
      continue;
    }
    if (/^\s*\|.*\|\s*$/.test(line)) {
      if (/^\s*\|(\s*:?-+:?\s*\|)+\s*$/.test(line)) continue;
      table.push(splitCells(line).map((cell) => inline(cell, style)));
      continue;
    }
    flushTable();
    out.push(block(line, style));
  }
  flushTable();
  return out
    .join("\n")
    .replace(/\n{3,}/g, "\n\n")
    .replace(/^\n+|\s+$/g, "");
}

function block(line: string, style: Style): string {
  const heading = /^ {0,3}#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
  if (heading) return style.bold(inline(heading[1]!, style));
  const quote = /^ {0,3}>\s?(.*)$/.exec(line);
  if (quote) return style.dim("│ ") + block(quote[1]!, style);
  if (/^ {0,3}([-*_])(\s*\1){2,}\s*$/.test(line)) return style.dim("─".repeat(40));
  const bullet = /^(\s*)[-*+]\s+(.*)$/.exec(line);
  if (bullet) return `${bullet[1]}• ${inline(bullet[2]!, style)}`;
  return inline(line, style);
}

/** One line of inline markdown as shown text. */
export function inline(markdown: string, style: Style = styles(false)): string {
  const held: string[] = [];
  const hold = (text: string) => String.fromCharCode(HOLD_BASE + held.push(text) - 1);
  // Code spans first: nothing inside them is markdown.
  let text = markdown.replace(/(`+)(.+?)\1/g, (_, _ticks: string, code: string) => hold(style.code(decodeEntities(code.trim() === "" ? code : code.replace(/^ (.*) $/, "$1")))));
  text = text.replace(ESCAPE, (_, char: string) => hold(char));
  text = text
    .replace(/<br\s*\/?>/gi, " ")
    .replace(/<\/?[A-Za-z][^<>]*>/g, "")
    .replace(/!\[([^\]]*)\]\([^)]*\)/g, (_, alt: string) => alt)
    .replace(/\[([^\]]+)\]\([^)]*\)/g, (_, label: string) => style.link(label))
    .replace(/(\*\*|__)(?=\S)(.+?)(?<=\S)\1/g, (_, _mark: string, inner: string) => style.bold(inner))
    .replace(/(^|[^\w*])\*(?=\S)([^*]+?)(?<=\S)\*(?!\*)/g, (_, before: string, inner: string) => before + style.italic(inner))
    .replace(/(^|\W)_(?=\S)([^_]+?)(?<=\S)_(?!\w)/g, (_, before: string, inner: string) => before + style.italic(inner))
    .replace(/~~(?=\S)(.+?)(?<=\S)~~/g, (_, inner: string) => style.strike(inner));
  text = decodeEntities(text);
  // Held text may itself hold earlier text (an escape inside a code span is not one, so one pass back is enough).
  return text.replace(/[\uE000-\uF8FF]/g, (c) => held[c.charCodeAt(0) - HOLD_BASE] ?? c);
}

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, name: string) => {
    if (name.startsWith("#x") || name.startsWith("#X")) return safeCodePoint(Number.parseInt(name.slice(2), 16)) ?? whole;
    if (name.startsWith("#")) return safeCodePoint(Number.parseInt(name.slice(1), 10)) ?? whole;
    return ENTITIES[name.toLowerCase()] ?? whole;
  });
}

function safeCodePoint(code: number): string | undefined {
  if (!Number.isFinite(code) || code > 0x10ffff) return undefined;
  // U+2060 WORD JOINER and other invisible joiners render as nothing.
  if (code === 0x2060 || code === 0x200b) return "";
  return String.fromCodePoint(code);
}

function splitCells(line: string): string[] {
  const inner = line.trim().replace(/^\|/, "").replace(/\|$/, "");
  const cells: string[] = [];
  let current = "";
  for (let i = 0; i < inner.length; i++) {
    if (inner[i] === "\\" && inner[i + 1] === "|") {
      current += "\\|";
      i++;
    } else if (inner[i] === "|") {
      cells.push(current.trim());
      current = "";
    } else {
      current += inner[i];
    }
  }
  cells.push(current.trim());
  return cells;
}

function alignTable(rows: string[][]): string[] {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, visibleLength(cell))));
  return rows.map((row) =>
    row
      .map((cell, i) => (i === row.length - 1 ? cell : cell + " ".repeat((widths[i] ?? 0) - visibleLength(cell))))
      .join("   ")
      .trimEnd(),
  );
}

function visibleLength(text: string): number {
  // eslint-disable-next-line no-control-regex
  return [...text.replace(/\u001b\[[0-9;]*m/g, "")].length;
}

export interface Style {
  bold(text: string): string;
  italic(text: string): string;
  strike(text: string): string;
  code(text: string): string;
  link(text: string): string;
  dim(text: string): string;
}

function styles(ansi: boolean): Style {
  const wrap = (open: number, close: number) => (text: string) => (ansi ? `\u001b[${open}m${text}\u001b[${close}m` : text);
  return { bold: wrap(1, 22), italic: wrap(3, 23), strike: wrap(9, 29), code: wrap(36, 39), link: wrap(4, 24), dim: wrap(2, 22) };
}
