/**
 * The local Actions runner: turns each `workflow_dispatch` the stand-in accepts into jobs as the repository's
 * workflow file says (matrix, max-parallel, concurrency groups, job names), runs each job in a fresh clone with the
 * environment Actions provides, runs the `uses: ./action` step as `node <action bundle>`, and reports
 * `workflow_job` webhooks (queued, in_progress, completed). `trigger(event, payload)` starts the workflows whose `on:`
 * takes a repository event (an `issue_comment` for dispatch-app.yml in Actions mode), as GitHub does without a
 * server. Test support, not product code.
 */
import { execa, type ResultPromise } from "execa";
import { existsSync } from "node:fs";
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { parse } from "yaml";
import type { ActionsBackend, WorkflowDispatch } from "../github/actions.js";
import type { JobView } from "../github/events.js";
import { git, revParse } from "../github/git.js";
import type { StandIn } from "../github/server.js";
import { asText, condition, interpolate, type Contexts } from "./expressions.js";
import { killOrphans, newTrackingId, TRACKING_ENV } from "./orphans.js";
import { planRun, type JobInstance, type Step } from "./workflow.js";
import { actionBundle } from "../action-bundle.js";

export interface RunnerOptions {
  /** The script run for `uses: ./action`; default the bundle built fresh from the sources (see ../action-bundle.ts). */
  actionPath?: string;
  /** Repository secrets (`secrets.X`); missing ones evaluate to an empty string, as on GitHub. */
  secrets?: Record<string, string>;
  /**
   * Stands in for a repository that configured a custom agent: passed to the Action as its `agent-command` input
   * (`INPUT_AGENT-COMMAND`). The app never sends it; only the workflow's `with:` could.
   */
  agentCommand?: string;
  /** Repository variables (`vars.X`), e.g. `DISPATCH_MODE: actions`. */
  vars?: Record<string, string>;
  /** Local actions besides `./action` (e.g. `./action/app`: the serverless app's bundle), with inputs to add. */
  localActions?: Record<string, { bundle: string; inputs?: Record<string, string> }>;
  /** More inputs for the `./action` step, as if its `with:` had them. */
  stepInputs?: Record<string, string>;
  /** More environment for the `./action` step. */
  stepEnv?: Record<string, string>;
  /** Reusable workflows by the `uses:` of the job that calls them (`ORG/shared/.github/workflows/x.yml@main`). */
  reusable?: Record<string, string>;
  /** The repository's default GITHUB_TOKEN permissions; default write (GitHub's setting for older repositories). */
  defaultPermissions?: "read" | "write";
  /** Step `uses:` values that are this Action published (`OWNER/dispatch/action@v1`): run as `./action` is. */
  actionRefs?: string[];
  /** Node binary for the Action (default: this process's). */
  node?: string;
  /**
   * Called when a job has started (in_progress, holding its concurrency group) and before its first step: the job
   * waits for the promise (a test holds a job to keep its group busy).
   */
  beforeSteps?: (job: JobRecord) => Promise<void> | void;
  /** Keep job folders after `stop()` (for debugging). */
  keepWorkspaces?: boolean;
  log?: (line: string) => void;
}

export type Conclusion = "success" | "failure" | "cancelled";

export interface JobRecord extends JobView {
  run: RunRecord;
  instance: JobInstance;
  /** The workspace (GITHUB_WORKSPACE) once the job started. */
  workspace: string | null;
  outputs: Record<string, string>;
  summary: string;
  /** The Action's stdout and stderr, interleaved. */
  log: string;
  exitCode: number | null;
  cancelRequested: boolean;
  done: Promise<void>;
}

export interface RunRecord {
  id: number;
  dispatch: WorkflowDispatch;
  name: string;
  token: string;
  jobs: JobRecord[];
  /** The event the run is for: `workflow_dispatch` with its inputs, or a repository event's webhook payload. */
  event: { name: string; payload: Record<string, unknown> };
  /** Set when the workflow could not be planned (the run fails without jobs, like an invalid workflow on GitHub). */
  error: string | null;
}

