/**
 * The status comment: ONE comment per /dispatch command showing every task's checklist, kept live by the app.
 * It is also the app's only memory: finished tasks' final state and the questions already posted live in it.
 *
 * Layout (GitHub renders each line of a comment on its own line):
 *
 *   <!-- dispatch:status comment=1234 -->
 *   <!-- dispatch:view {"issue":42,"base":"main","repoUrl":"…","branches":"dispatch/42/"} -->
 *   ⏳ **dispatch** · 1 of 3 tasks complete
 *
 *   <!-- dispatch:task {"id":"security-review","title":"…","model":"opus","status":"running",…} -->
 *   ● **security-review** (opus) — 3/5 items complete · [run](…) · [branch](…)
 *   &emsp;✓ Scan for hardcoded secrets
 *   &emsp;⋯ Audit SQL injection risks (in progress)
 *
 * Item lines are read back from the visible text (escaped with `escapeInline`); the hidden task line holds the rest.
 * Too long for GitHub: finished tasks, then all tasks, lose their item lines; then the headlines lose their links and
 * the hidden lines keep only what the app needs (no title, run, cost); then tasks are cut with a note.
 */
import { z } from "zod";
import { escapeInline, markdownUrl, oneLine, unescapeInline } from "./markdown-text.js";
import { routeModel } from "./model.js";
import {
  currentItemIndex,
  FINISHED_STATUSES,
  progress,
  TASK_STATUSES,
  type ItemState,
  type Plan,
  type PlanItem,
  type TaskStatus,
} from "./plan.js";
import { AGENTS, type AgentName, type TaskSpec } from "./task.js";
import { dispatchUsageText, usageText } from "./usage-text.js";

export const COMMENT_LIMIT = 65_536;

export interface TaskView {
  id: string;
  title: string;
  model: string;
  agent: AgentName;
  status: TaskStatus;
  items: PlanItem[];
  branch: string;
  after: string[];
  /** URL of the Actions run or job. */
  run?: string;
  pr?: { number: number; url: string };
  /** Why the task failed or was cancelled, one line. */
  error?: string;
  cost_usd?: number;
  tokens_in?: number;
  tokens_out?: number;
  /** Question numbers already posted to the thread (never post one twice). */
  asked: number[];
  /** Ids of the comments whose answers were written to the branch (a redelivered answer is not written twice). */
  answeredBy?: number[];
}

export interface StatusView {
  /** Id of the /dispatch comment this status belongs to. */
  command: number;
  issue: number;
  /** The branch the dispatch started from. */
  base: string;
  /** `https://github.com/<owner>/<repo>`, for links to branches. */
  repoUrl: string;
  tasks: TaskView[];
}

export type { ItemState, PlanItem, TaskStatus };

const STATUS_MARKER = /^\s*<!-- dispatch:status comment=(\d+) -->/;
const VIEW_PREFIX = "<!-- dispatch:view ";
const TASK_PREFIX = "<!-- dispatch:task ";
const HIDDEN_SUFFIX = " -->";
const GLYPHS: Record<ItemState, string> = { done: "✓", pending: "○", question: "?", error: "✗" };
const IN_PROGRESS = "⋯";
const IN_PROGRESS_SUFFIX = " (in progress)";
const SEPARATOR = " — ";
const ITEM_LINE = /^(?:&emsp;|\s)*(✓|⋯|○|\?|✗)(?: (.*))?$/;
/** Visible reasons are one line of at most this many characters; the hidden line keeps the rest. */
const REASON_SHOWN = 160;

export function statusMarker(command: number): string {
  return `<!-- dispatch:status comment=${command} -->`;
}

/** The /dispatch comment a status comment belongs to: its marker must open the body. */
export function findStatusCommand(body: string): number | null {
  const match = STATUS_MARKER.exec(body);
  if (!match) return null;
  const command = Number(match[1]);
  return Number.isSafeInteger(command) ? command : null;
}

// ---------- task views ----------

