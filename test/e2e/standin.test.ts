/**
 * The GitHub stand-in and the local runner, proven against Octokit itself, real git and a real HTTP receiver.
 */
import { verify } from "@octokit/webhooks-methods";
import { Octokit } from "@octokit/rest";
import { execa } from "execa";
import { mkdtemp, readFile, rm, writeFile, mkdir } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Probot } from "probot";
import { StandIn } from "./github/server.js";
import { startHarness } from "./harness.js";
import { condition, interpolate } from "./runner/expressions.js";
import { LocalRunner } from "./runner/runner.js";
import { planRun } from "./runner/workflow.js";

const WORKFLOW = await readFile(new URL("../../.github/workflows/dispatch.yml", import.meta.url), "utf8");
const SECRET = "webhook-secret";
/** Octokit logs every refused request; the tests below provoke many on purpose. */
const quiet = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

interface Received {
  event: string;
  delivery: string;
  signature: string;
  body: string;
  payload: Record<string, any>;
}

/** A stand-in for the app's webhook endpoint that keeps what it receives. */
async function receiver(): Promise<{ url: string; received: Received[]; close: () => Promise<void> }> {
  const received: Received[] = [];
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString("utf8");
    received.push({
      event: String(req.headers["x-github-event"]),
      delivery: String(req.headers["x-github-delivery"]),
      signature: String(req.headers["x-hub-signature-256"]),
      body,
      payload: JSON.parse(body),
    });
    res.writeHead(200).end("ok");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/github/webhooks`,
    received,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

let hub: StandIn;
let hooks: Awaited<ReturnType<typeof receiver>>;
let octokit: Octokit;
let scratch: string;
let runners: LocalRunner[] = [];
/** A runner that afterEach stops (and whose job folders it removes), whatever the test's outcome. */
const runnerFor = (options: ConstructorParameters<typeof LocalRunner>[1]) => {
  const runner = new LocalRunner(hub, options);
  runners.push(runner);
  return runner;
};

beforeEach(async () => {
  hub = await new StandIn().start();
  hooks = await receiver();
  hub.connectApp({ url: hooks.url, secret: SECRET });
  octokit = new Octokit({ auth: hub.issueInstallationToken().token, baseUrl: hub.url, request: { retries: 0 }, log: quiet });
  scratch = await mkdtemp(join(tmpdir(), "standin-test-"));
  await hub.createRepo({
    name: "shop",
    files: { "README.md": "# shop\n", "src/app.js": "console.log(1)\n", ".github/workflows/dispatch.yml": WORKFLOW },
  });
});

afterEach(async () => {
  const violations = [...hub.contractViolations];
  await Promise.all(runners.map((runner) => runner.stop()));
  runners = [];
  await hub.stop();
  await hooks.close();
  await rm(scratch, { recursive: true, force: true });
  // Tests that break a contract on purpose empty the list once they checked it.
  expect(violations).toEqual([]);
});

const repo = { owner: "acme", repo: "shop" };

describe("REST: comments and reactions", () => {
  it("creates, reads, edits, lists with Link pagination, reacts, and refuses what GitHub refuses", async () => {
    hub.openIssue({ title: "Checkout is slow", user: "maintainer" });
    const created = await octokit.rest.issues.createComment({ ...repo, issue_number: 1, body: "first" });
    expect(created.status).toBe(201);
    expect(created.data).toMatchObject({ body: "first", user: { login: "dispatch[bot]", type: "Bot" } });
    expect(created.data.html_url).toBe(`${hub.url}/acme/shop/issues/1#issuecomment-${created.data.id}`);

    const edited = await octokit.rest.issues.updateComment({ ...repo, comment_id: created.data.id, body: "second" });
    expect(edited.data.body).toBe("second");
    expect((await octokit.rest.issues.getComment({ ...repo, comment_id: created.data.id })).data.body).toBe("second");

    for (let i = 0; i < 34; i++) await octokit.rest.issues.createComment({ ...repo, issue_number: 1, body: `c${i}` });
    const firstPage = await octokit.rest.issues.listComments({ ...repo, issue_number: 1, per_page: 30 });
    expect(firstPage.data).toHaveLength(30);
    expect(firstPage.headers.link).toContain('rel="next"');
    const all = await octokit.paginate(octokit.rest.issues.listComments, { ...repo, issue_number: 1, per_page: 10 });
    expect(all.map((c) => c.body)).toEqual(["second", ...Array.from({ length: 34 }, (_, i) => `c${i}`)]);

    const reaction = await octokit.rest.reactions.createForIssueComment({ ...repo, comment_id: created.data.id, content: "eyes" });
    expect(reaction.status).toBe(201);
    expect(reaction.data).toMatchObject({ content: "eyes", user: { login: "dispatch[bot]" } });
    const again = await octokit.rest.reactions.createForIssueComment({ ...repo, comment_id: created.data.id, content: "eyes" });
    expect(again.status).toBe(200);
    expect(hub.store.comments.get(created.data.id)!.reactions).toHaveLength(1);
    // The reactions listed, all or of one content, and counted in the comment's rollup.
    await octokit.rest.reactions.createForIssueComment({ ...repo, comment_id: created.data.id, content: "+1" });
    const listed = await octokit.rest.reactions.listForIssueComment({ ...repo, comment_id: created.data.id });
    expect(listed.data.map((r) => [r.user?.login, r.content])).toEqual([["dispatch[bot]", "eyes"], ["dispatch[bot]", "+1"]]);
    const eyes = await octokit.rest.reactions.listForIssueComment({ ...repo, comment_id: created.data.id, content: "eyes" });
    expect(eyes.data.map((r) => r.id)).toEqual([reaction.data.id]);
    const rollup = (await octokit.rest.issues.getComment({ ...repo, comment_id: created.data.id })).data.reactions;
    expect([rollup?.eyes, rollup?.["+1"], rollup?.total_count]).toEqual([1, 1, 2]);

    await expect(octokit.rest.issues.createComment({ ...repo, issue_number: 1, body: "x".repeat(65_537) })).rejects.toMatchObject({ status: 422 });
    await expect(octokit.rest.issues.getComment({ ...repo, comment_id: 1 })).rejects.toMatchObject({
      status: 404,
      response: { data: { message: "Not Found" } },
    });
    await hub.waitForQuiet({ settleMs: 50 });
    // The app's own comments come back as webhooks, like on GitHub (the app must ignore them as a bot's).
    const events = hooks.received.filter((r) => r.event === "issue_comment");
    expect(events.filter((e) => e.payload["action"] === "created")).toHaveLength(35);
    expect(events.find((e) => e.payload["action"] === "edited")?.payload["changes"]).toEqual({ body: { from: "first" } });
  });

  it("answers the collaborator permission of people and bots, and records calls it does not implement", async () => {
    const permission = async (username: string) =>
      (await octokit.rest.repos.getCollaboratorPermissionLevel({ ...repo, username })).data;
    expect(await permission("maintainer")).toMatchObject({ permission: "admin", user: { login: "maintainer", type: "User" } });
    expect(await permission("outsider")).toMatchObject({ permission: "read" });
    expect(await permission("renovate[bot]")).toMatchObject({ user: { type: "Bot" } });
    await expect(octokit.rest.issues.get({ ...repo, issue_number: 1 })).rejects.toMatchObject({ status: 404 });
    expect(hub.unknownRequests().map((r) => `${r.method} ${r.path}`)).toEqual(["GET /repos/acme/shop/issues/1"]);
    const anonymous = new Octokit({ baseUrl: hub.url, request: { retries: 0 }, log: quiet });
    await expect(anonymous.rest.issues.getComment({ ...repo, comment_id: 1 })).rejects.toMatchObject({ status: 401 });
  });
});

