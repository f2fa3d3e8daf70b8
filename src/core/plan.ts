/**
 * The plan file, `.dispatch/tasks/<id>/plan.md`: YAML front matter, `# Title`, a checklist, notes.
 * Agents edit plans by hand, so reading is lenient and edits keep the agent's text.
 */
import type { AgentName } from "./task.js";

export const TASK_STATUSES = ["queued", "running", "waiting", "done", "failed", "cancelled"] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];
export const FINISHED_STATUSES: ReadonlySet<TaskStatus> = new Set(["done", "failed", "cancelled"]);

/** `[ ]` pending · `[x]` done · `[?]` blocked on a question · `[!]` error */
export type ItemState = "pending" | "done" | "question" | "error";

export interface PlanItem {
  text: string;
  state: ItemState;
  /** For done items: the text after " — ". */
  note?: string;
  /** For error items: the indented line(s) below. */
  reason?: string;
}

export interface PlanMeta {
  task: string;
  title: string;
  model: string;
  agent: AgentName;
  issue: number;
  status: TaskStatus;
  /** URL of the Actions run working the task. */
  run?: string;
  /** ISO time of the last change. */
  updated: string;
  cost_usd?: number;
}

export interface Plan extends PlanMeta {
  items: PlanItem[];
  /** Maintainer notes, the text of each `> **Note:** …` line. */
  notes: string[];
}
