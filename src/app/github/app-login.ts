/**
 * Who the app is on GitHub: its slug, asked as the App itself (`GET /app`). Its status and question comments are the
 * only ones trusted.
 */
import type { Probot } from "probot";

/** The app's slug, asked of GitHub as the App itself; null (logged) when GitHub does not say. */
export async function learnLogin(probot: Probot): Promise<string | null> {
  try {
    const octokit = await probot.auth();
    const { data } = await octokit.rest.apps.getAuthenticated();
    if (data?.slug) return data.slug;
    probot.log.error("GET /app gave no slug: no status or question comment will be trusted; set DISPATCH_APP_LOGIN");
  } catch (error) {
    probot.log.error({ err: error }, "could not learn the app's login: no status or question comment will be trusted; set DISPATCH_APP_LOGIN");
  }
  return null;
}
