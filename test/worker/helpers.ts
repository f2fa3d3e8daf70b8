/**
 * Test rig for the worker: a bare repository as `origin`, clones as workspaces, scripted agents, and the app's part
 * (committing an answer, a note or `.cancel` onto a task branch) played through a separate clone. Real git throughout.
 */
import { execFileSync } from "node:child_process";
import { existsSync, statSync, watch } from "node:fs";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { TaskSpec } from "../../src/core/task.js";
import { runWorker, type WorkerOptions, type WorkerResult } from "../../src/worker/index.js";

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const AGENTS_DIR = join(ROOT, "test/worker/agents");

export function git(cwd: string, ...args: string[]): string {
  return execFileSync("git", args, {
    cwd,
    encoding: "utf8",
    env: { ...process.env, GIT_AUTHOR_NAME: "t", GIT_AUTHOR_EMAIL: "t@t", GIT_COMMITTER_NAME: "t", GIT_COMMITTER_EMAIL: "t@t" },
    stdio: ["ignore", "pipe", "pipe"],
  });
}

export interface Rig {
  root: string;
  origin: string;
  /** A new clone of origin (a runner's checkout). */
  workspace(): Promise<string>;
  /** File content on a branch of origin; null when absent. */
  show(ref: string, path: string): string | null;
  /** Commit subjects of a ref, newest first. */
  log(ref: string): string[];
  /** Whether origin has the branch. */
  has(branch: string): boolean;
  /** The app's part: write files onto a branch of origin in one commit. */
  appCommit(branch: string, files: Record<string, string>, message: string): Promise<string>;
  /** Resolve when `test` holds for what origin shows, or throw after `timeoutMs`. */
  until<T>(what: string, test: () => T | null | undefined | false, timeoutMs?: number): Promise<T>;
  cleanup(): Promise<void>;
}

export async function makeRig(): Promise<Rig> {
  const root = await mkdtemp(join(tmpdir(), "dispatch-worker-"));
  const origin = join(root, "origin.git");
  const seed = join(root, "seed");
  git(root, "init", "--quiet", "--bare", "--initial-branch=main", origin);
  git(origin, "config", "receive.autogc", "false");
  // Every push to origin appends its ref lines here: `until` waits for the next one instead of asking git again and again.
  const pushes = join(root, "pushes.log");
  await writeFile(pushes, "");
  await writeFile(join(origin, "hooks", "post-receive"), `#!/bin/sh\ncat >> '${pushes}'\n`, { mode: 0o755 });
  git(root, "clone", "--quiet", origin, seed);
  await writeFile(join(seed, "README.md"), "# shop\n");
  git(seed, "add", ".");
  git(seed, "commit", "--quiet", "-m", "initial");
  git(seed, "push", "--quiet", "origin", "HEAD:main");
  let clones = 0;

  const rig: Rig = {
    root,
    origin,
    async workspace() {
      const dir = join(root, `ws${++clones}`);
      git(root, "clone", "--quiet", origin, dir);
      return dir;
    },
    show(ref, path) {
      try {
        return git(origin, "show", `${ref}:${path}`);
      } catch {
        return null;
      }
    },
    log(ref) {
      try {
        return git(origin, "log", "--format=%s", ref).split("\n").filter(Boolean);
      } catch {
        return [];
      }
    },
    has(branch) {
      return git(origin, "branch", "--list", branch).trim().length > 0;
    },
    async appCommit(branch, files, message) {
      const dir = join(root, `app${++clones}`);
      git(root, "clone", "--quiet", "--branch", branch, origin, dir);
      for (const [path, text] of Object.entries(files)) {
        await mkdir(dirname(join(dir, path)), { recursive: true });
        await writeFile(join(dir, path), text);
      }
      git(dir, "add", ".");
      git(dir, "commit", "--quiet", "-m", message);
      git(dir, "push", "--quiet", "origin", `HEAD:${branch}`);
      const sha = git(dir, "rev-parse", "HEAD").trim();
      await rm(dir, { recursive: true, force: true });
      return sha;
    },
    async until(what, test, timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        if (!existsSync(pushes)) throw new Error(`stopped waiting for ${what}: the rig was cleaned up`);
        const seen = sizeOf(pushes);
        const value = test();
        if (value) return value;
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
        await nextPush({ file: pushes, seen, ms: Math.min(1000, Math.max(0, deadline - Date.now())) });
      }
    },
    async cleanup() {
      await rm(root, { recursive: true, force: true });
    },
  };
  return rig;
}

