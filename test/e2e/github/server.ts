/**
 * The GitHub stand-in: an HTTP server on 127.0.0.1 (random port) implementing the REST and GraphQL calls dispatch
 * makes, with GitHub's response shapes, over REAL bare git repositories in a temporary folder. It records every
 * request, sends signed webhooks to the app, and hands workflow dispatches to a backend (the local runner).
 * Test support, not product code.
 */
import { execFile } from "node:child_process";
import { createPublicKey, randomBytes, verify, type KeyObject } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { actionsRoutes, type ActionsBackend, type WorkflowDispatch } from "./actions.js";
import { contentRoutes } from "./contents.js";
import { githubSchema } from "../../contracts/graphql-schema.js";
import { checkRequest, checkResponse, prepareOperation } from "../../contracts/openapi.js";
import { checkWebhook, loadWebhookSchemas } from "../../contracts/webhooks.js";
import { Payloads } from "./events.js";
import { branchHead, createBareRepo, git, readBlob, revParse } from "./git.js";
import { graphqlRoutes } from "./graphql.js";
import { closeObjectReaders } from "./object-reader.js";
import { compile, HttpError, match, notFound, type Caller, type CompiledRoute, type Route } from "./http.js";
import { installationRoutes } from "./installation.js";
import { issueRoutes } from "./issues.js";
import { pullRoutes } from "./pulls.js";
import { refRoutes } from "./refs.js";
import { Shapes } from "./shapes.js";
import { Store, type Comment, type Issue, type Permission, type Repo } from "./store.js";
import { WebhookSender, type Delivery } from "./webhooks.js";

export interface RecordedRequest {
  method: string;
  path: string;
  query: string;
  body: unknown;
  status: number;
  /** The route pattern that answered; null for a call the stand-in does not implement. */
  route: string | null;
  caller: Caller["kind"] | "anonymous";
}

export interface StandInOptions {
  /** Owner of repositories created without one. */
  owner?: string;
  appId?: number;
  /** The App's slug: its comments and commits are by `<slug>[bot]`. */
  appSlug?: string;
  /** When given, JWTs must be RS256-signed with the matching private key and carry `iss: appId`. */
  appPublicKey?: string | KeyObject;
  appPermissions?: Record<string, string>;
  /** People and bots besides the defaults: `maintainer` (admin), `outsider` (read), `renovate[bot]`. */
  users?: Array<{ login: string; permission: Permission; type?: "User" | "Bot" }>;
  installationId?: number;
  log?: (line: string) => void;
}

export interface QuietOptions {
  /** How long nothing may happen before the system counts as quiet. */
  settleMs?: number;
  timeoutMs?: number;
}

const INTERNAL = "/_standin/";

export class StandIn {
  readonly store = new Store();
  readonly shapes: Shapes;
  readonly payloads: Payloads;
  readonly webhooks = new WebhookSender();
  readonly requests: RecordedRequest[] = [];
  readonly dispatches: WorkflowDispatch[] = [];
  /**
   * Requests, responses and webhook payloads that break GitHub's published contracts (OpenAPI description, GraphQL
   * schema, webhook schemas). The harness fails a scenario that leaves one here.
   */
  readonly contractViolations: string[] = [];
  readonly installationId: number;
  readonly appId: number;
  readonly appSlug: string;
  readonly appBot: string;
  readonly appPermissions: Record<string, string>;
  appEvents: ReadonlySet<string> | null = null;
  actions: ActionsBackend | null = null;

  /**
   * Requests to apply and then answer with a failure anyway (GitHub made the comment, its front answered 502):
   * the next request matching each entry is answered with its status once.
   */
  readonly failAfterApplying: Array<{ method: string; route: string; status: number }> = [];

  private server: Server | null = null;
  private root = "";
  private routes: CompiledRoute[];
  private active = 0;
  private readonly activities: Array<() => number> = [];
  private readonly tokens = new Map<string, Caller & { expires: number }>();
  private readonly publicKey: KeyObject | null;
  private readonly owner: string;
  private readonly log: (line: string) => void;

