/**
 * The worker: one task, start to finish, on its own branch in a git worktree (docs/protocol.md §6).
 *
 *   worktree → plan.md pushed → agent started (no GitHub token) under the monitor → outcome → closing commits
 */
import { randomBytes } from "node:crypto";
import { chmod, copyFile, link, mkdir, readdir, realpath, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { agentCommand, readableLine } from "../core/agent.js";
import { agentEnv, agentSettings, missingKeyError } from "../core/agent-env.js";
import { apiFailure } from "../core/agent-failure.js";
import { lineActivity } from "../core/agent-activity.js";
import { DEFAULT_MODEL_SILENCE_MS, silenceReason } from "../core/agent-silence.js";
import { addUsage, type AgentUsage } from "../core/agent-usage.js";
import { taskBranch } from "../core/branch.js";
import {
  CONTEXT_FILE,
  IPC_DIR,
  MAX_QUESTIONS_PER_RUN,
  nextQuestionSeq,
  OUTPUT_FILE,
  pendingQuestionSeq,
  PLAN_FILE,
  QUESTION_LIMIT_REASON,
  taskDir as taskFolder,
} from "../core/ipc.js";
import { decideOutcome, failureReason, type RunOutcome } from "../core/outcome.js";
import { parsePlan } from "../core/plan.js";
import { buildPrompt } from "../core/prompt.js";
import { isSecretName, redact, secretValues } from "../core/secret.js";
import { isTaskId, type TaskSpec } from "../core/task.js";
import { LAST_QUESTION_ENV, LIMIT_FILE_ENV, POLL_ENV, TIMEOUT_ENV } from "./ask.js";
import { startAgent, type AgentProcess } from "./agent.js";
import { handOver, runAs, takeBack, type AgentUser } from "./agent-user.js";
import { prepareAgentHome } from "./agent-home.js";
import { finishRun } from "./finish.js";
import { Git, type GitIdentity } from "./git.js";
import { Monitor, removeQuestionsPast } from "./monitor.js";
import { reopenTaskFolder, startingPlan, answeredQuestions } from "./resume.js";
import { Publisher } from "./publish.js";
import { Watchdog } from "./watchdog.js";
import { ensureFolder, readPlain, removePath, writePlain } from "./safe-file.js";
import { prepareWorktree, removeWorktree } from "./worktree.js";

export interface WorkerOptions {
  spec: TaskSpec;
  issue: number;
  /** The branch a new task branch starts from. */
  base: string;
  /** The checkout with remote `origin` (GITHUB_WORKSPACE). */
  workspace: string;
  /** Task branches are `<branchPrefix><issue>/<id>-<dispatch>`; default `dispatch/`. */
  branchPrefix?: string;
  /** Id of the /dispatch comment: its base-36 suffix makes the branch this dispatch's own (none: no suffix). */
  command?: number;
  /** Token for fetch and push; never reaches the agent. None for file:// remotes. */
  token?: string;
  /** Server the token is for; default https://github.com. */
  server?: string;
  /** The Actions run working the task, recorded in plan.md. */
  runUrl?: string;
  /** The prompt's `## The thread` section, read before the run (`readThreadSection`). */
  thread?: string;
  /** `agent-command`: replaces the agent CLI (run by `sh -c`, the prompt as `$1`). */
  agentCommand?: string;
  /** How long dispatch-ask waits for an answer; default 30 minutes. */
  questionTimeoutMs?: number;
  /** Progress pushes at most this often; default 5 s. */
  pushIntervalMs?: number;
  /** Fetch interval while a question is pending; default 3 s. */
  fetchIntervalMs?: number;
  /** Fetch interval otherwise (to see `.cancel` and notes); default 15 s. */
  idleFetchIntervalMs?: number;
  /**
   * The agent is stopped (task `failed`) after this long without a line of output while no question is pending (a
   * tool that hangs). Default 10 minutes.
   */
  inactivityMs?: number;
  /**
   * The agent is stopped (task `failed`) when its model produces nothing for this long while no tool runs and no
   * question is pending: a server that never answers, a stalled stream, retries in silence. Default 60 s.
   */
  modelSilenceMs?: number;
  /** The agent is stopped (task `failed`) once it has printed this much; default 512 MiB. */
  maxOutputBytes?: number;
  /** SIGTERM → SIGKILL delay when stopping the agent; default 5 s. */
  stopGraceMs?: number;
  /** Where the worktree and the worker's own files go; default a new folder under RUNNER_TEMP or the OS temp dir. */
  workDir?: string;
  /** Keep the worktree when done (local mode); default false. */
  keepWorktree?: boolean;
  /** The command that runs `dispatch-ask` (its arguments follow); default this program with `ask`. */
  askCommand?: string[];
  /** The environment the agent's is derived from; default process.env. */
  env?: Readonly<Record<string, string | undefined>>;
  /** Secret values beyond those found in `env`. */
  secrets?: string[];
  /** Aborting cancels the task (a cancelled job). */
  signal?: AbortSignal;
  author?: GitIdentity;
  log?: (line: string) => void;
  /** Each line of the agent's output, readable and redacted. */
  onAgentLine?: (line: string) => void;
  now?: () => Date;
  /**
   * The agent's own OS user (resolveAgentUser): it owns the worktree and its own home, and cannot read the worker's
   * environment nor write its git directory. Default: the worker's user (unsafe outside tests and local mode).
   */
  agentUser?: AgentUser;
  /** Names of further variables of `env` the agent may have (local mode, tests); never a secret's. */
  agentVariables?: string[];
}

export interface WorkerResult {
  status: RunOutcome;
  branch: string;
  /** Final plan.md, redacted. */
  plan: string;
  /** output.md, redacted, when the agent wrote one. */
  output: string | null;
  /** The remote has the final commits. */
  pushed: boolean;
  cost_usd?: number;
  /** Tokens (and dollars where the CLI gives them) as the agent CLI reported them. */
  usage?: AgentUsage;
  /** Why the run could not start or finish normally. */
  error?: string;
}

export const DEFAULTS = {
  questionTimeoutMs: 30 * 60_000,
  pushIntervalMs: 5_000,
  fetchIntervalMs: 3_000,
  idleFetchIntervalMs: 15_000,
  stopGraceMs: 5_000,
  inactivityMs: 10 * 60_000,
  modelSilenceMs: DEFAULT_MODEL_SILENCE_MS,
  maxOutputBytes: 512 * 1024 * 1024,
};

export async function runWorker(opts: WorkerOptions): Promise<WorkerResult> {
  const log = opts.log ?? (() => undefined);
  const env = opts.env ?? process.env;
  const now = () => (opts.now ? opts.now() : new Date()).toISOString();
  const spec = opts.spec;
  const branch = taskBranch(opts.branchPrefix ?? "dispatch/", opts.issue, isTaskId(spec.id) ? spec.id : "invalid", opts.command);
  const refuse = (error: string): WorkerResult => {
    log(`refusing the task: ${error}`);
    return { status: "failed", branch, plan: "", output: null, pushed: false, error };
  };
  if (!isTaskId(spec.id)) return refuse(`"${spec.id}" is not a task id (lowercase letters, digits and '-')`);
  if (!Number.isSafeInteger(opts.issue) || opts.issue <= 0) return refuse(`"${opts.issue}" is not an issue number`);
  if (spec.agent === "custom" && !opts.agentCommand?.trim()) return refuse(`task ${spec.id} names a custom agent but no agent-command was given`);
  const missingKey = opts.agentCommand?.trim() ? null : missingKeyError(spec.agent, env);
  if (missingKey) return refuse(missingKey);

  const user = opts.agentUser;
  const isolated = user !== undefined && user.mode !== "same";
  const secrets = secretValues(env, [...(opts.secrets ?? []), ...(opts.token ? [opts.token] : [])]);
  // An isolated agent must reach its folders: under the system's temp folder, not RUNNER_TEMP (maybe private).
  const tempBase = isolated ? tmpdir() : env["RUNNER_TEMP"] || tmpdir();
  const chosen = opts.workDir ?? join(tempBase, `dispatch-${opts.issue}-${spec.id}-${randomBytes(4).toString("hex")}`);
  await mkdir(chosen, { recursive: true });
  // Its real path: the worker's reads and writes in the worktree refuse every link on the way (safe-file.ts), so none
  // may be in the part above it that the worker made (a temp folder that is a link, as on some systems).
  const workDir = await realpath(chosen);
  const worktreePath = join(workDir, "worktree");
  const runtime = join(workDir, "runtime");
  const agentHome = join(workDir, "home");
  // The agent's temporary folder: what its CLI leaves there (gemini's error reports hold the conversation) goes with
  // the run, never into the runner's shared /tmp.
  const agentTmp = join(workDir, "tmp");
  await mkdir(join(runtime, "bin"), { recursive: true });
  await mkdir(agentTmp, { recursive: true, mode: 0o700 });
  if (isolated) {
    await mkdir(agentHome, { recursive: true, mode: 0o700 });
    await chmod(workDir, 0o755);
  }

  const gitOptions = { dir: opts.workspace, log, ...(opts.token ? { token: opts.token } : {}), ...(opts.server ? { server: opts.server } : {}), ...(opts.author ? { author: opts.author } : {}) };
  let git = new Git(gitOptions);
  let worktree: Awaited<ReturnType<typeof prepareWorktree>>;
  try {
    git = await git.pinned();
    worktree = await prepareWorktree({ git, branch, base: opts.base, path: worktreePath, log });
  } catch (error) {
    await rm(workDir, { recursive: true, force: true });
    return refuse(`could not set up the worktree: ${redact(error instanceof Error ? error.message : String(error), secrets)}`);
  }
  const dirRel = taskFolder(spec.id);
  const dir = join(worktree.path, dirRel);
  // The agent owns the worktree's files (not its git directory) and its home; handed back after the worker writes.
  const handBack = isolated ? () => handOver(user, [worktree.path]) : undefined;
  const publisher = new Publisher({ git: worktree.git, branch, task: spec.id, secrets, log, ...(handBack ? { afterWrite: handBack } : {}) });

  try {
    // Plan: continue the branch's plan (resume, retry) or write a fresh one, and push it at once.
    await reopenTaskFolder({ git: worktree.git, dir, dirRel });
    const start = await startingPlan({ git: worktree.git, dir, dirRel, spec, issue: opts.issue, now: now(), ...(opts.runUrl ? { run: opts.runUrl } : {}) });
    await ensureFolder(join(dir, IPC_DIR));
    await writePlain(join(dir, PLAN_FILE), start.plan);
    await publisher.save("plan");
    log(`plan pushed to ${branch}${start.resumed ? " (resumed)" : ""}`);

    // Prompt and agent command.
    const answers = await answeredQuestions(dir);
    const context = await readIfExists(join(dir, CONTEXT_FILE));
    const prompt = buildPrompt({
      spec,
      plan: start.plan,
      paths: { dir: dirRel, plan: `${dirRel}/${PLAN_FILE}`, output: `${dirRel}/${OUTPUT_FILE}`, context: `${dirRel}/${CONTEXT_FILE}` },
      starter: start.starter,
      resumed: start.resumed,
      answers,
      notes: parsePlan(start.plan)?.notes ?? [],
      ...(context ? { context } : {}),
      ...(opts.thread ? { thread: opts.thread } : {}),
    });
    const promptFile = join(runtime, "prompt.md");
    await writeFile(promptFile, prompt);
    const askCommand = opts.askCommand ?? (isolated ? await reachableAskCommand(runtime) : defaultAskCommand());
    await writeAskProgram(join(runtime, "bin"), askCommand);
    const askPath = join(runtime, "bin", "dispatch-ask");
    const command = agentCommand({ agent: spec.agent, model: spec.model, prompt, ...(opts.agentCommand ? { custom: opts.agentCommand } : {}) });
    const questionTimeoutMs = opts.questionTimeoutMs ?? DEFAULTS.questionTimeoutMs;
    // dispatch-ask writes the limit file when it refuses a question: somewhere the agent's user may write.
    const questionLimit = {
      lastSeq: nextQuestionSeq(await readdir(join(dir, IPC_DIR))) - 1 + MAX_QUESTIONS_PER_RUN,
      file: join(isolated ? agentHome : runtime, "question-limit"),
    };
    // A real CLI gets its own HOME with its per-run configuration and its settings (base URL, bounded retries …).
    const real = !opts.agentCommand && spec.agent !== "custom";
    const shellEnv = ["DISPATCH_ASK", "DISPATCH_TASK", "DISPATCH_DIR", "DISPATCH_PLAN", "DISPATCH_PROMPT_FILE", TIMEOUT_ENV, POLL_ENV, LAST_QUESTION_ENV, LIMIT_FILE_ENV];
    const commandMs = questionTimeoutMs + 60_000;
    const homeVars = real ? await prepareAgentHome({ home: agentHome, agent: spec.agent, env, shellEnv, commandMs }) : {};
    const environment = agentEnv({
      env,
      agent: spec.agent,
      home: isolated || real ? agentHome : (env["HOME"] ?? agentHome),
      ...(isolated && user.name ? { user: user.name } : {}),
      set: {
        ...(real ? agentSettings(spec.agent, env, commandMs) : {}),
        ...homeVars,
        ...pick(env, opts.agentVariables ?? []),
        DISPATCH_ASK: askPath,
        DISPATCH_TASK: spec.id,
        DISPATCH_DIR: dir,
        DISPATCH_PLAN: join(dir, PLAN_FILE),
        DISPATCH_PROMPT_FILE: promptFile,
        [TIMEOUT_ENV]: String(questionTimeoutMs / 1000),
        [POLL_ENV]: String(Math.min(500, opts.fetchIntervalMs ?? DEFAULTS.fetchIntervalMs)),
        [LAST_QUESTION_ENV]: String(questionLimit.lastSeq),
        [LIMIT_FILE_ENV]: questionLimit.file,
        PATH: [join(runtime, "bin"), env["PATH"] ?? ""].filter(Boolean).join(delimiter),
        TMPDIR: agentTmp,
      },
    });
    if (isolated) {
      // Its own git reads the worker's repository (owned by another user): let it, and give it a name to commit with.
      await writeFile(join(agentHome, ".gitconfig"), "[safe]\n\tdirectory = *\n[user]\n\tname = dispatch agent\n\temail = agent@dispatch.invalid\n");
      await handOver(user, [worktree.path, agentHome, agentTmp]);
    }

    // Run the agent under the monitor until it exits or the task is cancelled.
    let usage: AgentUsage | undefined;
    let tooLoud: number | null = null;
    const outputKind = opts.agentCommand ? "custom" : spec.agent;
    let cancelled = opts.signal?.aborted ?? false;
    let limited = false;
    const graceMs = opts.stopGraceMs ?? DEFAULTS.stopGraceMs;
    log(`starting ${spec.agent}${opts.agentCommand ? " (agent-command)" : ""} in ${worktree.path}`);
    const watchdog = new Watchdog({
      agent: outputKind,
      limits: { modelSilenceMs: opts.modelSilenceMs ?? DEFAULTS.modelSilenceMs, inactivityMs: opts.inactivityMs ?? DEFAULTS.inactivityMs },
      ipcDir: join(dir, IPC_DIR),
      onSilent: (silence) => stopAgent(silenceReason(silence)),
    });
    const agent: AgentProcess = startAgent({
      command,
      cwd: worktree.path,
      env: environment,
      ...(isolated ? { runAs: runAs(user, environment) } : {}),
      maxOutputBytes: opts.maxOutputBytes ?? DEFAULTS.maxOutputBytes,
      // Pieces of a streaming answer would push the lines worth reporting out of the kept tail.
      keepLine: (line) => !lineActivity(outputKind, line).fragment,
      onTooMuchOutput: (bytes) => {
        tooLoud = bytes;
        stopAgent(`it printed more than ${bytes} bytes`);
      },
      onLine: (line) => {
        watchdog.line(line);
        usage = addUsage(spec.agent, usage, line);
        const readable = readableLine(outputKind, line);
        if (readable !== null) opts.onAgentLine?.(redact(readable, secrets));
      },
    });
    const stopAgent = (why: string) => {
      log(`stopping the agent: ${why}`);
      void agent.stop(graceMs);
    };
    const onAbort = () => {
      cancelled = true;
      stopAgent("the job was cancelled");
    };
    opts.signal?.addEventListener("abort", onAbort, { once: true });
    if (cancelled) stopAgent("the job was cancelled");
    const monitor = new Monitor({
      publisher,
      taskDir: dir,
      pushIntervalMs: opts.pushIntervalMs ?? DEFAULTS.pushIntervalMs,
      fetchIntervalMs: opts.fetchIntervalMs ?? DEFAULTS.fetchIntervalMs,
      idleFetchIntervalMs: opts.idleFetchIntervalMs ?? DEFAULTS.idleFetchIntervalMs,
      questionExpiryMs: questionTimeoutMs + Math.max(10_000, Math.min(120_000, questionTimeoutMs / 10)),
      log,
      onCancel: () => {
        cancelled = true;
        stopAgent("the task was cancelled from the thread");
      },
      onQuestionExpired: () => stopAgent("it kept running after its question timed out"),
      questionLimit,
      onQuestionLimit: () => {
        limited = true;
        stopAgent(`it asked more than ${MAX_QUESTIONS_PER_RUN} questions in this run`);
      },
    });
    await monitor.start();
    const exit = await agent.exited;
    watchdog.stop();
    opts.signal?.removeEventListener("abort", onAbort);
    await monitor.stop();
    if (isolated) await takeBack(user, [worktree.path, agentHome, agentTmp]);
    log(exit.error ? `the agent did not start: ${exit.error}` : `the agent exited (${exit.signal ?? `code ${exit.exitCode}`})`);

    // Outcome and the closing commits (a question written past the limit just before the agent exited goes too).
    const ipcNames = await readdir(join(dir, IPC_DIR)).catch(() => [] as string[]);
    if ((await removeQuestionsPast({ ipc: join(dir, IPC_DIR), names: ipcNames, lastSeq: questionLimit.lastSeq })).length > 0) limited = true;
    const names = await readdir(join(dir, IPC_DIR)).catch(() => [] as string[]);
    const pendingQuestion = pendingQuestionSeq(names);
    const planLeft = await readIfExists(join(dir, PLAN_FILE));
    const planNow = planLeft ?? start.plan;
    const planWhy = planLeft === null ? `the agent deleted ${PLAN_FILE}` : parsePlan(planLeft) === null ? `the agent left ${PLAN_FILE} without a checklist dispatch can read` : null;
    const status = limited && !cancelled ? "failed" : decideOutcome({ plan: planNow, exitCode: exit.exitCode, pendingQuestion, cancelled });
    const readable = agent.lines().map((l) => readableLine(outputKind, l)).filter((l): l is string => l !== null);
    const stoppedWhy = watchdog.silence !== null
      ? silenceReason(watchdog.silence)
      : tooLoud !== null ? `the agent printed more than ${opts.maxOutputBytes ?? DEFAULTS.maxOutputBytes} bytes of output` : null;
    const why = stoppedWhy ?? planWhy ?? apiFailure(spec.agent, agent.lines());
    const general = failureReason({ lines: readable, exitCode: exit.exitCode, signal: exit.signal, ...(exit.error ? { error: exit.error } : {}) });
    const reason = limited ? QUESTION_LIMIT_REASON : redact(why ? `${why}; ${general}` : general, secrets);
    const cost = usage?.cost_usd;
    log(`task ${spec.id}: ${status}`);
    const finished = await finishRun({
      publisher,
      root: worktree.path,
      taskDir: dir,
      status,
      reason,
      pendingQuestion,
      now: now(),
      fallbackPlan: start.plan,
      secrets,
      ...(cost !== undefined ? { cost_usd: cost } : {}),
      ...(usage ? { tokens: { input: usage.input_tokens, output: usage.output_tokens } } : {}),
    });
    const result: WorkerResult = { status, branch, plan: finished.plan, output: finished.output, pushed: finished.pushed };
    if (cost !== undefined) result.cost_usd = cost;
    if (usage) result.usage = usage;
    if (!finished.pushed) result.error = "the final commits could not be pushed";
    if (status === "failed") result.error ??= reason.split("\n")[0]?.replace(/; last output:$/, "");
    return result;
  } finally {
    if (!opts.keepWorktree) {
      await removeWorktree(git, worktree.path);
      // The agent's files (and its home) are removed without following a link it may have left.
      await removePath(workDir);
    }
  }
}

/** This program run as `… ask`: the bundle when running as the Action. */
function defaultAskCommand(): string[] {
  return [process.execPath, process.argv[1] ?? "", "ask"];
}

/**
 * The ask command an isolated agent can run: Node and the bundle may sit in folders only the worker may enter (the
 * runner's home, npx's cache), so both are linked (or copied) into the run's own folder.
 */
async function reachableAskCommand(runtime: string): Promise<string[]> {
  const [node, bundle] = [process.execPath, process.argv[1] ?? ""];
  // A hard link keeps the file's own mode (node 755, the bundle 644); a copy gets it set.
  const place = async (from: string, to: string, mode: number) => {
    const linked = await link(from, to).then(() => true, () => false);
    if (linked) return;
    await copyFile(from, to);
    await chmod(to, mode);
  };
  await place(node, join(runtime, "node"), 0o755);
  await place(bundle, join(runtime, "dispatch.js"), 0o644);
  return [join(runtime, "node"), join(runtime, "dispatch.js"), "ask"];
}

/** `dispatch-ask` on the agent's PATH: a tiny script that runs the ask command with the agent's arguments. */
async function writeAskProgram(binDir: string, command: readonly string[]): Promise<void> {
  const quoted = command.map((part) => `'${part.replace(/'/g, `'\\''`)}'`).join(" ");
  const path = join(binDir, "dispatch-ask");
  await writeFile(path, `#!/bin/sh\nexec ${quoted} "$@"\n`);
  await chmod(path, 0o755);
}

function pick(env: Readonly<Record<string, string | undefined>>, names: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of names) {
    const value = env[name];
    if (value !== undefined && !isSecretName(name)) out[name] = value;
  }
  return out;
}

async function readIfExists(path: string): Promise<string | null> {
  return readPlain(path);
}
