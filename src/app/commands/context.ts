/**
 * What every command handler gets: the client, the thread, the config, the comment that commanded, and how to
 * queue work on the thread's status comments, reply and react.
 */
import type { ConfigResult, DispatchConfig } from "../../core/config.js";
import type { GitHub, Thread } from "../github/client.js";
import type { Reaction } from "../github/comments.js";
import type { ThreadWork } from "../status/run-context.js";

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
  /**
   * React 👀 and say whether this delivery runs the command: false when the reaction was there already (GitHub
   * answers 200, not 201), i.e. another delivery or instance claimed the comment. An edit is always run.
   */
  claim: () => Promise<boolean>;
}

/** A reply for a command naming a task no status comment on the thread holds. */
export function unknownTask(task: string | null): string {
  return task === null
    ? "There is no dispatch on this thread yet: start one with `/dispatch <what to do>`."
    : `There is no task \`${task}\` on this thread. \`/dispatch status\` lists the tasks.`;
}
