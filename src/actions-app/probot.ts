/**
 * The app inside an Actions job: a Probot instance authenticated with a token (the workflow's GITHUB_TOKEN, or an
 * installation token from actions/create-github-app-token), talking to the job's GitHub (GITHUB_API_URL).
 */
import { Probot } from "probot";
import type { Context } from "probot";
import type { Octokit } from "../app/github/client.js";

export interface JobAuth {
  token: string;
  /** GITHUB_API_URL (GitHub Enterprise and the e2e stand-in have their own). */
  apiUrl?: string;
  logLevel?: "trace" | "debug" | "info" | "warn" | "error" | "fatal";
}

export function jobProbot({ token, apiUrl, logLevel }: JobAuth): Probot {
  return new Probot({ githubToken: token, logLevel: logLevel ?? "info", ...(apiUrl ? { baseUrl: apiUrl } : {}) });
}

/**
 * `context.config` without a webhook's context: `.github/<file>` of the repository through the same Octokit plugin
 * Probot's Context uses (it falls back to the owner's `.github` repository too).
 */
export function repoConfig(octokit: Octokit, repo: { owner: string; repo: string }): Pick<Context, "config"> {
  const config = async (file: string) => (await octokit.config.get({ ...repo, path: `.github/${file}` })).config;
  return { config } as unknown as Pick<Context, "config">;
}

/** The login a token's comments are written by: `<app-slug>[bot]` for an App's token, else `github-actions[bot]`. */
export function tokenLogin(appSlug: string | undefined): string {
  return appSlug ? `${appSlug.replace(/\[bot\]$/, "")}[bot]` : "github-actions[bot]";
}
