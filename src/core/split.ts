/**
 * A dispatch prompt into tasks: one task, N parallel tasks from a list, or one task whose list items are its steps.
 *
 * A paragraph handing work to several models (`use opus to review auth and use gemini to update the README`) is one
 * task per model's clause (core/clauses.ts).
 *
 * A list is N parallel tasks when the header announces several ("three things", "5 tasks", "in parallel"), when any
 * item carries its own model, worktree or `after` directive, or when there is no header. It is one task with steps
 * when the header asks for order ("steps:", "in order") or names one piece of work ("database migration:").
 */
import type { Command } from "./command.js";
import type { DispatchConfig } from "./config.js";
import { splitSentence, type Sentence } from "./clauses.js";
import { readDirectives, type Directives } from "./directive.js";
import { firstParagraph, headline, splitList, type ListItem } from "./list.js";
import { routeModel, unknownModelMessage, type ModelRoute } from "./model.js";
import { taskIdFrom, type TaskSpec } from "./task.js";
import { quoted, tidyTitle } from "./title.js";

export interface PromptInput {
  /** The command line after `/dispatch`. */
  firstLine: string;
  /** The lines below the command line. */
  below: readonly string[];
  config: DispatchConfig;
}

const EXAMPLE = "`/dispatch use opus to review the auth module`, or a list such as `/dispatch three things:` followed by `1. …` lines";
const ORDER = /\b(?:steps?|in order|in this order|sequentially|in sequence|one after (?:the )?other|one by one|step by step)\b/i;
const SEVERAL = /\b(?:tasks|things|jobs|all of these|each of these|in parallel|parallel|separately|independent(?:ly)?|concurrently|simultaneously|at once)\b|\b(?:two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|several|multiple|\d+)\s+(?:[\p{L}-]+\s+)?(?:things|tasks|jobs|items|changes|fixes|bugs|issues|pieces|agents|workers)\b/iu;
/** Words of a header that only ask for order. */
const ORDER_ONLY = /\b(?:steps?|in order|in this order|sequentially|in sequence|one after (?:the )?other|one by one|step by step|do|these|the|following|please|here|are|follow|in|this|order)\b/giu;
/** Words of a header that only announce the list; what remains is context worth giving each task. */
const ANNOUNCE_WORDS = /\b(?:the|following|these|those|all|of|each|some|few|several|multiple|separate|independent|in|parallel|please|do|here|are|is|things?|tasks?|jobs?|items?|at|once|and|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|\d+)\b/giu;

export function splitPrompt({ firstLine, below, config }: PromptInput): Command {
  const shape = splitList(below);
  const header = [firstLine, shape.header].filter((t) => t.trim().length > 0).join("\n");
  const whole = [firstLine, ...below].join("\n").trim();
  if (whole.length === 0) {
    return { kind: "error", message: `Nothing to dispatch: write the task after \`/dispatch\`, e.g. ${EXAMPLE}. \`/dispatch help\` shows more.` };
  }
  const aliases = config.models;
  const fallback = routeModel(config.default_model, aliases) ?? { agent: "claude", model: "sonnet" };
  const { route, unknown } = modelReaders(aliases);

  const headerDirectives = readDirectives(headline(header), aliases);
  const headerUnknown = unknown(headerDirectives);
  if (headerUnknown) return headerUnknown;
  const headerRest = tidyTitle(headerDirectives.rest);
  const headerRoute = route(headerDirectives.model, fallback);

  if (shape.items.length === 0) {
    const sentence = splitSentence(firstParagraph(whole, "\n"), aliases);
    if (sentence) return sentenceTasks({ sentence, whole, config, fallback });
    const directives = readDirectives(headline(whole), aliases);
    const refused = unknown(directives);
    if (refused) return refused;
    const title = tidyTitle(directives.rest);
    if (title.length === 0) {
      const directed = directives.model !== null || directives.worktree;
      const what = directed ? "This names how to run a task but not the task itself" : "Nothing to dispatch";
      return { kind: "error", message: `${what}: write what to do after \`/dispatch\`, e.g. ${EXAMPLE}.` };
    }
    if (directives.after.length > 0) {
      return { kind: "error", message: "`after` points at another item of the same list; this comment has no list. Dispatch the first task, and the second once it is done." };
    }
    return dispatch([spec({ id: taskIdFrom(title), title, prompt: whole, route: route(directives.model, fallback), worktree: directives.worktree })]);
  }

  const itemDirectives = shape.items.map((item) => readDirectives(headline(item.text), aliases));
  const itemUnknown = itemDirectives.map(unknown).find((refused) => refused !== null);
  if (itemUnknown) return itemUnknown;
  const headerSentence = itemDirectives.some(hasDirective) ? null : splitSentence(firstLine, aliases);
  // `use opus to review auth and use gemini to update the README` over a list of details: the list is context.
  if (headerSentence) return sentenceTasks({ sentence: headerSentence, whole, config, fallback });
  if (!isParallel(headerRest, itemDirectives)) {
    const steps = shape.items.map((item) => headline(item.text).replace(/\s+/g, " ").trim()).filter((step) => /[\p{L}\p{N}]/u.test(step));
    // `steps:` names no work: the steps do (`Add a failing test, then fix the bug`).
    const named = /[\p{L}\p{N}]/u.test(headerRest.replace(ORDER_ONLY, " "));
    const title = named ? headerRest : tidyTitle(steps.join(", then "));
    if (title.length === 0) return { kind: "error", message: `Nothing to dispatch: the list has no words to work on. Write what to do, e.g. ${EXAMPLE}.` };
    return dispatch([
      spec({ id: taskIdFrom(title), title, prompt: whole, route: headerRoute, worktree: headerDirectives.worktree, steps }),
    ]);
  }

  if (shape.items.length > config.max_tasks) return tooMany(shape.items.length, config);
  const context = contextOf(header, headerRest, shape.footer);
  const taken = new Set<string>();
  const tasks: TaskSpec[] = [];
  for (const [index, item] of shape.items.entries()) {
    const directives = itemDirectives[index]!;
    const title = tidyTitle(directives.rest);
    if (title.length === 0) {
      const what = directives.model !== null || directives.worktree || directives.after.length > 0 ? "says how to run a task but not what to do" : "has no words to work on";
      return { kind: "error", message: `Item ${index + 1} ${what}: write the task, e.g. \`1. use opus to review the auth module\`.` };
    }
    const id = taskIdFrom(title, taken);
    taken.add(id);
    const prompt = context ? `${item.text}\n\n${context}` : item.text;
    tasks.push(spec({ id, title, prompt, route: route(directives.model, headerRoute), worktree: directives.worktree || headerDirectives.worktree }));
  }
  const linked = linkDependencies(shape.items, itemDirectives, tasks);
  return typeof linked === "string" ? { kind: "error", message: linked } : dispatch(linked);
}

