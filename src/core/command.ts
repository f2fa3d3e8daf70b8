/**
 * The /dispatch command grammar: a comment body in, one command out. Never throws.
 */
import type { TaskSpec } from "./task.js";

export type Command =
  | { kind: "dispatch"; tasks: TaskSpec[] }
  | { kind: "status"; task: string | null }
  | { kind: "answer"; task: string; text: string }
  | { kind: "cancel"; task: string }
  | { kind: "retry"; task: string }
  | { kind: "note"; task: string; text: string }
  | { kind: "help" }
  | { kind: "none" }
  | { kind: "error"; message: string };

export type CommandKind = Command["kind"];
