/**
 * What a finished task leaves on GitHub: a pull request when it changed code, else a reply with its output.md.
 */
import { defuseLine, defuseMarkdown, type DefuseOptions } from "./defuse.js";
import { escapeInline, fitText, markdownUrl } from "./markdown-text.js";
import { sanitizeText } from "./sanitize.js";
import type { PlanItem } from "./plan.js";
import { COMMENT_LIMIT, type TaskView } from "./status-view.js";

/** GitHub's limit on a pull request title. */
export const TITLE_LIMIT = 256;

export function pullRequestMarker(task: string): string {
  return `<!-- dispatch:pr task=${task} -->`;
}

/** Opens the reply posted for a task that changed no code, so it is never posted twice. */
export function outputReplyMarker(task: string): string {
  return `<!-- dispatch:output task=${task} -->`;
}

/** The task a pull request body was rendered for; null for any other body. */
export function findPullRequestTask(body: string): string | null {
  return /^\s*<!-- dispatch:pr task=([a-z0-9-]+) -->/.exec(body)?.[1] ?? null;
}

/**
 * What the pull request says. Everything the agent wrote in it is defused (see `core/defuse.ts`); `repoUrl` keeps
 * links into this repository clickable.
 */
export function renderPullRequest(opts: { task: TaskView; output: string; issue: number; repoUrl?: string }): { title: string; body: string } {
  const { task, issue } = opts;
  const head = [
    pullRequestMarker(safeMarkerId(task.id)),
    `Dispatched from #${issue} · task \`${safeMarkerId(task.id)}\` · model ${escapeInline(task.model)} (${task.agent})` +
      (task.run ? ` · [run](${markdownUrl(task.run)})` : "") +
      (task.cost_usd !== undefined ? ` · \\$${task.cost_usd.toFixed(2)}` : ""),
  ].join("\n");
  const body = fitSections({
    head,
    checklist: task.items.length > 0 ? `### Checklist\n\n${checklist(task.items)}` : "",
    output: `### Output\n\n${outputText(opts.output, defuseOptions(opts.repoUrl))}`,
    notice: `_… cut to fit in a pull request description: the whole \`output.md\` is in the branch's history (\`${task.branch}~1\`)._`,
  });
  return { title: prTitle(task), body };
}

/** The reply for a task that changed no code: its headline and its output. */
export function renderOutputReply(opts: { task: TaskView; output: string; repoUrl?: string }): string {
  const { task } = opts;
  const outcome =
    task.status === "done" ? "COMPLETE" : task.status === "failed" ? "FAILED" : task.status === "cancelled" ? "cancelled" : task.status;
  const head = [
    outputReplyMarker(safeMarkerId(task.id)),
    `**● ${escapeInline(task.id)}** (${escapeInline(task.model)}) — ${outcome} · no code changes, so no pull request` +
      (task.run ? ` · [run](${markdownUrl(task.run)})` : ""),
  ].join("\n");
  return fitSections({
    head,
    checklist: "",
    output: outputText(opts.output, defuseOptions(opts.repoUrl)),
    notice: `_… cut to fit in a comment: the whole \`output.md\` is in the branch's history (\`${task.branch}~1\`)._`,
  });
}

function prTitle(task: TaskView): string {
  const title = defuseLine(task.title) || task.id;
  return title.length <= TITLE_LIMIT ? title : `${title.slice(0, TITLE_LIMIT - 1).trimEnd()}…`;
}

function safeMarkerId(id: string): string {
  return id.replace(/[^a-z0-9-]/g, "-");
}

function checklist(items: readonly PlanItem[]): string {
  return items
    .map((item) => {
      const text = inline(item.text);
      if (item.state === "done") return `- [x] ${text}${item.note ? ` — ${inline(item.note)}` : ""}`;
      if (item.state === "question") return `- [ ] ❓ ${text} (waiting for an answer)`;
      if (item.state === "error") {
        const reason = sanitizeText(item.reason ?? "").split("\n").filter((l) => l.trim() !== "");
        return [`- [ ] ✗ ${text}`, ...reason.map((l) => `  > ${inline(l)}`)].join("\n");
      }
      return `- [ ] ${text}`;
    })
    .join("\n");
}

/** Agent text on one line: cleaned, then escaped (no markup, mention, closing keyword or link is active). */
function inline(text: string): string {
  return escapeInline(sanitizeText(text));
}

function defuseOptions(repoUrl: string | undefined): DefuseOptions {
  return repoUrl ? { repoUrl } : {};
}

function outputText(output: string, options: DefuseOptions): string {
  const text = defuseMarkdown(output, options).trim();
  return text === "" ? "_The task wrote no `output.md`._" : text;
}

/** Head, checklist, output: the output is cut first, then the checklist, so the whole fits in one comment. */
function fitSections(parts: { head: string; checklist: string; output: string; notice: string }): string {
  const join = (...sections: string[]) => sections.filter((s) => s !== "").join("\n\n") + "\n";
  const full = join(parts.head, parts.checklist, parts.output);
  if (full.length <= COMMENT_LIMIT) return full;
  const fixed = join(parts.head, parts.checklist).length + 2;
  if (fixed + parts.notice.length + 100 <= COMMENT_LIMIT) {
    return join(parts.head, parts.checklist, fitText(parts.output, COMMENT_LIMIT - fixed, parts.notice));
  }
  const half = Math.floor((COMMENT_LIMIT - parts.head.length - 8) / 2);
  const cut = (text: string) => fitText(text, half, parts.notice);
  return join(parts.head, cut(parts.checklist), cut(parts.output)).slice(0, COMMENT_LIMIT);
}
