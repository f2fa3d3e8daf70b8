/**
 * GitHub's JSON shapes for the stand-in's data: the fields GitHub documents and Octokit or the app read.
 * API and web URLs both live on the stand-in's own origin (`/repos/...` is the API, `/<owner>/<repo>/...` the web).
 */
import { createRequire } from "node:module";
import type { CommitInfo } from "./git.js";
import type { Comment, Issue, Repo, Store, User } from "./store.js";

const require = createRequire(import.meta.url);

interface ExampleGroup {
  name: string;
  examples: Array<Record<string, unknown>>;
}
let examples: ExampleGroup[] | undefined;

/** A real webhook payload from @octokit/webhooks-examples, as the template for one we send. */
export function exampleOf(event: string, pick: (example: Record<string, unknown>) => boolean): Record<string, unknown> {
  examples ??= require("@octokit/webhooks-examples/api.github.com/index.json") as ExampleGroup[];
  const found = examples.find((group) => group.name === event)?.examples.find(pick);
  if (!found) throw new Error(`stand-in: no ${event} example in @octokit/webhooks-examples`);
  return structuredClone(found);
}

/** Names of every webhook event GitHub sends (from @octokit/webhooks-examples). */
export function webhookEventNames(): string[] {
  examples ??= require("@octokit/webhooks-examples/api.github.com/index.json") as ExampleGroup[];
  return examples.map((group) => group.name);
}

const iso = (date: Date) => date.toISOString().replace(/\.\d{3}Z$/, "Z");
const nodeId = (kind: string, id: number) => Buffer.from(`0:${kind}${id}`).toString("base64").replace(/=+$/, "");

export class Shapes {
  constructor(
    private readonly url: () => string,
    private readonly store: Store,
  ) {}

  api(path: string): string {
    return `${this.url()}${path}`;
  }

  web(path: string): string {
    return `${this.url()}${path}`;
  }

  user(user: User): Record<string, unknown> {
    const api = this.api(`/users/${encodeURIComponent(user.login)}`);
    return {
      login: user.login,
      id: user.id,
      node_id: nodeId(user.type, user.id),
      avatar_url: this.web(`/avatars/${user.id}`),
      gravatar_id: "",
      url: api,
      html_url: user.type === "Bot" ? this.web(`/apps/${user.login.replace(/\[bot\]$/, "")}`) : this.web(`/${user.login}`),
      followers_url: `${api}/followers`,
      following_url: `${api}/following{/other_user}`,
      gists_url: `${api}/gists{/gist_id}`,
      starred_url: `${api}/starred{/owner}{/repo}`,
      subscriptions_url: `${api}/subscriptions`,
      organizations_url: `${api}/orgs`,
      repos_url: `${api}/repos`,
      events_url: `${api}/events{/privacy}`,
      received_events_url: `${api}/received_events`,
      type: user.type,
      site_admin: false,
    };
  }

  userByLogin(login: string): Record<string, unknown> {
    return this.user(this.store.user(login));
  }

