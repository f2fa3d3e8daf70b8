/**
 * What a status comment shows and remembers: the task and dispatch views, the markers and glyphs its rendering
 * (`status-render.ts`) writes and its reading back (`status-read.ts`) parses, and how a task's view changes.
 */
import { isRunUrl } from "./defuse.js";
import { oneLine } from "./markdown-text.js";
import { FINISHED_STATUSES, type ItemState, type Plan, type PlanItem, type TaskStatus } from "./plan.js";
import { sanitizeText } from "./sanitize.js";
import type { AgentName, TaskSpec } from "./task.js";

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
  /** The unanswered question the task waits on: its number and the id of the comment that asked it on the thread. */
  question?: { seq: number; comment: number };
  /** Ids of the comments whose answers were written to the branch (a redelivered answer is not written twice). */
  answeredBy?: number[];
  /**
   * The start of the branch head's commit id when the app last read the task's files. A read of many tasks skips
   * those whose head has not moved since (see `readTasks`).
   */
  head?: string;
  /**
   * What the task was dispatched with, beyond the fields above: later starts (dependents, retries, answered waiting
   * tasks) use it, never the current text of the editable /dispatch comment. Left out of the comment only when
   * it does not fit GitHub's size limit.
   */
  spec?: RecordedSpec;
}

/** The part of a TaskSpec the view does not hold already. */
export interface RecordedSpec {
  prompt: string;
  steps: string[];
  worktree: boolean;
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
export const VIEW_PREFIX = "<!-- dispatch:view ";
export const TASK_PREFIX = "<!-- dispatch:task ";
export const HIDDEN_SUFFIX = " -->";
export const GLYPHS: Record<ItemState, string> = { done: "✓", pending: "○", question: "?", error: "✗" };
export const IN_PROGRESS = "⋯";
export const IN_PROGRESS_SUFFIX = " (in progress)";
export const SEPARATOR = " — ";
/** Marks the item a task is at while it waits on an unanswered question (in place of `IN_PROGRESS`). */
export const ASKING = "❓";
export const ASKING_TEXT = "waiting for your answer";
export const ASKING_SUFFIX = ` (${ASKING_TEXT})`;

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
    spec: { prompt: spec.prompt, steps: [...spec.steps], worktree: spec.worktree },
  };
}

/** The TaskSpec to start a task with again: as recorded at the dispatch (the title as prompt when nothing was). */
export function specOfView(task: TaskView): TaskSpec {
  const recorded = task.spec ?? { prompt: task.title, steps: [], worktree: true };
  return {
    id: task.id,
    title: task.title,
    prompt: recorded.prompt,
    model: task.model,
    agent: task.agent,
    worktree: recorded.worktree,
    steps: [...recorded.steps],
    after: [...task.after],
  };
}

/**
 * The task as its plan now says, keeping what only the app knows (branch, after, PR, questions posted) and what the
 * agent may not change: title, model and agent stay the app's; the run link is taken only when it is an Actions run
 * of `repoUrl`; item texts are cleaned (`sanitizeText`).
 */
export function taskViewFromPlan(opts: { previous: TaskView; plan: Plan; repoUrl: string }): TaskView {
  const { previous, plan } = opts;
  const view: TaskView = {
    id: previous.id,
    title: previous.title,
    model: previous.model,
    agent: previous.agent,
    status: plan.status,
    items: plan.items.map(sanitizeItem),
    branch: previous.branch,
    after: [...previous.after],
    asked: [...previous.asked],
    ...(previous.answeredBy ? { answeredBy: [...previous.answeredBy] } : {}),
    ...(previous.question ? { question: { ...previous.question } } : {}),
    ...(previous.spec ? { spec: { ...previous.spec, steps: [...previous.spec.steps] } } : {}),
  };
  const run = isRunUrl(plan.run, opts.repoUrl) ? plan.run : previous.run;
  if (run !== undefined) view.run = run;
  if (previous.pr) view.pr = { ...previous.pr };
  const cost = plan.cost_usd ?? previous.cost_usd;
  if (cost !== undefined) view.cost_usd = cost;
  for (const key of ["tokens_in", "tokens_out"] as const) {
    const tokens = plan[key] ?? previous[key];
    if (tokens !== undefined) view[key] = tokens;
  }
  const failedItem = view.items.find((item) => item.state === "error");
  if (plan.status === "failed" || plan.status === "cancelled") {
    const error = previous.error ?? (plan.status === "failed" && failedItem ? `stopped at “${failedItem.text}”` : undefined);
    if (error !== undefined) view.error = error;
  }
  return view;
}

function sanitizeItem(item: PlanItem): PlanItem {
  const clean: PlanItem = { ...item, text: sanitizeText(item.text) };
  if (item.note !== undefined) clean.note = sanitizeText(item.note);
  if (item.reason !== undefined) clean.reason = sanitizeText(item.reason);
  return clean;
}

/** A plan from a run that is over, read after the task was queued again (a retry): not the new run's state. */
export function isStalePlan(task: TaskView, plan: Plan): boolean {
  return task.status === "queued" && task.run !== undefined && plan.run === task.run;
}

export function isFinished(task: TaskView): boolean {
  return FINISHED_STATUSES.has(task.status);
}

/** The task is running or waiting, blocked on a question posted to the thread and not answered yet. */
export function isAsking(task: TaskView): task is TaskView & { question: { seq: number; comment: number } } {
  return task.question !== undefined && (task.status === "running" || task.status === "waiting");
}

/** The link to the comment that asked a question (GitHub sends `/issues/N` of a pull request to `/pull/N`). */
export function questionUrl(view: StatusView, comment: number): string {
  return `${view.repoUrl}/issues/${view.issue}#issuecomment-${comment}`;
}

export function dispatchFinished(view: StatusView): boolean {
  return view.tasks.every(isFinished);
}