let nextRunId = 9_100_000_001;
let nextJobId = 31_000_000_001;

export class LocalRunner implements ActionsBackend {
  readonly runs: RunRecord[] = [];
  /** Each started job's RUNNER_TRACKING_ID, the marker its end-of-job cleanup kills by (orphans.ts). */
  private readonly trackingIds = new Map<JobRecord, string>();
  private readonly pending: JobRecord[] = [];
  private readonly running = new Map<JobRecord, ResultPromise | null>();
  private readonly folders: string[] = [];
  private readonly log: (line: string) => void;

  constructor(
    private readonly hub: StandIn,
    private readonly options: RunnerOptions = {},
  ) {
    this.log = options.log ?? (() => {});
    hub.attachActions(this);
    hub.addActivity(() => this.pending.length + this.running.size);
  }

  get actionPath(): string {
    return actionBundle(this.options.actionPath);
  }

  jobs(): JobRecord[] {
    return this.runs.flatMap((run) => run.jobs);
  }

  /** The most recent job for a matrix task id (`matrix.task.id`). */
  jobForTask(taskId: string): JobRecord | undefined {
    return this.jobs()
      .filter((job) => (job.instance.matrix["task"] as { id?: string } | undefined)?.id === taskId)
      .at(-1);
  }

  dispatch(dispatch: WorkflowDispatch): void {
    this.startRun(dispatch, { name: "workflow_dispatch", payload: { inputs: dispatch.inputs, ref: `refs/heads/${dispatch.ref}`, workflow: `.github/workflows/${dispatch.workflow}` } });
  }

  /**
   * A repository event (as GitHub would send it as a webhook): start every workflow of the default branch whose `on:`
   * takes it (and its `types:`, when listed), with the payload as `github.event`. Returns the runs started.
   */
  async trigger(event: string, payload: Record<string, unknown>, repoName?: string): Promise<RunRecord[]> {
    const repo = this.hub.repoNamed(repoName);
    const sha = await revParse(repo.dir, `refs/heads/${repo.defaultBranch}^{commit}`);
    if (!sha) return [];
    const { stdout } = await git(repo.dir, ["ls-tree", "--name-only", `${sha}:.github/workflows`]);
    const started: RunRecord[] = [];
    for (const file of stdout.split("\n").filter((name) => /\.ya?ml$/.test(name))) {
      const text = (await git(repo.dir, ["show", `${sha}:.github/workflows/${file}`])).stdout;
      if (!takes(text, event, payload)) continue;
      const sender = (payload["sender"] as { login?: string } | undefined)?.login ?? "github-actions[bot]";
      const dispatch: WorkflowDispatch = { repo, workflow: file, text, ref: repo.defaultBranch, sha, inputs: {}, actor: sender };
      const run = this.startRun(dispatch, { name: event, payload });
      if (run) started.push(run);
    }
    return started;
  }

