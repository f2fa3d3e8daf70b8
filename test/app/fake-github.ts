/**
 * A small GitHub behind nock for the app's tests: comments, reactions, branches with commits, pulls, workflow
 * dispatches, and the GraphQL reads the app makes. Only the APIs listed in docs/protocol.md §8 are answered; any
 * other request fails the test. Failures (a secondary rate limit, a 502) can be queued for a route.
 */
import { createHash } from "node:crypto";
import nock from "nock";
import { checkQuery } from "../contracts/graphql-schema.js";
import { checkRequest } from "../contracts/openapi.js";

export interface FakeComment {
  id: number;
  issue: number;
  body: string;
  author: string;
  edits: number;
}

export interface RecordedRequest {
  method: string;
  path: string;
  body: unknown;
}

type Files = Map<string, string>;

const API = "https://api.github.com";
export const OWNER = "acme";
export const REPO = "shop";
export const APP_LOGIN = "dispatch";

const blobSha = (text: string) => createHash("sha1").update(text).digest("hex");

export class FakeGitHub {
  comments: FakeComment[] = [];
  reactions: Array<{ comment: number; content: string }> = [];
  branches = new Map<string, Files[]>();
  permissions: Record<string, string> = {};
  pullRequests = new Map<number, { headRepo: string | null; headRef: string }>();
  pulls: Array<{ number: number; head: string; base: string; title: string; body: string }> = [];
  dispatches: Array<{ workflow: string; ref: string; inputs: Record<"issue" | "base" | "comment" | "tasks", string> & Record<string, string> }> = [];
  cancelledRuns: number[] = [];
  /** Branches made and deleted through the git refs API (the app's claims on starting a dependent). */
  createdRefs: string[] = [];
  deletedRefs: string[] = [];
  /** Jobs of workflow runs (`GET …/actions/runs/{run_id}/jobs`). */
  jobs: Array<{ id: number; runId: number; name: string; status: "queued" | "in_progress" | "completed"; conclusion: string | null }> = [];
  config: string | null = null;
  workflows = new Set(["dispatch.yml"]);
  requests: RecordedRequest[] = [];
  /** Requests to APIs outside the app's list: a test fails when there is one. */
  unanswered: string[] = [];
  /** Requests that break GitHub's published contracts (REST description, GraphQL schema): a test fails on one. */
  violations: string[] = [];
  /** Added to every answer, to measure handler time against a slower GitHub. */
  latencyMs = 0;
  private failures: Array<{ method: string; path: RegExp; status: number; headers: Record<string, string>; message: string; applied: boolean }> = [];
  private nextId = 1000;
  private nextPull = 100;

  constructor() {
    this.branches.set("main", [new Map([["README.md", "# shop\n"]])]);
  }

  install(): void {
    nock.disableNetConnect();
    for (const method of ["GET", "POST", "PATCH", "PUT", "DELETE"] as const) {
      nock(API)
        .persist()
        .intercept(/.*/, method)
        .reply(async (uri, body) => {
          if (this.latencyMs > 0) await new Promise((r) => setTimeout(r, this.latencyMs));
          return this.handle(method, uri, body);
        });
    }
  }

  /**
   * Fail the next `times` requests matching with this status (403 secondary rate limit, 502 …). `applied`: do what
   * was asked, then answer the failure anyway (GitHub made the comment but its proxy answered 502).
   */
  fail(
    method: string,
    path: RegExp,
    status: number,
    options: { times?: number; headers?: Record<string, string>; message?: string; applied?: boolean } = {},
  ): void {
    for (let i = 0; i < (options.times ?? 1); i++) {
      this.failures.push({ method, path, status, headers: options.headers ?? {}, message: options.message ?? "failure", applied: options.applied ?? false });
    }
  }

  /** A commit on `branch` (created from `from` when new): `null` deletes a path, and every path under it. */
  push(branch: string, changes: Record<string, string | null>, from = "main"): void {
    const history = this.branches.get(branch) ?? [new Map(this.head(from))];
    const files = new Map(history[history.length - 1]);
    for (const [path, text] of Object.entries(changes)) {
      if (text === null) {
        for (const key of [...files.keys()]) if (key === path || key.startsWith(`${path}/`)) files.delete(key);
      } else files.set(path, text);
    }
    history.push(files);
    this.branches.set(branch, history);
  }

