/**
 * The plan file, `.dispatch/tasks/<id>/plan.md`: YAML front matter, `# Title`, a checklist, notes.
 * Agents edit plans by hand, so reading is lenient and edits keep the agent's text.
 *
 * Reading rules (parsePlan):
 * - null only when there is no front matter or it names no `task`;
 * - an unknown or missing `status` reads as "running" (a plan on a branch is being worked unless it says otherwise);
 * - a missing `title` is the body's `# heading`, else the task id; a missing `model` is the agent's default model
 *   (`sonnet` when the agent is unknown too); a missing or unknown `agent` follows the model's family (`custom` when
 *   no family matches); a missing `issue` is 0; a missing `updated` is the epoch; `run`/`cost_usd` are dropped when odd;
 * - items are `- [ ]`, `- [x]`/`- [X]`, `- [?]`, `- [!]` lines (`*`/`+` bullets and indented items too);
 *   a done item's note follows the first ` — `; an error item's reason is the indented non-item lines below it
 *   (blank lines end it; a line starting with `\` has it removed, see `reasonLines`);
 * - notes are `> **Note:** …` lines; following `>` lines continue the same note (multi-line notes).
 */
import matter from "gray-matter";
import { oneLine } from "./markdown-text.js";
import { familyOf, FAMILY_DEFAULTS } from "./model.js";
import { sanitizeText } from "./sanitize.js";
import { AGENTS, type AgentName, type TaskSpec } from "./task.js";

export const TASK_STATUSES = ["queued", "running", "waiting", "done", "failed", "cancelled"] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];
export const FINISHED_STATUSES: ReadonlySet<TaskStatus> = new Set(["done", "failed", "cancelled"]);

/** `[ ]` pending · `[x]` done · `[?]` blocked on a question · `[!]` error */
export type ItemState = "pending" | "done" | "question" | "error";

export interface PlanItem {
  text: string;
  state: ItemState;
  /** For done items: the text after " — ". */
  note?: string;
  /** For error items: the indented line(s) below. */
  reason?: string;
}

export interface PlanMeta {
  task: string;
  title: string;
  model: string;
  agent: AgentName;
  issue: number;
  status: TaskStatus;
  /** URL of the Actions run working the task. */
  run?: string;
  /** ISO time of the last change. */
  updated: string;
  cost_usd?: number;
  /** Tokens the agent CLI reported for its runs (input, output). */
  tokens_in?: number;
  tokens_out?: number;
}

export interface Plan extends PlanMeta {
  items: PlanItem[];
  /** Maintainer notes, the text of each `> **Note:** …` line. */
  notes: string[];
}

/** The item every checklist ends with. */
export const SUMMARY_ITEM = "Write a summary to output.md";

/** The checklist of a task the maintainer gave no steps for: the agent replaces it with its own. */
export const STARTER_ITEMS: readonly string[] = [
  "Read the relevant code and replace this checklist with concrete steps",
  "Do the work and check it (build, tests)",
  SUMMARY_ITEM,
];

const EPOCH = new Date(0).toISOString();
const NOTE_SEPARATOR = " — ";
const MARKERS: Record<ItemState, string> = { pending: " ", done: "x", question: "?", error: "!" };
const META_KEYS = ["task", "title", "model", "agent", "issue", "status", "run", "updated", "cost_usd", "tokens_in", "tokens_out"] as const;
/** gray-matter caches every text it parses unless options are given: always give some. */
const MATTER_OPTIONS = { lineWidth: -1 } as {};

const ITEM_LINE = /^([ \t]*)[-*+][ \t]+\[([ xX?!])\](?:[ \t]+(.*?))?[ \t]*$/;
const NOTE_LINE = /^[ \t]*>[ \t]?\*\*Note:\*\*[ \t]?(.*?)[ \t]*$/;
const QUOTE_LINE = /^[ \t]*>[ \t]?(.*?)[ \t]*$/;
const HEADING_LINE = /^#[ \t]+(.+?)[ \t]*$/;

// ---------- reading ----------

