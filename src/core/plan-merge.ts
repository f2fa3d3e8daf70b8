/**
 * Settling a plan.md conflict when the worker replays its commits onto the app's: the app only ever appends notes, the
 * worker's copy has the agent's ticks. Keep the worker's plan and add the notes it does not have yet.
 */
import { appendNote, parsePlan } from "./plan.js";

export function mergePlanNotes(local: string, remote: string): string {
  const mine = parsePlan(local);
  const theirs = parsePlan(remote);
  if (!mine || !theirs) return local;
  const have = new Set(mine.notes.map((n) => n.trim()));
  let merged = local;
  for (const note of theirs.notes) {
    if (have.has(note.trim())) continue;
    merged = appendNote(merged, note);
    have.add(note.trim());
  }
  return merged;
}
