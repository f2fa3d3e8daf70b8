/** What a worker would push: plan files written with the core's own plan writer. */
import { renderPlan, type Plan, type PlanItem } from "../../src/core/plan.js";
import { ipcPath, planPath, outputPath, DISPATCH_ROOT, ipcDir, DONE_FILE } from "../../src/core/ipc.js";
import type { TaskStatus } from "../../src/core/plan.js";

export const RUN = "https://github.com/acme/shop/actions/runs/9001";

export function planText(task: string, options: { status?: TaskStatus; items?: Array<[string, PlanItem["state"]]>; run?: string; model?: string } = {}): string {
  const plan: Plan = {
    task,
    title: `Work on ${task}`,
    model: options.model ?? "sonnet",
    agent: "claude",
    issue: 42,
    status: options.status ?? "running",
    run: options.run ?? RUN,
    updated: "2026-01-01T00:00:00.000Z",
    items: (options.items ?? [["Read the code", "pending"]]).map(([text, state]) => ({ text, state })),
    notes: [],
  };
  return renderPlan(plan);
}

export const files = {
  plan: (task: string, options?: Parameters<typeof planText>[1]) => ({ [planPath(task)]: planText(task, options) }),
  question: (task: string, seq: number, text: string) => ({ [ipcPath(task, seq, "question")]: text }),
  /** The worker's two last commits' effect: done plan + output, then bookkeeping removed. */
  done: (task: string, output: string, items: Array<[string, PlanItem["state"]]> = [["Do it", "done"]]) => ({
    [planPath(task)]: planText(task, { status: "done", items }),
    [outputPath(task)]: output,
    [`${ipcDir(task)}/${DONE_FILE}`]: "",
  }),
  removeBookkeeping: () => ({ [DISPATCH_ROOT]: null }),
};