export function parsePlan(text: string): Plan | null {
  const split = splitFrontMatter(text);
  if (!split?.data) return null;
  const data = split.data;
  const task = scalar(data.task);
  if (!task) return null;
  const lines = split.body.split("\n").map((l) => l.replace(/\r$/, ""));
  const heading = lines.map((l) => HEADING_LINE.exec(l)?.[1]).find((h) => h !== undefined);
  const agentWord = scalar(data.agent)?.toLowerCase();
  const modelWord = scalar(data.model);
  const agent: AgentName = AGENTS.includes(agentWord as AgentName)
    ? (agentWord as AgentName)
    : modelWord
      ? (familyOf(modelWord) ?? "custom")
      : "claude";
  const plan: Plan = {
    task,
    title: scalar(data.title) ?? heading ?? task,
    model: modelWord ?? FAMILY_DEFAULTS[agent],
    agent,
    issue: issueNumber(data.issue),
    status: statusOf(data.status),
    updated: timeOf(data.updated),
    items: scanChecklist(lines).map((found) => found.item),
    notes: scanNotes(lines),
  };
  const run = scalar(data.run);
  if (run) plan.run = run;
  const cost = costOf(data.cost_usd);
  if (cost !== undefined) plan.cost_usd = cost;
  const tokensIn = costOf(data.tokens_in);
  if (tokensIn !== undefined) plan.tokens_in = Math.round(tokensIn);
  const tokensOut = costOf(data.tokens_out);
  if (tokensOut !== undefined) plan.tokens_out = Math.round(tokensOut);
  return plan;
}

/** The front matter's data (null when absent or not YAML) and the body, exactly as written. */
function splitFrontMatter(text: string): { data: Record<string, unknown> | null; front: string; body: string } | null {
  if (!/^---[ \t]*\r?\n/.test(text)) return null;
  try {
    const file = matter(text, MATTER_OPTIONS);
    if (!text.endsWith(file.content)) return null;
    const data = file.data as unknown;
    const isObject = typeof data === "object" && data !== null && !Array.isArray(data);
    return {
      data: isObject ? (data as Record<string, unknown>) : null,
      front: text.slice(0, text.length - file.content.length),
      body: file.content,
    };
  } catch {
    // Not YAML (an agent wrote `title: Fix: the bug`): read `key: value` lines one by one.
    const close = /\r?\n---[ \t]*(\r?\n|$)/.exec(text.slice(3));
    if (!close) return null;
    const end = 3 + close.index + close[0].length;
    const block = text.slice(3, 3 + close.index);
    return { data: looseFrontMatter(block), front: text.slice(0, end), body: text.slice(end) };
  }
}