  private startRun(dispatch: WorkflowDispatch, event: RunRecord["event"]): RunRecord | null {
    const id = nextRunId++;
    const full = `${dispatch.repo.owner}/${dispatch.repo.name}`;
    const token = this.hub.issueJobToken(id);
    const run: RunRecord = { id, dispatch, name: dispatch.workflow, token, jobs: [], error: null, event };
    this.runs.push(run);
    const secrets = { ...this.options.secrets, GITHUB_TOKEN: token };
    const github = {
      token,
      repository: full,
      repository_owner: dispatch.repo.owner,
      run_id: String(id),
      run_number: String(this.runs.length),
      run_attempt: "1",
      event_name: event.name,
      event: event.payload,
      ref: `refs/heads/${dispatch.ref}`,
      ref_name: dispatch.ref,
      sha: dispatch.sha,
      actor: dispatch.actor,
      server_url: this.hub.url,
      api_url: this.hub.url,
      graphql_url: `${this.hub.url}/graphql`,
      workflow: dispatch.workflow,
    };
    try {
      const plan = planRun(
        dispatch.text,
        { inputs: dispatch.inputs, github, secrets, env: {}, vars: { ...this.options.vars } },
        { reusable: (uses) => this.options.reusable?.[uses], ...(this.options.defaultPermissions ? { defaultPermissions: this.options.defaultPermissions } : {}) },
      );
      run.name = plan.name;
      for (const instance of plan.jobs) {
        const job: JobRecord = {
          id: nextJobId++,
          runId: id,
          name: instance.name,
          workflowName: plan.name,
          headBranch: dispatch.ref,
          headSha: dispatch.sha,
          status: "queued",
          conclusion: null,
          createdAt: new Date(),
          startedAt: null,
          completedAt: null,
          runnerName: null,
          run,
          instance,
          workspace: null,
          outputs: {},
          summary: "",
          log: "",
          exitCode: null,
          cancelRequested: false,
          done: Promise.resolve(),
        };
        run.jobs.push(job);
      }
    } catch (error) {
      run.error = String(error instanceof Error ? error.message : error);
      this.log(`runner: run ${id} failed before any job: ${run.error}`);
      this.hub.revokeToken(token);
      return run;
    }
    if (run.jobs.length === 0) this.hub.revokeToken(token);
    for (const job of run.jobs) this.enqueue(job);
    this.pump();
    return run;
  }

  cancel(runId: number): "accepted" | "completed" | "unknown" {
    const run = this.runs.find((r) => r.id === runId);
    if (!run) return "unknown";
    const open = run.jobs.filter((job) => job.status !== "completed");
    if (open.length === 0) return "completed";
    for (const job of open) this.cancelJob(job);
    return "accepted";
  }

  jobsOf(runId: number, repo: { owner: string; name: string }): JobView[] | null {
    const run = this.runs.find((r) => r.id === runId && r.dispatch.repo.owner === repo.owner && r.dispatch.repo.name === repo.name);
    if (!run) return null;
    return run.jobs.map(({ run: _run, instance: _instance, ...view }) => ({ ...view }));
  }

  /** The RUNNER_TRACKING_ID a started job's processes carry. */
  trackingId(job: JobRecord): string | undefined {
    return this.trackingIds.get(job);
  }

  /** Kill a running job's Action process (a lost runner, an OOM kill): the job fails without a word from it. */
  kill(job: JobRecord, signal: NodeJS.Signals = "SIGKILL"): boolean {
    const process = this.running.get(job);
    return process ? process.kill(signal) : false;
  }

  /** Cancel everything, wait for the jobs to end, remove the job folders. */
  async stop(): Promise<void> {
    for (const run of this.runs) this.cancel(run.id);
    await Promise.allSettled(this.jobs().map((job) => job.done));
    if (!this.options.keepWorkspaces) {
      await Promise.all(this.folders.map((folder) => rm(folder, { recursive: true, force: true })));
    }
  }

  private enqueue(job: JobRecord): void {
    // Concurrency with cancel-in-progress false: a job already pending in the same group is cancelled.
    if (job.instance.concurrency) {
      for (const older of this.pending.filter((p) => p.instance.concurrency === job.instance.concurrency)) {
        this.log(`runner: ${older.name} cancelled: a newer job of group ${job.instance.concurrency} is pending`);
        this.cancelJob(older);
      }
    }
    this.pending.push(job);
    this.sendJobEvent(job);
  }

  private cancelJob(job: JobRecord): void {
    job.cancelRequested = true;
    const index = this.pending.indexOf(job);
    if (index >= 0) {
      this.pending.splice(index, 1);
      this.finish(job, "cancelled");
      return;
    }
    const process = this.running.get(job);
    if (process) process.kill("SIGTERM");
  }