describe("REST: contents, pulls, compare, and push webhooks", () => {
  it("PUT commits onto the branch in the bare repository and sends a signed push webhook", async () => {
    const bare = hub.repoNamed().dir;
    const main = (await execa("git", ["rev-parse", "main"], { cwd: bare })).stdout;
    await execa("git", ["update-ref", "refs/heads/dispatch/7/api-tests", main], { cwd: bare });
    const content = Buffer.from("Use the staging database.\n").toString("base64");
    const put = await octokit.rest.repos.createOrUpdateFileContents({
      ...repo,
      path: ".dispatch/tasks/api-tests/ipc/001.answer",
      branch: "dispatch/7/api-tests",
      message: "dispatch(api-tests): answer 001",
      content,
    });
    expect(put.status).toBe(201);
    expect(put.data.commit.parents?.[0]?.sha).toBe(main);
    const log = await execa("git", ["log", "--format=%s|%an", "-1", "dispatch/7/api-tests"], { cwd: bare });
    expect(log.stdout).toBe("dispatch(api-tests): answer 001|dispatch[bot]");
    expect(await hub.readFile("dispatch/7/api-tests", ".dispatch/tasks/api-tests/ipc/001.answer")).toBe("Use the staging database.\n");

    const got = await octokit.rest.repos.getContent({ ...repo, path: ".dispatch/tasks/api-tests/ipc/001.answer", ref: "dispatch/7/api-tests" });
    const file = got.data as { content: string; sha: string; type: string };
    expect(file.type).toBe("file");
    expect(Buffer.from(file.content, "base64").toString()).toBe("Use the staging database.\n");
    expect(file.sha).toBe(put.data.content?.sha);

    await hub.waitForQuiet({ settleMs: 50 });
    const push = hooks.received.find((r) => r.event === "push")!;
    expect(await verify(SECRET, push.body, push.signature)).toBe(true);
    expect(await verify("wrong", push.body, push.signature)).toBe(false);
    expect(push.payload).toMatchObject({
      ref: "refs/heads/dispatch/7/api-tests",
      before: main,
      after: put.data.commit.sha,
      sender: { login: "dispatch[bot]" },
      installation: { id: hub.installationId },
      repository: { full_name: "acme/shop", default_branch: "main" },
    });
    expect(push.payload["commits"]).toHaveLength(1);
    expect(push.payload["commits"][0]).toMatchObject({ message: "dispatch(api-tests): answer 001", added: [".dispatch/tasks/api-tests/ipc/001.answer"] });
  });

  it("creates a branch once (422 for the second create), reads and deletes it, with their push webhooks, like GitHub", async () => {
    const bare = hub.repoNamed().dir;
    const main = (await execa("git", ["rev-parse", "main"], { cwd: bare })).stdout;
    const made = await octokit.rest.git.createRef({ ...repo, ref: "refs/heads/dispatch/7/orders-api", sha: main });
    expect(made.status).toBe(201);
    expect(made.data).toMatchObject({ ref: "refs/heads/dispatch/7/orders-api", object: { type: "commit", sha: main } });
    await expect(octokit.rest.git.createRef({ ...repo, ref: "refs/heads/dispatch/7/orders-api", sha: main })).rejects.toMatchObject({
      status: 422,
      message: expect.stringContaining("Reference already exists"),
    });
    await expect(octokit.rest.git.createRef({ ...repo, ref: "refs/heads/x", sha: "0123456789abcdef0123456789abcdef01234567" })).rejects.toMatchObject({ status: 422 });
    await expect(octokit.rest.git.createRef({ ...repo, ref: "heads/x", sha: main })).rejects.toMatchObject({ status: 422 });
    expect((await octokit.rest.git.getRef({ ...repo, ref: "heads/dispatch/7/orders-api" })).data.object.sha).toBe(main);
    await expect(octokit.rest.git.getRef({ ...repo, ref: "heads/nope" })).rejects.toMatchObject({ status: 404 });

    expect((await octokit.rest.git.deleteRef({ ...repo, ref: "heads/dispatch/7/orders-api" })).status).toBe(204);
    await expect(octokit.rest.git.deleteRef({ ...repo, ref: "heads/dispatch/7/orders-api" })).rejects.toMatchObject({ status: 422 });
    expect((await execa("git", ["branch", "--list", "dispatch/7/orders-api"], { cwd: bare })).stdout).toBe("");

    await hub.waitForQuiet({ settleMs: 50 });
    const pushes = hooks.received.filter((r) => r.event === "push" && r.payload["ref"] === "refs/heads/dispatch/7/orders-api");
    expect(pushes.map((p) => [p.payload["created"], p.payload["deleted"]])).toEqual([
      [true, false],
      [false, true],
    ]);
  });

  it("refuses a stale update with 409 and a missing sha with 422, like GitHub", async () => {
    const first = await octokit.rest.repos.createOrUpdateFileContents({ ...repo, path: "notes.md", message: "one", content: Buffer.from("1").toString("base64") });
    const oldSha = first.data.content!.sha!;
    await octokit.rest.repos.createOrUpdateFileContents({ ...repo, path: "notes.md", message: "two", content: Buffer.from("2").toString("base64"), sha: oldSha });
    await expect(
      octokit.rest.repos.createOrUpdateFileContents({ ...repo, path: "notes.md", message: "three", content: Buffer.from("3").toString("base64"), sha: oldSha }),
    ).rejects.toMatchObject({ status: 409 });
    await expect(
      octokit.rest.repos.createOrUpdateFileContents({ ...repo, path: "notes.md", message: "four", content: Buffer.from("4").toString("base64") }),
    ).rejects.toMatchObject({ status: 422 });
    expect(await hub.readFile("main", "notes.md")).toBe("2");
    await expect(octokit.rest.repos.getContent({ ...repo, path: "missing.md" })).rejects.toMatchObject({
      status: 404,
      response: { data: { message: "Not Found", documentation_url: expect.stringContaining("docs.github.com") } },
    });
    const raw = await octokit.rest.repos.getContent({ ...repo, path: "README.md", mediaType: { format: "raw" } });
    expect(raw.data as unknown as string).toBe("# shop\n");
  });

  it("a git push by a worker sends a push webhook from github-actions[bot]; pulls and compare read git", async () => {
    const work = join(scratch, "clone");
    await execa("git", ["clone", "--quiet", `file://${hub.repoNamed().dir}`, work]);
    const ident = ["-c", "user.name=worker", "-c", "user.email=worker@example.com"];
    await execa("git", ["checkout", "-q", "-b", "dispatch/7/update-readme"], { cwd: work });
    await writeFile(join(work, "README.md"), "# shop\n\nNow with docs.\n");
    await execa("git", [...ident, "commit", "-q", "-am", "docs"], { cwd: work });
    await execa("git", ["push", "-q", "origin", "dispatch/7/update-readme"], { cwd: work });
    await hub.waitForQuiet({ settleMs: 50 });
    const push = hooks.received.find((r) => r.event === "push")!;
    expect(push.payload).toMatchObject({ ref: "refs/heads/dispatch/7/update-readme", created: true, sender: { login: "github-actions[bot]" } });
    expect(push.payload["commits"].map((c: { message: string }) => c.message)).toEqual(["docs"]);

    const compare = await octokit.rest.repos.compareCommitsWithBasehead({ ...repo, basehead: "main...dispatch/7/update-readme" });
    expect(compare.data).toMatchObject({ status: "ahead", ahead_by: 1, behind_by: 0, total_commits: 1 });
    expect(compare.data.files?.map((f) => [f.filename, f.status, f.additions])).toEqual([["README.md", "modified", 2]]);

    const opened = await octokit.rest.pulls.create({ ...repo, title: "Update the README", head: "dispatch/7/update-readme", base: "main", body: "done" });
    expect(opened.status).toBe(201);
    expect(opened.data).toMatchObject({ state: "open", head: { ref: "dispatch/7/update-readme" }, base: { ref: "main" } });
    await expect(octokit.rest.pulls.create({ ...repo, title: "again", head: "dispatch/7/update-readme", base: "main" })).rejects.toMatchObject({ status: 422 });
    const listed = await octokit.rest.pulls.list({ ...repo, head: "acme:dispatch/7/update-readme", state: "all" });
    expect(listed.data.map((p) => p.number)).toEqual([opened.data.number]);
    expect((await octokit.rest.pulls.list({ ...repo, head: "acme:other", state: "all" })).data).toEqual([]);
    expect((await octokit.rest.pulls.get({ ...repo, pull_number: opened.data.number })).data.title).toBe("Update the README");
  });
});

