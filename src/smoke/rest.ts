/**
 * The smoke test's calls on real GitHub (or any API at `baseUrl`), with Octokit and a person's token.
 */
import { Octokit } from "@octokit/rest";
import type { SmokePort } from "./port.js";

export function restPort({ token, owner, repo, baseUrl }: { token: string; owner: string; repo: string; baseUrl?: string }): SmokePort {
  const octokit = new Octokit({ auth: token, ...(baseUrl ? { baseUrl } : {}) });
  const at = { owner, repo };
  return {
    async readFile(path) {
      try {
        const { data } = await octokit.rest.repos.getContent({ ...at, path });
        if (Array.isArray(data) || data.type !== "file" || !("content" in data)) return null;
        return Buffer.from(data.content, "base64").toString("utf8");
      } catch (error) {
        if ((error as { status?: number }).status === 404) return null;
        throw error;
      }
    },
    async openIssue(title, body) {
      const { data } = await octokit.rest.issues.create({ ...at, title, body });
      return data.number;
    },
    async comment(issue, body) {
      const { data } = await octokit.rest.issues.createComment({ ...at, issue_number: issue, body });
      return { id: data.id, body: data.body ?? "", author: data.user?.login ?? "" };
    },
    async comments(issue) {
      const all = await octokit.paginate(octokit.rest.issues.listComments, { ...at, issue_number: issue, per_page: 100 });
      return all.map((c) => ({ id: c.id, body: c.body ?? "", author: c.user?.login ?? "" }));
    },
    async pullsFor(branch) {
      const { data } = await octokit.rest.pulls.list({ ...at, head: `${owner}:${branch}`, state: "all" });
      return data.map((p) => ({ number: p.number, head: p.head.ref, state: p.state }));
    },
    async closePull(number) {
      await octokit.rest.pulls.update({ ...at, pull_number: number, state: "closed" });
    },
    async deleteBranch(branch) {
      await octokit.rest.git.deleteRef({ ...at, ref: `heads/${branch}` });
    },
    async closeIssue(issue) {
      await octokit.rest.issues.update({ ...at, issue_number: issue, state: "closed", state_reason: "not_planned" });
    },
  };
}
