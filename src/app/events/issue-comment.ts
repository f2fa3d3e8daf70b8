/**
 * `issue_comment.created` / `.edited`: is it a command (or a quote reply of a question), may its author command,
 * then run it. An edit counts only when its author made it (the `sender`): nobody runs a command in another person's
 * name. A comment that was no command before the edit (`changes.body.from`) runs when it is now a
 * `/dispatch <prompt>` (a typo fixed in a plain comment dispatches; its status comment keeps it once). A comment that
 * was a command before runs only if no delivery ever claimed it (its 👀 is new now): a command whose run was lost (the
 * Actions mode cancels a pending run when a third command comes; the app was down) runs as its author last wrote
 * it, and one that ran is never run again.
 *
 * Every reply names the comment it answers (a hidden marker, `core/reply.ts`). A reply made before any claim (a
 * refusal: the author may not command, `.github/dispatch.yml` is invalid; an answer's refusal) is posted once: the
 * thread is read for a reply naming the comment right before posting. A refused comment gets no 👀: 👀 tells people
 * the app took the command on, and it did not; the marked reply is what makes a second delivery (GitHub's
 * "Redeliver", another replica, the Actions mode's convergence) say nothing more.
 */
import type { Context } from "probot";
import { parseComment } from "../../core/grammar.js";
import { parseQuoteReply } from "../../core/answer.js";
import { reason, type GitHub, type Thread } from "../github/client.js";
import { markReply, repliedComment } from "../../core/reply.js";
import { postComment, react } from "../github/comments.js";
import { loadConfig } from "../github/config.js";
import type { ThreadWork } from "../status/run-context.js";
import { authorize, isBot } from "../commands/authorize.js";
import type { CommandContext } from "../commands/context.js";
import { routeCommand } from "../commands/router.js";

export interface IssueCommentOptions {
  /** Queue work on the thread's serialized run (a reply made before any claim too: see `reply`). */
  request: (work: ThreadWork) => Promise<void>;
}

export async function onIssueComment(
  context: Context<"issue_comment.created" | "issue_comment.edited">,
  { request }: IssueCommentOptions,
): Promise<void> {
  const { payload } = context;
  const body = payload.comment.body ?? "";
  const author = payload.comment.user;
  if (!author) return void context.log.info(`comment ${payload.comment.id}: no author (a deleted account), ignored`);
  const quote = parseQuoteReply(body);
  const shape = parseComment(body);
  if (shape.kind === "none" && !quote) return void context.log.debug(`comment ${payload.comment.id}: not a command`);
  /** An edit that made a plain comment a /dispatch <prompt>: its status comment, not its 👀, keeps it once. */
  let editedIntoDispatch = false;
  if (payload.action === "edited") {
    const editor = payload.sender?.login;
    if (editor !== author.login) {
      return void context.log.info(`comment ${payload.comment.id} edited by ${editor ?? "nobody"}, not its author ${author.login}: ignored`);
    }
    const before = "changes" in payload ? payload.changes?.body?.from : undefined;
    const wasCommand = before !== undefined && (parseComment(before).kind !== "none" || parseQuoteReply(before) !== null);
    if (!wasCommand && shape.kind !== "dispatch") {
      return void context.log.info(`comment ${payload.comment.id} edited: only a /dispatch <prompt> runs on an edit`);
    }
    editedIntoDispatch = !wasCommand;
    if (wasCommand) context.log.info(`comment ${payload.comment.id} edited: it was a command before the edit; it runs only if it never ran (its 👀 decides)`);
  }
  if (isBot(author)) return void context.log.info(`comment ${payload.comment.id}: ${author.login} is a bot, ignored`);
  const repo = { owner: payload.repository.owner.login, repo: payload.repository.name };
  const gh: GitHub = { octokit: context.octokit, log: context.log, repo, web: payload.repository.html_url };
  const thread: Thread = { ...repo, issue: payload.issue.number };
  const loaded = await loadConfig(context);
  /** True once this delivery claimed the comment (its 👀 was new): no other delivery replies to it then. */
  let claimed = false;
  const reply = async (text: string) => {
    const body = markReply(text, payload.comment.id);
    if (claimed) return void (await postComment(gh, { issue: thread.issue, body }));
    // Unclaimed: looked for and posted inside the thread's run, which no other run of the thread overlaps.
    const is = (c: { body: string }) => repliedComment(c.body) === payload.comment.id;
    await request({ kind: "reply", gh, thread, defaultBranch: payload.repository.default_branch, loadConfig: async () => loaded, body, is });
  };
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
      await react(gh, { comment: payload.comment.id, content });
    },
    claim: async () => {
      claimed = await react(gh, { comment: payload.comment.id, content: "eyes" });
      return claimed || editedIntoDispatch;
    },
  };
  try {
    await routeCommand(cc, { body, quote });
  } catch (error) {
    // Never silence: a command whose status comment or thread read failed says why.
    context.log.warn(`comment ${payload.comment.id}: the command failed: ${reason(error)}`);
    await reply(`I could not finish this command: GitHub answered "${reason(error)}". Post the command again to try once more.`).catch(
      (failure: unknown) => context.log.error(`comment ${payload.comment.id}: not even the reply could be posted: ${reason(failure)}`),
    );
  }
}
