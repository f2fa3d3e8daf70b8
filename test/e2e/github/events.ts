/**
 * Webhook payloads shaped like the real ones: each starts from a real example in @octokit/webhooks-examples and
 * has the stand-in's repository, sender, installation and objects put in.
 */
import { newCommitsOfPush, readCommit, ZERO_SHA, diffFiles } from "./git.js";
import { exampleOf, type Shapes } from "./shapes.js";
import type { Comment, Issue, Repo, Store } from "./store.js";

export interface JobView {
  id: number;
  runId: number;
  name: string;
  workflowName: string;
  headBranch: string;
  headSha: string;
  status: "queued" | "in_progress" | "completed";
  conclusion: "success" | "failure" | "cancelled" | null;
  createdAt: Date;
  startedAt: Date | null;
  completedAt: Date | null;
  runnerName: string | null;
}

export class Payloads {
  constructor(
    private readonly store: Store,
    private readonly shapes: Shapes,
    private readonly installation: number,
  ) {}

  private common(repo: Repo, sender: string) {
    return {
      repository: this.shapes.repository(repo),
      sender: this.shapes.userByLogin(sender),
      installation: { id: this.installation, node_id: this.shapes.nodeId("Installation", this.installation) },
    };
  }

  issueComment(options: {
    action: "created" | "edited" | "deleted";
    repo: Repo;
    issue: Issue;
    comment: Comment;
    sender: string;
    changes?: { body: { from: string } };
  }): Record<string, unknown> {
    const { action, repo, issue, comment, sender, changes } = options;
    const template = exampleOf("issue_comment", (e) => e["action"] === action);
    delete template["organization"];
    return {
      ...template,
      action,
      ...(changes ? { changes } : {}),
      issue: { ...(template["issue"] as object), ...this.shapes.issue(issue) },
      comment: { ...(template["comment"] as object), ...this.shapes.comment(comment) },
      ...this.common(repo, sender),
    };
  }

  async push(options: {
    repo: Repo;
    ref: string;
    before: string;
    after: string;
    sender: string;
  }): Promise<Record<string, unknown>> {
    const { repo, ref, before, after, sender } = options;
    const template = exampleOf("push", (e) => e["ref"] === "refs/heads/master" && Array.isArray(e["commits"]));
    const full = `${repo.owner}/${repo.name}`;
    const shas = await newCommitsOfPush(repo.dir, ref, before, after);
    const commits = [];
    for (const sha of shas.slice(-2048)) commits.push(await this.pushCommit(repo, sha));
    const user = this.store.users.get(sender);
    return {
      ...template,
      ref,
      before,
      after,
      created: before === ZERO_SHA,
      deleted: after === ZERO_SHA,
      forced: false,
      base_ref: null,
      compare: this.shapes.web(`/${full}/compare/${before.slice(0, 12)}...${after.slice(0, 12)}`),
      commits,
      head_commit: after === ZERO_SHA ? null : (commits.at(-1) ?? (await this.pushCommit(repo, after))),
      pusher: { name: sender, email: user?.email ?? null },
      ...this.common(repo, sender),
    };
  }

  private async pushCommit(repo: Repo, sha: string): Promise<Record<string, unknown>> {
    const commit = await readCommit(repo.dir, sha);
    const files = commit.parents[0]
      ? await diffFiles(repo.dir, commit.parents[0], sha)
      : await diffFiles(repo.dir, "4b825dc642cb6eb9a060e54bf8d69288fbee4904", sha);
    const person = (s: typeof commit.author) => ({ name: s.name, email: s.email, username: s.name });
    return {
      id: sha,
      tree_id: commit.tree,
      distinct: true,
      message: commit.message,
      timestamp: commit.committer.date.toISOString(),
      url: this.shapes.web(`/${repo.owner}/${repo.name}/commit/${sha}`),
      author: person(commit.author),
      committer: person(commit.committer),
      added: files.filter((f) => f.status === "added").map((f) => f.filename),
      removed: files.filter((f) => f.status === "removed").map((f) => f.filename),
      modified: files.filter((f) => f.status === "modified").map((f) => f.filename),
    };
  }

  workflowJob(options: { repo: Repo; job: JobView; sender: string }): Record<string, unknown> {
    const { repo, job, sender } = options;
    const template = exampleOf("workflow_job", (e) => e["action"] === job.status);
    return {
      ...template,
      action: job.status,
      workflow_job: {
        ...(template["workflow_job"] as object),
        ...jobShape(this.shapes, repo, job),
      },
      ...this.common(repo, sender),
    };
  }

  pullRequest(options: { repo: Repo; pull: Record<string, unknown>; sender: string; number: number }) {
    const template = exampleOf("pull_request", (e) => e["action"] === "opened");
    delete template["organization"];
    return {
      ...template,
      action: "opened",
      number: options.number,
      pull_request: { ...(template["pull_request"] as object), ...options.pull },
      ...this.common(options.repo, options.sender),
    };
  }
}

/** A job as GitHub shows it: the REST API's `job` and the `workflow_job` webhook's object have the same fields. */
export function jobShape(shapes: Shapes, repo: Repo, job: JobView): Record<string, unknown> {
  const full = `${repo.owner}/${repo.name}`;
  const iso = (date: Date | null) => (date ? shapes.iso(date) : null);
  return {
    id: job.id,
    run_id: job.runId,
    run_url: shapes.api(`/repos/${full}/actions/runs/${job.runId}`),
    run_attempt: 1,
    node_id: shapes.nodeId("CheckRun", job.id),
    head_sha: job.headSha,
    url: shapes.api(`/repos/${full}/actions/jobs/${job.id}`),
    html_url: shapes.web(`/${full}/actions/runs/${job.runId}/job/${job.id}`),
    status: job.status,
    conclusion: job.conclusion,
    created_at: iso(job.createdAt),
    started_at: iso(job.startedAt ?? job.createdAt),
    completed_at: iso(job.completedAt),
    name: job.name,
    steps: [],
    check_run_url: shapes.api(`/repos/${full}/check-runs/${job.id}`),
    labels: ["ubuntu-latest"],
    runner_id: job.runnerName ? 1 : null,
    runner_name: job.runnerName,
    runner_group_id: job.runnerName ? 1 : null,
    runner_group_name: job.runnerName ? "GitHub Actions" : null,
    workflow_name: job.workflowName,
    head_branch: job.headBranch,
  };
}