  repository(repo: Repo): Record<string, unknown> {
    const full = `${repo.owner}/${repo.name}`;
    const api = this.api(`/repos/${full}`);
    const owner = this.store.users.get(repo.owner);
    return {
      id: repo.id,
      node_id: nodeId("Repository", repo.id),
      name: repo.name,
      full_name: full,
      private: false,
      owner: owner
        ? this.user(owner)
        : { login: repo.owner, id: 1, type: "Organization", url: this.api(`/users/${repo.owner}`) },
      html_url: this.web(`/${full}`),
      description: null,
      fork: false,
      url: api,
      archive_url: `${api}/{archive_format}{/ref}`,
      assignees_url: `${api}/assignees{/user}`,
      blobs_url: `${api}/git/blobs{/sha}`,
      branches_url: `${api}/branches{/branch}`,
      collaborators_url: `${api}/collaborators{/collaborator}`,
      comments_url: `${api}/comments{/number}`,
      commits_url: `${api}/commits{/sha}`,
      compare_url: `${api}/compare/{base}...{head}`,
      contents_url: `${api}/contents/{+path}`,
      contributors_url: `${api}/contributors`,
      deployments_url: `${api}/deployments`,
      downloads_url: `${api}/downloads`,
      events_url: `${api}/events`,
      forks_url: `${api}/forks`,
      git_commits_url: `${api}/git/commits{/sha}`,
      git_refs_url: `${api}/git/refs{/sha}`,
      git_tags_url: `${api}/git/tags{/sha}`,
      hooks_url: `${api}/hooks`,
      issue_comment_url: `${api}/issues/comments{/number}`,
      issue_events_url: `${api}/issues/events{/number}`,
      issues_url: `${api}/issues{/number}`,
      keys_url: `${api}/keys{/key_id}`,
      labels_url: `${api}/labels{/name}`,
      languages_url: `${api}/languages`,
      merges_url: `${api}/merges`,
      milestones_url: `${api}/milestones{/number}`,
      notifications_url: `${api}/notifications{?since,all,participating}`,
      pulls_url: `${api}/pulls{/number}`,
      releases_url: `${api}/releases{/id}`,
      stargazers_url: `${api}/stargazers`,
      statuses_url: `${api}/statuses/{sha}`,
      subscribers_url: `${api}/subscribers`,
      subscription_url: `${api}/subscription`,
      tags_url: `${api}/tags`,
      teams_url: `${api}/teams`,
      trees_url: `${api}/git/trees{/sha}`,
      mirror_url: null,
      svn_url: this.web(`/${full}`),
      git_url: `file://${repo.dir}`,
      ssh_url: `file://${repo.dir}`,
      clone_url: `file://${repo.dir}`,
      created_at: iso(repo.createdAt),
      updated_at: iso(repo.createdAt),
      pushed_at: iso(repo.createdAt),
      homepage: null,
      size: 0,
      stargazers_count: 0,
      watchers_count: 0,
      language: null,
      has_issues: true,
      has_projects: true,
      has_downloads: true,
      has_wiki: false,
      has_pages: false,
      forks_count: 0,
      archived: false,
      disabled: false,
      open_issues_count: 0,
      license: null,
      forks: 0,
      open_issues: 0,
      watchers: 0,
      default_branch: repo.defaultBranch,
      visibility: "public",
    };
  }

  comment(comment: Comment): Record<string, unknown> {
    const full = comment.repo;
    const counts: Record<string, number> = {};
    for (const r of comment.reactions) counts[r.content] = (counts[r.content] ?? 0) + 1;
    const url = this.api(`/repos/${full}/issues/comments/${comment.id}`);
    const issue = this.store.issue(full, comment.issue);
    return {
      url,
      html_url: this.web(`/${full}/${issue?.pull ? "pull" : "issues"}/${comment.issue}#issuecomment-${comment.id}`),
      issue_url: this.api(`/repos/${full}/issues/${comment.issue}`),
      id: comment.id,
      node_id: nodeId("IssueComment", comment.id),
      user: this.userByLogin(comment.user),
      created_at: iso(comment.createdAt),
      updated_at: iso(comment.updatedAt),
      author_association: this.association(comment.user),
      body: comment.body,
      reactions: {
        url: `${url}/reactions`,
        total_count: comment.reactions.length,
        "+1": counts["+1"] ?? 0,
        "-1": counts["-1"] ?? 0,
        laugh: counts["laugh"] ?? 0,
        hooray: counts["hooray"] ?? 0,
        confused: counts["confused"] ?? 0,
        heart: counts["heart"] ?? 0,
        rocket: counts["rocket"] ?? 0,
        eyes: counts["eyes"] ?? 0,
      },
      performed_via_github_app: comment.viaApp ? this.app(comment.user.replace(/\[bot\]$/, "")) : null,
    };
  }

  /** A GitHub App as `performed_via_github_app` and `GET /app` show it (the `integration` schema). */
  app(slug: string, options: { id?: number; permissions?: Record<string, string>; events?: string[] } = {}): Record<string, unknown> {
    const created = iso(new Date(0));
    return {
      id: options.id ?? 1,
      slug,
      node_id: nodeId("Integration", options.id ?? 1),
      owner: this.ownerOfApp(),
      name: slug,
      description: null,
      external_url: this.web(`/apps/${slug}`),
      html_url: this.web(`/apps/${slug}`),
      created_at: created,
      updated_at: created,
      permissions: options.permissions ?? {},
      events: options.events ?? [],
    };
  }

