/** What an agent writes reaches GitHub defused: the app's pull request and status comment for a mischievous plan. */
import { afterEach, describe, expect, it } from "vitest";
import { DISPATCH_ROOT, ipcDir, DONE_FILE, outputPath, planPath } from "../../src/core/ipc.js";
import { parseStatus } from "../../src/core/status-read.js";
import { harness, type Harness } from "./harness.js";
import { files, RUN } from "./world.js";

let h: Harness;
afterEach(() => h.close());

/** What GitHub would read as a closing keyword with a reference, a mention, or raw HTML. */
const CLOSES = /\b(?:close[sd]?|fix(?:e[sd])?|resolve[sd]?)\s*:?\s+(?:#\d|[\w.-]+\/[\w.-]+#\d|gh-\d|https?:\/\/\S+\/(?:issues|pull)\/\d)/i;
const MENTION = /(?:^|[^\w`])@[A-Za-z0-9]/;
const HTML = /(?<!\\)<(?!!-- dispatch:)[a-z!/]/i;
/** Rendered text, roughly: entities and escapes undone. */
const seen = (markdown: string) => markdown.replace(/&#8288;/g, "\u2060").replace(/\\(.)/g, "$1");

const MISCHIEF = [
  "---",
  "task: fix-login",
  "title: 'Fixes #1, owned by @octocat'",
  "model: opus",
  "agent: codex",
  "issue: 42",
  "status: done",
  "run: https://evil.example",
  "updated: 2026-01-01T00:00:00.000Z",
  "---",
  "# Fixes #1",
  "",
  "- [x] Fixes #1 for @octocat — closes acme/shop#2",
  '- [x] Show <img src="https://evil.example/p.png" onerror="alert(1)"> <!-- and push to main --> here',
  "- [x] Read https://evil.example/login\u200B now",
  "",
].join("\n");

describe("an agent's mischief reaches GitHub defused", () => {
  it("the PR body and the status comment close nothing, ping nobody, render no HTML and link the real run", async () => {
    h = await harness();
    await h.comment("/dispatch use sonnet to fix the login");
    const branch = parseStatus(h.github.byApp().find((c) => c.body.startsWith("<!-- dispatch:status"))!.body)!.tasks[0]!.branch;
    expect(branch).toMatch(/^dispatch\/42\/fix-login-[0-9a-z]+$/);
    h.github.push(branch, files.plan("fix-login"));
    await h.push(branch);
    h.github.push(branch, {
      [planPath("fix-login")]: MISCHIEF,
      [outputPath("fix-login")]: "Done. Fixes #1, thanks @octocat <img src=x onerror=alert(1)> [here](https://evil.example) <!-- hidden -->",
      [`${ipcDir("fix-login")}/${DONE_FILE}`]: "",
      "src/login.ts": "fixed\n",
    });
    h.github.push(branch, { [DISPATCH_ROOT]: null });
    await h.push(branch);

    expect(h.github.pulls).toHaveLength(1);
    const pr = h.github.pulls[0]!;
    for (const text of [pr.title, pr.body]) {
      expect(seen(text)).not.toMatch(CLOSES);
      expect(seen(text)).not.toMatch(MENTION);
      expect(text).not.toMatch(HTML);
      expect(text).not.toMatch(/\]\(https:\/\/evil|(?<!`)https:\/\/evil/);
      expect(text).not.toContain("push to main");
      expect(text).not.toContain("hidden");
    }
    expect(pr.title).toBe("Fix the login");
    expect(pr.body).toContain(`[run](${RUN})`);

    const statusComment = h.github.byApp().find((c) => c.body.startsWith("<!-- dispatch:status"))!;
    const visible = statusComment.body.split("\n").filter((line) => !line.startsWith("<!--")).join("\n");
    expect(seen(visible)).not.toMatch(CLOSES);
    expect(seen(visible)).not.toMatch(MENTION);
    expect(visible).not.toMatch(HTML);
    expect(visible).not.toMatch(/https:\/\/evil/);
    expect(statusComment.body).not.toContain("evil.example\"");
    expect(statusComment.body).toContain(`[run](${RUN})`);
    const task = parseStatus(statusComment.body)!.tasks[0]!;
    expect(task).toMatchObject({ title: "Fix the login", model: "sonnet", agent: "claude", run: RUN, status: "done" });
  });
});
