/**
 * Writing one file onto a task branch with the contents API (a commit the worker fetches).
 */
import type { GitHub } from "./client.js";

export interface WriteFileOptions {
  branch: string;
  path: string;
  text: string;
  message: string;
  /** Blob sha of the file being replaced; absent for a new file. */
  sha?: string;
}

export async function writeFile(gh: GitHub, { branch, path, text, message, sha }: WriteFileOptions): Promise<void> {
  await gh.octokit.rest.repos.createOrUpdateFileContents({
    ...gh.repo,
    path,
    branch,
    message,
    content: Buffer.from(text, "utf8").toString("base64"),
    ...(sha ? { sha } : {}),
  });
}

/** A file's text and blob sha on a branch; null when it does not exist. */
export async function readFile(gh: GitHub, { branch, path }: { branch: string; path: string }): Promise<{ text: string; sha: string } | null> {
  try {
    const { data } = await gh.octokit.rest.repos.getContent({ ...gh.repo, path, ref: branch });
    if (Array.isArray(data) || data.type !== "file" || !("content" in data)) return null;
    return { text: Buffer.from(data.content, "base64").toString("utf8"), sha: data.sha };
  } catch (error) {
    if ((error as { status?: number }).status === 404) return null;
    throw error;
  }
}
