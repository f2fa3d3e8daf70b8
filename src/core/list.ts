/**
 * Lists in a dispatch prompt: the header before the list, the items, and whatever follows.
 *
 * Items start with `1.`, `1)`, `-`, `*` or `+`; an item continues over indented lines below it, and over unindented
 * lines that follow it directly (Markdown's lazy continuation). Lines inside ``` or ~~~ fences are text, never items.
 */

export interface ListItem {
  /** The number written before the item (`3.` → 3); null for bullets. */
  number: number | null;
  /** The item's text: its first line without the marker, then its continuation lines, dedented. */
  text: string;
}

export interface ListShape {
  /** Text before the first item. */
  header: string;
  items: ListItem[];
  /** Text after the list that is not part of an item. */
  footer: string;
}

const ITEM = /^( {0,12})(?:(\d{1,9})[.)]|[-*+])(?:[ \t]+|$)(.*)$/;
const FENCE = /^ {0,12}(`{3,}|~{3,})/;
const CHECKBOX = /^\[[ xX]\]\s+/;

interface OpenItem {
  number: number | null;
  lines: string[];
  /** Spaces to strip from continuation lines (where the item's text began). */
  contentIndent: number;
}

/** Split prompt lines (no line breaks inside) into header, items and footer. */
export function splitList(lines: readonly string[]): ListShape {
  const header: string[] = [];
  const footer: string[] = [];
  const items: OpenItem[] = [];
  let current: OpenItem | null = null;
  let listIndent: number | null = null;
  let fence: string | null = null;
  let previousBlank = true;

  const addText = (line: string) => {
    if (current) current.lines.push(dedent(line, current.contentIndent));
    else if (items.length === 0) header.push(line);
    else footer.push(line);
  };

  for (const raw of lines) {
    const line = raw.replace(/\t/g, "    ");
    if (fence !== null) {
      addText(line);
      const close = FENCE.exec(line);
      if (close && close[1]!.startsWith(fence) && line.trim() === close[1]) fence = null;
      previousBlank = false;
      continue;
    }
    const blank = line.trim().length === 0;
    const item = blank ? null : ITEM.exec(line);
    const indent = leadingSpaces(line);
    if (item && item[3]!.trim().length > 0 && (listIndent === null ? indent <= 3 : indent <= listIndent + 1)) {
      listIndent ??= indent;
      const text = item[3]!.replace(CHECKBOX, "");
      current = {
        number: item[2] === undefined ? null : Number(item[2]),
        lines: [text],
        contentIndent: line.length - item[3]!.length,
      };
      items.push(current);
      previousBlank = false;
      continue;
    }
    if (current && !blank && indent <= (listIndent ?? 0) && previousBlank) current = null;
    const opens = blank ? null : FENCE.exec(line);
    if (opens) fence = opens[1]!.charAt(0).repeat(opens[1]!.length);
    addText(line);
    previousBlank = blank;
  }

  return {
    header: header.join("\n").trim(),
    items: items.map((item) => ({ number: item.number, text: trimLines(item.lines) })),
    footer: footer.join("\n").trim(),
  };
}

/** The first paragraph of a text (its lines up to the first blank line or fence), on one line. */
export function firstParagraph(text: string, joiner = " "): string {
  const lines: string[] = [];
  for (const line of text.split("\n")) {
    if (line.trim().length === 0 || FENCE.test(line)) break;
    lines.push(line.trim());
  }
  return lines.join(joiner);
}

/** What a text is about, on one line: its first paragraph, or, when it opens with a fence, its first words outside fences. */
export function headline(text: string): string {
  const first = firstParagraph(text);
  if (/[\p{L}\p{N}]/u.test(first)) return first;
  const words = text
    .split("\n")
    .filter((line) => !FENCE.test(line))
    .join(" ")
    .replace(/\s+/g, " ")
    .trim();
  return words.slice(0, 400);
}

function leadingSpaces(line: string): number {
  return line.length - line.trimStart().length;
}

function dedent(line: string, spaces: number): string {
  const strip = Math.min(spaces, leadingSpaces(line));
  return line.slice(strip);
}

function trimLines(lines: readonly string[]): string {
  return lines.join("\n").replace(/^\s*\n/, "").trimEnd();
}
