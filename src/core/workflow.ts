/**
 * The app's one `workflow_dispatch` per dispatch: its inputs, and which tasks may start now.
 */
import type { TaskSpec } from "./task.js";

/**
 * GitHub refuses a `workflow_dispatch` whose inputs payload is longer than this: the `inputs` object as JSON (names,
 * quotes, and the tasks' JSON escaped inside a string), not the values' raw length.
 */
export const WORKFLOW_INPUTS_LIMIT = 65_535;
/** GitHub refuses a `workflow_dispatch` with more inputs than this. */
export const WORKFLOW_INPUTS_MAX = 25;

/** The size GitHub measures: the inputs object serialized as JSON. */
export function inputsPayloadSize(inputs: Readonly<Record<string, string>>): number {
  return JSON.stringify(inputs).length;
}

export interface WorkflowInputs {
  issue: string;
  base: string;
  comment: string;
  /** JSON array of the TaskSpecs to start. */
  tasks: string;
  /** Task branches are `<branch_prefix><issue>/<task>` (`branch_prefix` of `.github/dispatch.yml`), passed to the Action. */
  branch_prefix: string;
  /** `question_timeout_minutes` of `.github/dispatch.yml`, passed to the Action. */
  question_timeout_minutes: string;
  /** The matrix's `max-parallel`, when `.github/dispatch.yml` sets `max_parallel`; the workflow's default otherwise. */
  max_parallel?: string;
}

export type WorkflowInputsResult = { ok: true; inputs: WorkflowInputs } | { ok: false; error: string };

export interface WorkflowInputsOptions {
  issue: number;
  base: string;
  comment: number;
  tasks: readonly TaskSpec[];
  /** The config keys the worker needs: the app reads them once, the workflow hands them to the Action. */
  branchPrefix: string;
  questionTimeoutMinutes: number;
  maxParallel?: number | undefined;
}

/** The inputs of one dispatch, or an error a person can act on when GitHub would refuse them. */
export function workflowInputs({ issue, base, comment, tasks, branchPrefix, questionTimeoutMinutes, maxParallel }: WorkflowInputsOptions): WorkflowInputsResult {
  if (tasks.length === 0) return { ok: false, error: "there is no task to start" };
  const inputs: WorkflowInputs = {
    issue: String(issue),
    base,
    comment: String(comment),
    tasks: JSON.stringify(tasks),
    branch_prefix: branchPrefix,
    question_timeout_minutes: String(questionTimeoutMinutes),
    ...(maxParallel === undefined ? {} : { max_parallel: String(maxParallel) }),
  };
  const size = inputsPayloadSize({ ...inputs });
  if (size > WORKFLOW_INPUTS_LIMIT) {
    return {
      ok: false,
      error:
        `these ${tasks.length} task${tasks.length === 1 ? "" : "s"} take ${size.toLocaleString("en-US")} characters as GitHub counts them, ` +
        `more than the ${WORKFLOW_INPUTS_LIMIT.toLocaleString("en-US")} GitHub allows in one workflow dispatch; ` +
        "shorten the prompts or split them over several /dispatch comments",
    };
  }
  return { ok: true, inputs };
}

/** What the dependency helpers need to know of a task. */
export interface DependencyNode {
  id: string;
  after: readonly string[];
  status?: string;
}

/** Tasks whose `after` are all in `done`, in their order. */
export function readyTasks<T extends DependencyNode>(tasks: readonly T[], done: ReadonlySet<string>): T[] {
  return tasks.filter((task) => task.after.every((id) => done.has(id)));
}

/**
 * The queued tasks that may start now that `finished` is done: each waits for `finished`, and every other task it
 * waits for is done too.
 */
export function unblockedBy<T extends DependencyNode>(tasks: readonly T[], finished: string): T[] {
  const done = new Set(tasks.filter((task) => task.status === "done").map((task) => task.id));
  done.add(finished);
  return tasks.filter(
    (task) => task.status === "queued" && task.after.includes(finished) && task.after.every((id) => done.has(id)),
  );
}

/**
 * Tasks that can never start because a task they wait for (directly or not) failed or was cancelled.
 */
export function blockedForever<T extends DependencyNode>(tasks: readonly T[]): T[] {
  const byId = new Map(tasks.map((task) => [task.id, task]));
  const dead = new Set(tasks.filter((t) => t.status === "failed" || t.status === "cancelled").map((t) => t.id));
  let grew = true;
  while (grew) {
    grew = false;
    for (const task of tasks) {
      if (dead.has(task.id) || task.status !== "queued") continue;
      if (task.after.some((id) => dead.has(id) || !byId.has(id))) {
        dead.add(task.id);
        grew = true;
      }
    }
  }
  return tasks.filter((task) => task.status === "queued" && dead.has(task.id));
}