  head(branch: string): Files {
    const history = this.branches.get(branch);
    return history?.[history.length - 1] ?? new Map();
  }

  addComment(body: string, author: string, issue = 42): FakeComment {
    const comment = { id: this.nextId++, issue, body, author, edits: 0 };
    this.comments.push(comment);
    return comment;
  }

  byApp(): FakeComment[] {
    return this.comments.filter((c) => c.author === APP_LOGIN);
  }

  count(method: string, path: RegExp): number {
    return this.requests.filter((r) => r.method === method && path.test(r.path)).length;
  }

  private handle(method: string, uri: string, body: unknown): [number, unknown, Record<string, string>?] {
    const url = new URL(uri, API);
    const path = decodeURIComponent(url.pathname);
    this.requests.push({ method, path, body });
    const input = (body ?? {}) as Record<string, any>;
    const broken =
      url.pathname === "/graphql"
        ? checkQuery(String(input.query ?? "")).map((problem) => `GraphQL: ${problem}`)
        : checkRequest({ method, path: url.pathname, query: url.searchParams, body: body === "" ? null : body });
    if (broken.length > 0) {
      this.violations.push(...broken);
      return [422, { message: `Not GitHub's contract: ${broken.join("; ")}` }];
    }
    const failure = this.failures.findIndex((f) => f.method === method && f.path.test(path));
    if (failure >= 0) {
      const [f] = this.failures.splice(failure, 1);
      if (f!.applied) this.answer(method, url, path, body);
      return [f!.status, { message: f!.message }, f!.headers];
    }
    return this.answer(method, url, path, body);
  }

