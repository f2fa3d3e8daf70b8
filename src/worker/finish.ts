/**
 * Ending a run: write the final plan.md (and context.md when parked), then the closing commits, pushed.
 *
 *   done / failed  `dispatch(<id>): done` (plan, output.md, ipc/.done) then `dispatch(<id>): remove bookkeeping`
 *   waiting        `dispatch(<id>): waiting` (plan with the item `[?]`, context.md)
 *   cancelled      `dispatch(<id>): cancelled` (plan and the work so far; the folder stays for a retry)
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { CONTEXT_FILE, DISPATCH_ROOT, DONE_FILE, IPC_DIR, ipcFileName, OUTPUT_FILE, PLAN_FILE } from "../core/ipc.js";
import { finalPlan, waitingContext, type RunOutcome } from "../core/outcome.js";
import { appendNote } from "../core/plan.js";
import { redact } from "../core/secret.js";
import { workflowsLeftOutNote } from "../core/workflow-files.js";
import type { Publisher } from "./publish.js";
import { readPlain, removePath, writePlain } from "./safe-file.js";

export interface FinishOptions {
  publisher: Publisher;
  /** The worktree root. */
  root: string;
  /** Absolute path of the task folder. */
  taskDir: string;
  status: RunOutcome;
  /** For `failed`: shown under the failing item. */
  reason?: string;
  /** For `waiting`: the unanswered question. */
  pendingQuestion?: number | null;
  cost_usd?: number;
  /** Tokens this run used, as the agent CLI reported them. */
  tokens?: { input: number; output: number };
  /** ISO time. */
  now: string;
  /** plan.md to fall back on when the agent deleted it. */
  fallbackPlan: string;
  secrets: readonly string[];
}

export interface FinishResult {
  plan: string;
  output: string | null;
  /** The remote has the closing commits. */
  pushed: boolean;
}

export async function finishRun(opts: FinishOptions): Promise<FinishResult> {
  const planFile = join(opts.taskDir, PLAN_FILE);
  const current = (await readText(planFile)) ?? opts.fallbackPlan;
  const finalOptions: Parameters<typeof finalPlan>[0] = { plan: current, status: opts.status, now: opts.now };
  if (opts.reason !== undefined) finalOptions.reason = opts.reason;
  if (opts.cost_usd !== undefined) finalOptions.cost_usd = opts.cost_usd;
  // Workflow files whose changes stay out of the push (GitHub refuses them): said in the plan and in output.md.
  const leftOut = await opts.publisher.workflowChanges();
  const note = leftOut.length > 0 ? workflowsLeftOutNote(leftOut) : null;
  if (opts.tokens) finalOptions.tokens = opts.tokens;
  const planned = finalPlan(finalOptions);
  const plan = redact(note ? appendNote(planned, note) : planned, opts.secrets);
  await writePlain(planFile, plan);
  let outputText = await readText(join(opts.taskDir, OUTPUT_FILE));
  if (note) {
    outputText = outputText === null ? `${note}\n` : `${outputText.replace(/\s*$/, "")}\n\n${note}\n`;
    await writePlain(join(opts.taskDir, OUTPUT_FILE), outputText);
  }
  const output = outputText === null ? null : redact(outputText, opts.secrets);

  if (opts.status === "waiting") {
    const seq = opts.pendingQuestion ?? 0;
    const question = (await readText(join(opts.taskDir, IPC_DIR, ipcFileName(seq, "question")))) ?? "";
    const contextFile = join(opts.taskDir, CONTEXT_FILE);
    await writePlain(contextFile, waitingContext({ context: await readText(contextFile), plan, seq, question }));
    return { plan, output, pushed: await opts.publisher.save("waiting") };
  }
  if (opts.status === "cancelled") return { plan, output, pushed: await opts.publisher.save("cancelled") };

  await writePlain(join(opts.taskDir, IPC_DIR, DONE_FILE), `${opts.status}\n`);
  await opts.publisher.commitOnly("done");
  await removePath(join(opts.root, DISPATCH_ROOT));
  const pushed = await opts.publisher.save("remove bookkeeping");
  return { plan, output, pushed };
}

async function readText(path: string): Promise<string | null> {
  if (!existsSync(path)) return null;
  return readPlain(path);
}
