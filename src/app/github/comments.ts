/**
 * Comments on a thread: post one (status, question, reply), edit one (the status), react to one.
 */
import { NO_RETRY, type GitHub } from "./client.js";

export type Reaction = "+1" | "-1" | "laugh" | "confused" | "heart" | "hooray" | "rocket" | "eyes";

/** Post a comment on the issue or pull request; its id. Never retried: a 502 may hide a comment that was made. */
export async function postComment(gh: GitHub, { issue, body }: { issue: number; body: string }): Promise<number> {
  const { data } = await gh.octokit.rest.issues.createComment({ ...gh.repo, issue_number: issue, body, ...NO_RETRY });
  return data.id;
}

export async function editComment(gh: GitHub, { id, body }: { id: number; body: string }): Promise<void> {
  await gh.octokit.rest.issues.updateComment({ ...gh.repo, comment_id: id, body });
}

/**
 * React to a comment. True when this call made the reaction (GitHub answers 201), false when the app had made it
 * before (200): the reaction is the claim of a command, so two deliveries of one comment run it once.
 */
export async function react(gh: GitHub, { comment, content }: { comment: number; content: Reaction }): Promise<boolean> {
  const { status } = await gh.octokit.rest.reactions.createForIssueComment({ ...gh.repo, comment_id: comment, content, ...NO_RETRY });
  return (status as number) === 201;
}