  private ownerOfApp(): Record<string, unknown> {
    const [first] = this.store.repos.values();
    const owner = first ? this.store.users.get(first.owner) : undefined;
    return owner ? this.user(owner) : { login: "acme", id: 1, node_id: nodeId("Organization", 1), type: "Organization", url: this.api("/users/acme") };
  }

  association(login: string): string {
    const user = this.store.users.get(login);
    if (!user || user.type === "Bot") return "NONE";
    if (user.permission === "admin") return "OWNER";
    if (user.permission === "maintain" || user.permission === "write" || user.permission === "triage")
      return "COLLABORATOR";
    return "NONE";
  }

  issue(issue: Issue): Record<string, unknown> {
    const api = this.api(`/repos/${issue.repo}/issues/${issue.number}`);
    const shape: Record<string, unknown> = {
      url: api,
      repository_url: this.api(`/repos/${issue.repo}`),
      comments_url: `${api}/comments`,
      html_url: this.web(`/${issue.repo}/${issue.pull ? "pull" : "issues"}/${issue.number}`),
      id: issue.number * 1000 + 7,
      node_id: nodeId("Issue", issue.number),
      number: issue.number,
      title: issue.title,
      user: this.userByLogin(issue.user),
      labels: [],
      state: issue.pull?.state ?? "open",
      locked: false,
      assignee: null,
      assignees: [],
      milestone: null,
      comments: this.store.commentsOf(issue.repo, issue.number).length,
      created_at: iso(issue.createdAt),
      updated_at: iso(issue.createdAt),
      closed_at: null,
      author_association: this.association(issue.user),
      body: issue.body,
    };
    if (issue.pull) {
      const pulls = this.api(`/repos/${issue.repo}/pulls/${issue.number}`);
      shape["pull_request"] = {
        url: pulls,
        html_url: shape["html_url"],
        diff_url: `${shape["html_url"]}.diff`,
        patch_url: `${shape["html_url"]}.patch`,
        merged_at: null,
      };
    }
    return shape;
  }

  pull(issue: Issue, heads: { head: string | null; base: string | null }, repo: Repo): Record<string, unknown> {
    const pull = issue.pull!;
    const api = this.api(`/repos/${issue.repo}/pulls/${issue.number}`);
    const repoShape = this.repository(repo);
    const headRepo = pull.headRepo
      ? { ...repoShape, full_name: pull.headRepo, fork: true, name: pull.headRepo.split("/")[1] }
      : repoShape;
    const headOwner = pull.headRepo ? pull.headRepo.split("/")[0]! : repo.owner;
    return {
      url: api,
      id: issue.number * 1000 + 11,
      node_id: nodeId("PullRequest", issue.number),
      html_url: this.web(`/${issue.repo}/pull/${issue.number}`),
      diff_url: this.web(`/${issue.repo}/pull/${issue.number}.diff`),
      patch_url: this.web(`/${issue.repo}/pull/${issue.number}.patch`),
      issue_url: this.api(`/repos/${issue.repo}/issues/${issue.number}`),
      commits_url: `${api}/commits`,
      comments_url: this.api(`/repos/${issue.repo}/issues/${issue.number}/comments`),
      number: issue.number,
      state: pull.state,
      locked: false,
      title: issue.title,
      user: this.userByLogin(issue.user),
      body: issue.body,
      labels: [],
      milestone: null,
      created_at: iso(issue.createdAt),
      updated_at: iso(issue.createdAt),
      closed_at: null,
      merged_at: null,
      merge_commit_sha: null,
      assignee: null,
      assignees: [],
      requested_reviewers: [],
      draft: pull.draft,
      review_comments_url: `${api}/comments`,
      review_comment_url: this.api(`/repos/${issue.repo}/pulls/comments{/number}`),
      statuses_url: this.api(`/repos/${issue.repo}/statuses/${heads.head ?? ""}`),
      head: {
        label: `${headOwner}:${pull.head}`,
        ref: pull.head,
        sha: heads.head,
        user: this.userByLogin(headOwner),
        repo: headRepo,
      },
      base: { label: `${repo.owner}:${pull.base}`, ref: pull.base, sha: heads.base, user: this.userByLogin(repo.owner), repo: repoShape },
      _links: {
        self: { href: api },
        html: { href: this.web(`/${issue.repo}/pull/${issue.number}`) },
        issue: { href: this.api(`/repos/${issue.repo}/issues/${issue.number}`) },
        comments: { href: this.api(`/repos/${issue.repo}/issues/${issue.number}/comments`) },
        review_comments: { href: `${api}/comments` },
        review_comment: { href: this.api(`/repos/${issue.repo}/pulls/comments{/number}`) },
        commits: { href: `${api}/commits` },
        statuses: { href: this.api(`/repos/${issue.repo}/statuses/${heads.head ?? ""}`) },
      },
      author_association: this.association(issue.user),
      auto_merge: null,
      merged: false,
      mergeable: null,
      mergeable_state: "unknown",
      merged_by: null,
      maintainer_can_modify: false,
      comments: this.store.commentsOf(issue.repo, issue.number).length,
      review_comments: 0,
      commits: 0,
      additions: 0,
      deletions: 0,
      changed_files: 0,
    };
  }