export function queuedView(opts: { spec: TaskSpec; branch: string }): TaskView {
  const { spec } = opts;
  return {
    id: spec.id,
    title: spec.title,
    model: spec.model,
    agent: spec.agent,
    status: "queued",
    items: spec.steps.map((step) => ({ text: oneLine(step), state: "pending" as const })),
    branch: opts.branch,
    after: [...spec.after],
    asked: [],
  };
}

/** The task as its plan now says, keeping what only the app knows (branch, after, PR, questions posted). */
export function taskViewFromPlan(opts: { previous: TaskView; plan: Plan }): TaskView {
  const { previous, plan } = opts;
  const view: TaskView = {
    id: previous.id,
    title: plan.title || previous.title,
    model: plan.model || previous.model,
    agent: plan.agent,
    status: plan.status,
    items: plan.items.map((item) => ({ ...item })),
    branch: previous.branch,
    after: [...previous.after],
    asked: [...previous.asked],
    ...(previous.answeredBy ? { answeredBy: [...previous.answeredBy] } : {}),
  };
  const run = plan.run ?? previous.run;
  if (run !== undefined) view.run = run;
  if (previous.pr) view.pr = { ...previous.pr };
  const cost = plan.cost_usd ?? previous.cost_usd;
  if (cost !== undefined) view.cost_usd = cost;
  for (const key of ["tokens_in", "tokens_out"] as const) {
    const tokens = plan[key] ?? previous[key];
    if (tokens !== undefined) view[key] = tokens;
  }
  const failedItem = plan.items.find((item) => item.state === "error");
  if (plan.status === "failed" || plan.status === "cancelled") {
    const error = previous.error ?? (plan.status === "failed" && failedItem ? `stopped at “${failedItem.text}”` : undefined);
    if (error !== undefined) view.error = error;
  }
  return view;
}

/** A plan from a run that is over, read after the task was queued again (a retry): not the new run's state. */
export function isStalePlan(task: TaskView, plan: Plan): boolean {
  return task.status === "queued" && task.run !== undefined && plan.run === task.run;
}

export function isFinished(task: TaskView): boolean {
  return FINISHED_STATUSES.has(task.status);
}

export function dispatchFinished(view: StatusView): boolean {
  return view.tasks.every(isFinished);
}

// ---------- rendering ----------

interface Layout {
  /** Show this task's items. */
  items: (task: TaskView) => boolean;
  /** Links in headlines; title, run, cost in hidden lines. */
  full: boolean;
}

const LAYOUTS: readonly Layout[] = [
  { items: () => true, full: true },
  { items: (task) => !isFinished(task), full: true },
  { items: () => false, full: true },
  { items: () => false, full: false },
];

export function renderStatus(view: StatusView): string {
  const prefix = branchPrefix(view);
  const head = renderHead(view, prefix);
  let blocks: string[] = [];
  for (const layout of LAYOUTS) {
    blocks = view.tasks.map((task) => renderTask({ view, prefix, layout }, task));
    const text = [head, ...blocks].join("\n\n") + "\n";
    if (text.length <= COMMENT_LIMIT) return text;
  }
  return truncated(head, blocks);
}

function truncated(head: string, blocks: readonly string[]): string {
  const notice = (left: number) =>
    `_… ${left} more task${left === 1 ? "" : "s"} not shown: this comment reached GitHub's size limit. ` +
    "`/dispatch status <task>` shows one task._";
  let text = head;
  let shown = 0;
  for (const block of blocks) {
    const next = `${text}\n\n${block}`;
    if (next.length + notice(blocks.length).length + 3 > COMMENT_LIMIT) break;
    text = next;
    shown++;
  }
  return `${text}\n\n${notice(blocks.length - shown)}\n`.slice(0, COMMENT_LIMIT);
}

function renderHead(view: StatusView, prefix: string): string {
  const hidden = { issue: view.issue, base: view.base, repoUrl: view.repoUrl, branches: prefix };
  const usage = dispatchUsageText(view.tasks);
  return [statusMarker(view.command), hiddenLine(VIEW_PREFIX, hidden), headline(view.tasks), ...(usage ? [usage] : [])].join("\n");
}