  /** Start every pending job that max-parallel and its concurrency group allow. */
  private pump(): void {
    for (const job of [...this.pending]) {
      const siblings = [...this.running.keys()].filter((r) => r.run === job.run && r.instance.key === job.instance.key);
      if (siblings.length >= job.instance.maxParallel) continue;
      const group = job.instance.concurrency;
      if (group && [...this.running.keys()].some((r) => r.instance.concurrency === group)) continue;
      this.pending.splice(this.pending.indexOf(job), 1);
      this.running.set(job, null);
      job.done = this.execute(job).catch((error: unknown) => {
        job.log += `\nrunner error: ${String(error)}\n`;
        this.finish(job, job.cancelRequested ? "cancelled" : "failure");
      });
    }
  }

  private finish(job: JobRecord, conclusion: Conclusion): void {
    if (job.status === "completed") return;
    job.status = "completed";
    job.conclusion = conclusion;
    job.completedAt = new Date();
    this.running.delete(job);
    this.log(`runner: ${job.name} ${conclusion}`);
    this.sendJobEvent(job);
    if (job.run.jobs.every((j) => j.status === "completed")) this.hub.revokeToken(job.run.token);
    this.pump();
  }

  private sendJobEvent(job: JobRecord): void {
    const { run, instance: _instance, ...view } = job;
    this.hub.announce("workflow_job", this.hub.payloads.workflowJob({ repo: run.dispatch.repo, job: { ...view }, sender: run.dispatch.actor }));
  }

