/**
 * The reply to `/dispatch help`: the grammar with examples, this repository's models and limits, how to answer.
 */
import type { DispatchConfig } from "./config.js";
import { routeModel } from "./model.js";

export function renderHelp(config: DispatchConfig): string {
  const fallback = routeModel(config.default_model, config.models);
  const defaultModel = fallback ? `\`${config.default_model}\` (${fallback.agent})` : `\`${config.default_model}\``;
  const aliases = Object.entries(config.models)
    .map(([name, alias]) => `\`${name}\` → ${alias.agent}${alias.model ? ` \`${alias.model}\`` : ""}`)
    .join(", ");

  return [
    "**dispatch** hands coding tasks to AI agents, each on its own branch, and opens a pull request per task.",
    "",
    "### Dispatch work",
    "",
    "One task — the first line and the lines below are the prompt:",
    "```",
    "/dispatch use opus to do a security review of the auth module",
    "```",
    "Several tasks in parallel — a list whose header announces several, or whose items name their own model:",
    "```",
    "/dispatch three things:",
    "1. use opus to do a security review of the auth module",
    "2. use sonnet to write unit tests for the API endpoints",
    "3. use gemini to update the README with recent changes",
    "```",
    "Or one line handing work to several models — one task each; `then` makes the next wait for the one before:",
    "```",
    "/dispatch use opus to review the auth module and use gemini to update the README",
    "```",
    "One task with ordered steps — a list under a header that names one piece of work, or says `steps`:",
    "```",
    "/dispatch database migration:",
    "1. refactor schema to use UUIDs",
    "2. update all queries to use UUIDs",
    "3. write migration script",
    "```",
    "",
    "- **Model:** `use opus to …`, `using sonnet`, `(opus)`, `gemini: …`, `have haiku write …`, `dispatch sonnet`, or",
    "  `…, sonnet` at the end. A model in the header applies to every item without its own; the last one named wins.",
    `  Without one, a task runs on ${defaultModel}. Names with opus, sonnet or haiku run on Claude Code, gemini… on`,
    "  Gemini CLI, gpt…, codex, o3…, o4… on Codex.",
    ...(aliases ? [`- **This repository's models:** ${aliases}.`] : []),
    "- **Worktree:** `in a worktree`, `do it in a worktree`, `use a worktree`, or `worktree` alone. Every task already",
    "  runs on its own branch.",
    "- **Order:** `after 1: …` or `(after 1)` starts an item once item 1 is done (`after <task>:` works too).",
    `- **Limit:** at most ${config.max_tasks} tasks per comment.`,
    "",
    "### While it runs",
    "",
    "| command | does |",
    "| --- | --- |",
    "| `/dispatch status` · `/dispatch status <task>` | refresh the status comment |",
    "| `/dispatch answer <task> <text>` | answer the task's open question (the text may go on over several lines) |",
    "| `/dispatch note <task> <text>` | add a note to the task's plan for its agent to read |",
    "| `/dispatch cancel <task>` · `/dispatch cancel all` | stop a task, or every unfinished task of this thread |",
    "| `/dispatch retry <task>` | run a failed or cancelled task again, from where it stopped |",
    "| `/dispatch help` | this message |",
    "",
    "**Questions:** when an agent needs a decision it asks here, in a comment headed **❓ Question**. Answer it with",
    "GitHub's *Quote reply* on that comment, or with `/dispatch answer <task> <your answer>`; the agent carries on.",
    "",
    `Only people with \`${config.permission}\` permission or more can command dispatch. Settings live in \`.github/dispatch.yml\`.`,
  ].join("\n");
}
