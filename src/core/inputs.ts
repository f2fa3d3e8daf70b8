/**
 * The Action's inputs (docs/protocol.md §5), checked: strings in, the worker's settings out, or a message naming
 * the input that is wrong. Never throws.
 */
import { z } from "zod";
import { DEFAULT_MODEL_SILENCE_MS } from "./agent-silence.js";
import { AGENTS, isTaskId, type TaskSpec } from "./task.js";

export interface ActionInputs {
  spec: TaskSpec;
  issue: number;
  base: string;
  branchPrefix: string;
  questionTimeoutMs: number;
  pushIntervalMs: number;
  /** The agent's inactivity limit (input `agent-inactivity-seconds`, default 600): a tool run printing nothing. */
  inactivityMs: number;
  /** How long the model may produce nothing while no tool runs (input `model-silence-seconds`, default 60). */
  modelSilenceMs: number;
  agentCommand?: string;
  /** Id of the /dispatch comment, when the workflow passes it: the thread is read up to it. */
  comment?: number;
}

export type InputsResult = { ok: true; inputs: ActionInputs } | { ok: false; error: string };

const taskSchema = z.object({
  id: z.string().refine(isTaskId, "a task id: lowercase letters, digits and single '-', at most 40"),
  title: z.string().min(1),
  prompt: z.string().default(""),
  model: z.string().default(""),
  agent: z.enum(AGENTS),
  worktree: z.boolean().default(true),
  steps: z.array(z.string()).default([]),
  after: z.array(z.string()).default([]),
});

const BRANCH_PREFIX = /^[A-Za-z0-9][A-Za-z0-9._/-]*\/$/;

/** Read the raw input strings (`core.getInput` values, "" when not given). */
export function parseActionInputs(raw: Readonly<Record<string, string>>): InputsResult {
  const text = (name: string) => (raw[name] ?? "").trim();

  let json: unknown;
  try {
    json = JSON.parse(text("task"));
  } catch {
    return { ok: false, error: "input `task`: not JSON; expected a TaskSpec such as ${{ toJSON(matrix.task) }}" };
  }
  const task = taskSchema.safeParse(json);
  if (!task.success) {
    const issue = task.error.issues[0];
    return { ok: false, error: `input \`task\`: ${issue ? `${issue.path.join(".") || "(value)"}: ${issue.message}` : "not a TaskSpec"}` };
  }

  const issue = Number(text("issue"));
  if (!Number.isSafeInteger(issue) || issue <= 0) return { ok: false, error: `input \`issue\`: "${text("issue")}" is not an issue number` };

  const base = text("base");
  if (!base || base.startsWith("-") || /\s|\.\.|[~^:?*[\\]/.test(base)) return { ok: false, error: `input \`base\`: "${base}" is not a branch name` };

  const branchPrefix = text("branch-prefix") || "dispatch/";
  if (!BRANCH_PREFIX.test(branchPrefix) || branchPrefix.includes("..") || branchPrefix.includes("//")) {
    return { ok: false, error: `input \`branch-prefix\`: "${branchPrefix}" is not a prefix ending in '/', such as dispatch/` };
  }

  const minutes = number(text("question-timeout-minutes"), 30);
  if (minutes === null || minutes <= 0 || minutes > 360) {
    return { ok: false, error: "input `question-timeout-minutes`: a number of minutes above 0, at most 360" };
  }
  const seconds = number(text("push-interval-seconds"), 5);
  if (seconds === null || seconds < 0.1 || seconds > 600) {
    return { ok: false, error: "input `push-interval-seconds`: a number of seconds from 0.1 to 600" };
  }

  const inactivity = number(text("agent-inactivity-seconds"), 600);
  if (inactivity === null || inactivity < 1 || inactivity > 6 * 3600) {
    return { ok: false, error: "input `agent-inactivity-seconds`: a number of seconds from 1 to 21600" };
  }

  const silence = number(text("model-silence-seconds"), DEFAULT_MODEL_SILENCE_MS / 1000);
  if (silence === null || silence < 1 || silence > 3600) {
    return { ok: false, error: "input `model-silence-seconds`: a number of seconds from 1 to 3600" };
  }

  const inputs: ActionInputs = {
    spec: task.data,
    issue,
    base,
    branchPrefix,
    questionTimeoutMs: Math.round(minutes * 60_000),
    pushIntervalMs: Math.round(seconds * 1000),
    inactivityMs: Math.round(inactivity * 1000),
    modelSilenceMs: Math.round(silence * 1000),
  };
  if (text("comment")) {
    const comment = Number(text("comment"));
    if (!Number.isSafeInteger(comment) || comment <= 0) return { ok: false, error: `input \`comment\`: "${text("comment")}" is not a comment id` };
    inputs.comment = comment;
  }
  const command = text("agent-command");
  if (command) inputs.agentCommand = command;
  else if (task.data.agent === "custom") return { ok: false, error: "input `agent-command`: required for a task on a custom agent" };
  return { ok: true, inputs };
}

/** The Actions run's URL from the runner's environment; undefined outside Actions. */
export function runUrl(env: Readonly<Record<string, string | undefined>>): string | undefined {
  const server = env["GITHUB_SERVER_URL"];
  const repo = env["GITHUB_REPOSITORY"];
  const run = env["GITHUB_RUN_ID"];
  if (!server || !repo || !run) return undefined;
  return `${server.replace(/\/+$/, "")}/${repo}/actions/runs/${run}`;
}

function number(text: string, fallback: number): number | null {
  if (text === "") return fallback;
  const value = Number(text);
  return Number.isFinite(value) ? value : null;
}