  private async execute(job: JobRecord): Promise<void> {
    const folder = await mkdtemp(join(tmpdir(), `runner-job-${job.id}-`));
    await chmod(folder, 0o755); // as on a runner, the agent's own user may read the checkout
    this.folders.push(folder);
    const workspace = join(folder, "work");
    const temp = join(folder, "temp");
    const commands = join(temp, "_runner_file_commands");
    await mkdir(workspace, { recursive: true });
    await mkdir(commands, { recursive: true });
    const files = {
      output: join(commands, "set_output"),
      summary: join(commands, "step_summary"),
      env: join(commands, "set_env"),
      path: join(commands, "add_path"),
      state: join(commands, "save_state"),
      event: join(temp, "event.json"),
      gitconfig: join(temp, "gitconfig"),
    };
    for (const file of [files.output, files.summary, files.env, files.path, files.state, files.gitconfig]) await writeFile(file, "");
    const dispatch = job.run.dispatch;
    await writeFile(files.event, JSON.stringify(job.run.event.payload));
    job.workspace = workspace;
    job.status = "in_progress";
    job.startedAt = new Date();
    job.runnerName = `local-runner-${job.id}`;
    this.sendJobEvent(job);

    const github = job.instance.contexts["github"] as Record<string, string>;
    const trackingId = newTrackingId();
    this.trackingIds.set(job, trackingId);
    const baseEnv: Record<string, string> = {};
    for (const name of ["PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "USER", "SHELL", "TERM"]) {
      const value = process.env[name];
      if (value !== undefined) baseEnv[name] = value;
    }
    Object.assign(baseEnv, {
      CI: "true",
      GITHUB_ACTIONS: "true",
      // A runner has no git identity of its own; this machine's global git config must not leak into the job.
      GIT_CONFIG_GLOBAL: files.gitconfig,
      GIT_CONFIG_NOSYSTEM: "1",
      GITHUB_WORKSPACE: workspace,
      GITHUB_REPOSITORY: github["repository"]!,
      GITHUB_REPOSITORY_OWNER: github["repository_owner"]!,
      GITHUB_RUN_ID: String(job.runId),
      GITHUB_RUN_NUMBER: github["run_number"]!,
      GITHUB_RUN_ATTEMPT: "1",
      GITHUB_JOB: job.instance.key,
      GITHUB_WORKFLOW: job.workflowName,
      GITHUB_EVENT_NAME: job.run.event.name,
      GITHUB_EVENT_PATH: files.event,
      GITHUB_REF: `refs/heads/${dispatch.ref}`,
      GITHUB_REF_NAME: dispatch.ref,
      GITHUB_REF_TYPE: "branch",
      GITHUB_SHA: dispatch.sha,
      GITHUB_ACTOR: dispatch.actor,
      GITHUB_SERVER_URL: this.hub.url,
      GITHUB_API_URL: this.hub.url,
      GITHUB_GRAPHQL_URL: `${this.hub.url}/graphql`,
      GITHUB_OUTPUT: files.output,
      GITHUB_STEP_SUMMARY: files.summary,
      GITHUB_ENV: files.env,
      GITHUB_PATH: files.path,
      GITHUB_STATE: files.state,
      RUNNER_TEMP: temp,
      RUNNER_OS: "Linux",
      RUNNER_ARCH: "X64",
      RUNNER_NAME: job.runnerName,
      [TRACKING_ENV]: trackingId,
    });
    await this.options.beforeSteps?.(job);
    const contexts: Contexts = { ...job.instance.contexts, job: { status: "success" }, env: {}, steps: {}, runner: { temp, os: "Linux" } };
    let status: Conclusion = "success";
    let timedOut = false;
    const timer = setTimeout(() => {
      job.log += `\nThe job has exceeded the maximum execution time of ${job.instance.timeoutMinutes} minutes.\n`;
      timedOut = true;
      this.running.get(job)?.kill("SIGTERM");
    }, job.instance.timeoutMinutes * 60_000);
    try {
      for (const step of job.instance.steps) {
        if (job.cancelRequested) break;
        (contexts["job"] as { status: string }).status = status;
        if (!condition(step.if, contexts)) {
          job.log += `skipped: ${describe(step)} (if: ${String(step.if)})\n`;
          continue;
        }
        const ok = await this.step({ job, step, contexts, env: baseEnv, workspace, dispatchDir: dispatch.repo.dir });
        if (!ok) {
          status = "failure";
          break;
        }
      }
    } finally {
      clearTimeout(timer);
      const orphans = await killOrphans(trackingId);
      if (orphans.length > 0) job.log += `Cleaning up orphan processes\n${orphans.join("\n")}\n`;
    }
    job.outputs = parseOutputs(await readFile(files.output, "utf8"));
    job.summary = await readFile(files.summary, "utf8");
    this.finish(job, timedOut ? "failure" : job.cancelRequested ? "cancelled" : status);
  }

  /** Run one step; false when it failed. */
  private async step(options: { job: JobRecord; step: Step; contexts: Contexts; env: Record<string, string>; workspace: string; dispatchDir: string }): Promise<boolean> {
    const { job, step, contexts, env, workspace, dispatchDir } = options;
    const uses = step.uses ?? "";
    if (uses.startsWith("actions/checkout@")) {
      const withs = evaluateMap(step.with, contexts);
      const depth = Number(withs["fetch-depth"] ?? 1);
      const args = ["clone", "--quiet", "--no-checkout", ...(depth > 0 ? ["--depth", String(depth), "--no-single-branch"] : []), `file://${dispatchDir}`, workspace];
      await execa("git", args, { env: { ...env } });
      await execa("git", ["checkout", "--quiet", "--detach", job.headSha], { cwd: workspace, env: { ...env } });
      job.log += `checkout: ${job.headSha} (fetch-depth ${depth}, persist-credentials false)\n`;
      return true;
    }
    if (uses.startsWith("./")) {
      const local = uses === "./action" ? { bundle: this.actionPath } : this.options.localActions?.[uses.replace(/\/+$/, "")];
      if (local) return this.runAction({ job, step, contexts, env, workspace, bundle: local.bundle, extra: local.inputs ?? {} });
      job.log += `the local runner has no bundle for ${uses} (RunnerOptions.localActions)\n`;
      return false;
    }
    if (this.options.actionRefs?.includes(uses)) return this.runAction({ job, step, contexts, env, workspace, bundle: this.actionPath, extra: {} });
    job.log += `skipped: ${describe(step)} (the local runner only runs actions/checkout and ./ actions)\n`;
    return true;
  }

  private async runAction(options: { job: JobRecord; step: Step; contexts: Contexts; env: Record<string, string>; workspace: string; bundle: string; extra?: Record<string, string> }): Promise<boolean> {
    const { job, step, contexts, env, workspace, bundle, extra } = options;
    if (!existsSync(bundle)) {
      job.log += `the Action bundle ${bundle} does not exist\n`;
      return false;
    }
    const worker = bundle === this.actionPath;
    const inputs: Record<string, string> = {};
    for (const [name, value] of Object.entries(await this.actionDefaults(contexts, bundle))) inputs[name] = value;
    for (const [name, value] of Object.entries(evaluateMap(step.with, contexts))) inputs[name] = value;
    if (worker && this.options.agentCommand !== undefined) inputs["agent-command"] = this.options.agentCommand;
    if (worker) Object.assign(inputs, this.options.stepInputs);
    Object.assign(inputs, extra);
    const stepEnv: Record<string, string> = { ...env, ...evaluateMap(job.instance.env, contexts), ...evaluateMap(step.env, contexts), ...(worker ? this.options.stepEnv : {}) };
    for (const [name, value] of Object.entries(inputs)) stepEnv[`INPUT_${name.replace(/ /g, "_").toUpperCase()}`] = value;
    const child = execa(this.options.node ?? process.execPath, [bundle], {
      cwd: workspace,
      env: stepEnv,
      extendEnv: false,
      reject: false,
      all: true,
      forceKillAfterDelay: 10_000,
    });
    this.running.set(job, child);
    child.all?.on("data", (chunk: Buffer) => {
      job.log += chunk.toString("utf8");
    });
    const result = await child;
    job.exitCode = result.exitCode ?? null;
    return result.exitCode === 0 && !result.isTerminated;
  }

  /** Defaults of the Action's inputs from its action.yml (next to `dist/`), evaluated like the runner does. */
  private async actionDefaults(contexts: Contexts, bundle: string): Promise<Record<string, string>> {
    const file = resolve(dirname(bundle), "..", "action.yml");
    if (!existsSync(file)) return {};
    const spec = parse(await readFile(file, "utf8")) as { inputs?: Record<string, { default?: unknown }> } | null;
    const defaults: Record<string, string> = {};
    for (const [name, input] of Object.entries(spec?.inputs ?? {})) {
      if (input?.default !== undefined) defaults[name] = asText(interpolate(input.default, contexts));
    }
    return defaults;
  }
}

/** Whether a workflow's `on:` takes the event (and the payload's `action` when it lists `types:`). */
export function takes(text: string, event: string, payload: Record<string, unknown>): boolean {
  let on: unknown;
  try {
    on = (parse(text) as { on?: unknown } | null)?.on;
  } catch {
    return false;
  }
  if (on === event) return true;
  if (Array.isArray(on)) return on.includes(event);
  if (!on || typeof on !== "object" || !(event in on)) return false;
  const types = ((on as Record<string, { types?: unknown } | null>)[event] ?? {}).types;
  return !Array.isArray(types) || types.includes(payload["action"]);
}

function describe(step: Step): string {
  return step.name ?? step.uses ?? (step.run ? `run: ${step.run.split("\n")[0]}` : "step");
}

function evaluateMap(map: Record<string, unknown> | undefined, contexts: Contexts): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(map ?? {})) out[key] = asText(interpolate(value, contexts));
  return out;
}

/** `GITHUB_OUTPUT` lines: `name=value` or `name<<DELIMITER` … `DELIMITER`. */
export function parseOutputs(text: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    if (heredoc) {
      const value: string[] = [];
      for (i++; i < lines.length && lines[i] !== heredoc[2]; i++) value.push(lines[i]!);
      outputs[heredoc[1]!] = value.join("\n");
    } else if (line.includes("=")) {
      outputs[line.slice(0, line.indexOf("="))] = line.slice(line.indexOf("=") + 1);
    }
  }
  return outputs;
}
