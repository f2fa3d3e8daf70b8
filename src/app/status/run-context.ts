/**
 * The shapes of a thread's serialized run: the status comments it edits, what it knows while it runs, and the work
 * events and commands queue for it.
 */
import type { StatusView } from "../../core/status-view.js";
import type { ConfigResult } from "../../core/config.js";
import type { GitHub, Thread } from "../github/client.js";
import type { ThreadComment } from "../github/queries.js";

/** A status comment of the thread and the view it holds (edited in place by the run). */
export interface StatusTarget {
  commentId: number;
  /** The body as it is on GitHub now. */
  body: string;
  view: StatusView;
}

/** What a run knows: the client, the thread, its comments (oldest first) and its status comments. */
export interface RunContext {
  gh: GitHub;
  thread: Thread;
  defaultBranch: string;
  comments: ThreadComment[];
  statuses: StatusTarget[];
  loadConfig: () => Promise<ConfigResult>;
  /** Comment authors whose status comments are trusted (the app's own login); empty: any author. */
  trusts: (author: string | null) => boolean;
}

interface Common {
  gh: GitHub;
  thread: Thread;
  defaultBranch: string;
  loadConfig: () => Promise<ConfigResult>;
}

export type ThreadWork = Common &
  (
    | { kind: "push"; branch: string }
    /**
     * A reply made before any claim (a refusal): posted once (`postOnce`) inside the thread's run, so that its look
     * for an earlier one and its post never overlap another run's (two replicas handling the same refused comment).
     */
    | { kind: "reply"; body: string; is: (comment: ThreadComment) => boolean }
    | { kind: "dispatch"; command: number; create: (ctx: RunContext) => Promise<void> }
    | {
        kind: "edit";
        /** The status comment concerned: the latest holding this task, or the latest of the thread when null. */
        task: string | null;
        /** Work on the target before the refresh; return a message for the person to refuse. */
        apply?: (target: StatusTarget, ctx: RunContext) => Promise<string | null | void>;
        /** Re-read the branches and re-render (default true). */
        refresh?: boolean;
        /** Told what happened: the target found (or null) and a refusal message when there is one. */
        report: (outcome: { target: StatusTarget | null; refused: string | null; ctx: RunContext }) => void;
      }
  );
