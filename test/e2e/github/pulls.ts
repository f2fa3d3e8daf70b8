/**
 * Pull requests (get, list by head, open) and the comparison of two commits, computed with git.
 */
import { branchHead, commitsBetween, diffFiles, mergeBase, readCommit, revParse } from "./git.js";
import { notFound, validationFailed, type Route } from "./http.js";
import type { StandIn } from "./server.js";
import type { Issue, Repo } from "./store.js";

const DOC_PULLS = "https://docs.github.com/rest/pulls/pulls";
const DOC_COMPARE = "https://docs.github.com/rest/commits/commits#compare-two-commits";

/** `owner:branch` or `branch` → `branch` (null when the owner is another one). */
function branchOf(repo: Repo, head: string): string | null {
  const colon = head.indexOf(":");
  if (colon < 0) return head;
  return head.slice(0, colon) === repo.owner ? head.slice(colon + 1) : null;
}

export function pullRoutes(hub: StandIn): Route[] {
  const shape = async (repo: Repo, issue: Issue) =>
    hub.shapes.pull(
      issue,
      {
        head: (issue.pull!.headRepo ? null : await branchHead(repo.dir, issue.pull!.head)) ?? issue.pull!.headSha,
        base: await branchHead(repo.dir, issue.pull!.base),
      },
      repo,
    );
  return [
    {
      method: "GET",
      pattern: "/repos/{owner}/{repo}/pulls/{number}",
      handle: async ({ params }) => {
        const repo = hub.repoOr404(params);
        const issue = hub.store.issue(`${repo.owner}/${repo.name}`, Number(params["number"]));
        if (!issue?.pull) throw notFound(DOC_PULLS);
        return { status: 200, body: await shape(repo, issue) };
      },
    },
    {
      method: "GET",
      pattern: "/repos/{owner}/{repo}/pulls",
      handle: async ({ params, query }) => {
        const repo = hub.repoOr404(params);
        const state = query.get("state") ?? "open";
        const head = query.get("head");
        const base = query.get("base");
        const pulls = hub.store.pulls(`${repo.owner}/${repo.name}`).filter((issue) => {
          const pull = issue.pull!;
          if (state !== "all" && pull.state !== state) return false;
          if (base && pull.base !== base) return false;
          if (head) {
            const [owner, branch] = head.includes(":") ? head.split(/:(.*)/) : [repo.owner, head];
            const pullOwner = pull.headRepo ? pull.headRepo.split("/")[0] : repo.owner;
            if (owner !== pullOwner || branch !== pull.head) return false;
          }
          return true;
        });
        pulls.reverse(); // newest first, GitHub's default sort
        return { status: 200, body: await Promise.all(pulls.map((issue) => shape(repo, issue))) };
      },
    },
    {
      method: "POST",
      pattern: "/repos/{owner}/{repo}/pulls",
      handle: async (request) => {
        const repo = hub.repoOr404(request.params);
        const full = `${repo.owner}/${repo.name}`;
        const body = (request.body ?? {}) as Record<string, unknown>;
        for (const field of ["title", "head", "base"]) {
          if (typeof body[field] !== "string" || !body[field]) {
            throw validationFailed([{ resource: "PullRequest", code: "missing_field", field }], DOC_PULLS);
          }
        }
        const head = branchOf(repo, body["head"] as string);
        const base = body["base"] as string;
        const headSha = head ? await branchHead(repo.dir, head) : null;
        if (!head || !headSha) {
          throw validationFailed([{ resource: "PullRequest", code: "invalid", field: "head" }], DOC_PULLS);
        }
        const baseSha = await branchHead(repo.dir, base);
        if (!baseSha) throw validationFailed([{ resource: "PullRequest", code: "invalid", field: "base" }], DOC_PULLS);
        if (hub.store.pulls(full).some((i) => i.pull!.state === "open" && !i.pull!.headRepo && i.pull!.head === head)) {
          throw validationFailed(
            [{ resource: "PullRequest", code: "custom", message: `A pull request already exists for ${repo.owner}:${head}.` }],
            DOC_PULLS,
          );
        }
        if ((await commitsBetween(repo.dir, baseSha, headSha, 1)).length === 0) {
          throw validationFailed(
            [{ resource: "PullRequest", code: "custom", message: `No commits between ${base} and ${head}` }],
            DOC_PULLS,
          );
        }
        const issue = hub.store.addIssue({
          repo: full,
          number: hub.store.nextIssueNumber(full),
          title: body["title"] as string,
          body: typeof body["body"] === "string" ? body["body"] : "",
          user: hub.callerLogin(request.caller),
          createdAt: hub.store.now(),
          pull: { head, base, state: "open", draft: body["draft"] === true, headSha },
        });
        const pull = await shape(repo, issue);
        hub.announce("pull_request", hub.payloads.pullRequest({ repo, pull, sender: issue.user, number: issue.number }));
        return { status: 201, body: pull };
      },
    },
    {
      method: "GET",
      pattern: "/repos/{owner}/{repo}/compare/{+basehead}",
      handle: async ({ params }) => {
        const repo = hub.repoOr404(params);
        const [baseName, headName] = params["basehead"]!.split("...");
        const baseRev = baseName ? branchOf(repo, baseName) : null;
        const headRev = headName ? branchOf(repo, headName) : null;
        const base = baseRev ? await revParse(repo.dir, `${baseRev}^{commit}`) : null;
        const head = headRev ? await revParse(repo.dir, `${headRev}^{commit}`) : null;
        if (!base || !head) throw notFound(DOC_COMPARE);
        const common = await mergeBase(repo.dir, base, head);
        if (!common) throw notFound(DOC_COMPARE);
        const ahead = await commitsBetween(repo.dir, common, head, 100_000);
        const behind = await commitsBetween(repo.dir, common, base, 100_000);
        const full = `${repo.owner}/${repo.name}`;
        const commitShape = async (sha: string) => {
          const info = await readCommit(repo.dir, sha);
          const { sha: _sha, html_url, parents, comments_url, node_id, ...commit } = hub.shapes.commit(repo, info);
          const url = hub.shapes.api(`/repos/${full}/commits/${sha}`);
          return { sha, node_id, commit, url, html_url, comments_url, parents, author: null, committer: null };
        };
        const files = await diffFiles(repo.dir, common, head);
        return {
          status: 200,
          body: {
            url: hub.shapes.api(`/repos/${full}/compare/${params["basehead"]}`),
            html_url: hub.shapes.web(`/${full}/compare/${params["basehead"]}`),
            permalink_url: hub.shapes.web(`/${full}/compare/${repo.owner}:${base.slice(0, 7)}...${repo.owner}:${head.slice(0, 7)}`),
            diff_url: hub.shapes.web(`/${full}/compare/${params["basehead"]}.diff`),
            patch_url: hub.shapes.web(`/${full}/compare/${params["basehead"]}.patch`),
            base_commit: await commitShape(base),
            merge_base_commit: await commitShape(common),
            status: ahead.length && behind.length ? "diverged" : ahead.length ? "ahead" : behind.length ? "behind" : "identical",
            ahead_by: ahead.length,
            behind_by: behind.length,
            total_commits: ahead.length,
            commits: await Promise.all(ahead.slice(0, 250).map(commitShape)),
            files: await Promise.all(
              files.map(async (file) => ({
                sha: (await revParse(repo.dir, `${head}:${file.filename}`)) ?? "0".repeat(40),
                filename: file.filename,
                status: file.status,
                additions: file.additions,
                deletions: file.deletions,
                changes: file.additions + file.deletions,
                blob_url: hub.shapes.web(`/${full}/blob/${head}/${file.filename}`),
                raw_url: hub.shapes.web(`/${full}/raw/${head}/${file.filename}`),
                contents_url: hub.shapes.api(`/repos/${full}/contents/${file.filename}?ref=${head}`),
              })),
            ),
          },
        };
      },
    },
  ];
}
