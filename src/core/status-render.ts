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
 * A task blocked on an unanswered question says so, with a link to the comment that asked it:
 *
 *   ● **api-tests** (sonnet) — ❓ [waiting for your answer](…#issuecomment-5678) · [run](…) · [branch](…)
 *   &emsp;✓ Write tests for /auth endpoints
 *   &emsp;❓ Write tests for /orders endpoints (waiting for your answer)
 *
 * Item lines are read back from the visible text (escaped with `escapeInline`); the hidden task line holds the rest.
 * Too long for GitHub (256 tasks fit): finished tasks lose their item lines; then queued and finished tasks fold to
 * one line each (no links), while running and waiting tasks keep their checklists and links; then every task loses
 * its items; then the headlines lose their links and the hidden lines keep only what the app needs (no title, cost;
 * the run stays, so a retried task's old plan is never read as its new run's); then tasks are cut with a note.
 */
import { escapeInline, markdownUrl, unescapeInline } from "./markdown-text.js";
import { routeModel } from "./model.js";
import { currentItemIndex, progress, type PlanItem, type TaskStatus } from "./plan.js";
import {
  ASKING,
  ASKING_SUFFIX,
  ASKING_TEXT,
  COMMENT_LIMIT,
  GLYPHS,
  HIDDEN_SUFFIX,
  IN_PROGRESS,
  IN_PROGRESS_SUFFIX,
  isAsking,
  isFinished,
  questionUrl,
  SEPARATOR,
  statusMarker,
  TASK_PREFIX,
  VIEW_PREFIX,
  type StatusView,
  type TaskView,
} from "./status-view.js";
import { dispatchUsageText, usageText } from "./usage-text.js";

/** Visible reasons are one line of at most this many characters; the hidden line keeps the rest. */
const REASON_SHOWN = 160;

interface Layout {
  /** Show this task's items. */
  items: (task: TaskView) => boolean;
  /** Links in this task's headline. */
  links: (task: TaskView) => boolean;
  /** Title and cost in hidden lines. */
  full: boolean;
}

/** A task someone may be watching: running, or waiting for an answer. */
const active = (task: TaskView): boolean => task.status === "running" || task.status === "waiting" || isAsking(task);

const LAYOUTS: readonly Layout[] = [
  { items: () => true, links: () => true, full: true },
  { items: (task) => !isFinished(task), links: () => true, full: true },
  { items: active, links: active, full: true },
  { items: active, links: active, full: false },
  { items: () => false, links: active, full: false },
  { items: () => false, links: () => false, full: false },
];
/** After this layout fails, the watched tasks' checklists are kept for as many of them as fit. */
const PARTIAL_AFTER = 3;

export function renderStatus(view: StatusView): string {
  const prefix = branchPrefix(view);
  const head = renderHead(view, prefix);
  const render = (layout: Layout) => view.tasks.map((task) => renderTask({ view, prefix, layout }, task));
  const fits = (blocks: readonly string[]) => [head, ...blocks].join("\n\n").length + 1 <= COMMENT_LIMIT;
  const done = (blocks: readonly string[]) => [head, ...blocks].join("\n\n") + "\n";
  let blocks: string[] = [];
  for (const [index, layout] of LAYOUTS.entries()) {
    blocks = render(layout);
    if (fits(blocks)) return done(blocks);
    if (index !== PARTIAL_AFTER) continue;
    // Not every watched task's checklist fits: keep as many as do, in the order of the tasks.
    const watched = view.tasks.filter(active);
    let low = 0;
    let high = watched.length - 1;
    let best: string[] | null = null;
    while (low <= high) {
      const k = Math.floor((low + high) / 2);
      const shown = new Set(watched.slice(0, k));
      const tried = render({ ...layout, items: (task) => shown.has(task) });
      if (fits(tried)) {
        best = tried;
        low = k + 1;
      } else high = k - 1;
    }
    if (best) return done(best);
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

function renderHead(view: StatusView, prefix: BranchNaming): string {
  const hidden = { issue: view.issue, base: view.base, repoUrl: view.repoUrl, branches: prefix.prefix, ...(prefix.suffix ? { suffix: prefix.suffix } : {}) };
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
    [tasks.filter((t) => t.status === "waiting" || isAsking(t)).length, "waiting for an answer"],
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

/**
 * The branch prefix most tasks share (`dispatch/42/`) and the dispatch's suffix (`-15jsaby`), so hidden lines need not
 * repeat each branch: a task's branch is `<prefix><id><suffix>` unless its line says otherwise.
 */
interface BranchNaming {
  prefix: string;
  suffix: string;
}

function branchPrefix(view: StatusView): BranchNaming {
  for (const task of view.tasks) {
    const at = task.branch.lastIndexOf(`/${task.id}`);
    if (at < 0) continue;
    const suffix = task.branch.slice(at + 1 + task.id.length);
    if (suffix === "" || /^-[a-z0-9]+$/.test(suffix)) return { prefix: task.branch.slice(0, at + 1), suffix };
  }
  return { prefix: "", suffix: "" };
}

interface RenderContext {
  view: StatusView;
  /** The branch prefix and suffix most tasks share. */
  prefix: BranchNaming;
  layout: Layout;
}

function renderTask(context: RenderContext, task: TaskView): string {
  const { view, layout } = context;
  const showItems = layout.items(task);
  const lines = [hiddenLine(TASK_PREFIX, storedTask(context, task, showItems))];
  lines.push(taskHeadline(view, task, layout.links(task)));
  if (showItems) {
    const mark = currentMark(task);
    const current = mark ? currentItemIndex(task.items) : -1;
    task.items.forEach((item, index) => lines.push(itemLine(item, index === current ? mark : null)));
  }
  return lines.join("\n");
}

/**
 * How the item the task is at shows: in progress while it runs; waiting for an answer while a question is open,
 * unless an item already carries the question (`?`); unmarked otherwise.
 */
function currentMark(task: TaskView): "progress" | "asking" | null {
  if (isAsking(task)) return task.items.some((item) => item.state === "question") ? null : "asking";
  return task.status === "running" ? "progress" : null;
}

function taskHeadline(view: StatusView, task: TaskView, links: boolean): string {
  const parts = [`● **${escapeInline(task.id)}** (${escapeInline(task.model)})${SEPARATOR}${statusText(view, task, links)}`];
  if (links) {
    if (task.run) parts.push(`[run](${markdownUrl(task.run)})`);
    if (task.branch && view.repoUrl) parts.push(`[branch](${markdownUrl(`${view.repoUrl}/tree/${task.branch}`)})`);
    if (task.pr) parts.push(`[PR #${task.pr.number}](${markdownUrl(task.pr.url)})`);
    const usage = usageText(task);
    if (usage) parts.push(usage);
  }
  return parts.join(" · ");
}

function statusText(view: StatusView, task: TaskView, links: boolean): string {
  if (isAsking(task)) {
    return links && view.repoUrl ? `${ASKING} [${ASKING_TEXT}](${markdownUrl(questionUrl(view, task.question.comment))})` : `${ASKING} ${ASKING_TEXT}`;
  }
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

function itemLine(item: PlanItem, mark: "progress" | "asking" | null): string {
  let text = escapeInline(item.text);
  if (item.state === "done" && item.note) text += SEPARATOR + escapeInline(item.note);
  if (item.state === "error" && item.reason) text += SEPARATOR + escapeInline(shownReason(item.reason));
  if (mark === "progress") return `&emsp;${IN_PROGRESS} ${text}${IN_PROGRESS_SUFFIX}`;
  if (mark === "asking") return `&emsp;${ASKING} ${text}${ASKING_SUFFIX}`;
  return `&emsp;${GLYPHS[item.state]} ${text}`;
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
  if (task.branch !== prefix.prefix + task.id + prefix.suffix) stored.branch = task.branch;
  if (task.after.length > 0) stored.after = task.after;
  if (task.run !== undefined) {
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
  if (task.head !== undefined) stored.head = task.head;
  if (task.question) stored.question = task.question;
  if (opts.full && task.spec) {
    const spec: Record<string, unknown> = { prompt: task.spec.prompt };
    if (task.spec.steps.length > 0) spec.steps = task.spec.steps;
    if (!task.spec.worktree) spec.worktree = false;
    stored.spec = spec;
  }
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
