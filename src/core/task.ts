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

/** Words where a name usually ends once it has two words: articles, prepositions, joiners. */
const BOUNDARY = new Set([
  "a", "an", "the", "of", "to", "for", "and", "or", "in", "on", "at", "with", "by", "from", "into", "across",
  "via", "about", "that", "which", "so", "as", "if", "when", "then", "but", "using", "before", "after",
]);

/** Verbs that say "make something": the name is the thing (`write unit tests` → `unit-tests`). */
const MAKING = new Set(["write", "generate", "create", "add", "make", "implement", "draft", "produce"]);

/** Things named after what they are for: `tests for the API` → `api-tests`. */
const OBJECT_LAST = new Set(["tests", "test", "docs", "specs", "types", "benchmarks", "fixtures", "examples"]);

/** Ids never given to a task: `all` means every task in `/dispatch cancel all`. */
const RESERVED = new Set(["all"]);

/** A valid id that is always at hand. */
export const FALLBACK_TASK_ID = "task";

export function isTaskId(value: string): boolean {
  return TASK_ID_PATTERN.test(value) && !value.endsWith("-") && !value.includes("--");
}

/**
 * A short kebab-case id from a task's words: `do a security review of the auth module` → `security-review`,
 * `write unit tests for the API` → `unit-tests`, `frontend audit - accessibility, bundle size` → `frontend-audit`.
 * Up to three words, ending at the first article or preposition once two are chosen.
 * `taken` holds the ids already used in this dispatch; the result is unique among them (`-2`, `-3` …).
 */
export function taskIdFrom(words: string, taken: ReadonlySet<string> = new Set()): string {
  const tokens = tokenize(labelOf(words.slice(0, 400)));
  const chosen = nameWords(tokens);
  let base = chosen.join("-").slice(0, MAX_ID_LENGTH).replace(/-+$/, "");
  if (!isTaskId(base) || RESERVED.has(base)) base = FALLBACK_TASK_ID;
  return uniqueId(base, taken);
}

/** `performance - load test …` → `performance`: a short label before a dash or colon names the task. */
function labelOf(words: string): string {
  const match = /^\s*([^\s:\u2014\u2013-][^:\u2014\u2013]{0,40}?)\s+[-\u2014\u2013]\s+\S|^\s*([^:]{1,40}?):\s+\S/.exec(words);
  const label = match?.[1] ?? match?.[2];
  if (label && label.split(/\s+/).length <= 3 && tokenize(label).length > 0) return label;
  return words;
}

function tokenize(words: string): string[] {
  return words
    .normalize("NFKD")
    .toLowerCase()
    .replace(/[\u0300-\u036f]/g, "")
    .split(/[^a-z0-9]+/)
    .filter((t) => t.length > 0);
}

function nameWords(tokens: readonly string[]): string[] {
  const chosen: string[] = [];
  let crossed = false;
  for (const [index, token] of tokens.entries()) {
    if (chosen.length >= MAX_ID_WORDS) break;
    if (BOUNDARY.has(token) && chosen.length >= 2) break;
    if (BOUNDARY.has(token) && chosen.length === 1) crossed = true;
    if (FILLER.has(token) || BOUNDARY.has(token) || /^\d+$/.test(token)) continue;
    // `tests for the API` → `api-tests`
    if (crossed && chosen.length === 1 && OBJECT_LAST.has(chosen[0]!)) return [token, chosen[0]!];
    const more = tokens.slice(index + 1).some((t) => !FILLER.has(t) && !BOUNDARY.has(t) && !/^\d+$/.test(t));
    if (chosen.length === 0 && MAKING.has(token) && more) continue;
    chosen.push(token);
  }
  if (chosen.length > 0) return chosen;
  return tokens.slice(0, MAX_ID_WORDS);
}

function uniqueId(base: string, taken: ReadonlySet<string>): string {
  if (!taken.has(base)) return base;
  for (let n = 2; ; n++) {
    const suffix = `-${n}`;
    const candidate = base.slice(0, MAX_ID_LENGTH - suffix.length).replace(/-+$/, "") + suffix;
    if (!taken.has(candidate)) return candidate;
  }
}