describe("GraphQL", () => {
  it("resolves rev:path objects and pages issue comments backwards", async () => {
    const bare = hub.repoNamed().dir;
    await octokit.rest.repos.createOrUpdateFileContents({ ...repo, path: "notes.md", message: "n", content: Buffer.from("v1").toString("base64") });
    const sha = (await octokit.rest.repos.getContent({ ...repo, path: "notes.md" })).data as { sha: string };
    await octokit.rest.repos.createOrUpdateFileContents({ ...repo, path: "notes.md", message: "n2", content: Buffer.from("v2").toString("base64"), sha: sha.sha });
    const result = await octokit.graphql<any>(
      `query($owner: String!, $name: String!) {
        repository(owner: $owner, name: $name) {
          now: object(expression: "main:notes.md") { ... on Blob { text byteSize oid } }
          before: object(expression: "main~1:notes.md") { ... on Blob { text } }
          missing: object(expression: "main:nope.md") { oid }
          root: object(expression: "main:") { ... on Tree { entries { name type object { ... on Blob { byteSize } } } } }
          head: object(expression: "main") { ... on Commit { oid } }
        }
      }`,
      { owner: "acme", name: "shop" },
    );
    const head = (await execa("git", ["rev-parse", "main"], { cwd: bare })).stdout;
    expect(result.repository.now).toMatchObject({ text: "v2", byteSize: 2 });
    expect(result.repository.before).toEqual({ text: "v1" });
    expect(result.repository.missing).toBeNull();
    expect(result.repository.root.entries.map((e: { name: string; type: string }) => `${e.type} ${e.name}`)).toEqual([
      "tree .github",
      "blob README.md",
      "blob notes.md",
      "tree src",
    ]);
    expect(result.repository.head).toEqual({ oid: head });

    hub.openIssue({ title: "t", user: "maintainer" });
    for (let i = 1; i <= 5; i++) await octokit.rest.issues.createComment({ ...repo, issue_number: 1, body: `c${i}` });
    const query = `query($before: String) { repository(owner: "acme", name: "shop") { issue(number: 1) {
      comments(last: 2, before: $before) { totalCount nodes { databaseId body author { login } } pageInfo { hasPreviousPage startCursor hasNextPage endCursor } } } } }`;
    const last = (await octokit.graphql<any>(query, {})).repository.issue.comments;
    expect(last.totalCount).toBe(5);
    expect(last.nodes.map((n: { body: string }) => n.body)).toEqual(["c4", "c5"]);
    expect(last.nodes[0].author.login).toBe("dispatch");
    expect(last.pageInfo).toMatchObject({ hasPreviousPage: true, hasNextPage: false });
    const earlier = (await octokit.graphql<any>(query, { before: last.pageInfo.startCursor })).repository.issue.comments;
    expect(earlier.nodes.map((n: { body: string }) => n.body)).toEqual(["c2", "c3"]);
    await expect(octokit.graphql(`{ repository(owner: "acme", name: "shop") { issue(number: 99) { number } } }`)).rejects.toMatchObject({
      errors: [{ type: "NOT_FOUND" }],
    });
  });
});