/** The first line a reader sees: how many tasks are complete, and plainly when the dispatch is finished. */
function headline(tasks: readonly TaskView[]): string {
  const n = tasks.length;
  const count = (status: TaskStatus) => tasks.filter((t) => t.status === status).length;
  const done = count("done");
  const noun = (k: number) => (k === 1 ? "task" : "tasks");
  const extras = [
    [count("waiting"), "waiting for an answer"],
    [count("failed"), "failed"],
    [count("cancelled"), "cancelled"],
  ]
    .filter(([k]) => (k as number) > 0)
    .map(([k, what]) => ` · ${k} ${what}`)
    .join("");
  if (n === 0) return "✅ **dispatch** · no tasks";
  if (done === n) return n === 1 ? "✅ **dispatch** · the task is complete" : `✅ **dispatch** · all ${n} tasks complete`;
  if (tasks.every(isFinished)) return `⚠️ **dispatch** · finished · ${done} of ${n} ${noun(n)} complete${extras}`;
  return `⏳ **dispatch** · ${done} of ${n} ${noun(n)} complete${extras}`;
}

/** The branch prefix most tasks share (`dispatch/42/`), so hidden lines need not repeat each branch. */
function branchPrefix(view: StatusView): string {
  const first = view.tasks.find((t) => t.branch.endsWith(`/${t.id}`));
  return first ? first.branch.slice(0, first.branch.length - first.id.length) : "";
}

interface RenderContext {
  view: StatusView;
  /** The branch prefix most tasks share. */
  prefix: string;
  layout: Layout;
}

function renderTask(context: RenderContext, task: TaskView): string {
  const { view, layout } = context;
  const showItems = layout.items(task);
  const lines = [hiddenLine(TASK_PREFIX, storedTask(context, task, showItems))];
  lines.push(taskHeadline(view, task, layout.full));
  if (showItems) {
    const current = task.status === "running" ? currentItemIndex(task.items) : -1;
    task.items.forEach((item, index) => lines.push(itemLine(item, index === current)));
  }
  return lines.join("\n");
}

function taskHeadline(view: StatusView, task: TaskView, links: boolean): string {
  const parts = [`● **${escapeInline(task.id)}** (${escapeInline(task.model)})${SEPARATOR}${statusText(task)}`];
  if (links) {
    if (task.run) parts.push(`[run](${markdownUrl(task.run)})`);
    if (task.branch && view.repoUrl) parts.push(`[branch](${markdownUrl(`${view.repoUrl}/tree/${task.branch}`)})`);
    if (task.pr) parts.push(`[PR #${task.pr.number}](${markdownUrl(task.pr.url)})`);
    const usage = usageText(task);
    if (usage) parts.push(usage);
  }
  return parts.join(" · ");
}

function statusText(task: TaskView): string {
  const error = task.error ? `: ${escapeInline(task.error.slice(0, 300))}` : "";
  switch (task.status) {
    case "queued":
      return task.after.length > 0 ? `queued, after ${task.after.map(escapeInline).join(", ")}` : "queued";
    case "running": {
      const { done, total } = progress(task.items);
      return total > 0 ? `${done}/${total} items complete` : "running";
    }
    case "waiting":
      return "waiting for an answer";
    case "done":
      return "COMPLETE";
    case "failed":
      return `FAILED${error}`;
    case "cancelled":
      return `cancelled${error}`;
  }
}

function itemLine(item: PlanItem, inProgress: boolean): string {
  let text = escapeInline(item.text);
  if (item.state === "done" && item.note) text += SEPARATOR + escapeInline(item.note);
  if (item.state === "error" && item.reason) text += SEPARATOR + escapeInline(shownReason(item.reason));
  if (inProgress) text += IN_PROGRESS_SUFFIX;
  return `&emsp;${inProgress ? IN_PROGRESS : GLYPHS[item.state]} ${text}`;
}

