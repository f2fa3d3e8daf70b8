/**
 * Whose comments are the app's own. A GitHub App writes as `<slug>[bot]`, the workflow token as `github-actions[bot]`;
 * logins compare without case and without the `[bot]` suffix. The app trusts a marker comment (a status, a question,
 * a reply) only when it wrote it: a comment by anyone else that copies a marker is just text.
 */

/** A login without case and without its `[bot]` suffix. */
export function bareLogin(login: string): string {
  return login.toLowerCase().replace(/\[bot\]$/, "");
}

/** Whether `author` is the app `appLogin` names; fails closed (no app login known, no author: false). */
export function isAppLogin(appLogin: string | null, author: string | null): boolean {
  return appLogin !== null && author !== null && bareLogin(author) === bareLogin(appLogin);
}

/** The test of authorship for one app: `trusts(author)`. */
export function trustsApp(appLogin: string | null): (author: string | null) => boolean {
  return (author) => isAppLogin(appLogin, author);
}
