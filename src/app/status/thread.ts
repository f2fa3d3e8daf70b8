/**
 * Everything that reads or writes a thread's status comments runs here, one run at a time per thread (through the
 * StatusWriter): one read of the thread's comments per run, then new dispatches, edits asked by commands, replies
 * made before any claim, and the refresh of every status comment a push or a command concerns.
 */
import { findStatusCommand, type TaskView } from "../../core/status-view.js";
import { parseStatus } from "../../core/status-read.js";
import { renderStatus } from "../../core/status-render.js";
import type { Thread } from "../github/client.js";
import { editComment } from "../github/comments.js";
import { readComments, type ThreadComment } from "../github/queries.js";
import { postOnce } from "./post-once.js";
import { refreshStatus } from "./refresh.js";
import type { RunContext, StatusTarget, ThreadWork } from "./run-context.js";

export function threadKey(thread: Thread): string {
  return `${thread.owner}/${thread.repo}#${thread.issue}`;
}

/** The thread's status comments, oldest first (only those written by a trusted author and readable). */
export function statusComments(comments: readonly ThreadComment[], trusts: (author: string | null) => boolean): StatusTarget[] {
  return comments.flatMap((comment) => {
    if (findStatusCommand(comment.body) === null || !trusts(comment.author)) return [];
    const view = parseStatus(comment.body);
    return view ? [{ commentId: comment.id, body: comment.body, view }] : [];
  });
}

/** The latest status comment holding `task` (or the latest at all). */
export function latestStatus(statuses: readonly StatusTarget[], task: string | null): StatusTarget | null {
  for (let i = statuses.length - 1; i >= 0; i--) {
    const status = statuses[i]!;
    if (task === null || status.view.tasks.some((t) => t.id === task)) return status;
  }
  return null;
}

export function findTask(target: StatusTarget, id: string): TaskView | undefined {
  return target.view.tasks.find((task) => task.id === id);
}

/** Replace one task of a target's view. */
export function updateTask(target: StatusTarget, id: string, change: (task: TaskView) => TaskView): void {
  target.view = { ...target.view, tasks: target.view.tasks.map((task) => (task.id === id ? change(task) : task)) };
}

/** One run for a thread: the batch of work requested since the last run. */
export async function runThread(
  items: readonly ThreadWork[],
  trusts: (author: string | null) => boolean,
): Promise<void> {
  const last = items[items.length - 1];
  if (!last) return;
  const satisfied = (comments: readonly ThreadComment[]): boolean => {
    const statuses = statusComments(comments, trusts);
    return items.every((item) => {
      if (item.kind === "dispatch") return comments.some((c) => c.id === item.command || findStatusCommand(c.body) === item.command);
      if (item.kind === "push") return statuses.some((s) => s.view.tasks.some((t) => t.branch === item.branch));
      if (item.kind === "reply") return true; // postOnce reads the latest comments itself
      return latestStatus(statuses, item.task) !== null;
    });
  };
  const comments = await readComments(last.gh, last.thread.issue, { enough: satisfied });
  const ctx: RunContext = {
    gh: last.gh,
    thread: last.thread,
    defaultBranch: last.defaultBranch,
    comments,
    statuses: statusComments(comments, trusts),
    loadConfig: memo(last.loadConfig),
    trusts,
  };
  const targets = new Set<StatusTarget>();
  for (const item of items) {
    if (item.kind === "dispatch") {
      await item.create(ctx);
    } else if (item.kind === "reply") {
      await postOnce(ctx, { body: item.body, is: item.is });
    } else if (item.kind === "push") {
      const target = [...ctx.statuses].reverse().find((s) => s.view.tasks.some((t) => t.branch === item.branch));
      if (target) targets.add(target);
      else ctx.gh.log.info(`push to ${item.branch}: no status comment on #${ctx.thread.issue} holds it, nothing to refresh`);
    } else {
      const target = latestStatus(ctx.statuses, item.task);
      let refused: string | null = null;
      if (target && item.apply) refused = (await item.apply(target, ctx)) ?? null;
      if (target && !refused && item.refresh !== false) targets.add(target);
      if (target && refused === null && item.refresh === false) await writeIfChanged(ctx, target);
      item.report({ target, refused, ctx });
    }
  }
  for (const target of targets) await refreshStatus(ctx, target);
}

/** PATCH the status comment when its rendering changed. */
export async function writeIfChanged(ctx: RunContext, target: StatusTarget): Promise<void> {
  const body = renderStatus(target.view);
  if (body === target.body) return;
  await editComment(ctx.gh, { id: target.commentId, body });
  target.body = body;
}

function memo<T>(load: () => Promise<T>): () => Promise<T> {
  let value: Promise<T> | null = null;
  return () => (value ??= load());
}