function shownReason(reason: string): string {
  const first = reason.split("\n").find((l) => l.trim() !== "")?.trim() ?? "";
  return first.length > REASON_SHOWN ? `${first.slice(0, REASON_SHOWN)}…` : first;
}

function hiddenLine(prefix: string, data: unknown): string {
  // `<` and `>` as JSON escapes: the line can never close its comment early.
  return prefix + JSON.stringify(data).replace(/</g, "\\u003c").replace(/>/g, "\\u003e") + HIDDEN_SUFFIX;
}

/** What the visible text cannot give back, with defaults left out. */
function storedTask(context: RenderContext, task: TaskView, withItems: boolean): Record<string, unknown> {
  const { view, prefix } = context;
  const opts = { items: withItems, full: context.layout.full };
  const stored: Record<string, unknown> = { id: task.id };
  if (opts.full) stored.title = task.title;
  stored.model = task.model;
  if (routeModel(task.model)?.agent !== task.agent) stored.agent = task.agent;
  stored.status = task.status;
  if (task.branch !== prefix + task.id) stored.branch = task.branch;
  if (task.after.length > 0) stored.after = task.after;
  if (opts.full && task.run !== undefined) {
    if (view.repoUrl && task.run.startsWith(`${view.repoUrl}/`)) stored.runPath = task.run.slice(view.repoUrl.length);
    else stored.run = task.run;
  }
  if (task.pr) stored.pr = task.pr.url === `${view.repoUrl}/pull/${task.pr.number}` ? task.pr.number : task.pr;
  if (task.error !== undefined) stored.error = task.error;
  if (opts.full && task.cost_usd !== undefined) stored.cost_usd = task.cost_usd;
  if (opts.full && task.tokens_in !== undefined) stored.tokens_in = task.tokens_in;
  if (opts.full && task.tokens_out !== undefined) stored.tokens_out = task.tokens_out;
  if (task.asked.length > 0) stored.asked = task.asked;
  if (task.answeredBy && task.answeredBy.length > 0) stored.answeredBy = task.answeredBy;
  if (opts.items) {
    const reasons: Record<string, string> = {};
    task.items.forEach((item, index) => {
      if (item.state !== "error" || item.reason === undefined) return;
      // Kept here when the visible line cannot give it back exactly (several lines, cut, odd whitespace, empty).
      const shown = unescapeInline(escapeInline(shownReason(item.reason)));
      if (shown !== item.reason || item.reason === "") reasons[index] = item.reason;
    });
    if (Object.keys(reasons).length > 0) stored.reasons = reasons;
  }
  return stored;
}

// ---------- reading back ----------

const viewSchema = z.object({
  issue: z.number().int().catch(0),
  base: z.string().catch(""),
  repoUrl: z.string().catch(""),
  branches: z.string().catch(""),
});

const taskSchema = z.object({
  id: z.string().min(1),
  title: z.string().optional(),
  model: z.string().catch(""),
  agent: z.enum(AGENTS).optional().catch(undefined),
  status: z.enum(TASK_STATUSES),
  branch: z.string().optional(),
  after: z.array(z.string()).catch([]).optional(),
  run: z.string().optional(),
  runPath: z.string().optional(),
  pr: z.union([z.number().int(), z.object({ number: z.number().int(), url: z.string() })]).optional(),
  error: z.string().optional(),
  cost_usd: z.number().optional(),
  tokens_in: z.number().int().nonnegative().optional().catch(undefined),
  tokens_out: z.number().int().nonnegative().optional().catch(undefined),
  asked: z.array(z.number().int()).catch([]).optional(),
  answeredBy: z.array(z.number().int()).catch([]).optional(),
  reasons: z.record(z.string(), z.string()).catch({}).optional(),
});

/**
 * Read a status comment back. Null when it is not one (no marker at the top); otherwise every task whose hidden line
 * still reads, with the item lines below it. Never throws, also on a body a person has edited.
 */