  private answer(method: string, url: URL, path: string, body: unknown): [number, unknown, Record<string, string>?] {
    const repo = `/repos/${OWNER}/${REPO}`;
    const input = (body ?? {}) as Record<string, any>;
    let m: RegExpExecArray | null;
    if (method === "GET" && path === "/app") return [200, { id: 1, slug: APP_LOGIN, name: APP_LOGIN, owner: { login: OWNER } }];
    if (method === "POST" && path === "/graphql") return [200, { data: this.graphql(input.query, input.variables ?? {}) }];
    if (method === "GET" && (m = new RegExp(`^${repo}/collaborators/([^/]+)/permission$`).exec(path))) {
      const permission = this.permissions[m[1]!] ?? "read";
      return [200, { permission: permission === "maintain" ? "write" : permission === "triage" ? "read" : permission, role_name: permission }];
    }
    if (method === "POST" && (m = new RegExp(`^${repo}/issues/comments/(\\d+)/reactions$`).exec(path))) {
      // GitHub answers 200 with the existing reaction when the app made the same one before, 201 for a new one.
      const again = this.reactions.some((r) => r.comment === Number(m![1]) && r.content === input.content);
      if (!again) this.reactions.push({ comment: Number(m[1]), content: input.content });
      return [again ? 200 : 201, { id: 1, content: input.content }];
    }
    if (method === "POST" && (m = new RegExp(`^${repo}/issues/(\\d+)/comments$`).exec(path))) {
      const comment = this.addComment(input.body, APP_LOGIN, Number(m[1]));
      return [201, { id: comment.id, body: comment.body, user: { login: `${APP_LOGIN}[bot]` }, html_url: `https://github.com/${OWNER}/${REPO}/issues/1#issuecomment-${comment.id}` }];
    }
    if (method === "PATCH" && (m = new RegExp(`^${repo}/issues/comments/(\\d+)$`).exec(path))) {
      const comment = this.comments.find((c) => c.id === Number(m![1]));
      if (!comment) return [404, { message: "Not Found" }];
      comment.body = input.body;
      comment.edits++;
      return [200, { id: comment.id, body: comment.body }];
    }
    if (method === "GET" && (m = new RegExp(`^${repo}/contents/(.+)$`).exec(path))) {
      const file = this.head(url.searchParams.get("ref") ?? "main").get(m[1]!);
      if (m[1] === ".github/dispatch.yml" && !url.searchParams.get("ref")) {
        return this.config === null ? [404, { message: "Not Found" }] : [200, this.config, { "content-type": "text/plain; charset=utf-8" }];
      }
      if (file === undefined) return [404, { message: "Not Found" }];
      return [200, { type: "file", path: m[1], sha: blobSha(file), content: Buffer.from(file).toString("base64"), encoding: "base64" }];
    }
    if (method === "PUT" && (m = new RegExp(`^${repo}/contents/(.+)$`).exec(path))) {
      const branch = input.branch as string;
      if (!this.branches.has(branch)) return [404, { message: "Branch not found" }];
      const existing = this.head(branch).get(m[1]!);
      if (existing !== undefined && input.sha !== blobSha(existing)) return [409, { message: "sha does not match" }];
      if (existing === undefined && input.sha) return [422, { message: "sha given for a new file" }];
      this.push(branch, { [m[1]!]: Buffer.from(input.content, "base64").toString("utf8") });
      return [201, { content: { path: m[1] } }];
    }
    if (method === "GET" && (m = new RegExp(`^${repo}/git/ref/heads/(.+)$`).exec(path))) {
      if (!this.branches.has(m[1]!)) return [404, { message: "Not Found" }];
      return [200, { ref: `refs/heads/${m[1]}`, object: { sha: this.commitOf(m[1]!), type: "commit" } }];
    }
    if (method === "POST" && path === `${repo}/git/refs`) {
      // GitHub: 422 "Reference already exists" for the second create, 422 too for a sha it does not have.
      const name = String(input.ref).replace(/^refs\/heads\//, "");
      if (this.branches.has(name)) return [422, { message: "Reference already exists" }];
      const from = [...this.branches.keys()].find((b) => this.commitOf(b) === input.sha);
      if (!from) return [422, { message: "Object does not exist" }];
      this.branches.set(name, [new Map(this.head(from))]);
      this.createdRefs.push(name);
      return [201, { ref: input.ref, object: { sha: input.sha, type: "commit" } }];
    }
    if (method === "DELETE" && (m = new RegExp(`^${repo}/git/refs/heads/(.+)$`).exec(path))) {
      if (!this.branches.delete(m[1]!)) return [422, { message: "Reference does not exist" }];
      this.deletedRefs.push(m[1]!);
      return [204, ""];
    }
    if (method === "GET" && (m = new RegExp(`^${repo}/pulls/(\\d+)$`).exec(path))) {
      const pull = this.pullRequests.get(Number(m[1]));
      if (!pull) return [404, { message: "Not Found" }];
      return [200, { number: Number(m[1]), head: { ref: pull.headRef, repo: pull.headRepo ? { full_name: pull.headRepo } : null }, base: { ref: "main", repo: { full_name: `${OWNER}/${REPO}` } } }];
    }
    if (method === "GET" && path === `${repo}/pulls`) {
      const head = url.searchParams.get("head")?.split(":")[1];
      return [200, this.pulls.filter((p) => p.head === head).map((p) => ({ number: p.number, html_url: `https://github.com/${OWNER}/${REPO}/pull/${p.number}` }))];
    }
    if (method === "POST" && path === `${repo}/pulls`) {
      // GitHub refuses a second open PR for one head and base.
      if (this.pulls.some((p) => p.head === input.head && p.base === input.base)) {
        return [422, { message: "Validation Failed", errors: [{ resource: "PullRequest", code: "custom", message: `A pull request already exists for ${OWNER}:${input.head}.` }] }];
      }
      const pull = { number: this.nextPull++, head: input.head, base: input.base, title: input.title, body: input.body };
      this.pulls.push(pull);
      return [201, { number: pull.number, html_url: `https://github.com/${OWNER}/${REPO}/pull/${pull.number}` }];
    }
    if (method === "GET" && (m = new RegExp(`^${repo}/compare/(.+)\\.\\.\\.(.+)$`).exec(path))) {
      if (!this.branches.has(m[1]!) || !this.branches.has(m[2]!)) return [404, { message: "Not Found" }];
      const base = this.head(m[1]!);
      const head = this.head(m[2]!);
      const paths = new Set([...base.keys(), ...head.keys()]);
      const files = [...paths].filter((p) => base.get(p) !== head.get(p)).map((filename) => ({ filename }));
      return [200, { ahead_by: (this.branches.get(m[2]!)?.length ?? 1) - 1, files }];
    }
    if (method === "POST" && (m = new RegExp(`^${repo}/actions/workflows/([^/]+)/dispatches$`).exec(path))) {
      if (!this.workflows.has(m[1]!)) return [404, { message: "Not Found" }];
      this.dispatches.push({ workflow: m[1]!, ref: input.ref, inputs: input.inputs });
      return [204, ""];
    }
    if (method === "POST" && (m = new RegExp(`^${repo}/actions/runs/(\\d+)/cancel$`).exec(path))) {
      this.cancelledRuns.push(Number(m[1]));
      return [202, {}];
    }
    if (method === "GET" && (m = new RegExp(`^${repo}/actions/runs/(\\d+)/jobs$`).exec(path))) {
      const jobs = this.jobs.filter((job) => job.runId === Number(m![1]));
      const page = Number(url.searchParams.get("page") ?? "1");
      const size = Number(url.searchParams.get("per_page") ?? "30");
      const shown = jobs.slice((page - 1) * size, page * size).map((job) => ({
        id: job.id,
        run_id: job.runId,
        name: job.name,
        status: job.status,
        conclusion: job.conclusion,
        html_url: `https://github.com/${OWNER}/${REPO}/actions/runs/${job.runId}/job/${job.id}`,
      }));
      return [200, { total_count: jobs.length, jobs: shown }];
    }
    if (method === "GET" && path === `/repos/${OWNER}/.github/contents/.github/dispatch.yml`) return [404, { message: "Not Found" }];
    this.unanswered.push(`${method} ${path}`);
    return [400, { message: `the fake GitHub does not answer ${method} ${path}` }];
  }

  /** A branch head's commit id: the same one GraphQL's `object(expression: "<branch>")` answers. */
  commitOf(branch: string): string {
    return blobSha(branch + (this.branches.get(branch)?.length ?? 0));
  }

  private graphql(query: string, variables: Record<string, any>): unknown {
    if (query.includes("comments(last: 100")) {
      const thread = this.comments.filter((c) => c.issue === variables.issue);
      const end = variables.before ? Number(variables.before) : thread.length;
      const start = Math.max(0, end - 100);
      const nodes = thread.slice(start, end).map((c) => ({ databaseId: c.id, body: c.body, author: { login: c.author } }));
      return { repository: { issueOrPullRequest: { comments: { nodes, pageInfo: { hasPreviousPage: start > 0, startCursor: String(start) } } } } };
    }
    const repository: Record<string, unknown> = {};
    for (const match of query.matchAll(/(\w+): object\(expression: ("(?:[^"\\]|\\.)*")\)/g)) {
      repository[match[1]!] = this.object(JSON.parse(match[2]!) as string);
    }
    return { repository };
  }

  private object(expression: string): unknown {
    const colon = expression.indexOf(":");
    const rev = colon < 0 ? expression : expression.slice(0, colon);
    const back = /~(\d+)$/.exec(rev);
    const branch = back ? rev.slice(0, back.index) : rev;
    const history = this.branches.get(branch);
    if (!history) return null;
    const files = history[history.length - 1 - (back ? Number(back[1]) : 0)];
    if (!files) return null;
    if (colon < 0) return { oid: this.commitOf(branch) };
    const path = expression.slice(colon + 1);
    const text = files.get(path);
    if (text !== undefined) return { text };
    const entries = new Map<string, { name: string; type: string; object: unknown }>();
    for (const [p, t] of files) {
      if (!p.startsWith(`${path}/`)) continue;
      const rest = p.slice(path.length + 1);
      const name = rest.split("/")[0]!;
      entries.set(name, rest.includes("/") ? { name, type: "tree", object: {} } : { name, type: "blob", object: { text: t } });
    }
    return entries.size > 0 ? { entries: [...entries.values()] } : null;
  }
}
