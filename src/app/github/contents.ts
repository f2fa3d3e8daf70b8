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

/** How many times a new file is written when GitHub answers 409 because the branch moved under the write. */
export const NEW_FILE_ATTEMPTS = 5;

/**
 * Write one file. A new file (no `sha`) written while the worker pushes gets 409 when the branch moved between
 * GitHub's read of its head and the commit: it is written again against the new head, a few times. A replaced file
 * (`sha` given) is not retried here: its caller must read the new sha first. The client's own retry of 409 (with
 * growing back-off) is turned off for this write: a new head is there at once, so waiting gains nothing.
 */
export async function writeFile(gh: GitHub, { branch, path, text, message, sha }: WriteFileOptions): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await gh.octokit.rest.repos.createOrUpdateFileContents({
        ...gh.repo,
        path,
        branch,
        message,
        content: Buffer.from(text, "utf8").toString("base64"),
        ...(sha ? { sha } : {}),
        request: { retries: 0 },
      });
      return;
    } catch (error) {
      const conflict = (error as { status?: number }).status === 409;
      if (!conflict || sha || attempt >= NEW_FILE_ATTEMPTS) throw error;
      gh.log.info(`${path} on ${branch}: the branch moved under the write (409), writing again (attempt ${attempt + 1})`);
    }
  }
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
