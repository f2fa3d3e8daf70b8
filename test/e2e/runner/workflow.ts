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
  /** A reusable workflow this job calls (`owner/repo/.github/workflows/x.yml@ref`). */
  uses?: unknown;
  with?: Record<string, unknown>;
  secrets?: unknown;
  permissions?: unknown;
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

export interface PlanOptions {
  /** The text of a reusable workflow a job `uses:` (job-level `uses`), or undefined when there is none. */
  reusable?: (uses: string) => string | undefined;
  /** The repository's default `GITHUB_TOKEN` permissions (Settings → Actions → Workflow permissions); default write. */
  defaultPermissions?: "read" | "write";
  /** Set while planning a called workflow: what its caller's token allows. */
  nested?: Grant;
}

type Grant = Record<string, "read" | "write" | "none">;
const SCOPES = ["actions", "checks", "contents", "deployments", "id-token", "issues", "discussions", "packages", "pages", "pull-requests", "repository-projects", "security-events", "statuses"];

/** What a `permissions:` value grants (GitHub's shorthand `read-all`/`write-all`, a mapping, or `{}`), or null when unset. */
function grantOf(value: unknown): Grant | null {
  if (value === undefined || value === null) return null;
  if (value === "read-all" || value === "write-all") return Object.fromEntries(SCOPES.map((s) => [s, value === "read-all" ? "read" : "write"]));
  if (typeof value !== "object" || Array.isArray(value)) throw new WorkflowError(`permissions must be a mapping, read-all or write-all`);
  return Object.fromEntries(SCOPES.map((s) => [s, ((value as Record<string, unknown>)[s] as Grant[string] | undefined) ?? "none"]));
}

const LEVEL = { none: 0, read: 1, write: 2 } as const;

/**
 * A called workflow's job is checked at load: its permissions may only narrow the caller's token (the caller job's
 * `permissions:`, else the caller workflow's, else the repository default). Otherwise the run fails with no job.
 */
function checkNested(options: { key: string; requested: Grant | null; allowed: Grant }): void {
  const requested = options.requested ?? options.allowed;
  for (const scope of SCOPES) {
    const want = requested[scope] ?? "none";
    const have = options.allowed[scope] ?? "none";
    if (LEVEL[want] > LEVEL[have]) {
      throw new WorkflowError(`The nested job '${options.key}' is requesting '${scope}: ${want}', but is only allowed '${scope}: ${have}'.`);
    }
  }
}

/** The default token: write to everything, or (a read-only default) read of contents and packages, metadata. */
function defaultGrant(level: "read" | "write"): Grant {
  if (level === "write") return Object.fromEntries(SCOPES.map((s) => [s, s === "id-token" ? "none" : "write"]));
  return Object.fromEntries(SCOPES.map((s) => [s, s === "contents" || s === "packages" ? "read" : "none"]));
}

/** The `inputs` a called workflow receives: declared ones only, required ones given, defaults filled in. */
function calledInputs(options: { uses: string; text: string; given: Record<string, unknown> }): Record<string, string> {
  const callee = (parse(options.text) ?? {}) as { on?: Record<string, { inputs?: Record<string, { required?: boolean; default?: unknown }> } | null> };
  const trigger = callee.on && typeof callee.on === "object" ? callee.on["workflow_call"] : undefined;
  if (trigger === undefined) throw new WorkflowError(`${options.uses}: the workflow is not reusable (no workflow_call trigger)`);
  const declared = trigger?.inputs ?? {};
  const inputs: Record<string, string> = {};
  for (const name of Object.keys(options.given)) {
    if (!(name in declared)) throw new WorkflowError(`Invalid input, ${name} is not defined in the referenced workflow.`);
  }
  for (const [name, spec] of Object.entries(declared)) {
    const value = options.given[name];
    if (value === undefined || value === "") {
      if (spec?.required && value === undefined) throw new WorkflowError(`Input ${name} is required, but not provided while calling.`);
      inputs[name] = spec?.default === undefined ? "" : String(spec.default);
    } else inputs[name] = typeof value === "object" ? JSON.stringify(value) : String(value);
  }
  return inputs;
}

/** The jobs one dispatch of the workflow starts. `base` holds the `inputs`, `github` and `secrets` contexts. */
export function planRun(text: string, base: Contexts, options: PlanOptions = {}): RunPlan {
  let workflow: { name?: unknown; "run-name"?: unknown; jobs?: Record<string, JobSpec>; permissions?: unknown };
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
    if (job.uses !== undefined) {
      const uses = String(job.uses);
      const called = options.reusable?.(uses);
      if (called === undefined) throw new WorkflowError(`${uses}: no such reusable workflow`);
      const given = Object.fromEntries(Object.entries(job.with ?? {}).map(([name, value]) => [name, interpolate(value, base)]));
      const inputs = calledInputs({ uses, text: called, given });
      const allowed = grantOf(job.permissions) ?? grantOf(workflow.permissions) ?? defaultGrant(options.defaultPermissions ?? "write");
      const secrets = job.secrets === "inherit" ? base["secrets"] : { GITHUB_TOKEN: (base["secrets"] as Record<string, unknown> | undefined)?.["GITHUB_TOKEN"], ...evaluateSecrets(job.secrets, base) };
      const inner = planRun(called, { ...base, inputs, secrets }, { ...options, nested: allowed });
      const callerName = job.name === undefined ? key : String(interpolate(job.name, base));
      for (const instance of inner.jobs) jobs.push({ ...instance, name: `${callerName} / ${instance.name}` });
      continue;
    }
    if (options.nested) checkNested({ key, requested: grantOf(job.permissions) ?? grantOf(workflow.permissions), allowed: options.nested });
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

function evaluateSecrets(secrets: unknown, contexts: Contexts): Record<string, unknown> {
  if (!secrets || typeof secrets !== "object") return {};
  return Object.fromEntries(Object.entries(secrets as Record<string, unknown>).map(([name, value]) => [name, interpolate(value, contexts)]));
}
