/**
 * The status comment: ONE comment per /dispatch command showing every task's checklist, kept live by the app.
 * It is also the app's only memory: finished tasks' final state and the questions already posted live in it.
 */
import type { ItemState, PlanItem, TaskStatus } from "./plan.js";
import type { AgentName } from "./task.js";

export const COMMENT_LIMIT = 65_536;

export interface TaskView {
  id: string;
  title: string;
  model: string;
  agent: AgentName;
  status: TaskStatus;
  items: PlanItem[];
  branch: string;
  after: string[];
  /** URL of the Actions run or job. */
  run?: string;
  pr?: { number: number; url: string };
  /** Why the task failed or was cancelled, one line. */
  error?: string;
  cost_usd?: number;
  /** Question numbers already posted to the thread (never post one twice). */
  asked: number[];
}

export interface StatusView {
  /** Id of the /dispatch comment this status belongs to. */
  command: number;
  issue: number;
  /** The branch the dispatch started from. */
  base: string;
  /** `https://github.com/<owner>/<repo>`, for links to branches. */
  repoUrl: string;
  tasks: TaskView[];
}

export type { ItemState, PlanItem, TaskStatus };
