/**
 * Who may command: not a bot, at least the configured repository permission, and never on a fork's pull request
 * (its code would run with the repository's secrets). Also tells the base of a dispatch.
 */
import { PERMISSIONS, permits, type Permission } from "../../core/config.js";
import { reason, type GitHub } from "../github/client.js";

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
  const { data } = await gh.octokit.rest.repos.getCollaboratorPermissionLevel({ ...gh.repo, username: user.login });
  const role = (data as { role_name?: string }).role_name;
  const have = role && (PERMISSIONS as readonly string[]).includes(role) ? role : data.permission;
  if (!permits(have, need)) {
    return {
      ok: false,
      why: `${user.login} has ${have}, needs ${need}`,
      reply: `Sorry @${user.login}, only people with **${need}** access to this repository can use /dispatch here (you have ${have}).`,
    };
  }
  if (!issue.pull_request) return { ok: true, base: defaultBranch };
  try {
    const { data: pull } = await gh.octokit.rest.pulls.get({ ...gh.repo, pull_number: issue.number });
    const headRepo = pull.head.repo?.full_name;
    if (!headRepo || headRepo.toLowerCase() !== pull.base.repo.full_name.toLowerCase()) {
      return {
        ok: false,
        why: `pull request #${issue.number} comes from ${headRepo ?? "a deleted fork"}`,
        reply: `Sorry @${user.login}, /dispatch does not run on pull requests from forks: their code would run with this repository's secrets.`,
      };
    }
    return { ok: true, base: pull.head.ref };
  } catch (error) {
    return { ok: false, why: `pull request #${issue.number}: ${reason(error)}`, reply: `I could not read pull request #${issue.number}: ${reason(error)}` };
  }
}