describe("GitHub's published contracts", () => {
  it("answers issue(number:) of a pull request with NOT_FOUND, as GitHub does; issueOrPullRequest and pullRequest resolve", async () => {
    await hub.openPull({ title: "Checkout", user: "maintainer", head: "feature/checkout" });
    await octokit.rest.issues.createComment({ ...repo, issue_number: 1, body: "on the PR" });
    const error = await octokit
      .graphql(`{ repository(owner: "acme", name: "shop") { issue(number: 1) { comments(last: 1) { nodes { body } } } } }`)
      .catch((e: { errors: unknown; data: unknown }) => e);
    expect(error).toMatchObject({
      errors: [{ type: "NOT_FOUND", path: ["repository", "issue"], message: "Could not resolve to an Issue with the number of 1." }],
      data: { repository: { issue: null } },
    });
    const fields = "comments(last: 1) { nodes { body } }";
    const both = await octokit.graphql<any>(`{ repository(owner: "acme", name: "shop") {
      issueOrPullRequest(number: 1) { __typename ... on Issue { ${fields} } ... on PullRequest { headRefName ${fields} } }
      pullRequest(number: 1) { number headRefName baseRefName isCrossRepository } } }`);
    expect(both.repository.issueOrPullRequest).toEqual({ __typename: "PullRequest", headRefName: "feature/checkout", comments: { nodes: [{ body: "on the PR" }] } });
    expect(both.repository.pullRequest).toEqual({ number: 1, headRefName: "feature/checkout", baseRefName: "main", isCrossRepository: false });
    expect(hub.contractViolations).toEqual([]);
  });

  it("refuses a query GitHub's schema does not allow, and records it", async () => {
    await expect(octokit.graphql(`{ repository(owner: "acme", name: "shop") { issue(number: 1) { headRefName } } }`)).rejects.toMatchObject({
      errors: [{ message: 'Cannot query field "headRefName" on type "Issue".' }],
    });
    expect(hub.contractViolations).toEqual(['GraphQL: Cannot query field "headRefName" on type "Issue".']);
    hub.contractViolations.length = 0;
  });

  it("refuses REST requests outside GitHub's description (path, query parameter, body field) with a clear reason, and records them", async () => {
    hub.openIssue({ title: "t", user: "maintainer" });
    const call = (route: string, options: Record<string, unknown>) => octokit.request(route, { ...repo, ...options }).catch((e: { status: number; message: string }) => e);
    expect(await call("POST /repos/{owner}/{repo}/issues/{issue_number}/comments", { issue_number: 1, body: "x", bodyy: "typo" })).toMatchObject({
      status: 422,
      message: expect.stringContaining("body must NOT have additional properties (bodyy)"),
    });
    expect(await call("GET /repos/{owner}/{repo}/pulls", { sort: "newest" })).toMatchObject({ status: 422, message: expect.stringContaining("query parameter sort must be equal to one of the allowed values") });
    expect(await call("GET /repos/{owner}/{repo}/issues/comments/{id}/sideways", { id: 1 })).toMatchObject({
      status: 404,
      message: expect.stringContaining("no such operation in GitHub's REST API"),
    });
    expect(await call("GET /repos/{owner}/{repo}/pulls", { colour: "red" })).toMatchObject({ status: 422, message: expect.stringContaining("unknown query parameter colour") });
    expect(hub.contractViolations).toHaveLength(4);
    expect(hub.comments(1)).toEqual([]);
    hub.contractViolations.length = 0;
  });

  it("models GitHub's limits: comment body, reaction already there", async () => {
    hub.openIssue({ title: "t", user: "maintainer" });
    const long = await octokit.rest.issues.createComment({ ...repo, issue_number: 1, body: "x".repeat(65_537) }).catch((e: { status: number }) => e);
    expect(long).toMatchObject({ status: 422 });
    const { data: comment } = await octokit.rest.issues.createComment({ ...repo, issue_number: 1, body: "x".repeat(65_536) });
    const first = await octokit.rest.reactions.createForIssueComment({ ...repo, comment_id: comment.id, content: "eyes" });
    const again = await octokit.rest.reactions.createForIssueComment({ ...repo, comment_id: comment.id, content: "eyes" });
    expect([first.status, again.status]).toEqual([201, 200]);
    expect(again.data.id).toBe(first.data.id);
    expect(hub.contractViolations).toEqual([]);
  });
});

