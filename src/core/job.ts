/**
 * Matrix job names: the workflow names each job `#<issue> <task-id>`, so a `workflow_job` event says which task it is
 * about. A job of a reusable workflow is reported as `<caller job> / #<issue> <task-id>`.
 */
import { isTaskId } from "./task.js";

export interface JobTask {
  issue: number;
  task: string;
}

/** The name the workflow gives the job working `task`: `#42 api-tests`. */
export function jobName(issue: number, task: string): string {
  return `#${issue} ${task}`;
}

/** `#42 api-tests` or `caller / #42 api-tests` → { issue: 42, task: "api-tests" }; anything else → null. */
export function parseJobName(name: string): JobTask | null {
  const last = name.split(" / ").pop()?.trim() ?? "";
  const match = /^#(\d+) (\S+)$/.exec(last);
  if (!match) return null;
  const issue = Number(match[1]);
  const task = match[2]!;
  if (!Number.isSafeInteger(issue) || issue <= 0 || !isTaskId(task)) return null;
  return { issue, task };
}
