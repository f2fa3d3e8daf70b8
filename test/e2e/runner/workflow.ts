/**
 * Read a workflow file as Actions does, for the local runner: jobs, their matrix expanded (with expressions
 * evaluated against the dispatch's inputs), `max-parallel`, job names, concurrency groups, timeouts and steps.
 * The workflow's text comes from the repository; nothing of it is restated here.
 */
import { parse } from "yaml";
import { condition, interpolate, type Contexts } from "./expressions.js";

export const MAX_MATRIX_JOBS = 256;

export interface Step {
  name?: string;
  id?: string;
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
  env?: Record<string, unknown>;
  if?: unknown;
}

export interface JobInstance {
  /** The job's key under `jobs:`. */
  key: string;
  /** The job's `name:` evaluated for this matrix combination (what workflow_job events carry). */
  name: string;
  matrix: Record<string, unknown>;
  /** Contexts the job's steps are evaluated with. */
  contexts: Contexts;
  steps: Step[];
  env: Record<string, unknown>;
  concurrency: string | null;
  timeoutMinutes: number;
  maxParallel: number;
}

export interface RunPlan {
  name: string;
  runName: string;
  jobs: JobInstance[];
}

export class WorkflowError extends Error {}

interface JobSpec {
  name?: unknown;
  strategy?: { matrix?: unknown; "max-parallel"?: unknown; "fail-fast"?: unknown };
  concurrency?: unknown;
  "timeout-minutes"?: unknown;
  steps?: Step[];
  env?: Record<string, unknown>;
  needs?: unknown;
  if?: unknown;
}

/** Every combination of the matrix's vectors (include/exclude are not supported by the local runner). */
function expandMatrix(matrix: unknown, contexts: Contexts): Array<Record<string, unknown>> {
  if (matrix === undefined || matrix === null) return [{}];
  const evaluated = interpolate(matrix, contexts);
  if (!evaluated || typeof evaluated !== "object" || Array.isArray(evaluated)) {
    throw new WorkflowError("strategy.matrix must be a mapping");
  }
  let combinations: Array<Record<string, unknown>> = [{}];
  for (const [key, raw] of Object.entries(evaluated as Record<string, unknown>)) {
    if (key === "include" || key === "exclude") throw new WorkflowError(`the local runner does not support matrix ${key}`);
    const vector = interpolate(raw, contexts);
    if (!Array.isArray(vector)) throw new WorkflowError(`Matrix vector '${key}' is not an array`);
    if (vector.length === 0) throw new WorkflowError(`Matrix vector '${key}' does not contain any values`);
    combinations = combinations.flatMap((combination) => vector.map((value) => ({ ...combination, [key]: value })));
  }
  if (combinations.length > MAX_MATRIX_JOBS) {
    throw new WorkflowError(`Strategy produced more than ${MAX_MATRIX_JOBS} jobs (${combinations.length})`);
  }
  return combinations;
}

function concurrencyGroup(spec: unknown, contexts: Contexts): string | null {
  if (spec === undefined || spec === null) return null;
  const group = typeof spec === "object" ? (spec as { group?: unknown }).group : spec;
  return group === undefined ? null : String(interpolate(group, contexts));
}

/** The jobs one dispatch of the workflow starts. `base` holds the `inputs`, `github` and `secrets` contexts. */
export function planRun(text: string, base: Contexts): RunPlan {
  let workflow: { name?: unknown; "run-name"?: unknown; jobs?: Record<string, JobSpec> };
  try {
    workflow = (parse(text) ?? {}) as typeof workflow;
  } catch (error) {
    throw new WorkflowError(`the workflow is not valid YAML: ${String(error)}`);
  }
  if (!workflow.jobs || typeof workflow.jobs !== "object") throw new WorkflowError("the workflow has no jobs");
  const name = typeof workflow.name === "string" ? workflow.name : "workflow";
  const runName = workflow["run-name"] === undefined ? name : String(interpolate(workflow["run-name"], base));
  const jobs: JobInstance[] = [];
  for (const [key, job] of Object.entries(workflow.jobs)) {
    if (job.needs !== undefined) throw new WorkflowError(`the local runner does not support needs (job ${key})`);
    // A job's `if:` is evaluated before it is queued (with github, inputs and vars; no matrix): a false one never runs.
    if (job.if !== undefined && !condition(job.if, base)) continue;
    const combinations = expandMatrix(job.strategy?.matrix, base);
    const parallel = interpolate(job.strategy?.["max-parallel"], base);
    const maxParallel = parallel === undefined || parallel === null ? Number.POSITIVE_INFINITY : Number(parallel);
    if (!(maxParallel >= 1)) throw new WorkflowError(`max-parallel of job ${key} must be a positive number`);
    for (const matrix of combinations) {
      const contexts = { ...base, matrix, strategy: { "max-parallel": maxParallel, "job-total": combinations.length } };
      const values = Object.values(matrix).map((v) => (typeof v === "object" ? JSON.stringify(v) : String(v)));
      const jobName =
        job.name === undefined
          ? values.length ? `${key} (${values.join(", ")})` : key
          : String(interpolate(job.name, contexts));
      const timeout = interpolate(job["timeout-minutes"], contexts);
      jobs.push({
        key,
        name: jobName,
        matrix,
        contexts,
        steps: job.steps ?? [],
        env: job.env ?? {},
        concurrency: concurrencyGroup(job.concurrency, contexts),
        timeoutMinutes: timeout === undefined || timeout === null ? 360 : Number(timeout),
        maxParallel,
      });
    }
  }
  return { name, runName, jobs };
}
