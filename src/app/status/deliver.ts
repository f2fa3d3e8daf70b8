/**
 * A task that reached `done`: open its pull request when the branch changed something against its base (the app's
 * token makes the repository's CI run on it), or post its `output.md` as a reply when it changed nothing.
 */
import { outputReplyMarker, renderOutputReply, renderPullRequest } from "../../core/pull-request.js";
import type { StatusView, TaskView } from "../../core/status-view.js";
import { reason } from "../github/client.js";
import { changedFiles, createPullRequest, openPullRequestOf } from "../github/pulls.js";
import type { RunContext } from "./run-context.js";
import { postOnce } from "./post-once.js";
import { baseOf } from "./start-tasks.js";

export interface Delivery {
  /** The status comment the task is shown in (replies before it belong to earlier dispatches). */
  statusId: number;
  view: StatusView;
  task: TaskView;
  output: string;
}

/** The PR opened (or found already open) for the task; null when there was nothing to review or it failed. */
export async function deliverResult(ctx: RunContext, { statusId, view, task, output }: Delivery): Promise<{ number: number; url: string } | null> {
  const { gh } = ctx;
  const base = baseOf(view, task);
  try {
    if ((await changedFiles(gh, { base, head: task.branch })) === 0) {
      const marker = outputReplyMarker(task.id);
      const posted = ctx.comments.some((c) => c.id > statusId && ctx.trusts(c.author) && c.body.trimStart().startsWith(marker));
      if (posted) {
        gh.log.info(`${task.id}: its output was posted already`);
        return null;
      }
      gh.log.info(`${task.id}: no change against ${base}, posting its output`);
      const body = renderOutputReply({ task, output, repoUrl: view.repoUrl });
      await postOnce(ctx, { body, is: (c) => c.id > statusId && c.body.trimStart().startsWith(marker) });
      return null;
    }
    const existing = await openPullRequestOf(gh, task.branch);
    if (existing) return existing;
    const { title, body } = renderPullRequest({ task, output, issue: ctx.thread.issue, repoUrl: view.repoUrl });
    const pull = await createPullRequest(gh, { head: task.branch, base, title, body });
    gh.log.info(`${task.id}: opened #${pull.number}`);
    return pull;
  } catch (error) {
    gh.log.warn(`${task.id}: result not delivered: ${reason(error)}`);
    return null;
  }
}