describe("workflow_dispatch and the local runner", () => {
  /** A fake Action: records what it was given, and overlaps, then reports an output. */
  async function fakeAction(script: string): Promise<string> {
    const dir = join(scratch, "action");
    await mkdir(join(dir, "dist"), { recursive: true });
    await writeFile(join(dir, "action.yml"), "inputs:\n  push-interval-seconds:\n    default: '5'\n  github-token:\n    default: ${{ github.token }}\n");
    await writeFile(join(dir, "dist", "index.js"), script);
    return join(dir, "dist", "index.js");
  }

  const recorder = `
    import { appendFileSync, existsSync, writeFileSync, rmSync, readFileSync } from "node:fs";
    import { execFileSync } from "node:child_process";
    const task = JSON.parse(process.env["INPUT_TASK"]);
    const lock = process.env.RECORD_DIR + "/lock";
    if (existsSync(lock)) appendFileSync(process.env.RECORD_DIR + "/overlaps", task.id + "\\n");
    writeFileSync(lock, task.id);
    const origin = execFileSync("git", ["remote", "get-url", "origin"], { cwd: process.env.GITHUB_WORKSPACE }).toString().trim();
    const record = { env: Object.fromEntries(Object.entries(process.env).filter(([k]) => /^(INPUT_|GITHUB_|RUNNER_|ANTHROPIC|OPENAI)/.test(k))), origin };
    writeFileSync(process.env.RECORD_DIR + "/" + task.id + ".json", JSON.stringify(record));
    await new Promise((r) => setTimeout(r, 150));
    rmSync(lock, { force: true });
    appendFileSync(process.env.GITHUB_OUTPUT, "status=done\\nbranch=dispatch/7/" + task.id + "\\n");
  `;

  // api-tests is a claude task (its job gets the Anthropic key), the others custom (they get no agent key).
  const tasks = ["security-review", "api-tests", "update-readme"].map((id) => ({
    id, title: id, prompt: id, model: "sonnet", agent: id === "api-tests" ? "claude" : "custom", worktree: false, steps: [], after: [],
  }));

  it("expands the workflow's matrix, runs the Action per task with the Actions environment, and reports workflow_job", async () => {
    const record = join(scratch, "record");
    await mkdir(record);
    const runner = runnerFor({
      actionPath: await fakeAction(recorder),
      secrets: { ANTHROPIC_API_KEY: "sk-ant-canary" },
      agentCommand: "node agent.mjs",
      stepEnv: { RECORD_DIR: record },
    });
    const inputs = { issue: "7", base: "main", comment: "123", tasks: JSON.stringify(tasks) };
    const dispatched = await octokit.rest.actions.createWorkflowDispatch({ ...repo, workflow_id: "dispatch.yml", ref: "main", inputs });
    expect(dispatched.status).toBe(204);
    await hub.waitForQuiet({ settleMs: 100 });
    await runner.stop();

    expect(runner.jobs().map((j) => [j.name, j.conclusion, j.outputs["status"]])).toEqual([
      ["#7 security-review", "success", "done"],
      ["#7 api-tests", "success", "done"],
      ["#7 update-readme", "success", "done"],
    ]);
    const seen = JSON.parse(await readFile(join(record, "api-tests.json"), "utf8"));
    expect(JSON.parse(seen.env["INPUT_TASK"])).toEqual(tasks[1]);
    expect(seen.env).toMatchObject({
      INPUT_ISSUE: "7",
      INPUT_BASE: "main",
      INPUT_COMMENT: "123",
      "INPUT_BRANCH-PREFIX": "dispatch/",
      "INPUT_QUESTION-TIMEOUT-MINUTES": "30",
      "INPUT_AGENT-COMMAND": "node agent.mjs",
      "INPUT_PUSH-INTERVAL-SECONDS": "5",
      ANTHROPIC_API_KEY: "sk-ant-canary",
      OPENAI_API_KEY: "",
      GITHUB_REPOSITORY: "acme/shop",
      GITHUB_SERVER_URL: hub.url,
      GITHUB_RUN_ID: String(runner.runs[0]!.id),
    });
    expect(seen.env["INPUT_GITHUB-TOKEN"]).toBe(runner.runs[0]!.token);
    // One key per agent: a custom task's job gets no agent key.
    const custom = JSON.parse(await readFile(join(record, "security-review.json"), "utf8"));
    expect([custom.env["ANTHROPIC_API_KEY"], custom.env["OPENAI_API_KEY"]]).toEqual(["", ""]);
    expect(seen.origin).toBe(`file://${hub.repoNamed().dir}`);

    const jobEvents = hooks.received.filter((r) => r.event === "workflow_job").map((r) => r.payload);
    for (const task of tasks) {
      const mine = jobEvents.filter((p) => p["workflow_job"].name === `#7 ${task.id}`);
      expect(mine.map((p) => p["action"])).toEqual(["queued", "in_progress", "completed"]);
      expect(mine[2]!["workflow_job"]).toMatchObject({ conclusion: "success", run_id: runner.runs[0]!.id, workflow_name: "dispatch" });
    }
    // The run's token dies with the run.
    const jobToken = new Octokit({ auth: runner.runs[0]!.token, baseUrl: hub.url, request: { retries: 0 }, log: quiet });
    await expect(jobToken.rest.issues.getComment({ ...repo, comment_id: 1 })).rejects.toMatchObject({ status: 401 });
    expect(hub.dispatches).toHaveLength(1);
  });

  it("honours max-parallel as the dispatch's max_parallel input sets it through the real workflow", async () => {
    const record = join(scratch, "record");
    await mkdir(record);
    await hub.createRepo({ name: "serial", files: { ".github/workflows/dispatch.yml": WORKFLOW } });
    const runner = runnerFor({ actionPath: await fakeAction(recorder), stepEnv: { RECORD_DIR: record } });
    await octokit.rest.actions.createWorkflowDispatch({
      owner: "acme", repo: "serial", workflow_id: "dispatch.yml", ref: "main",
      inputs: { issue: "7", base: "main", comment: "1", tasks: JSON.stringify(tasks), max_parallel: "1" },
    });
    await hub.waitForQuiet({ settleMs: 100 });
    await runner.stop();
    expect(runner.jobs().map((j) => j.conclusion)).toEqual(["success", "success", "success"]);
    await expect(readFile(join(record, "overlaps"), "utf8")).rejects.toMatchObject({ code: "ENOENT" });
  });

  it("refuses dispatches GitHub refuses: absent workflow 404, unknown or missing inputs 422", async () => {
    runnerFor({ actionPath: await fakeAction("") });
    const base = { ...repo, ref: "main" };
    await expect(octokit.rest.actions.createWorkflowDispatch({ ...base, workflow_id: "nope.yml", inputs: {} })).rejects.toMatchObject({ status: 404 });
    await expect(
      octokit.rest.actions.createWorkflowDispatch({ ...base, workflow_id: "dispatch.yml", inputs: { issue: "1", base: "main", comment: "1", tasks: "[]", extra: "x" } }),
    ).rejects.toMatchObject({ status: 422, response: { data: { message: 'Unexpected inputs provided: ["extra"]' } } });
    await expect(
      octokit.rest.actions.createWorkflowDispatch({ ...base, workflow_id: "dispatch.yml", inputs: { issue: "1", base: "main", comment: "1" } }),
    ).rejects.toMatchObject({ status: 422, response: { data: { message: "Required input 'tasks' not provided" } } });
    // At most 25 inputs: GitHub's description says so, so the request is refused as a broken contract.
    const many = Object.fromEntries(Array.from({ length: 26 }, (_, i) => [`input${i}`, "x"]));
    await expect(octokit.rest.actions.createWorkflowDispatch({ ...base, workflow_id: "dispatch.yml", inputs: many })).rejects.toMatchObject({
      status: 422,
      response: { data: { message: expect.stringContaining("body/inputs must NOT have more than 25 properties") } },
    });
    expect(hub.contractViolations).toEqual(["POST /repos/acme/shop/actions/workflows/dispatch.yml/dispatches: body/inputs must NOT have more than 25 properties"]);
    hub.contractViolations.length = 0;
    // 40,000 characters of value, over 65,535 once its quotes are escaped in the JSON payload.
    const quoted = '"'.repeat(40_000);
    await expect(
      octokit.rest.actions.createWorkflowDispatch({ ...base, workflow_id: "dispatch.yml", inputs: { issue: "1", base: "main", comment: "1", tasks: quoted } }),
    ).rejects.toMatchObject({ status: 422, response: { data: { message: "inputs are too large." } } });
    expect(hub.dispatches).toHaveLength(0);
  });

  it("plans at most 256 matrix jobs per run of the real workflow, as GitHub does", () => {
    const contexts = (count: number) => ({
      inputs: { issue: "7", base: "main", comment: "1", tasks: JSON.stringify(Array.from({ length: count }, (_, i) => ({ ...tasks[0]!, id: `task-${i}` }))) },
      github: { repository: "acme/shop", run_id: "1", event_name: "workflow_dispatch" },
      secrets: {},
      env: {},
      vars: {},
    });
    expect(planRun(WORKFLOW, contexts(256)).jobs).toHaveLength(256);
    expect(() => planRun(WORKFLOW, contexts(257))).toThrow("Strategy produced more than 256 jobs (257)");
  });

  it("cancelling a run sends SIGTERM to its Action and reports the job cancelled", async () => {
    const marker = join(scratch, "terminated");
    const runner = runnerFor({
      actionPath: await fakeAction(`
        import { writeFileSync } from "node:fs";
        process.on("SIGTERM", () => { writeFileSync(${JSON.stringify(marker)}, "SIGTERM"); process.exit(1); });
        writeFileSync(${JSON.stringify(marker + ".started")}, "");
        setInterval(() => {}, 1000);
      `),
    });
    await octokit.rest.actions.createWorkflowDispatch({
      ...repo, workflow_id: "dispatch.yml", ref: "main",
      inputs: { issue: "7", base: "main", comment: "1", tasks: JSON.stringify(tasks.slice(0, 1)) },
    });
    const started = Date.now();
    while (!(await readFile(marker + ".started").then(() => true, () => false))) {
      if (Date.now() - started > 20_000) throw new Error("the fake Action never started");
      await new Promise((r) => setTimeout(r, 25));
    }
    const run = runner.runs[0]!;
    expect((await octokit.rest.actions.cancelWorkflowRun({ ...repo, run_id: run.id })).status).toBe(202);
    await hub.waitForQuiet({ settleMs: 50 });
    expect(await readFile(marker, "utf8")).toBe("SIGTERM");
    expect(run.jobs[0]).toMatchObject({ status: "completed", conclusion: "cancelled" });
    await expect(octokit.rest.actions.cancelWorkflowRun({ ...repo, run_id: run.id })).rejects.toMatchObject({ status: 409 });
    const completed = hooks.received.filter((r) => r.event === "workflow_job" && r.payload["action"] === "completed");
    expect(completed.map((r) => r.payload["workflow_job"].conclusion)).toEqual(["cancelled"]);
    // The run's jobs as the REST API lists them (the Actions mode's monitor reads them): the same job, completed.
    const { data: listed } = await octokit.rest.actions.listJobsForWorkflowRun({ ...repo, run_id: run.id, filter: "latest" });
    expect(listed.total_count).toBe(1);
    expect(listed.jobs.map((job) => [job.id, job.name, job.status, job.conclusion, job.run_id])).toEqual([[run.jobs[0]!.id, "#7 security-review", "completed", "cancelled", run.id]]);
    expect(listed.jobs[0]!.html_url).toBe(completed[0]!.payload["workflow_job"].html_url);
    await expect(octokit.rest.actions.listJobsForWorkflowRun({ ...repo, run_id: 1 })).rejects.toMatchObject({ status: 404 });
    expect(hub.contractViolations).toEqual([]);
    await runner.stop();
  });
});

