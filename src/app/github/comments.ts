/**
 * Comments on a thread: post one (status, question, reply), edit one (the status), react to one.
 */
import type { GitHub } from "./client.js";

export type Reaction = "+1" | "-1" | "laugh" | "confused" | "heart" | "hooray" | "rocket" | "eyes";

/** Post a comment on the issue or pull request; its id. */
export async function postComment(gh: GitHub, { issue, body }: { issue: number; body: string }): Promise<number> {
  const { data } = await gh.octokit.rest.issues.createComment({ ...gh.repo, issue_number: issue, body });
  return data.id;
}

export async function editComment(gh: GitHub, { id, body }: { id: number; body: string }): Promise<void> {
  await gh.octokit.rest.issues.updateComment({ ...gh.repo, comment_id: id, body });
}

export async function react(gh: GitHub, { comment, content }: { comment: number; content: Reaction }): Promise<void> {
  await gh.octokit.rest.reactions.createForIssueComment({ ...gh.repo, comment_id: comment, content });
}