/**
 * One task per clause of a sentence handing work to several models; a clause that waits starts after the one before.
 * Each prompt is the clause, then the whole comment as context (what "it" refers to, what the other tasks do).
 */
function sentenceTasks(opts: { sentence: Sentence; whole: string; config: DispatchConfig; fallback: ModelRoute }): Command {
  const { sentence, whole, config, fallback } = opts;
  if (sentence.kind === "unclear") {
    return {
      kind: "error",
      message:
        `This hands work to several models, and also asks for something none of them is given: ${quoted(sentence.extra)}. Nothing was dispatched. ` +
        "Put each task on its own line of a numbered list, each naming its model (`/dispatch three things:` then `1. use opus to …`); text below the list goes to every task.",
    };
  }
  const aliases = config.models;
  const { route, unknown } = modelReaders(aliases);
  const count = sentence.clauses.length;
  if (count > config.max_tasks) return tooMany(count, config);
  const lead = readDirectives(sentence.lead, aliases);
  const leadUnknown = unknown(lead);
  if (leadUnknown) return leadUnknown;
  const noList = "`after` points at an item of a numbered list (`2. (after 1) …`); in one sentence, join the tasks with `then` instead (`use opus to …, then use gemini to …`).";
  if (lead.after.length > 0) return { kind: "error", message: noList };
  const context = `Context: this is one of ${count} tasks dispatched by one comment, each to its own agent working at the same time; do only this one. The comment:\n\n${whole.split("\n").map((line) => `> ${line}`.trimEnd()).join("\n")}`;
  const taken = new Set<string>();
  const tasks: TaskSpec[] = [];
  for (const [index, clause] of sentence.clauses.entries()) {
    const directives = readDirectives(clause.text, aliases);
    const refused = unknown(directives);
    if (refused) return refused;
    if (directives.after.length > 0) return { kind: "error", message: noList };
    const title = tidyTitle(directives.rest);
    if (title.length === 0) return { kind: "error", message: `Task ${index + 1} (${quoted(clause.text)}) says how to run a task but not what to do: write the task, e.g. ${EXAMPLE}.` };
    const id = taskIdFrom(title, taken);
    taken.add(id);
    const task = spec({ id, title, prompt: `${clause.text}\n\n${context}`, route: route(directives.model, fallback), worktree: directives.worktree || lead.worktree });
    if (clause.afterPrevious && tasks.length > 0) task.after = [tasks.at(-1)!.id];
    tasks.push(task);
  }
  return dispatch(tasks);
}

