/** Reading the thread as the app left it: the status comment, its tasks and branches, the question comments. */
import type { StatusView } from "../../src/core/status-view.js";
import { parseStatus } from "../../src/core/status-read.js";
import { parseQuestionComment } from "../../src/core/question.js";
import type { Harness } from "./harness.js";

export const TWO = "/dispatch two things:\n1. use opus to review the auth module\n2. use sonnet to write the api tests";

export function status(h: Harness): StatusView {
  const found = h.github.byApp().find((c) => c.body.startsWith("<!-- dispatch:status"));
  return parseStatus(found!.body)!;
}
export const ids = (h: Harness) => status(h).tasks.map((t) => t.id) as [string, string];
/** The task's branch as the status comment names it (`dispatch/42/<task>-<dispatch>`). */
export const branchOf = (h: Harness, task: string) => status(h).tasks.find((t) => t.id === task)!.branch;
export const questions = (h: Harness) => h.github.byApp().flatMap((c) => (parseQuestionComment(c.body) ? [parseQuestionComment(c.body)!] : []));
