/**
 * Reading a status comment back: the hidden lines give the dispatch and each task, the visible item lines give the
 * checklists. Never throws, also on a body a person has edited.
 */
import { z } from "zod";
import { unescapeInline } from "./markdown-text.js";
import { routeModel } from "./model.js";
import { TASK_STATUSES, type ItemState, type PlanItem } from "./plan.js";
import {
  findStatusCommand,
  GLYPHS,
  HIDDEN_SUFFIX,
  IN_PROGRESS,
  IN_PROGRESS_SUFFIX,
  ASKING,
  ASKING_SUFFIX,
  SEPARATOR,
  TASK_PREFIX,
  VIEW_PREFIX,
  type StatusView,
  type TaskView,
} from "./status-view.js";
import { AGENTS } from "./task.js";

const ITEM_LINE = /^(?:&emsp;|\s)*(✓|⋯|❓|○|\?|✗)(?: (.*))?$/;

const viewSchema = z.object({
  issue: z.number().int().catch(0),
  base: z.string().catch(""),
  repoUrl: z.string().catch(""),
  branches: z.string().catch(""),
  suffix: z.string().catch(""),
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
  head: z.string().regex(/^[0-9a-f]{4,40}$/).optional().catch(undefined),
  question: z.object({ seq: z.number().int(), comment: z.number().int() }).optional().catch(undefined),
  reasons: z.record(z.string(), z.string()).catch({}).optional(),
  spec: z
    .object({ prompt: z.string(), steps: z.array(z.string()).catch([]).optional(), worktree: z.boolean().catch(true).optional() })
    .optional()
    .catch(undefined),
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
  const meta = head.success ? head.data : { issue: 0, base: "", repoUrl: "", branches: "", suffix: "" };
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
    branch: stored.branch ?? meta.branches + stored.id + meta.suffix,
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
  if (stored.spec) task.spec = { prompt: stored.spec.prompt, steps: stored.spec.steps ?? [], worktree: stored.spec.worktree ?? true };
  if (stored.answeredBy !== undefined && stored.answeredBy.length > 0) task.answeredBy = stored.answeredBy;
  if (stored.head !== undefined) task.head = stored.head;
  if (stored.question !== undefined) task.question = { seq: stored.question.seq, comment: stored.question.comment };
  return task;
}

function itemFrom(glyph: string, text: string, reason: string | undefined): PlanItem {
  if (glyph === IN_PROGRESS || glyph === ASKING) {
    const suffix = glyph === IN_PROGRESS ? IN_PROGRESS_SUFFIX : ASKING_SUFFIX;
    const plain = text.endsWith(suffix) ? text.slice(0, -suffix.length) : text;
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
