/**
 * Who may command: not a bot, at least the configured repository permission, and never on a fork's pull request
 * (its code would run with the repository's secrets). Also tells the base of a dispatch.
 */
import { permits, type Permission } from "../../core/config.js";
import { reason, type GitHub } from "../github/client.js";
import { permissionOf } from "../github/permission.js";
import { pullRequestSource } from "../github/pulls.js";

export type Authorization =
  | { ok: true; base: string }
  /** `reply`: what to tell the person (null: say nothing, e.g. to a bot). */
  | { ok: false; reply: string | null; why: string };

export interface CommentAuthor {
  login: string;
  type?: string;
}

/** Bots (the app itself included) never command. */
export function isBot(user: CommentAuthor): boolean {
  return user.type === "Bot" || user.login.endsWith("[bot]");
}

export interface AuthorizeOptions {
  user: CommentAuthor;
  issue: { number: number; pull_request?: unknown };
  need: Permission;
  defaultBranch: string;
}

export async function authorize(gh: GitHub, { user, issue, need, defaultBranch }: AuthorizeOptions): Promise<Authorization> {
  if (isBot(user)) return { ok: false, reply: null, why: `${user.login} is a bot` };
  const have = await permissionOf(gh, user.login);
  if (!permits(have, need)) {
    return {
      ok: false,
      why: `${user.login} has ${have}, needs ${need}`,
      reply: `Sorry @${user.login}, only people with **${need}** access to this repository can use /dispatch here (you have ${have}).`,
    };
  }
  if (!issue.pull_request) return { ok: true, base: defaultBranch };
  try {
    const pull = await pullRequestSource(gh, issue.number);
    const headRepo = pull.headRepo;
    if (!headRepo || headRepo.toLowerCase() !== pull.baseRepo.toLowerCase()) {
      return {
        ok: false,
        why: `pull request #${issue.number} comes from ${headRepo ?? "a deleted fork"}`,
        reply: `Sorry @${user.login}, /dispatch does not run on pull requests from forks: their code would run with this repository's secrets.`,
      };
    }
    return { ok: true, base: pull.headRef };
  } catch (error) {
    return { ok: false, why: `pull request #${issue.number}: ${reason(error)}`, reply: `I could not read pull request #${issue.number}: ${reason(error)}` };
  }
}
