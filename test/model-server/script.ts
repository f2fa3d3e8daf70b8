/**
 * The scripted conversation every wire format plays: the model's next move follows from how many tool results the
 * request already carries, so the server keeps no state per conversation and any retry gets the same answer.
 *
 *   1. rewrite and tick every checklist item with the CLI's own shell tool
 *   2. ask the maintainer with dispatch-ask (its path in $DISPATCH_ASK)
 *   3. write the work (notes/logging.md) and output.md with the answer the tool result carried
 *   4. a final text
 */

export type Move = { kind: "shell"; command: string } | { kind: "text"; text: string };

export const QUESTION = "Should I flag INFO level logs?";
/** Printed around dispatch-ask's answer; the command spells them in two pieces so its echo never matches. */
const BEGIN = "BEGIN-ANSWER";
const END = "END-ANSWER";
/** The project file the script writes: the work that must reach the task branch. */
export const WORK_FILE = "notes/logging.md";
export const FINAL_TEXT = "All items are done; the summary is in output.md.";

export function nextMove(toolResults: readonly string[]): Move {
  switch (toolResults.length) {
    case 0:
      return { kind: "shell", command: `sed -i 's/^- \\[ \\] \\(.*\\)$/- [x] \\1 — checked by the scripted model/' "$DISPATCH_PLAN"` };
    case 1:
      return {
        kind: "shell",
        command: `printf '%s\\n' "BEGIN""-ANSWER"; "$DISPATCH_ASK" ${shellQuote(QUESTION)}; printf '%s\\n' "END""-ANSWER"`,
      };
    case 2: {
      const answer = answerIn(toolResults[1] ?? "") ?? "(no answer reached the model)";
      return {
        kind: "shell",
        command:
          `mkdir -p notes && printf '%s\\n' ${shellQuote(`Log levels to flag: ${answer}`)} > ${WORK_FILE} && ` +
          `printf '%s\\n' ${shellQuote(`The maintainer answered: ${answer}`)} > "$DISPATCH_DIR/output.md"`,
      };
    }
    default:
      return { kind: "text", text: FINAL_TEXT };
  }
}

/** The text dispatch-ask printed, found between the markers in a tool result however the CLI wrapped it. */
export function answerIn(toolResult: string): string | null {
  const start = toolResult.indexOf(`${BEGIN}\n`);
  if (start < 0) return null;
  const end = toolResult.indexOf(END, start);
  if (end < 0) return null;
  return toolResult.slice(start + BEGIN.length + 1, end).trim().replace(/\s+/g, " ");
}

export function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}
