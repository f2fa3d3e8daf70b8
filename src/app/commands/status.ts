/**
 * `/dispatch status [task]`: re-render the latest status comment (the one holding the task) from the branches now,
 * and reply with a link to it, or with that task's checklist.
 */
import { renderStatus } from "../../core/status-render.js";
import type { CommandContext } from "./context.js";
import { unknownTask } from "./context.js";
import type { StatusTarget } from "../status/run-context.js";
import { repoUrl } from "../github/client.js";

/** The rendered status without its hidden markers, so a reply is never taken for a status comment. */
export function visibleOnly(markdown: string): string {
  return markdown
    .replace(/<!--\s*dispatch:[\s\S]*?-->\n?/g, "")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
}

export async function statusCommand(cc: CommandContext, task: string | null): Promise<void> {
  let target: StatusTarget | null = null;
  await cc.edit({
    task,
    report: (outcome) => {
      target = outcome.target;
    },
  });
  const found = target as StatusTarget | null;
  if (!found) return cc.reply(unknownTask(task));
  const link = `${repoUrl(cc.gh.repo, cc.gh.web)}/issues/${cc.thread.issue}#issuecomment-${found.commentId}`;
  if (task === null) return cc.reply(`The status is up to date: ${link}`);
  const only = { ...found.view, tasks: found.view.tasks.filter((t) => t.id === task) };
  return cc.reply(`${visibleOnly(renderStatus(only))}\n\n[Whole status](${link})`);
}
