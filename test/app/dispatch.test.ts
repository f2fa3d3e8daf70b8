import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { taskBranch } from "../../src/core/branch.js";
import { findStatusCommand } from "../../src/core/status-view.js";
import { parseStatus } from "../../src/core/status-read.js";
import { harness, type Harness } from "./harness.js";

const THREE = `/dispatch three things:
1. use opus to do a security review of the auth module
2. use sonnet to write unit tests for the API endpoints
3. use gemini to update the README with recent changes`;

let h: Harness;
beforeEach(async () => {
  h = await harness();
});
afterEach(() => h.close());

const writes = (h: Harness) => h.github.requests.filter((r) => r.method !== "GET" && r.path !== "/graphql");

describe("/dispatch <prompt>", () => {
  it("reacts 👀, posts ONE status comment with every task queued and makes ONE workflow dispatch: three writes", async () => {
    const id = await h.comment(THREE);
    expect(h.github.reactions).toEqual([{ comment: id, content: "eyes" }]);
    const [status] = h.github.byApp();
    expect(findStatusCommand(status!.body)).toBe(id);
    const view = parseStatus(status!.body)!;
    expect(view.tasks.map((t) => t.model)).toEqual(["opus", "sonnet", "gemini"]);
    expect(view.tasks.every((t) => t.status === "queued" && t.branch === taskBranch("dispatch/", 42, t.id, id))).toBe(true);
    expect(view.tasks[0]!.id).toMatch(/security-review/);
    expect(h.github.dispatches).toHaveLength(1);
    const [dispatch] = h.github.dispatches;
    expect(dispatch).toMatchObject({ workflow: "dispatch.yml", ref: "main", inputs: { issue: "42", base: "main", comment: String(id) } });
    expect(JSON.parse(dispatch!.inputs.tasks).map((t: { model: string }) => t.model)).toEqual(["opus", "sonnet", "gemini"]);
    expect(writes(h)).toHaveLength(3);
  });

  it("dispatches once when the same delivery comes again, or the comment is edited", async () => {
    const id = await h.comment(THREE, { delivery: "same" });
    await h.comment(THREE, { delivery: "same", id });
    await h.comment(THREE, { id, action: "edited" });
    expect(h.github.dispatches).toHaveLength(1);
    expect(h.github.byApp()).toHaveLength(1);
  });

  it("runs a comment edited into a /dispatch by its author when it was no command before", async () => {
    await h.comment("/dispatch use sonnet to add tests", { action: "edited", from: "/dispach use sonnet to add tests" });
    expect(h.github.dispatches).toHaveLength(1);
  });

  it("runs nothing when another user edits an admin's comment into a /dispatch under permission: admin", async () => {
    h.github.config = "permission: admin\n";
    h.github.permissions["boss"] = "admin";
    h.github.permissions["mallory"] = "write";
    const id = await h.comment("Looks good to me.", { user: "boss" });
    await h.comment("/dispatch use opus to delete the tests", { user: "boss", sender: "mallory", id, action: "edited", from: "Looks good to me." });
    expect(h.github.dispatches).toHaveLength(0);
    expect(h.github.reactions).toHaveLength(0);
    expect(h.github.byApp()).toHaveLength(0);
  });

  it("does not run again a command that ran, whatever its author edits it into", async () => {
    const id = await h.comment("/dispatch use opus to review the auth");
    expect(h.github.dispatches).toHaveLength(1);
    await h.comment("/dispatch use opus to review auth", { id, action: "edited", from: "/dispatch use opus to review the auth" });
    await h.comment("/dispatch status", { id, action: "edited", from: "/dispatch use opus to review auth" });
    expect(h.github.dispatches).toHaveLength(1);
    expect(h.github.byApp()).toHaveLength(1);
  });

  it("runs a command that never ran (its run was lost) when its author edits it, as edited, and only once", async () => {
    // The comment was posted, but no delivery of it ever ran (a cancelled pending run in Actions mode, the app down).
    const id = h.github.addComment("/dispatch use opus to review the auth", "maintainer").id;
    await h.comment("/dispatch use sonnet to review the auth", { id, action: "edited", from: "/dispatch use opus to review the auth", delivery: "edit" });
    expect(h.github.dispatches).toHaveLength(1);
    expect(JSON.parse(h.github.dispatches[0]!.inputs.tasks).map((t: { model: string }) => t.model)).toEqual(["sonnet"]);
    // The same edit delivered again, and a second edit: the 👀 the first run made keeps it once.
    await h.comment("/dispatch use sonnet to review the auth", { id, action: "edited", from: "/dispatch use opus to review the auth", delivery: "edit" });
    await h.comment("/dispatch use haiku to review the auth", { id, action: "edited", from: "/dispatch use sonnet to review the auth" });
    expect(h.github.dispatches).toHaveLength(1);
    expect(h.github.byApp().filter((c) => c.body.startsWith("<!-- dispatch:status"))).toHaveLength(1);
  });

  it("an edit by someone else never runs a command that never ran", async () => {
    const id = h.github.addComment("/dispatch use opus to review the auth", "maintainer").id;
    h.github.permissions["mallory"] = "write";
    await h.comment("/dispatch use opus to delete the tests", { id, sender: "mallory", action: "edited", from: "/dispatch use opus to review the auth" });
    expect(h.github.dispatches).toHaveLength(0);
    expect(h.github.reactions).toHaveLength(0);
  });

  it("dispatches once when two deliveries of the same comment arrive together", async () => {
    const id = await h.comment("/dispatch use opus to review auth", { delivery: "x1" });
    const again = h.github.dispatches.length;
    await Promise.all([h.comment("/dispatch use opus to review auth", { id }), h.comment("/dispatch use opus to review auth", { id })]);
    expect(again).toBe(1);
    expect(h.github.dispatches).toHaveLength(1);
  });

  it("gives two dispatches on one thread whose tasks get the same id two branches", async () => {
    const first = await h.comment("/dispatch use sonnet to fix the login bug");
    const second = await h.comment("/dispatch use sonnet to fix the login bug");
    const views = h.github.byApp().map((c) => parseStatus(c.body)!);
    expect(views.map((v) => v.command)).toEqual([first, second]);
    const [a, b] = views.map((v) => v.tasks[0]!);
    expect(a!.id).toBe(b!.id);
    expect(a!.branch).toBe(`dispatch/42/${a!.id}-${first.toString(36)}`);
    expect(b!.branch).toBe(`dispatch/42/${b!.id}-${second.toString(36)}`);
    expect(h.github.dispatches.map((d) => d.inputs.comment)).toEqual([String(first), String(second)]);
  });

  it("starts only the tasks that wait for nothing", async () => {
    await h.comment("/dispatch two tasks:\n1. add the orders table\n2. (after 1) add the orders API");
    const tasks = JSON.parse(h.github.dispatches[0]!.inputs.tasks) as Array<{ id: string }>;
    expect(tasks).toHaveLength(1);
    const view = parseStatus(h.github.byApp()[0]!.body)!;
    expect(view.tasks).toHaveLength(2);
    expect(view.tasks[1]!.after).toEqual([tasks[0]!.id]);
  });

  it("on a same-repository pull request, starts from the PR's head branch", async () => {
    h.github.pullRequests.set(42, { headRepo: "acme/shop", headRef: "feature/login" });
    await h.comment("/dispatch use sonnet to add tests", { pr: true });
    expect(h.github.dispatches[0]!.inputs.base).toBe("feature/login");
    expect(parseStatus(h.github.byApp()[0]!.body)!.base).toBe("feature/login");
  });

  it("refuses a pull request from a fork, with a reply, and starts nothing", async () => {
    h.github.pullRequests.set(42, { headRepo: "mallory/shop", headRef: "main" });
    await h.comment("/dispatch use sonnet to add tests", { pr: true });
    expect(h.github.dispatches).toHaveLength(0);
    expect(h.github.byApp().map((c) => c.body)).toEqual([expect.stringContaining("forks")]);
  });

  it("refuses a user without write permission politely, once, and runs nothing", async () => {
    await h.comment("/dispatch use sonnet to add tests", { user: "reader" });
    expect(h.github.dispatches).toHaveLength(0);
    expect(h.github.reactions).toHaveLength(0);
    const replies = h.github.byApp();
    expect(replies).toHaveLength(1);
    expect(replies[0]!.body).toContain("@reader");
    expect(replies[0]!.body).toContain("write");
  });

  it("honours a configured permission", async () => {
    h.github.config = "permission: admin\n";
    await h.comment("/dispatch use sonnet to add tests", { user: "maintainer" });
    expect(h.github.dispatches).toHaveLength(0);
    await h.comment("/dispatch use sonnet to add tests", { user: "admin" });
    expect(h.github.dispatches).toHaveLength(1);
  });

  it("ignores bots, the app included, without a single request", async () => {
    await h.comment("/dispatch use sonnet to add tests", { user: "dispatch[bot]", type: "Bot" });
    await h.comment("/dispatch use sonnet to add tests", { user: "renovate", type: "Bot" });
    expect(h.github.requests).toEqual([]);
  });

  it("ignores comments that are not commands without a single request", async () => {
    await h.comment("I think we should /dispatch this later");
    expect(h.github.requests).toEqual([]);
  });

  it("answers an invalid .github/dispatch.yml with a reply naming the problem", async () => {
    h.github.config = "max_tasks: lots\ncolour: blue\n";
    await h.comment("/dispatch use sonnet to add tests");
    expect(h.github.dispatches).toHaveLength(0);
    const [reply] = h.github.byApp();
    expect(reply!.body).toContain("dispatch.yml");
    expect(reply!.body).toMatch(/max_tasks|colour/);
  });

  it("answers a .github/dispatch.yml that is not YAML", async () => {
    h.github.config = "models: [unclosed\n";
    await h.comment("/dispatch use sonnet to add tests");
    expect(h.github.byApp()[0]!.body).toContain("YAML");
  });

  it("uses the configured workflow and branch prefix", async () => {
    h.github.config = "workflow: agents.yml\nbranch_prefix: ai/\nquestion_timeout_minutes: 7\n";
    h.github.workflows.add("agents.yml");
    await h.comment("/dispatch use sonnet to add tests");
    expect(h.github.dispatches[0]!.workflow).toBe("agents.yml");
    expect(parseStatus(h.github.byApp()[0]!.body)!.tasks[0]!.branch).toMatch(/^ai\/42\//);
    // The worker names the same branch and waits as long: the keys travel in the workflow's inputs.
    expect(h.github.dispatches[0]!.inputs).toMatchObject({ branch_prefix: "ai/", question_timeout_minutes: "7" });
  });

  it("marks the tasks failed in the status when the workflow cannot be started", async () => {
    h.github.workflows.clear();
    await h.comment("/dispatch use sonnet to add tests");
    const view = parseStatus(h.github.byApp()[0]!.body)!;
    expect(view.tasks[0]!.status).toBe("failed");
    expect(view.tasks[0]!.error).toContain("dispatch.yml");
  });

  it("refuses, before creating anything, a dispatch whose inputs exceed 65,535 characters", async () => {
    h.github.config = "max_tasks: 60\n";
    const items = Array.from({ length: 60 }, (_, i) => `${i + 1}. use sonnet to ${"review module ".repeat(90)}number ${i}`);
    await h.comment(`/dispatch sixty tasks:\n${items.join("\n")}`);
    expect(h.github.dispatches).toHaveLength(0);
    const replies = h.github.byApp();
    expect(replies).toHaveLength(1);
    expect(replies[0]!.body).toContain("65,535");
    expect(findStatusCommand(replies[0]!.body)).toBeNull();
  });

  it("retries a secondary rate limit (403) on its writes; a 502 on the workflow dispatch is not retried but told", async () => {
    h.github.fail("POST", /\/issues\/42\/comments$/, 403, { message: "You have exceeded a secondary rate limit", headers: { "retry-after": "0" } });
    h.github.fail("POST", /\/dispatches$/, 502, { message: "Bad Gateway", applied: true });
    await h.comment("/dispatch use sonnet to add tests");
    expect(h.github.dispatches).toHaveLength(1);
    expect(h.github.count("POST", /\/dispatches$/)).toBe(1);
    const [status, reply] = h.github.byApp();
    expect(findStatusCommand(status!.body)).not.toBeNull();
    expect(status!.body).toContain("queued");
    expect(reply!.body).toContain("may have started anyway");
    expect(h.github.count("POST", /\/issues\/42\/comments$/)).toBe(3);
  });

  it("a status comment GitHub made but answered 502 to is found, not posted twice", async () => {
    h.github.fail("POST", /\/issues\/42\/comments$/, 502, { message: "Bad Gateway", applied: true });
    await h.comment("/dispatch use sonnet to add tests");
    expect(h.github.count("POST", /\/issues\/42\/comments$/)).toBe(1);
    expect(h.github.byApp()).toHaveLength(1);
    expect(h.github.dispatches).toHaveLength(1);
  });

  it("a status comment that could not be posted gets a reply saying why", async () => {
    h.github.fail("POST", /\/issues\/42\/comments$/, 502, { message: "Bad Gateway" });
    await h.comment("/dispatch use sonnet to add tests");
    expect(h.github.dispatches).toHaveLength(0);
    const [reply] = h.github.byApp();
    expect(findStatusCommand(reply!.body)).toBeNull();
    expect(reply!.body).toContain("Bad Gateway");
  });

  it("a command whose thread cannot be read gets a reply saying why", async () => {
    await h.comment("/dispatch use sonnet to add tests");
    h.github.fail("POST", /^\/graphql$/, 502, { message: "Bad Gateway", times: 10 });
    await h.comment("/dispatch status");
    const reply = h.github.byApp().at(-1)!;
    expect(findStatusCommand(reply.body)).toBeNull();
    expect(reply.body).toContain("could not finish this command");
    expect(reply.body).toContain("Bad Gateway");
  });

  it("the same /dispatch delivered twice at once (two deliveries) makes one status comment and one run", async () => {
    const id = h.github.addComment("/dispatch use sonnet to add tests", "maintainer").id;
    await Promise.all([h.comment("/dispatch use sonnet to add tests", { id }), h.comment("/dispatch use sonnet to add tests", { id })]);
    expect(h.github.byApp()).toHaveLength(1);
    expect(h.github.dispatches).toHaveLength(1);
  });
});

describe("help and errors", () => {
  it("/dispatch help replies with the grammar", async () => {
    await h.comment("/dispatch help");
    expect(h.github.byApp()[0]!.body).toContain("/dispatch three things");
  });

  it("a malformed command gets the reason", async () => {
    h.github.config = "max_tasks: 2\n";
    await h.comment("/dispatch three things:\n1. a\n2. b\n3. c");
    const [reply] = h.github.byApp();
    expect(reply!.body).toContain("2");
    expect(h.github.dispatches).toHaveLength(0);
  });

  it("an unknown or misspelt model gets the models this repository knows and a did-you-mean; nothing is dispatched", async () => {
    h.github.config = "models:\n  speedy:\n    agent: gemini\n    model: gemini-2.5-flash\n";
    await h.comment("/dispatch use llama to fix the bug");
    await h.comment("/dispatch use sonet to fix the login page");
    await h.comment("/dispatch use speedi to write the docs");
    expect(h.github.dispatches).toHaveLength(0);
    const [llama, sonet, speedi] = h.github.byApp().map((c) => c.body);
    expect(llama).toContain("`llama` is not a model this repository knows");
    for (const name of ["opus", "sonnet", "haiku", "gemini", "codex", "speedy"]) expect(llama).toContain(`\`${name}\``);
    expect(sonet).toContain("did you mean `sonnet`?");
    expect(speedi).toContain("did you mean `speedy`?");
    expect(h.github.byApp().every((c) => findStatusCommand(c.body) === null)).toBe(true);
  });
});