export function parseStatus(body: string): StatusView | null {
  const command = findStatusCommand(body);
  if (command === null) return null;
  const lines = body.replace(/\r\n?/g, "\n").split("\n");
  const viewLine = lines.find((l) => l.startsWith(VIEW_PREFIX));
  const head = viewSchema.safeParse(viewLine ? hiddenData(viewLine, VIEW_PREFIX) : {});
  const meta = head.success ? head.data : { issue: 0, base: "", repoUrl: "", branches: "" };
  const view: StatusView = { command, issue: meta.issue, base: meta.base, repoUrl: meta.repoUrl, tasks: [] };
  let task: TaskView | null = null;
  let reasons: Record<string, string> = {};
  for (const line of lines) {
    if (line.startsWith(TASK_PREFIX)) {
      const parsed = taskSchema.safeParse(hiddenData(line, TASK_PREFIX));
      task = parsed.success ? taskFrom(parsed.data, meta) : null;
      reasons = parsed.success ? (parsed.data.reasons ?? {}) : {};
      if (task) view.tasks.push(task);
      continue;
    }
    const item = task ? ITEM_LINE.exec(line) : null;
    if (task && item) task.items.push(itemFrom(item[1]!, item[2] ?? "", reasons[task.items.length]));
  }
  return view;
}

function hiddenData(line: string, prefix: string): unknown {
  const end = line.lastIndexOf(HIDDEN_SUFFIX);
  if (end < prefix.length) return undefined;
  try {
    return JSON.parse(line.slice(prefix.length, end));
  } catch {
    return undefined;
  }
}

function taskFrom(stored: z.output<typeof taskSchema>, meta: z.output<typeof viewSchema>): TaskView {
  const task: TaskView = {
    id: stored.id,
    title: stored.title ?? stored.id,
    model: stored.model,
    agent: stored.agent ?? routeModel(stored.model)?.agent ?? "custom",
    status: stored.status,
    items: [],
    branch: stored.branch ?? meta.branches + stored.id,
    after: stored.after ?? [],
    asked: stored.asked ?? [],
  };
  const run = stored.run ?? (stored.runPath !== undefined ? meta.repoUrl + stored.runPath : undefined);
  if (run !== undefined) task.run = run;
  if (typeof stored.pr === "number") task.pr = { number: stored.pr, url: `${meta.repoUrl}/pull/${stored.pr}` };
  else if (stored.pr) task.pr = { number: stored.pr.number, url: stored.pr.url };
  if (stored.error !== undefined) task.error = stored.error;
  if (stored.cost_usd !== undefined) task.cost_usd = stored.cost_usd;
  if (stored.tokens_in !== undefined) task.tokens_in = stored.tokens_in;
  if (stored.tokens_out !== undefined) task.tokens_out = stored.tokens_out;
  if (stored.answeredBy !== undefined && stored.answeredBy.length > 0) task.answeredBy = stored.answeredBy;
  return task;
}

function itemFrom(glyph: string, text: string, reason: string | undefined): PlanItem {
  if (glyph === IN_PROGRESS) {
    const plain = text.endsWith(IN_PROGRESS_SUFFIX) ? text.slice(0, -IN_PROGRESS_SUFFIX.length) : text;
    return { text: unescapeInline(plain), state: "pending" };
  }
  const state = (Object.keys(GLYPHS) as ItemState[]).find((s) => GLYPHS[s] === glyph) ?? "pending";
  if (state !== "done" && state !== "error") return { text: unescapeInline(text), state };
  const at = text.indexOf(SEPARATOR);
  const item: PlanItem = { text: unescapeInline(at >= 0 ? text.slice(0, at) : text), state };
  const after = at >= 0 ? unescapeInline(text.slice(at + SEPARATOR.length)) : undefined;
  if (state === "done" && after !== undefined) item.note = after;
  if (state === "error") {
    const full = reason ?? after;
    if (full !== undefined) item.reason = full;
  }
  return item;
}
