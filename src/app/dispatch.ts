/**
 * `/dispatch <prompt>`: ONE status comment (every task queued) and ONE workflow_dispatch with the tasks that wait for
 * nothing. Also starts tasks later (dependents, retries, answered waiting tasks) with the same one dispatch.
 */
import type { DispatchConfig } from "../core/config.js";
import { taskBranch } from "../core/branch.js";
import { parseComment } from "../core/grammar.js";
import { findStatusCommand, queuedView, renderStatus, type StatusView, type TaskView } from "../core/status.js";
import type { TaskSpec } from "../core/task.js";
import { readyTasks, workflowInputs, type WorkflowInputs } from "../core/workflow.js";
import { reason, repoUrl, type GitHub } from "./github.js";
import { readComments } from "./tasks-query.js";
import { writeIfChanged, type RunContext, type StatusTarget } from "./thread.js";
import type { CommandContext } from "./command.js";

/** The branch a task starts from: the branch of the last task it waits for, else the dispatch's base. */
export function baseOf(view: StatusView, task: TaskView): string {
  const dependency = task.after[task.after.length - 1];
  return view.tasks.find((t) => t.id === dependency)?.branch ?? view.base;
}

async function createDispatch(gh: GitHub, options: { workflow: string; ref: string; inputs: WorkflowInputs }): Promise<void> {
  await gh.octokit.rest.actions.createWorkflowDispatch({
    ...gh.repo,
    workflow_id: options.workflow,
    ref: options.ref,
    inputs: { ...options.inputs },
  });
}

/** Run a `/dispatch <prompt>` command. */
export async function dispatchCommand(cc: CommandContext, tasks: readonly TaskSpec[]): Promise<void> {
  const { gh, thread, config } = cc;
  const ready = readyTasks(tasks, new Set());
  const inputs = workflowInputs({ issue: thread.issue, base: cc.base, comment: cc.comment.id, tasks: ready, maxParallel: config.max_parallel });
  if (!inputs.ok) return cc.reply(`Nothing was dispatched: ${inputs.error}.`);
  const view: StatusView = {
    command: cc.comment.id,
    issue: thread.issue,
    base: cc.base,
    repoUrl: repoUrl(gh.repo, gh.web),
    tasks: tasks.map((spec) => queuedView({ spec, branch: taskBranch(config.branch_prefix, thread.issue, spec.id) })),
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
      const { data } = await gh.octokit.rest.issues.createComment({ ...gh.repo, issue_number: thread.issue, body });
      const target: StatusTarget = { commentId: data.id, body, view };
      ctx.statuses.push(target);
      try {
        await createDispatch(gh, { workflow: config.workflow, ref: ctx.defaultBranch, inputs: inputs.inputs });
        gh.log.info(`dispatched ${ready.length} of ${tasks.length} task(s) from comment ${cc.comment.id}`);
      } catch (error) {
        const why = `the workflow \`${config.workflow}\` could not be started: ${reason(error)}`;
        gh.log.warn(why);
        target.view = { ...view, tasks: view.tasks.map((task) => ({ ...task, status: "failed", error: why })) };
        await writeIfChanged(ctx, target);
      }
    },
  });
}

/** A TaskSpec from what the status comment remembers, when the command comment no longer holds the task. */
function specFromView(task: TaskView): TaskSpec {
  return { id: task.id, title: task.title, prompt: task.title, model: task.model, agent: task.agent, worktree: false, steps: [], after: task.after };
}

/**
 * Start some tasks of a dispatch with one workflow_dispatch. Their specs come from re-parsing the /dispatch comment
 * (its id is in the status marker); a task it no longer holds is rebuilt from the status. Returns an error or null.
 */
export async function startTasks(
  ctx: RunContext,
  { target, ids, base }: { target: StatusTarget; ids: readonly string[]; base: string },
): Promise<string | null> {
  const loaded = await ctx.loadConfig();
  if (!loaded.ok) return `\`.github/dispatch.yml\` is invalid: ${loaded.error}`;
  const config: DispatchConfig = loaded.config;
  const command = target.view.command;
  let source = ctx.comments.find((c) => c.id === command);
  if (!source) {
    const older = await readComments(ctx.gh, ctx.thread.issue, { enough: (cs) => cs.some((c) => c.id === command) });
    source = older.find((c) => c.id === command);
  }
  const parsed = source ? parseComment(source.body, config) : null;
  const specs = new Map(parsed?.kind === "dispatch" ? parsed.tasks.map((spec) => [spec.id, spec]) : []);
  const tasks = ids.flatMap((id) => {
    const view = target.view.tasks.find((t) => t.id === id);
    return view ? [specs.get(id) ?? specFromView(view)] : [];
  });
  const inputs = workflowInputs({ issue: ctx.thread.issue, base, comment: command, tasks, maxParallel: config.max_parallel });
  if (!inputs.ok) return inputs.error;
  try {
    await createDispatch(ctx.gh, { workflow: config.workflow, ref: ctx.defaultBranch, inputs: inputs.inputs });
    return null;
  } catch (error) {
    return `the workflow \`${config.workflow}\` could not be started: ${reason(error)}`;
  }
}