describe("the runner's expressions", () => {
  const contexts = {
    inputs: { issue: "7", tasks: '[{"id":"a","agent":"custom"}]' },
    matrix: { task: { id: "a", agent: "custom" } },
    github: { token: "t", repository: "acme/shop" },
    secrets: {},
    job: { status: "success" },
  };

  it("evaluates the forms the workflow uses, keeping a whole expression's value", () => {
    expect(interpolate("${{ fromJSON(inputs.tasks) }}", contexts)).toEqual([{ id: "a", agent: "custom" }]);
    expect(interpolate("${{ toJSON(matrix.task) }}", contexts)).toBe('{\n  "id": "a",\n  "agent": "custom"\n}');
    expect(interpolate("#${{ inputs.issue }} ${{ matrix.task.id }}", contexts)).toBe("#7 a");
    expect(interpolate("${{ secrets.OPENAI_API_KEY }}", contexts)).toBeNull();
    expect(condition("matrix.task.agent != 'custom'", contexts)).toBe(false);
    expect(condition("${{ matrix.task.agent == 'CUSTOM' && success() }}", contexts)).toBe(true);
    expect(condition(undefined, contexts)).toBe(true);
  });

  it("refuses what it does not know, naming it", () => {
    expect(() => interpolate("${{ hashFiles('x') }}", contexts)).toThrow(/hashFiles/);
    expect(() => interpolate("${{ vars.X }}", contexts)).toThrow(/unknown context "vars"/);
  });
});

