/**
 * The task model: one independent piece of work handed to one agent on one branch.
 */

/** The coding-agent CLIs a task can run on. `custom` is any command given as `agent-command`. */
export const AGENTS = ["claude", "gemini", "codex", "custom"] as const;
export type AgentName = (typeof AGENTS)[number];

export interface TaskSpec {
  /** Short kebab-case name, unique within a dispatch; always a valid git ref component. */
  id: string;
  /** One line, the task as a person would name it. */
  title: string;
  /** Everything the maintainer wrote for this task (title, continuation lines), with directives left in. */
  prompt: string;
  /** Model name handed to the agent CLI (`opus`, `gemini-2.5-flash`); a bare family name means the CLI's default. */
  model: string;
  agent: AgentName;
  /** The maintainer asked for a worktree. Every task runs in its own worktree on a runner; locally this is honoured. */
  worktree: boolean;
  /** Ordered steps when the maintainer gave them; empty when the worker should write its own checklist. */
  steps: string[];
  /** Ids of tasks that must be done before this one starts. */
  after: string[];
}

export const TASK_ID_PATTERN = /^[a-z0-9][a-z0-9-]{0,39}$/;
const MAX_ID_LENGTH = 40;
const MAX_ID_WORDS = 3;

/** Words that carry no meaning in a task name. */
const FILLER = new Set([
  "a", "an", "the", "of", "to", "for", "and", "or", "in", "on", "at", "with", "by", "from", "into", "all",
  "any", "every", "each", "its", "it", "this", "that", "these", "those", "our", "my", "your", "their",
  "do", "please", "use", "using", "some", "recent", "new", "then", "also", "just", "is", "are", "be",
  "up", "out", "me", "we", "us", "i", "via", "so", "as", "if", "when", "across", "missing", "one",
]);

/** A valid id that is always at hand. */
export const FALLBACK_TASK_ID = "task";

export function isTaskId(value: string): boolean {
  return TASK_ID_PATTERN.test(value) && !value.endsWith("-") && !value.includes("--");
}

/**
 * A short kebab-case id from a task's words: `do a security review of the auth module` → `security-review-auth`.
 * `taken` holds the ids already used in this dispatch; the result is unique among them (`-2`, `-3` …).
 */
export function taskIdFrom(words: string, taken: ReadonlySet<string> = new Set()): string {
  const tokens = words
    .normalize("NFKD")
    .toLowerCase()
    .replace(/[\u0300-\u036f]/g, "")
    .split(/[^a-z0-9]+/)
    .filter((t) => t.length > 0);
  const meaningful = tokens.filter((t) => !FILLER.has(t) && !/^\d+$/.test(t));
  const chosen = (meaningful.length > 0 ? meaningful : tokens).slice(0, MAX_ID_WORDS);
  let base = chosen.join("-").slice(0, MAX_ID_LENGTH).replace(/-+$/, "");
  if (!isTaskId(base)) base = FALLBACK_TASK_ID;
  return uniqueId(base, taken);
}

function uniqueId(base: string, taken: ReadonlySet<string>): string {
  if (!taken.has(base)) return base;
  for (let n = 2; ; n++) {
    const suffix = `-${n}`;
    const candidate = base.slice(0, MAX_ID_LENGTH - suffix.length).replace(/-+$/, "") + suffix;
    if (!taken.has(candidate)) return candidate;
  }
}