  constructor(options: StandInOptions = {}) {
    this.owner = options.owner ?? "acme";
    this.appId = options.appId ?? 1;
    this.appSlug = options.appSlug ?? "dispatch";
    this.appBot = `${this.appSlug}[bot]`;
    this.installationId = options.installationId ?? 4242;
    this.publicKey = options.appPublicKey ? createPublicKey(options.appPublicKey) : null;
    this.appPermissions = options.appPermissions ?? {
      actions: "write",
      contents: "write",
      issues: "write",
      metadata: "read",
      pull_requests: "write",
    };
    this.log = options.log ?? (() => {});
    this.shapes = new Shapes(() => this.url, this.store);
    this.payloads = new Payloads(this.store, this.shapes, this.installationId);
    const defaults: Array<{ login: string; permission: Permission; type?: "User" | "Bot" }> = [
      { login: this.owner, permission: "admin" },
      { login: "maintainer", permission: "admin" },
      { login: "outsider", permission: "read" },
      { login: "renovate[bot]", permission: "write", type: "Bot" },
      { login: this.appBot, permission: "write", type: "Bot" },
      { login: "github-actions[bot]", permission: "write", type: "Bot" },
    ];
    for (const user of [...defaults, ...(options.users ?? [])]) {
      this.store.addUser({ login: user.login, permission: user.permission, type: user.type ?? "User" });
    }
    const routes: Route[] = [
      ...installationRoutes(this),
      ...issueRoutes(this),
      ...contentRoutes(this),
      ...refRoutes(this),
      ...pullRoutes(this),
      ...actionsRoutes(this),
      ...graphqlRoutes(this),
    ];
    this.routes = routes.map(compile);
  }