describe("the harness with Probot", () => {
  it("Probot verifies the stand-in's signed webhooks and authenticates as the App with its JWT", async () => {
    const seen: string[] = [];
    const app = (probot: Probot) => {
      probot.on("issue_comment.created", async (context) => {
        if (context.isBot) return;
        seen.push(context.payload.comment.body);
        await context.octokit.rest.reactions.createForIssueComment(context.repo({ comment_id: context.payload.comment.id, content: "eyes" }));
      });
    };
    const harness = await startHarness({ app, runner: { actionPath: "/nonexistent/index.js" } });
    try {
      const { comment, delivery } = await harness.comment({ body: "/dispatch help", issue: 3 });
      expect(delivery.status).toBe(200);
      await harness.waitForQuiet({ settleMs: 50 });
      expect(seen).toEqual(["/dispatch help"]);
      expect(comment.reactions.map((r) => [r.user, r.content])).toEqual([["dispatch[bot]", "eyes"]]);
      expect(harness.hub.count({ route: "/app/installations/{id}/access_tokens", caller: "app" })).toBe(1);
      // A redelivery carries the same id and signature, and reaches the app again.
      const again = await harness.hub.redeliver(delivery.id);
      expect(again.attempts).toBe(2);
      await harness.waitForQuiet({ settleMs: 50 });
      expect(seen).toHaveLength(2);
      expect(harness.hub.unknownRequests()).toEqual([]);
    } finally {
      await harness.stop();
    }
  });
});
