/**
 * Convergence of a thread's commands in Actions mode. dispatch-app.yml serializes one thread's runs with a
 * `concurrency` group and GitHub keeps ONE pending run per group: a third comment's run cancels the second's while
 * the first runs, and the second command would never be handled. So each `issue_comment` run first hands the app every
 * command comment of its thread that no run has handled yet, oldest first, then its own event; the handlers' own
 * claims (👀, the marked reply, an answer's record on the status) keep each command exactly once whichever run gets
 * to it.
 *
 * What is trusted, precisely:
 * - only comments created in the last CONVERGE_MINUTES and before the event's comment (created time, then id; for
 *   an edit, before the edit), by a person (not a bot), that read as a command or a quote reply of a question;
 * - never a comment edited since it was posted: its body may be another person's words, and its own `edited` run
 *   decides whether it runs (see events/issue-comment.ts);
 * - handled: the app (the token's login, and no one else's) reacted 👀 (a claimed command) or 👍 (an answer written),
 *   or a comment of the app names it in its reply marker (a refusal, core/reply.ts). The REST comment's reaction
 *   rollup counts everyone's reactions: no 👀 and no 👍 at all proves no claim without a request; otherwise the
 *   comment's 👀 and 👍 are listed to see whose they are.
 */
import type { Octokit } from "../app/github/client.js";
import { isBot } from "../app/commands/authorize.js";
import { parseQuoteReply } from "../core/answer.js";
import { parseComment } from "../core/grammar.js";
import { repliedComment } from "../core/reply.js";
import { trustsApp } from "../core/app-login.js";

export const CONVERGE_MINUTES = 60;

/** A thread comment as the REST API lists it (the fields convergence reads). */
export interface RestComment {
  id: number;
  body?: string;
  user: { login: string; type?: string } | null;
  created_at: string;
  updated_at: string;
  reactions?: { eyes?: number; "+1"?: number };
}

export interface CandidateOptions {
  /** The comment of the run's own event. */
  event: { id: number; created_at: string };
  now: Date;
  /** The app's login (its reactions and replies). */
  own: (login: string | null) => boolean;
}

/** Where the run's event stands among the thread's comments: its comment, or for an edit the edit itself. */
export function eventMoment(action: unknown, comment: { id: number; created_at: string; updated_at?: string }): { id: number; created_at: string } {
  return { id: comment.id, created_at: action === "edited" && comment.updated_at ? comment.updated_at : comment.created_at };
}

const before = (a: RestComment, b: { id: number; created_at: string }) => {
  const [ta, tb] = [Date.parse(a.created_at), Date.parse(b.created_at)];
  return ta < tb || (ta === tb && a.id < b.id);
};

/**
 * The thread's comments that may be unhandled commands, oldest first, and whether each still needs its reactions
 * listed (`certain`: the rollup shows no 👀 and no 👍, so no claim). Pure: the comments are the thread's as listed.
 */
export function commandCandidates(comments: readonly RestComment[], { event, now, own }: CandidateOptions): Array<{ comment: RestComment; certain: boolean }> {
  const since = now.getTime() - CONVERGE_MINUTES * 60_000;
  const replied = new Set(comments.flatMap((c) => (own(c.user?.login ?? null) ? [repliedComment(c.body ?? "")] : [])).filter((id) => id !== null));
  return comments
    .filter((c) => {
      const body = c.body ?? "";
      if (c.id === event.id || !before(c, event) || Date.parse(c.created_at) < since) return false;
      if (!c.user || isBot(c.user)) return false;
      if (parseComment(body).kind === "none" && !parseQuoteReply(body)) return false;
      if (c.updated_at !== c.created_at) return false;
      return !replied.has(c.id);
    })
    .sort((a, b) => (before(a, b) ? -1 : before(b, a) ? 1 : 0))
    .map((comment) => ({ comment, certain: comment.reactions !== undefined && !comment.reactions.eyes && !comment.reactions["+1"] }));
}

/** The command comments of the thread no run has handled, oldest first (see the header for what is trusted). */
export async function unhandledCommands(
  octokit: Octokit,
  options: { repo: { owner: string; repo: string }; issue: number; event: { id: number; created_at: string }; appLogin: string; now?: Date },
): Promise<RestComment[]> {
  const now = options.now ?? new Date();
  const own = trustsApp(options.appLogin);
  const since = new Date(now.getTime() - CONVERGE_MINUTES * 60_000).toISOString();
  const comments = await octokit.paginate(octokit.rest.issues.listComments, { ...options.repo, issue_number: options.issue, since, per_page: 100 });
  const unhandled: RestComment[] = [];
  for (const { comment, certain } of commandCandidates(comments as RestComment[], { event: options.event, now, own })) {
    if (!certain) {
      const reactions = await octokit.paginate(octokit.rest.reactions.listForIssueComment, { ...options.repo, comment_id: comment.id, per_page: 100 });
      if (reactions.some((r) => (r.content === "eyes" || r.content === "+1") && own(r.user?.login ?? null))) continue;
    }
    unhandled.push(comment);
  }
  return unhandled;
}
