/**
 * A comment the app must make exactly once (a question, an output reply, a status comment): re-read the thread's
 * latest comments for its marker right before posting (another instance may have posted it since the run read the
 * thread), post without retries, and after a 5xx or no answer re-read again: GitHub may have made it anyway.
 */
import { isUncertain, reason } from "../github/client.js";
import { postComment } from "../github/comments.js";
import { readComments, type ThreadComment } from "../github/queries.js";
import type { RunContext } from "./run-context.js";

export interface OnceComment {
  body: string;
  /** True for a comment that is this one (its marker), whoever's run posted it. */
  is: (comment: ThreadComment) => boolean;
  /** Look on the thread before posting too (default true). */
  lookFirst?: boolean;
}

/** What posting once needs of a run: the client, the thread, the comments it read, whose comments count. */
export type OnceContext = Pick<RunContext, "gh" | "thread" | "comments" | "trusts">;

async function find(ctx: OnceContext, is: OnceComment["is"]): Promise<number | null> {
  const latest = await readComments(ctx.gh, ctx.thread.issue);
  const found = latest.find((comment) => ctx.trusts(comment.author) && is(comment));
  if (found && !ctx.comments.some((c) => c.id === found.id)) ctx.comments.push(found);
  return found?.id ?? null;
}

/** The id of the comment: the one found on the thread, or the one posted now. */
export async function postOnce(ctx: OnceContext, { body, is, lookFirst = true }: OnceComment): Promise<number> {
  if (lookFirst) {
    const found = await find(ctx, is);
    if (found !== null) {
      ctx.gh.log.info(`comment ${found} is on the thread already: not posted again`);
      return found;
    }
  }
  try {
    const id = await postComment(ctx.gh, { issue: ctx.thread.issue, body });
    ctx.comments.push({ id, body, author: null });
    return id;
  } catch (error) {
    if (!isUncertain(error)) throw error;
    ctx.gh.log.warn(`posting a comment on #${ctx.thread.issue} answered ${reason(error)}: looking whether it was made`);
    const found = await find(ctx, is);
    if (found === null) throw error;
    return found;
  }
}