  commit(repo: Repo, commit: CommitInfo): Record<string, unknown> {
    const full = `${repo.owner}/${repo.name}`;
    const sig = (s: CommitInfo["author"]) => ({ name: s.name, email: s.email, date: iso(s.date) });
    return {
      sha: commit.sha,
      node_id: nodeId("Commit", parseInt(commit.sha.slice(0, 8), 16)),
      url: this.api(`/repos/${full}/git/commits/${commit.sha}`),
      html_url: this.web(`/${full}/commit/${commit.sha}`),
      comments_url: this.api(`/repos/${full}/commits/${commit.sha}/comments`),
      comment_count: 0,
      author: sig(commit.author),
      committer: sig(commit.committer),
      message: commit.message,
      tree: { sha: commit.tree, url: this.api(`/repos/${full}/git/trees/${commit.tree}`) },
      parents: commit.parents.map((sha) => ({
        sha,
        url: this.api(`/repos/${full}/git/commits/${sha}`),
        html_url: this.web(`/${full}/commit/${sha}`),
      })),
      verification: { verified: false, reason: "unsigned", signature: null, payload: null, verified_at: null },
    };
  }

  /** A git reference (`git-ref`): a branch and the commit it points at. */
  ref(repo: Repo, ref: { name: string; sha: string }): Record<string, unknown> {
    const full = `${repo.owner}/${repo.name}`;
    return {
      ref: ref.name,
      node_id: Buffer.from(`0:Ref${repo.id}:${ref.name}`).toString("base64").replace(/=+$/, ""),
      url: this.api(`/repos/${full}/git/${ref.name}`),
      object: { type: "commit", sha: ref.sha, url: this.api(`/repos/${full}/git/commits/${ref.sha}`) },
    };
  }

  file(repo: Repo, file: { path: string; sha: string; size: number; ref: string; content?: Buffer }): Record<string, unknown> {
    const full = `${repo.owner}/${repo.name}`;
    const name = file.path.split("/").pop() ?? file.path;
    const url = this.api(`/repos/${full}/contents/${file.path}?ref=${encodeURIComponent(file.ref)}`);
    const html = this.web(`/${full}/blob/${file.ref}/${file.path}`);
    const git = this.api(`/repos/${full}/git/blobs/${file.sha}`);
    const shape: Record<string, unknown> = {
      type: "file",
      name,
      path: file.path,
      sha: file.sha,
      size: file.size,
      url,
      html_url: html,
      git_url: git,
      download_url: this.web(`/raw/${full}/${file.ref}/${file.path}`),
      _links: { self: url, git, html },
    };
    if (file.content) {
      // GitHub wraps base64 content at 60 characters per line.
      shape["encoding"] = "base64";
      shape["content"] = (file.content.toString("base64").match(/.{1,60}/g) ?? []).join("\n") + "\n";
    }
    return shape;
  }

  iso = iso;
  nodeId = nodeId;
}
