/**
 * Picking a task up again: the plan a run starts from (the branch's own when a run before this one left it, a
 * fresh one otherwise) and the questions earlier runs asked and got answers to.
 */
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { CANCEL_FILE, DONE_FILE, IPC_DIR, ipcFileName, parseIpcName, PLAN_FILE } from "../core/ipc.js";
import { markItem, newPlan, parsePlan, renderPlan, setPlanMeta, type PlanMeta } from "../core/plan.js";
import type { AnsweredQuestion } from "../core/prompt.js";
import type { TaskSpec } from "../core/task.js";
import type { Git } from "./git.js";
import { readPlain, removePath } from "./safe-file.js";

export interface StartingPlanOptions {
  /** Git over the worktree. */
  git: Git;
  /** Absolute task folder. */
  dir: string;
  /** Task folder relative to the worktree root. */
  dirRel: string;
  spec: TaskSpec;
  issue: number;
  now: string;
  run?: string;
}

export interface StartingPlan {
  plan: string;
  /** An earlier run's plan is being continued. */
  resumed: boolean;
  /** The checklist is the starter one the agent should replace. */
  starter: boolean;
}

const BOOKKEEPING_REMOVED = /: remove bookkeeping\s*$/;

/**
 * Bring back what a retried run needs from the run before it: the task folder its `remove bookkeeping` commit
 * deleted (plan, context, questions and answers, so question numbers go on and answers reach the prompt), without
 * the markers that ended that run (`.done`, and a `.cancel` the retry overrides).
 */
export async function reopenTaskFolder(opts: Pick<StartingPlanOptions, "git" | "dir" | "dirRel">): Promise<void> {
  const message = await opts.git.raw(["log", "-1", "--format=%s", "HEAD"]).catch(() => "");
  if (BOOKKEEPING_REMOVED.test(message) && (await opts.git.show("HEAD~1", `${opts.dirRel}/${PLAN_FILE}`)) !== null) {
    await opts.git.raw(["checkout", "HEAD~1", "--", opts.dirRel]);
  }
  await removePath(join(opts.dir, IPC_DIR, DONE_FILE));
  await removePath(join(opts.dir, IPC_DIR, CANCEL_FILE));
}

export async function startingPlan(opts: StartingPlanOptions): Promise<StartingPlan> {
  const earlier = (await readIfExists(join(opts.dir, PLAN_FILE))) ?? (await finishedRunPlan(opts));
  const parsed = earlier !== null ? parsePlan(earlier) : null;
  if (earlier === null || !parsed || parsed.status === "done" || parsed.items.length === 0) {
    const fresh = newPlan({ spec: opts.spec, issue: opts.issue, now: opts.now, ...(opts.run ? { run: opts.run } : {}) });
    return { plan: renderPlan(fresh), resumed: false, starter: opts.spec.steps.length === 0 };
  }
  // Items left blocked or in error are open again; ticked ones stay ticked.
  let text = earlier;
  parsed.items.forEach((item, index) => {
    if (item.state === "error" || item.state === "question") text = markItem(text, { index, state: "pending" });
  });
  const meta: Partial<PlanMeta> = {
    status: "running",
    updated: opts.now,
    model: opts.spec.model,
    agent: opts.spec.agent,
    run: opts.run,
  };
  return { plan: setPlanMeta(text, meta), resumed: true, starter: false };
}

/** The final plan of a run whose bookkeeping was removed (a retry of a failed or cancelled task): at HEAD~1. */
async function finishedRunPlan(opts: StartingPlanOptions): Promise<string | null> {
  const message = await opts.git.raw(["log", "-1", "--format=%s", "HEAD"]).catch(() => "");
  if (!BOOKKEEPING_REMOVED.test(message)) return null;
  return opts.git.show("HEAD~1", `${opts.dirRel}/${PLAN_FILE}`);
}

/** Questions in the task folder that have an answer, oldest first. */
export async function answeredQuestions(dir: string): Promise<AnsweredQuestion[]> {
  const ipc = join(dir, IPC_DIR);
  const names = await readdir(ipc).catch(() => [] as string[]);
  const answered: AnsweredQuestion[] = [];
  const seqs = names
    .map(parseIpcName)
    .filter((p) => p?.kind === "question")
    .map((p) => p!.seq)
    .sort((a, b) => a - b);
  for (const seq of seqs) {
    const answer = await readIfExists(join(ipc, ipcFileName(seq, "answer")));
    if (answer === null) continue;
    const question = (await readIfExists(join(ipc, ipcFileName(seq, "question")))) ?? "";
    answered.push({ seq, question: question.trim(), answer: answer.trim() });
  }
  return answered;
}

async function readIfExists(path: string): Promise<string | null> {
  return readPlain(path);
}
