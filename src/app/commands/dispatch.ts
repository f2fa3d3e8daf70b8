/**
 * `/dispatch <prompt>`: ONE status comment (every task queued) and ONE workflow_dispatch with the tasks that wait for
 * nothing. Tasks started later (dependents, retries, answered waiting tasks) go through `status/start-tasks.ts`.
 */
import { taskBranch } from "../../core/branch.js";
import { findStatusCommand, queuedView, type StatusView } from "../../core/status-view.js";
import { renderStatus } from "../../core/status-render.js";
import type { TaskSpec } from "../../core/task.js";
import { readyTasks, workflowInputs } from "../../core/workflow.js";
import { isUncertain, reason, repoUrl } from "../github/client.js";
import { createDispatch } from "../github/actions.js";
import { postOnce } from "../status/post-once.js";
import type { StatusTarget } from "../status/run-context.js";
import { writeIfChanged } from "../status/thread.js";
import type { CommandContext } from "./context.js";

/** Run a `/dispatch <prompt>` command. */
export async function dispatchCommand(cc: CommandContext, tasks: readonly TaskSpec[]): Promise<void> {
  const { gh, thread, config } = cc;
  const ready = readyTasks(tasks, new Set());
  const inputs = workflowInputs({
    issue: thread.issue,
    base: cc.base,
    comment: cc.comment.id,
    tasks: ready,
    branchPrefix: config.branch_prefix,
    questionTimeoutMinutes: config.question_timeout_minutes,
    maxParallel: config.max_parallel,
  });
  if (!inputs.ok) return cc.reply(`Nothing was dispatched: ${inputs.error}.`);
  const view: StatusView = {
    command: cc.comment.id,
    issue: thread.issue,
    base: cc.base,
    repoUrl: repoUrl(gh.repo, gh.web),
    tasks: tasks.map((spec) => queuedView({ spec, branch: taskBranch(config.branch_prefix, thread.issue, spec.id, cc.comment.id) })),
  };
  await cc.request({
    kind: "dispatch",
    command: cc.comment.id,
    gh,
    thread,
    defaultBranch: cc.defaultBranch,
    loadConfig: cc.loadConfig,
    create: async (ctx) => {
      const already = ctx.comments.some((c) => ctx.trusts(c.author) && findStatusCommand(c.body) === cc.comment.id);
      if (already) return void gh.log.info(`comment ${cc.comment.id} was dispatched before (its status comment exists): not again`);
      const body = renderStatus(view);
      // Looked for at the run's start already (above); after a 5xx, looked for again before anything else.
      const commentId = await postOnce(ctx, { body, is: (c) => findStatusCommand(c.body) === cc.comment.id, lookFirst: false });
      const target: StatusTarget = { commentId, body, view };
      ctx.statuses.push(target);
      try {
        await createDispatch(gh, { workflow: config.workflow, ref: ctx.defaultBranch, inputs: inputs.inputs });
        gh.log.info(`dispatched ${ready.length} of ${tasks.length} task(s) from comment ${cc.comment.id}`);
      } catch (error) {
        if (isUncertain(error)) {
          // GitHub may have started the run: never dispatch again blindly. The tasks stay queued (a started run moves
          // them); the person is told how to start them if nothing moves.
          gh.log.warn(`workflow dispatch for comment ${cc.comment.id}: ${reason(error)}; it may have started, not retried`);
          await cc.reply(
            `GitHub answered "${reason(error)}" when starting \`${config.workflow}\`; it may have started anyway, so it was not retried. ` +
              `If the tasks stay queued, \`/dispatch cancel all\` then \`/dispatch retry <task>\` starts them.`,
          );
          return;
        }
        const why = `the workflow \`${config.workflow}\` could not be started: ${reason(error)}`;
        gh.log.warn(why);
        target.view = { ...view, tasks: view.tasks.map((task) => ({ ...task, status: "failed", error: why })) };
        await writeIfChanged(ctx, target);
      }
    },
  });
}