/** How directives pick a task's model (else the one inherited), and the refusal of a model word not known here. */
function modelReaders(aliases: DispatchConfig["models"]) {
  return {
    route: (word: string | null, inherited: ModelRoute): ModelRoute => (word ? (routeModel(word, aliases) ?? inherited) : inherited),
    unknown: (directives: Directives): Command | null =>
      directives.unknownModel ? { kind: "error", message: unknownModelMessage(directives.unknownModel, aliases) } : null,
  };
}

function tooMany(count: number, config: DispatchConfig): Command {
  return {
    kind: "error",
    message: `${count} tasks is more than this repository's limit of ${config.max_tasks} (max_tasks in .github/dispatch.yml). Split the list over several comments, or raise the limit.`,
  };
}

function dispatch(tasks: TaskSpec[]): Command {
  return { kind: "dispatch", tasks };
}

interface SpecInput {
  id: string;
  title: string;
  prompt: string;
  route: ModelRoute;
  worktree: boolean;
  steps?: string[];
}

/** A TaskSpec with its keys in the contract's order. */
function spec({ id, title, prompt, route, worktree, steps = [] }: SpecInput): TaskSpec {
  return { id, title, prompt, model: route.model, agent: route.agent, worktree, steps, after: [] };
}

const hasDirective = (d: Directives): boolean => d.model !== null || d.worktree || d.after.length > 0;

function isParallel(headerRest: string, items: readonly Directives[]): boolean {
  if (items.some(hasDirective)) return true;
  const header = headerRest.replace(/[*_`~]/g, "");
  if (!/[\p{L}\p{N}]/u.test(header)) return true;
  if (ORDER.test(header)) return false;
  return SEVERAL.test(header);
}

/** What each parallel task should know from around the list: the header when it says more than the count, the text below. */
function contextOf(header: string, headerRest: string, footer: string): string {
  const parts: string[] = [];
  const meaningful = headerRest.replace(/[*_`~]/g, "").replace(ANNOUNCE_WORDS, " ");
  if (/[\p{L}\p{N}]/u.test(meaningful)) parts.push(`Context: ${header.trim().replace(/:$/, "")}`);
  if (footer.length > 0) parts.push(footer);
  return parts.join("\n\n");
}

/** Turn each item's `after` references into task ids; a message when one is unknown, itself, or part of a cycle. */
function linkDependencies(items: readonly ListItem[], directives: readonly Directives[], tasks: TaskSpec[]): TaskSpec[] | string {
  const numbered = items.every((item) => item.number !== null);
  for (const [index, task] of tasks.entries()) {
    const after: string[] = [];
    for (const ref of directives[index]!.after) {
      const target = resolve(ref, { items, tasks, numbered });
      if (target === null) {
        const known = tasks.map((t) => t.id).join(", ");
        return /^\d+$/.test(ref)
          ? `Item ${index + 1} waits for item ${ref}, but the list has no item ${ref}.`
          : `Item ${index + 1} waits for ${quoted(ref)}, which is not a task of this list (its tasks are ${known}).`;
      }
      if (target === index) return `Item ${index + 1} cannot wait for itself (after ${ref}).`;
      const id = tasks[target]!.id;
      if (!after.includes(id)) after.push(id);
    }
    task.after = after;
  }
  const cycle = findCycle(tasks);
  return cycle ? `These tasks wait for each other, so none could start: ${cycle.join(" → ")}. Remove one of the \`after\`s.` : tasks;
}

function resolve(ref: string, where: { items: readonly ListItem[]; tasks: readonly TaskSpec[]; numbered: boolean }): number | null {
  if (/^\d+$/.test(ref)) {
    const n = Number(ref);
    if (where.numbered) {
      const byNumber = where.items.findIndex((item) => item.number === n);
      if (byNumber >= 0) return byNumber;
    }
    return n >= 1 && n <= where.items.length ? n - 1 : null;
  }
  const byId = where.tasks.findIndex((task) => task.id === ref);
  return byId >= 0 ? byId : null;
}

/** A cycle among `after` links, as ids from the first back to itself; null when there is none. */
function findCycle(tasks: readonly TaskSpec[]): string[] | null {
  const byId = new Map(tasks.map((t) => [t.id, t]));
  const state = new Map<string, "open" | "closed">();
  const path: string[] = [];
  const visit = (id: string): string[] | null => {
    if (state.get(id) === "closed") return null;
    if (state.get(id) === "open") return [...path.slice(path.indexOf(id)), id];
    state.set(id, "open");
    path.push(id);
    for (const next of byId.get(id)?.after ?? []) {
      const found = visit(next);
      if (found) return found;
    }
    path.pop();
    state.set(id, "closed");
    return null;
  };
  for (const task of tasks) {
    const found = visit(task.id);
    if (found) return found;
  }
  return null;
}
