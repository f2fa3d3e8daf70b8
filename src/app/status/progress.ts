/**
 * Progress without a push webhook: the refresh of ONE dispatch's status comment, named by its /dispatch comment id.
 * The Actions mode's monitor (src/actions-app/monitor.ts) calls it when a task branch moved; it is the same refresh a
 * push webhook queues (`refresh.ts`): questions posted once, results delivered, dependents started, one edit.
 */
import { findStatusCommand, type StatusView } from "../../core/status-view.js";
import type { ConfigResult } from "../../core/config.js";
import type { GitHub, Thread } from "../github/client.js";
import { readComments } from "../github/queries.js";
import { refreshStatus } from "./refresh.js";
import type { RunContext, StatusTarget } from "./run-context.js";
import { statusComments } from "./thread.js";

export interface DispatchRef {
  gh: GitHub;
  thread: Thread;
  defaultBranch: string;
  /** Id of the /dispatch comment whose status comment is refreshed. */
  command: number;
  loadConfig: () => Promise<ConfigResult>;
  trusts: (author: string | null) => boolean;
  /** Work on the status before the refresh (the monitor marks tasks whose job ended without recording it). */
  apply?: (target: StatusTarget, ctx: RunContext) => Promise<void>;
}

/** Refresh the status comment of `command`; its view after the refresh, or null when the thread holds none (yet). */
export async function refreshDispatch({ gh, thread, defaultBranch, command, loadConfig, trusts, apply }: DispatchRef): Promise<StatusView | null> {
  const comments = await readComments(gh, thread.issue, { enough: (cs) => cs.some((c) => findStatusCommand(c.body) === command) });
  const target = statusComments(comments, trusts).find((status) => status.view.command === command);
  if (!target) {
    gh.log.info(`#${thread.issue}: no status comment of /dispatch comment ${command} yet, nothing to refresh`);
    return null;
  }
  let config: Promise<ConfigResult> | null = null;
  const ctx: RunContext = { gh, thread, defaultBranch, comments, statuses: [target], loadConfig: () => (config ??= loadConfig()), trusts };
  await apply?.(target, ctx);
  await refreshStatus(ctx, target);
  return target.view;
}
