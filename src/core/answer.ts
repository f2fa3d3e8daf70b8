/**
 * Answers by quote reply: GitHub's "Quote reply" puts the question comment's visible lines behind `> ` (its hidden
 * marker is not carried), so the question is found by its heading, "Question NNN from `task`", in the quoted lines.
 */
import { sanitizeText } from "./sanitize.js";
import { isTaskId } from "./task.js";

const QUOTED = /^[ \t]*>/;
const HEADING = /Question\s+(\d{1,6})\s+from\s+\**`?([a-z0-9][a-z0-9-]*)`?/i;

/**
 * The question a reply quotes and the reply's own text (its lines outside the quote, trimmed).
 * Null when no question heading is quoted or the reply adds no text. The first quoted heading counts. The reply is
 * cleaned first (`sanitizeText`): hidden text is not part of an answer.
 */
export function parseQuoteReply(body: string): { task: string; seq: number; text: string } | null {
  const lines = sanitizeText(body).replace(/\r\n?/g, "\n").split("\n");
  let found: { task: string; seq: number } | null = null;
  const own: string[] = [];
  for (const line of lines) {
    if (!QUOTED.test(line)) {
      own.push(line);
      continue;
    }
    if (found) continue;
    const match = HEADING.exec(line.replace(/^([ \t]*>)+/, ""));
    const task = match?.[2]?.toLowerCase();
    const seq = Number(match?.[1]);
    if (task && isTaskId(task) && seq > 0) found = { task, seq };
  }
  const text = own.join("\n").trim();
  if (!found || text === "") return null;
  return { ...found, text };
}
