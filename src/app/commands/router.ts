/**
 * A comment that may command: parse it with the repository's config and run the command it names (a quote reply of
 * a question is an answer).
 */
import { parseComment } from "../../core/grammar.js";
import { renderHelp } from "../../core/help.js";
import { answerCommand, type Answer } from "./answer.js";
import { cancelCommand } from "./cancel.js";
import type { CommandContext } from "./context.js";
import { dispatchCommand } from "./dispatch.js";
import { noteCommand } from "./note.js";
import { retryCommand } from "./retry.js";
import { statusCommand } from "./status.js";

export async function routeCommand(cc: CommandContext, { body, quote }: { body: string; quote: Answer | null }): Promise<void> {
  const command = parseComment(body, cc.config);
  if (command.kind === "none" && quote) return answerCommand(cc, quote);
  if (!(await cc.claim())) return void cc.gh.log.info(`comment ${cc.comment.id}: claimed by another delivery (👀 was there), not run again`);
  switch (command.kind) {
    case "dispatch":
      return dispatchCommand(cc, command.tasks);
    case "status":
      return statusCommand(cc, command.task);
    case "answer":
      return answerCommand(cc, { task: command.task, text: command.text });
    case "cancel":
      return cancelCommand(cc, command.task);
    case "retry":
      return retryCommand(cc, command.task);
    case "note":
      return noteCommand(cc, command.task, command.text);
    case "help":
      return cc.reply(renderHelp(cc.config));
    case "error":
      return cc.reply(`I did not understand that: ${command.message}\n\n\`/dispatch help\` shows what I understand.`);
    case "none":
      return;
  }
}
