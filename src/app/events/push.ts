/**
 * `push`: a push to a task branch queues a refresh of the status comment holding that branch (see
 * `status/refresh.ts`) in the thread's serialized run.
 */
import type { Context } from "probot";
import type { GitHub } from "../github/client.js";
import { loadConfig } from "../github/config.js";
import type { ThreadWork } from "../status/run-context.js";

/** `refs/heads/<prefix><issue>/<task>` → the branch and its issue, whatever the prefix; null for other refs. */
export function taskBranchOfRef(ref: string): { branch: string; issue: number } | null {
  if (!ref.startsWith("refs/heads/")) return null;
  const branch = ref.slice("refs/heads/".length);
  const match = /^.+\/(\d+)\/[a-z0-9][a-z0-9-]*$/.exec(branch);
  if (!match) return null;
  const issue = Number(match[1]);
  return Number.isSafeInteger(issue) && issue > 0 ? { branch, issue } : null;
}

/** The `push` handler: queue a refresh of the status comment holding the pushed branch, and wait for it. */
export async function onPush(
  context: Context<"push">,
  request: (work: ThreadWork) => Promise<void>,
): Promise<void> {
  const { payload } = context;
  if (payload.deleted) return void context.log.debug(`push: ${payload.ref} was deleted, nothing to read`);
  const found = taskBranchOfRef(payload.ref);
  if (!found) return void context.log.debug(`push: ${payload.ref} is not a task branch`);
  const owner = payload.repository.owner?.login ?? payload.repository.full_name.split("/")[0] ?? "";
  const repo = { owner, repo: payload.repository.name };
  const gh: GitHub = { octokit: context.octokit, log: context.log, repo };
  await request({
    kind: "push",
    branch: found.branch,
    gh,
    thread: { ...repo, issue: found.issue },
    defaultBranch: payload.repository.default_branch ?? payload.repository.master_branch ?? "main",
    loadConfig: () => loadConfig(context),
  });
}