function looseFrontMatter(block: string): Record<string, unknown> {
  const data: Record<string, unknown> = {};
  for (const line of block.split(/\r?\n/)) {
    const match = /^([A-Za-z_][\w-]*)[ \t]*:[ \t]*(.*?)[ \t]*$/.exec(line);
    if (!match) continue;
    const value = match[2]!.replace(/[ \t]+#.*$/, "");
    data[match[1]!] = /^(["']).*\1$/.test(value) ? value.slice(1, -1) : value;
  }
  return data;
}

function scalar(value: unknown): string | undefined {
  if (typeof value === "string") return value.trim() || undefined;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return undefined;
}

function issueNumber(value: unknown): number {
  const number = typeof value === "string" ? Number(value.replace(/^#/, "")) : value;
  return typeof number === "number" && Number.isSafeInteger(number) && number > 0 ? number : 0;
}

function statusOf(value: unknown): TaskStatus {
  const word = scalar(value)?.toLowerCase();
  if (word === "canceled") return "cancelled";
  return TASK_STATUSES.includes(word as TaskStatus) ? (word as TaskStatus) : "running";
}

function timeOf(value: unknown): string {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? EPOCH : value.toISOString();
  return scalar(value) ?? EPOCH;
}

function costOf(value: unknown): number | undefined {
  const number = typeof value === "string" ? Number(value.replace(/^\$/, "")) : value;
  return typeof number === "number" && Number.isFinite(number) && number >= 0 ? number : undefined;
}

interface FoundItem {
  item: PlanItem;
  /** Index of the item's line in the body. */
  line: number;
  indent: string;
  /** Lines below the item that belong to it (its reason when an error): [line + 1, end). */
  end: number;
}

function stateOf(marker: string): ItemState {
  if (marker === "x" || marker === "X") return "done";
  if (marker === "?") return "question";
  if (marker === "!") return "error";
  return "pending";
}

function scanChecklist(lines: readonly string[]): FoundItem[] {
  const found: FoundItem[] = [];
  for (let i = 0; i < lines.length; i++) {
    const match = ITEM_LINE.exec(lines[i]!);
    if (!match) continue;
    const indent = match[1]!;
    const state = stateOf(match[2]!);
    let end = i + 1;
    while (end < lines.length && isAttached(lines[end]!, indent.length)) end++;
    const item: PlanItem = { text: match[3] ?? "", state };
    if (state === "done") {
      const at = item.text.indexOf(NOTE_SEPARATOR);
      if (at >= 0) {
        const note = item.text.slice(at + NOTE_SEPARATOR.length).trim();
        item.text = item.text.slice(0, at).trim();
        if (note) item.note = note;
      }
    }
    if (state === "error" && end > i + 1) {
      item.reason = lines
        .slice(i + 1, end)
        .map((l) => l.trim().replace(/^\\/, ""))
        .join("\n");
    }
    found.push({ item, line: i, indent, end });
  }
  return found;
}

/** An indented, non-blank line under an item that is neither an item nor a note. */
function isAttached(line: string, itemIndent: number): boolean {
  if (line.trim() === "" || ITEM_LINE.test(line) || NOTE_LINE.test(line)) return false;
  const indent = /^[ \t]*/.exec(line)![0].length;
  return indent > itemIndent;
}

function scanNotes(lines: readonly string[]): string[] {
  const notes: string[] = [];
  let current: string[] | null = null;
  const flush = () => {
    if (current) {
      const note = current.join("\n").trim();
      if (note) notes.push(note);
    }
    current = null;
  };
  for (const line of lines) {
    const note = NOTE_LINE.exec(line);
    if (note) {
      flush();
      current = [note[1]!];
      continue;
    }
    const quote = current ? QUOTE_LINE.exec(line) : null;
    if (current && quote) current.push(quote[1]!);
    else flush();
  }
  flush();
  return notes;
}

// ---------- writing ----------

export function renderPlan(plan: Plan): string {
  const body: string[] = [`# ${oneLine(plan.title)}`];
  if (plan.items.length > 0) body.push("", ...plan.items.flatMap((item) => itemLines(item, "")));
  for (const note of plan.notes) body.push("", ...noteLines(note));
  return frontMatter(metaOf(plan)) + body.join("\n") + "\n";
}

function metaOf(plan: PlanMeta): Partial<PlanMeta> {
  const meta: Record<string, unknown> = {};
  for (const key of META_KEYS) if (plan[key] !== undefined) meta[key] = plan[key];
  return meta as Partial<PlanMeta>;
}

function frontMatter(data: object): string {
  // stringify("") returns the block followed by one newline for the empty content: drop that newline.
  return matter.stringify("", data, MATTER_OPTIONS).slice(0, -1);
}

function itemLines(item: PlanItem, indent: string): string[] {
  let text = oneLine(item.text);
  if (item.state === "done" && item.note) text += NOTE_SEPARATOR + oneLine(item.note);
  const lines = [`${indent}- [${MARKERS[item.state]}]${text ? " " + text : ""}`];
  if (item.state === "error" && item.reason) lines.push(...reasonLines(item.reason, indent + "  "));
  return lines;
}

/**
 * A reason below an item: one indented line per non-blank line (blank lines are dropped, they would end the
 * reason). A line that would read as an item or a note, or starts with `\`, is written behind a `\`.
 */
function reasonLines(reason: string, indent: string): string[] {
  return reason
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== "")
    .map((l) => (/^([-*+][ \t]+\[|>|\\)/.test(l) ? `${indent}\\${l}` : `${indent}${l}`));
}

function noteLines(note: string): string[] {
  const [first = "", ...rest] = note.trim().split(/\r?\n/).map((l) => l.trimEnd());
  return [`> **Note:** ${first}`, ...rest.map((l) => (l ? `> ${l}` : ">"))];
}

/** A fresh plan for a task: the maintainer's steps, or a starter checklist; always ending with the summary item. */
export function newPlan(opts: { spec: TaskSpec; issue: number; run?: string; now: string }): Plan {
  const { spec } = opts;
  const steps = spec.steps.map(oneLine).filter((s) => s !== "");
  const texts = steps.length > 0 ? steps : [...STARTER_ITEMS];
  if (!/output\.md/i.test(texts[texts.length - 1]!)) texts.push(SUMMARY_ITEM);
  const plan: Plan = {
    task: spec.id,
    title: spec.title,
    model: spec.model,
    agent: spec.agent,
    issue: opts.issue,
    status: "running",
    updated: opts.now,
    items: texts.map((text) => ({ text, state: "pending" })),
    notes: [],
  };
  if (opts.run) plan.run = opts.run;
  return plan;
}

// ---------- editing in place ----------

/**
 * Change front matter fields and keep the body byte for byte. A field set to undefined is removed.
 * Unknown keys already there are kept. A text without front matter gets one (changes only) above it.
 */
export function setPlanMeta(text: string, changes: Partial<PlanMeta>): string {
  const split = splitFrontMatter(text);
  const data: Record<string, unknown> = { ...(split?.data ?? {}) };
  for (const [key, value] of Object.entries(changes)) {
    if (value === undefined) delete data[key];
    else data[key] = value;
  }
  if (data.updated instanceof Date) data.updated = timeOf(data.updated);
  return frontMatter(data) + (split ? split.body : text);
}

/**
 * Set the state of one checklist line, in place. `index` defaults to the current item (the first pending,
 * else the last). `reason` replaces the lines below the item; leaving an error state drops its old reason.
 * The text is returned unchanged when there is no such item.
 */
export function markItem(text: string, opts: { index?: number; state: ItemState; reason?: string }): string {
  const split = splitFrontMatter(text) ?? { front: "", body: text };
  const lines = split.body.split("\n");
  const found = scanChecklist(lines.map((l) => l.replace(/\r$/, "")));
  if (found.length === 0) return text;
  const current = currentItemIndex(found.map((f) => f.item));
  const index = opts.index ?? (current >= 0 ? current : found.length - 1);
  const target = found[index];
  if (!target) return text;
  const eol = lines[target.line]!.endsWith("\r") ? "\r" : "";
  lines[target.line] = lines[target.line]!.replace(/\[[ xX?!]\]/, `[${MARKERS[opts.state]}]`);
  const dropOld = opts.reason !== undefined || (target.item.state === "error" && opts.state !== "error");
  const replacement =
    opts.reason !== undefined ? reasonLines(opts.reason, target.indent + "  ").map((l) => l + eol) : [];
  if (dropOld) lines.splice(target.line + 1, target.end - target.line - 1, ...replacement);
  return split.front + lines.join("\n");
}

/** Append a maintainer note, cleaned (`sanitizeText`): `> **Note:** <first line>`, further lines as `> <line>` (one note, several lines). */
export function appendNote(text: string, note: string): string {
  const clean = sanitizeText(note);
  const lines = noteLines(clean);
  if (clean.trim() === "") return text;
  const eol = text.includes("\r\n") ? "\r\n" : "\n";
  let out = text;
  if (out !== "" && !out.endsWith("\n")) out += eol;
  if (out !== "" && !/(^|\n)[ \t]*\r?\n$/.test(out)) out += eol;
  return out + lines.join(eol) + eol;
}

// ---------- progress ----------

/** The item in progress: the first pending one; -1 when none is pending. */
export function currentItemIndex(items: readonly PlanItem[]): number {
  return items.findIndex((item) => item.state === "pending");
}

export function progress(items: readonly PlanItem[]): { done: number; total: number } {
  return { done: items.filter((item) => item.state === "done").length, total: items.length };
}

/** Every item ticked (and there is at least one). */
export function isComplete(items: readonly PlanItem[]): boolean {
  return items.length > 0 && items.every((item) => item.state === "done");
}
