/**
 * The app's reply to a command comment ends with a hidden marker naming that comment:
 *
 *   Sorry @someone, only people with **write** access …
 *   <!-- dispatch:reply comment=1234 -->
 *
 * so a reply the app must make once (a refusal, said before any claim) is looked for before it is posted again, and
 * the Actions mode's convergence (src/actions-app/converge.ts) knows a comment was answered already.
 */

const MARKER = /<!-- dispatch:reply comment=(\d+) -->\s*$/;

export function replyMarker(comment: number): string {
  return `<!-- dispatch:reply comment=${comment} -->`;
}

/** The reply's text with the marker of the command comment it answers on its last line. */
export function markReply(text: string, comment: number): string {
  return `${text.trimEnd()}\n\n${replyMarker(comment)}`;
}

/** The id of the command comment a reply answers; null for any other body. */
export function repliedComment(body: string): number | null {
  const match = MARKER.exec(body);
  if (!match) return null;
  const id = Number(match[1]);
  return Number.isSafeInteger(id) && id > 0 ? id : null;
}