  /** The API root (Octokit's `baseUrl`), also the web root for html_url links and GITHUB_SERVER_URL. */
  get url(): string {
    if (!this.server) throw new Error("stand-in: not started");
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** The temporary folder holding the bare repositories. */
  get folder(): string {
    return this.root;
  }

  async start(): Promise<this> {
    // GitHub's published contracts are read and compiled once per process: here, before a scenario starts waiting.
    for (const route of this.routes) prepareOperation(route.method, route.pattern.replace(/\{\+?[a-z_]+\}/g, "1"));
    githubSchema();
    loadWebhookSchemas();
    await requireCurl();
    this.root = await mkdtemp(join(tmpdir(), "standin-"));
    this.server = createServer((req, res) => void this.serve(req, res));
    this.server.keepAliveTimeout = 1000;
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
    return this;
  }

  async stop(): Promise<void> {
    await this.webhooks.drained();
    if (this.server) {
      const server = this.server;
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      this.server = null;
    }
    if (this.root) {
      closeObjectReaders(this.root);
      await rm(this.root, { recursive: true, force: true });
    }
  }

  /** Where webhooks go, with the secret that signs them; `events` limits them to the app's subscription. */
  connectApp(target: { url: string; secret: string; events?: Iterable<string> | null }): void {
    this.appEvents = target.events ? new Set(target.events) : null;
    this.webhooks.setTarget({ url: target.url, secret: target.secret, events: this.appEvents });
  }

  attachActions(backend: ActionsBackend): void {
    this.actions = backend;
  }

  /** Count something else as activity for `waitForQuiet` (the runner's jobs). */
  addActivity(probe: () => number): void {
    this.activities.push(probe);
  }

  async createRepo(options: { name: string; owner?: string; files: Record<string, string>; defaultBranch?: string }): Promise<Repo> {
    const owner = options.owner ?? this.owner;
    const full = `${owner}/${options.name}`;
    if (this.store.repos.has(full)) throw new Error(`stand-in: ${full} exists`);
    const dir = join(this.root, owner, `${options.name}.git`);
    const defaultBranch = options.defaultBranch ?? "main";
    const ownerUser = this.store.users.get(owner);
    await createBareRepo({
      dir,
      defaultBranch,
      files: options.files,
      author: { name: owner, email: ownerUser?.email ?? `${owner}@users.noreply.github.com` },
      hook: { url: `${this.url}${INTERNAL}post-receive`, repo: full },
    });
    const repo: Repo = { owner, name: options.name, id: this.store.id(), dir, defaultBranch, createdAt: this.store.now() };
    this.store.repos.set(full, repo);
    return repo;
  }

  /** The only repository, or the one named. */
  repoNamed(name?: string): Repo {
    if (name) {
      const repo = this.store.repos.get(name.includes("/") ? name : `${this.owner}/${name}`);
      if (!repo) throw new Error(`stand-in: no repository ${name}`);
      return repo;
    }
    const [first, ...rest] = this.store.repos.values();
    if (!first || rest.length > 0) throw new Error("stand-in: name the repository");
    return first;
  }

  openIssue(options: { title: string; user: string; body?: string; repo?: string }): Issue {
    const repo = this.repoNamed(options.repo);
    const full = `${repo.owner}/${repo.name}`;
    return this.store.addIssue({
      repo: full,
      number: this.store.nextIssueNumber(full),
      title: options.title,
      body: options.body ?? "",
      user: options.user,
      createdAt: this.store.now(),
    });
  }

  /** A pull request from `head` (created from the default branch when absent); `fork` puts its head in a fork. */
  async openPull(options: { title: string; user: string; head: string; base?: string; fork?: string; repo?: string }): Promise<Issue> {
    const repo = this.repoNamed(options.repo);
    const full = `${repo.owner}/${repo.name}`;
    const base = (await branchHead(repo.dir, options.base ?? repo.defaultBranch))!;
    if (!options.fork && !(await branchHead(repo.dir, options.head))) {
      await git(repo.dir, ["update-ref", `refs/heads/${options.head}`, base]);
    }
    const headSha = options.fork ? base : (await branchHead(repo.dir, options.head))!;
    return this.store.addIssue({
      repo: full,
      number: this.store.nextIssueNumber(full),
      title: options.title,
      body: "",
      user: options.user,
      createdAt: this.store.now(),
      pull: {
        head: options.head,
        base: options.base ?? repo.defaultBranch,
        state: "open",
        draft: false,
        headSha,
        ...(options.fork ? { headRepo: options.fork } : {}),
      },
    });
  }

  /**
   * A person comments on an issue or PR (created when missing). Resolves once the app answered the webhook,
   * with the delivery so a test can `redeliver` it.
   */
  async comment(options: { user: string; body: string; issue: number; pr?: boolean; repo?: string }): Promise<{ comment: Comment; delivery: Delivery }> {
    const repo = this.repoNamed(options.repo);
    const full = `${repo.owner}/${repo.name}`;
    let issue = this.store.issue(full, options.issue);
    if (!issue) {
      const title = options.pr ? `Pull request #${options.issue}` : `Issue #${options.issue}`;
      const base = { repo: full, number: options.issue, title, body: "", user: options.user, createdAt: this.store.now() };
      if (options.pr) {
        const head = `feature-${options.issue}`;
        if (!(await branchHead(repo.dir, head))) {
          await git(repo.dir, ["update-ref", `refs/heads/${head}`, (await branchHead(repo.dir, repo.defaultBranch))!]);
        }
        const headSha = (await branchHead(repo.dir, head))!;
        issue = this.store.addIssue({ ...base, pull: { head, base: repo.defaultBranch, state: "open", draft: false, headSha } });
      } else {
        issue = this.store.addIssue(base);
      }
    } else if (options.pr !== undefined && Boolean(issue.pull) !== options.pr) {
      throw new Error(`stand-in: #${options.issue} is ${issue.pull ? "a pull request" : "an issue"}`);
    }
    this.store.user(options.user);
    const comment = this.addComment({ repo, issue, user: options.user, body: options.body, viaApp: false });
    const delivery = await this.lastDeliveryFor(comment.id, "created");
    return { comment, delivery };
  }

  /** A person edits their comment (sends `issue_comment.edited`). */
  async editAs(options: { user: string; id: number; body: string }): Promise<Delivery> {
    const comment = this.store.comments.get(options.id);
    if (!comment) throw new Error(`stand-in: no comment ${options.id}`);
    this.editComment(comment, options.body, options.user);
    return this.lastDeliveryFor(comment.id, "edited");
  }

  redeliver(id: string): Promise<Delivery> {
    return this.webhooks.redeliver(id);
  }

  /** Resolves when no webhook is in flight, no request is being answered and no job runs, for `settleMs` in a row. */
  async waitForQuiet(options: QuietOptions = {}): Promise<void> {
    const settle = options.settleMs ?? 750;
    const deadline = Date.now() + (options.timeoutMs ?? 60_000);
    let quietSince: number | null = null;
    for (;;) {
      const busy = this.webhooks.pending + this.active + this.activities.reduce((sum, probe) => sum + probe(), 0);
      if (busy === 0) {
        quietSince ??= Date.now();
        if (Date.now() - quietSince >= settle) return;
      } else {
        quietSince = null;
      }
      if (Date.now() > deadline) {
        throw new Error(
          `stand-in: not quiet after ${options.timeoutMs ?? 60_000} ms (webhooks ${this.webhooks.pending}, requests ${this.active}, other ${busy - this.webhooks.pending - this.active})`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  /** Calls that no route answered: the app made a call the stand-in (and this design) does not expect. */
  unknownRequests(): RecordedRequest[] {
    return this.requests.filter((r) => r.route === null);
  }

  /** Recorded requests of a kind, e.g. `count({ method: "PATCH", route: "/repos/{owner}/{repo}/issues/comments/{id}" })`. */
  count(filter: { method?: string; route?: string; caller?: RecordedRequest["caller"] } = {}): number {
    return this.requests.filter(
      (r) =>
        (!filter.method || r.method === filter.method) &&
        (!filter.route || r.route === filter.route) &&
        (!filter.caller || r.caller === filter.caller),
    ).length;
  }

  comments(issue: number, repo?: string): Comment[] {
    const found = this.repoNamed(repo);
    return this.store.commentsOf(`${found.owner}/${found.name}`, issue);
  }

  pulls(repo?: string): Issue[] {
    const found = this.repoNamed(repo);
    return this.store.pulls(`${found.owner}/${found.name}`);
  }

  /** Branch names of a repository (without `refs/heads/`). */
  async branches(repo?: string): Promise<string[]> {
    const found = this.repoNamed(repo);
    const { stdout } = await git(found.dir, ["for-each-ref", "--format=%(refname:short)", "refs/heads/"]);
    return stdout ? stdout.split("\n").sort() : [];
  }

  /** A file's text at a revision (`main`, `dispatch/42/x~1`), or null. */
  async readFile(rev: string, path: string, repo?: string): Promise<string | null> {
    const found = this.repoNamed(repo);
    const oid = await revParse(found.dir, `${rev}:${path}`);
    return oid ? (await readBlob(found.dir, oid)).toString("utf8") : null;
  }

  // ---- used by the routes and the runner ----

  issueInstallationToken(): { token: string; expiresAt: Date } {
    const token = `ghs_${randomBytes(18).toString("hex")}`;
    const expiresAt = new Date(Date.now() + 3600_000);
    this.tokens.set(token, { kind: "installation", installation: this.installationId, login: this.appBot, expires: expiresAt.getTime() });
    return { token, expiresAt };
  }

  /** A run's `github.token`: valid for REST calls as `github-actions[bot]` until revoked. */
  issueJobToken(run: number): string {
    const token = `ghs_${randomBytes(18).toString("hex")}`;
    this.tokens.set(token, { kind: "job", run, login: "github-actions[bot]", expires: Number.MAX_SAFE_INTEGER });
    return token;
  }

  revokeToken(token: string): void {
    this.tokens.delete(token);
  }

  callerLogin(caller: Caller): string {
    return caller.kind === "app" ? this.appBot : caller.login;
  }

  repoOr404(params: Record<string, string>): Repo {
    const repo = this.store.repo(params["owner"] ?? "", params["repo"] ?? "");
    if (!repo) throw notFound();
    return repo;
  }

  addComment(options: { repo: Repo; issue: Issue; user: string; body: string; viaApp: boolean }): Comment {
    const now = this.store.now();
    const comment: Comment = {
      repo: `${options.repo.owner}/${options.repo.name}`,
      id: this.store.id(),
      issue: options.issue.number,
      user: options.user,
      body: options.body,
      createdAt: now,
      updatedAt: now,
      reactions: [],
      viaApp: options.viaApp,
    };
    this.store.comments.set(comment.id, comment);
    this.announce(
      "issue_comment",
      this.payloads.issueComment({ action: "created", repo: options.repo, issue: options.issue, comment, sender: options.user }),
    );
    return comment;
  }

  editComment(comment: Comment, body: string, sender: string): void {
    const from = comment.body;
    comment.body = body;
    comment.updatedAt = this.store.now();
    const repo = this.repoNamed(comment.repo);
    const issue = this.store.issue(comment.repo, comment.issue)!;
    this.announce(
      "issue_comment",
      this.payloads.issueComment({ action: "edited", repo, issue, comment, sender, changes: { body: { from } } }),
    );
  }

  announce(event: string, payload: Record<string, unknown>): void {
    this.violate(checkWebhook(event, payload));
    void this.webhooks.send(event, payload);
  }

  /** A ref moved (a push, or a commit through the contents API): send the push webhook. */
  announcePush(options: { repo: Repo; ref: string; before: string; after: string; sender: string }): void {
    this.active++;
    void this.payloads
      .push(options)
      .then((payload) => this.announce("push", payload))
      .catch((error: unknown) => this.log(`stand-in: push webhook failed: ${String(error)}`))
      .finally(() => this.active--);
  }

  // ---- HTTP ----

  private authenticate(header: string | undefined): Caller | null {
    const [scheme = "", credential = ""] = (header ?? "").split(" ");
    if (!/^(token|bearer)$/i.test(scheme) || !credential) return null;
    const parts = credential.split(".");
    if (parts.length === 3) {
      try {
        const claims = JSON.parse(Buffer.from(parts[1]!, "base64url").toString("utf8")) as { iss?: unknown; exp?: unknown };
        if (String(claims.iss) !== String(this.appId)) return null;
        if (typeof claims.exp !== "number" || claims.exp * 1000 < Date.now()) return null;
        if (this.publicKey) {
          const signed = Buffer.from(`${parts[0]}.${parts[1]}`);
          if (!verify("RSA-SHA256", signed, this.publicKey, Buffer.from(parts[2]!, "base64url"))) return null;
        }
        return { kind: "app" };
      } catch {
        return null;
      }
    }
    const token = this.tokens.get(credential);
    if (!token || token.expires < Date.now()) return null;
    const { expires: _expires, ...caller } = token;
    return caller;
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    this.active++;
    try {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const raw = Buffer.concat(chunks).toString("utf8");
      const url = new URL(req.url ?? "/", "http://127.0.0.1");
      const method = (req.method ?? "GET").toUpperCase();
      if (url.pathname.startsWith(INTERNAL)) return this.internal({ path: url.pathname, raw, headers: req.headers, res });
      const record: RecordedRequest = { method, path: url.pathname, query: url.search, body: null, status: 0, route: null, caller: "anonymous" };
      this.requests.push(record);
      let reply = (await this.breach({ url, method, raw })) ?? (await this.answer({ req, url, method, raw, record }));
      const injected = this.failAfterApplying.findIndex((f) => f.method === method && f.route === record.route && reply.status < 300);
      if (injected >= 0) {
        const [failure] = this.failAfterApplying.splice(injected, 1);
        reply = { status: failure!.status, headers: {}, body: { message: "Server Error" } };
      }
      record.status = reply.status;
      // Error bodies are GitHub's generic `basic-error`; successes are checked against the operation's schema.
      if (url.pathname !== "/graphql" && reply.status < 400 && reply.body !== null && typeof reply.body === "object" && !Buffer.isBuffer(reply.body)) {
        this.violate(checkResponse({ method, path: url.pathname, status: reply.status, body: reply.body }));
      }
      this.log(`stand-in: ${method} ${url.pathname}${url.search} → ${reply.status}`);
      const headers: Record<string, string> = {
        "x-github-request-id": randomBytes(8).toString("hex").toUpperCase(),
        "x-ratelimit-limit": "5000",
        "x-ratelimit-remaining": "4999",
        "x-ratelimit-reset": String(Math.floor(Date.now() / 1000) + 3600),
        "x-ratelimit-used": "1",
        "x-ratelimit-resource": "core",
        ...reply.headers,
      };
      if (reply.status === 204 || reply.body === undefined) {
        res.writeHead(reply.status, headers).end();
      } else if (Buffer.isBuffer(reply.body)) {
        res.writeHead(reply.status, headers).end(reply.body);
      } else {
        res.writeHead(reply.status, { "content-type": "application/json; charset=utf-8", ...headers }).end(JSON.stringify(reply.body));
      }
    } catch (error) {
      this.log(`stand-in: ${String(error)}`);
      if (!res.headersSent) res.writeHead(500, { "content-type": "application/json" }).end(JSON.stringify({ message: "Server Error" }));
    } finally {
      this.active--;
    }
  }

  /** Record broken contracts (the stand-in's own included): the harness asserts there is none. */
  violate(problems: readonly string[]): void {
    for (const problem of problems) {
      this.log(`stand-in: CONTRACT ${problem}`);
      this.contractViolations.push(problem);
    }
  }

  /** A request GitHub's REST description does not allow: answered 404/422 with the reasons, and recorded. */
  private async breach(options: { url: URL; method: string; raw: string }) {
    const { url, method, raw } = options;
    if (url.pathname === "/graphql") return null;
    let body: unknown = null;
    try {
      body = raw.length > 0 ? JSON.parse(raw) : null;
    } catch {
      return null;
    }
    const problems = checkRequest({ method, path: url.pathname, query: url.searchParams, body });
    if (problems.length === 0) return null;
    this.violate(problems);
    const unknown = problems.some((p) => p.endsWith("no such operation in GitHub's REST API"));
    return {
      status: unknown ? 404 : 422,
      body: { message: `Not GitHub's contract: ${problems.join("; ")}`, documentation_url: "https://docs.github.com/rest", status: unknown ? "404" : "422" },
      headers: {} as Record<string, string>,
    };
  }

  private async answer(options: { req: IncomingMessage; url: URL; method: string; raw: string; record: RecordedRequest }) {
    const { req, url, method, raw, record } = options;
    const found = match(this.routes, method, url.pathname);
    if (!found) return { status: 404, body: { message: "Not Found", documentation_url: "https://docs.github.com/rest", status: "404" } };
    record.route = found.route.pattern;
    let body: unknown = null;
    if (raw.length > 0) {
      try {
        body = JSON.parse(raw);
      } catch {
        return { status: 400, body: { message: "Problems parsing JSON", documentation_url: "https://docs.github.com/rest", status: "400" } };
      }
    }
    record.body = body;
    const caller = this.authenticate(req.headers.authorization);
    record.caller = caller?.kind ?? "anonymous";
    const wantsJwt = found.route.jwt === true;
    if (!caller || (wantsJwt && caller.kind !== "app") || (!wantsJwt && caller.kind === "app")) {
      const message = wantsJwt ? "A JSON web token could not be decoded" : "Bad credentials";
      return { status: 401, body: { message, documentation_url: "https://docs.github.com/rest", status: "401" } };
    }
    try {
      return await found.route.handle({ method, path: url.pathname, query: url.searchParams, params: found.params, body, headers: req.headers, caller });
    } catch (error) {
      if (error instanceof HttpError) return { status: error.status, body: { message: error.message, ...error.extra } };
      throw error;
    }
  }

  /** The post-receive hook's report (createBareRepo): `<old> <new> <ref>` lines, the repository and pusher in headers. */
  private internal(options: { path: string; raw: string; headers: IncomingHttpHeaders; res: ServerResponse }): void {
    const { path, raw, headers, res } = options;
    if (path !== `${INTERNAL}post-receive`) {
      res.writeHead(404).end();
      return;
    }
    const repo = this.store.repos.get(String(headers["x-standin-repo"] ?? ""));
    const pusher = String(headers["x-standin-pusher"] ?? "") || "github-actions[bot]";
    if (!repo) {
      res.writeHead(404).end("no such repository\n");
      return;
    }
    for (const line of raw.split("\n")) {
      const [before, after, ref] = line.trim().split(/\s+/);
      if (before && after && ref) this.announcePush({ repo, before, after, ref, sender: pusher });
    }
    res.writeHead(200).end();
  }

  /** The delivery a person's comment just caused (sent synchronously by addComment/editComment). */
  private async lastDeliveryFor(commentId: number, action: string): Promise<Delivery> {
    const delivery = [...this.webhooks.deliveries]
      .reverse()
      .find((d) => d.event === "issue_comment" && d.action === action && (d.payload["comment"] as { id: number }).id === commentId);
    if (!delivery) {
      return { id: "", event: "issue_comment", action, payload: {}, body: "", status: null, attempts: 0 };
    }
    await this.webhooks.drainedOne(delivery.id);
    return delivery;
  }
}

let curlChecked: Promise<void> | null = null;
/** The post-receive hook reports pushes with curl (git.ts): without it no push webhook would ever come. */
function requireCurl(): Promise<void> {
  curlChecked ??= new Promise<void>((resolve, reject) => {
    execFile("curl", ["--version"], (error) =>
      error ? reject(new Error("the GitHub stand-in needs curl for its post-receive hook (Debian: apt-get install curl; .ci/run installs it)")) : resolve(),
    );
  });
  return curlChecked;
}
