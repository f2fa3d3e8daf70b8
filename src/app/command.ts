/**
 * `issue_comment.created` / `.edited`: is it a command (or a quote reply of a question), may its author command,
 * then run it. An edit only re-runs a `/dispatch <prompt>` (dispatched once whatever happens); the other commands
 * act when they are posted.
 */
import type { Context } from "probot";
import type { ConfigResult, DispatchConfig } from "../core/config.js";
import { parseComment } from "../core/grammar.js";
import { parseQuoteReply } from "../core/answer.js";
import { renderHelp } from "../core/help.js";
import type { GitHub, Thread } from "./github.js";
import type { ThreadWork } from "./thread.js";
import { authorize, isBot } from "./authorize.js";
import { loadConfig } from "./load-config.js";
import { dispatchCommand } from "./dispatch.js";
import { answerCommand } from "./answer.js";
import { cancelCommand } from "./cancel.js";
import { retryCommand } from "./retry.js";
import { noteCommand } from "./note.js";
import { statusCommand } from "./status-command.js";

type Reaction = "+1" | "-1" | "laugh" | "confused" | "heart" | "hooray" | "rocket" | "eyes";

/** An edit of a status comment, less what the command context already knows. */
export type EditWork = Omit<Extract<ThreadWork, { kind: "edit" }>, "kind" | "gh" | "thread" | "defaultBranch" | "loadConfig">;

/** What every command handler gets. */
export interface CommandContext {
  gh: GitHub;
  thread: Thread;
  defaultBranch: string;
  config: DispatchConfig;
  loadConfig: () => Promise<ConfigResult>;
  comment: { id: number; author: string };
  /** The branch a new dispatch starts from. */
  base: string;
  request: (work: ThreadWork) => Promise<void>;
  /** Queue work on the status comment holding a task, with this command's client, thread and config. */
  edit: (work: EditWork) => Promise<void>;
  reply: (body: string) => Promise<void>;
  react: (content: Reaction) => Promise<void>;
}

export async function onIssueComment(
  context: Context<"issue_comment.created" | "issue_comment.edited">,
  request: (work: ThreadWork) => Promise<void>,
): Promise<void> {
  const { payload } = context;
  const body = payload.comment.body ?? "";
  const author = payload.comment.user;
  if (!author) return void context.log.info(`comment ${payload.comment.id}: no author (a deleted account), ignored`);
  const quote = parseQuoteReply(body);
  const shape = parseComment(body);
  if (shape.kind === "none" && !quote) return void context.log.debug(`comment ${payload.comment.id}: not a command`);
  if (payload.action === "edited" && shape.kind !== "dispatch") {
    return void context.log.info(`comment ${payload.comment.id} edited: only a /dispatch <prompt> runs again on an edit`);
  }
  if (isBot(author)) return void context.log.info(`comment ${payload.comment.id}: ${author.login} is a bot, ignored`);
  const repo = { owner: payload.repository.owner.login, repo: payload.repository.name };
  const gh: GitHub = { octokit: context.octokit, log: context.log, repo, web: payload.repository.html_url };
  const thread: Thread = { ...repo, issue: payload.issue.number };
  const reply = async (text: string) => {
    await context.octokit.rest.issues.createComment({ ...repo, issue_number: thread.issue, body: text });
  };
  const loaded = await loadConfig(context);
  const auth = await authorize(gh, {
    user: { login: author.login, type: author.type },
    issue: payload.issue,
    need: loaded.ok ? loaded.config.permission : "write",
    defaultBranch: payload.repository.default_branch,
  });
  if (!auth.ok) {
    context.log.info(`comment ${payload.comment.id} refused: ${auth.why}`);
    if (auth.reply) await reply(auth.reply);
    return;
  }
  if (!loaded.ok) return reply(`\`.github/dispatch.yml\` on the default branch is invalid, so nothing ran: ${loaded.error}.`);
  const cc: CommandContext = {
    gh,
    thread,
    defaultBranch: payload.repository.default_branch,
    config: loaded.config,
    loadConfig: async () => loaded,
    comment: { id: payload.comment.id, author: author.login },
    base: auth.base,
    request,
    edit: (work) => request({ kind: "edit", gh, thread, defaultBranch: payload.repository.default_branch, loadConfig: async () => loaded, ...work }),
    reply,
    react: async (content) => {
      await context.octokit.rest.reactions.createForIssueComment({ ...repo, comment_id: payload.comment.id, content });
    },
  };
  const command = parseComment(body, loaded.config);
  if (command.kind === "none" && quote) return answerCommand(cc, quote);
  await cc.react("eyes");
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
      return reply(renderHelp(loaded.config));
    case "error":
      return reply(`I did not understand that: ${command.message}\n\n\`/dispatch help\` shows what I understand.`);
    case "none":
      return;
  }
}

/** A reply for a command naming a task no status comment on the thread holds. */
export function unknownTask(task: string | null): string {
  return task === null
    ? "There is no dispatch on this thread yet: start one with `/dispatch <what to do>`."
    : `There is no task \`${task}\` on this thread. \`/dispatch status\` lists the tasks.`;
}
