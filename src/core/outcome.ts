/**
 * How a worker's run ends: the task's status from the plan and the agent's exit, and the final plan.md and
 * context.md that say so. Pure: the worker reads the files and writes what these return.
 */
import { isComplete, markItem, parsePlan, renderPlan, setPlanMeta, type Plan, type TaskStatus } from "./plan.js";

export type RunOutcome = Extract<TaskStatus, "done" | "failed" | "waiting" | "cancelled">;

export interface OutcomeInput {
  /** plan.md as the agent left it. */
  plan: string;
  /** The agent's exit code; null when it was killed or never started. */
  exitCode: number | null;
  /** The lowest unanswered question, when one is left. */
  pendingQuestion: number | null;
  /** The job was cancelled or `.cancel` arrived. */
  cancelled: boolean;
}

/** done: every item ticked and exit 0 · waiting: a question is left unanswered · cancelled · otherwise failed. */
export function decideOutcome(input: OutcomeInput): RunOutcome {
  if (input.cancelled) return "cancelled";
  if (input.pendingQuestion !== null) return "waiting";
  const plan = parsePlan(input.plan);
  if (plan && input.exitCode === 0 && isComplete(plan.items)) return "done";
  return "failed";
}

export interface FinalPlanOptions {
  plan: string;
  status: RunOutcome;
  /** ISO time. */
  now: string;
  /** For `failed`: why, shown under the failing item (the agent's last output lines). */
  reason?: string;
  cost_usd?: number;
  /** Tokens this run used; added to what earlier runs of the task recorded. */
  tokens?: { input: number; output: number };
}

/** plan.md as the run leaves it: status, time and cost set; the failing item `[!]`, or the waiting one `[?]`. */
export function finalPlan(opts: FinalPlanOptions): string {
  let text = opts.plan;
  const plan = parsePlan(text);
  if (plan && opts.status === "failed") text = markFailure(text, plan, opts.reason ?? "the agent stopped before finishing");
  if (plan && opts.status === "waiting") {
    const index = firstOpenItem(plan);
    if (index !== null && plan.items[index]?.state !== "question") text = markItem(text, { index, state: "question" });
  }
  const meta: Parameters<typeof setPlanMeta>[1] = { status: opts.status, updated: opts.now };
  if (opts.cost_usd !== undefined) meta.cost_usd = opts.cost_usd;
  if (opts.tokens) {
    meta.tokens_in = (plan?.tokens_in ?? 0) + opts.tokens.input;
    meta.tokens_out = (plan?.tokens_out ?? 0) + opts.tokens.output;
  }
  return setPlanMeta(text, meta);
}

function markFailure(text: string, plan: Plan, reason: string): string {
  const errorIndex = plan.items.findIndex((item) => item.state === "error");
  if (errorIndex >= 0) {
    const own = plan.items[errorIndex]?.reason?.trim();
    return markItem(text, { index: errorIndex, state: "error", reason: own ? `${own}\n${reason}` : reason });
  }
  const open = firstOpenItem(plan);
  if (open !== null) return markItem(text, { index: open, state: "error", reason });
  // Every item ticked, yet the agent failed: say so in an item of its own.
  const items = [...plan.items, { text: "The agent exited with an error", state: "error" as const, reason }];
  return renderPlan({ ...plan, items });
}

/** The first item not ticked (pending, blocked or in error); null when every item is done. */
export function firstOpenItem(plan: Pick<Plan, "items">): number | null {
  const index = plan.items.findIndex((item) => item.state !== "done");
  return index >= 0 ? index : null;
}

/** The failure report: the last `count` non-blank lines of the agent's output and how it ended. */
export function failureReason(opts: { lines: readonly string[]; exitCode: number | null; signal?: string | null; error?: string; count?: number }): string {
  const head = opts.error
    ? `the agent did not start: ${opts.error}`
    : opts.exitCode === null
      ? `the agent was stopped${opts.signal ? ` by ${opts.signal}` : ""}`
      : opts.exitCode === 0
        ? "the agent exited 0 before ticking every item"
        : `the agent exited with code ${opts.exitCode}`;
  const tail = opts.lines.filter((l) => l.trim().length > 0).slice(-(opts.count ?? 20));
  return tail.length > 0 ? `${head}; last output:\n${tail.join("\n")}` : head;
}

export interface WaitingContextOptions {
  /** context.md as the agent left it, if it wrote one. */
  context: string | null;
  plan: string;
  seq: number;
  question: string;
}

/** context.md for a task parked on an unanswered question: the agent's own, plus where the checklist stands. */
export function waitingContext(opts: WaitingContextOptions): string {
  const plan = parsePlan(opts.plan);
  const lines: string[] = [];
  if (plan) {
    const done = plan.items.filter((i) => i.state === "done").map((i) => `- [x] ${i.text}`);
    const open = firstOpenItem(plan);
    const current = open !== null ? plan.items[open]?.text : undefined;
    if (done.length > 0) lines.push(`Done so far:\n${done.join("\n")}`);
    if (current) lines.push(`Stopped at: ${current}`);
  }
  const label = String(opts.seq).padStart(3, "0");
  lines.push(`Waiting for the answer to question ${label}:\n> ${opts.question.trim().replace(/\n/g, "\n> ")}`);
  const section = `## Parked by dispatch\n\n${lines.join("\n\n")}\n`;
  const own = opts.context?.trim();
  return own ? `${own}\n\n${section}` : `# Where the work stands\n\n${section}`;
}