/** Resolves once `file` has grown past `seen` bytes (a push to origin), or after `ms` at the latest. */
function nextPush(opts: { file: string; seen: number; ms: number }): Promise<void> {
  return new Promise((resolvePromise) => {
    const done = () => {
      clearTimeout(timer);
      watcher.close();
      resolvePromise();
    };
    const timer = setTimeout(done, opts.ms);
    const watcher = watch(opts.file, () => {
      if (sizeOf(opts.file) > opts.seen) done();
    });
    watcher.on("error", done);
    // A push between the caller's look and the watch's start.
    if (sizeOf(opts.file) > opts.seen) done();
  });
}

/** A file's size; infinite once it is gone (the rig was cleaned up: nothing more to wait for). */
function sizeOf(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return Number.POSITIVE_INFINITY;
  }
}

export function spec(over: Partial<TaskSpec> = {}): TaskSpec {
  return {
    id: "security-review",
    title: "Do a security review of the auth module",
    prompt: "do a security review of the auth module",
    model: "opus",
    agent: "claude",
    worktree: true,
    steps: ["Scan for hardcoded secrets", "Review authentication logic", "Write a summary to output.md"],
    after: [],
    ...over,
  };
}

/** `node test/worker/agents/<name>.mjs` as the agent-command. */
export function agent(name: string): string {
  const path = join(AGENTS_DIR, `${name}.mjs`);
  if (!existsSync(path)) throw new Error(`no scripted agent ${name}`);
  return `'${process.execPath}' '${path}'`;
}

/**
 * dispatch-ask from the sources: the Action bundled fresh by the test project's global setup (test/setup/), which starts
 * in a fraction of tsx's time on a busy machine; else (a benchmark) action/main.ts through tsx.
 */
const FRESH_BUNDLE = process.env["DISPATCH_ACTION_BUNDLE"];
export const ASK_COMMAND = FRESH_BUNDLE
  ? [process.execPath, FRESH_BUNDLE, "ask"]
  : [process.execPath, "--import", import.meta.resolve("tsx"), join(ROOT, "action/main.ts"), "ask"];

export type FastOptions = Omit<WorkerOptions, "spec" | "issue" | "base" | "workspace"> & {
  spec?: TaskSpec;
  issue?: number;
  base?: string;
};

/**
 * Run the worker with test-sized intervals: tests wait for what the worker pushes, so the shorter its push and fetch
 * intervals, the sooner a condition holds (the defaults are seconds; a busy machine only makes each step later).
 */
export function work(workspace: string, opts: FastOptions): Promise<WorkerResult> {
  const { spec: s, issue, base, ...rest } = opts;
  return runWorker({
    spec: s ?? spec(),
    issue: issue ?? 42,
    base: base ?? "main",
    workspace,
    askCommand: ASK_COMMAND,
    pushIntervalMs: 200,
    fetchIntervalMs: 100,
    // A `.cancel` or a note shows within a second; a fetch is a few git processes, and tests run for many seconds.
    idleFetchIntervalMs: 1000,
    stopGraceMs: 500,
    questionTimeoutMs: 20_000,
    env: { PATH: process.env["PATH"] ?? "", HOME: process.env["HOME"] ?? "" },
    agentVariables: ["RELEASE", "IGNORE_TERM", "TICK_MS"],
    // DISPATCH_TEST_WORKER_LOG=1: the worker's log on stderr, to see why a run ended as it did.
    ...(process.env["DISPATCH_TEST_WORKER_LOG"] ? { log: (line: string) => process.stderr.write(`[worker ${s?.id ?? "security-review"}] ${line}\n`) } : {}),
    ...rest,
  });
}

export async function readJson(path: string): Promise<unknown> {
  return JSON.parse(await readFile(path, "utf8"));
}
