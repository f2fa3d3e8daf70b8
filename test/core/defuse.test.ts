import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { defuseLine, defuseMarkdown, isRepositoryUrl, isRunUrl } from "../../src/core/defuse.js";
import { parsePlan } from "../../src/core/plan.js";
import { renderPullRequest } from "../../src/core/pull-request.js";
import { renderQuestion } from "../../src/core/question.js";
import { parseStatus } from "../../src/core/status-read.js";
import { renderStatus } from "../../src/core/status-render.js";
import { queuedView, taskViewFromPlan, type StatusView } from "../../src/core/status-view.js";

const REPO = "https://github.com/acme/shop";
const KEYWORDS = ["close", "closes", "closed", "fix", "fixes", "fixed", "resolve", "resolves", "resolved"];
const REFERENCES = ["#1", "acme/shop#2", "other/lib#3", "GH-4", "https://github.com/acme/shop/issues/5", "https://github.com/acme/shop/pull/6"];

/** What GitHub reads as a closing keyword with a reference (its documented forms, any case, optional colon). */
const CLOSES = /\b(?:close[sd]?|fix(?:e[sd])?|resolve[sd]?)\s*:?\s+(?:#\d|[\w.-]+\/[\w.-]+#\d|gh-\d|https?:\/\/\S+\/(?:issues|pull)\/\d)/i;
/** A mention GitHub would ping. */
const MENTION = /(?:^|[^\w`])@[A-Za-z0-9]/;

/** The text a reader sees: markdown rendered to text, roughly (code spans and escapes undone, joiners kept). */
const seen = (markdown: string) => markdown.replace(/&#8288;/g, "\u2060").replace(/\\(.)/g, "$1");

describe("defuseMarkdown", () => {
  it("breaks every closing keyword in every documented form, and the reader sees the same words", () => {
    for (const keyword of KEYWORDS) {
      for (const reference of REFERENCES) {
        for (const written of [`${keyword} ${reference}`, `${keyword.toUpperCase()}: ${reference}`, `**${keyword}** ${reference}`]) {
          const out = defuseMarkdown(`This ${written}.`, { repoUrl: REPO });
          expect(out, written).not.toMatch(CLOSES);
          expect(out.replace(/\u2060/g, "").replace(/`/g, ""), written).toBe(`This ${written}.`);
        }
      }
    }
  });

  it("pings nobody, renders no HTML or comment, and links only into this repository", () => {
    const out = defuseMarkdown(
      [
        "Thanks @octocat and @acme/team!",
        '<img src="https://evil.example/x.png" onerror="alert(1)"> <b>bold</b> <!-- hidden --> &lt;script&gt;',
        "[click](https://evil.example/a) [file](https://github.com/acme/shop/blob/main/a.ts) ![shot](https://evil.example/s.png)",
        "See https://evil.example/b, www.evil.example and https://github.com/acme/shop/pull/9.",
        "other/lib#3 and acme/shop#4",
        "[ref]: https://evil.example/c",
      ].join("\n"),
      { repoUrl: REPO },
    );
    expect(out).not.toMatch(MENTION);
    expect(out).not.toContain("<");
    expect(out).not.toContain("hidden");
    expect(out).toContain("&lt;img");
    expect(out).toContain("click (`https://evil.example/a`)");
    expect(out).toContain("[file](https://github.com/acme/shop/blob/main/a.ts)");
    expect(out).toContain("image: `https://evil.example/s.png`");
    expect(out).toContain("See `https://evil.example/b`, `www.evil.example` and https://github.com/acme/shop/pull/9.");
    expect(out).toContain("other/lib#\u20603 and acme/shop#4");
    expect(out).toContain("\\[ref]: `https://evil.example/c`");
  });

  it("leaves code as written, except closing keywords", () => {
    const code = "```html\n<b>@me</b> https://evil.example\n```\n";
    expect(defuseMarkdown(`${code}and \`<i>@you</i>\``)).toBe(`${code}and \`<i>@you</i>\``);
    expect(defuseMarkdown("```\nfixes #3\n```")).not.toMatch(CLOSES);
  });

  it("cleans before it defuses: invisible characters, tokens and hidden text never reach GitHub", () => {
    const token = `ghs_${"A1b2".repeat(9)}`;
    expect(defuseMarkdown(`a\u200Bb\u{E0041} ${token} <span hidden>x</span>`)).toBe("ab *** ");
  });

  it("never throws; whatever the text, nothing closes, pings, renders as HTML or links outside the repository", () => {
    const piece = fc.oneof(
      fc.string({ maxLength: 6 }),
      fc.constantFrom(
        ...KEYWORDS, ...REFERENCES, " ", ":", "\n", "@", "octocat", "<", ">", "<!--", "-->", "[", "](", ")", "!", "https://", "www.",
        "evil.example", "**", "&lt;", "&#x23;", "\u200B", "dispatch:", "`",
      ),
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 25 }).map((p) => p.join("")), (text) => {
        const out = defuseMarkdown(text, { repoUrl: REPO });
        expect(out).not.toMatch(CLOSES);
        if (!text.includes("`")) {
          expect(out).not.toMatch(MENTION);
          expect(out).not.toContain("<");
          const outsideCodeAndRepo = out.replace(/`[^`]*`/g, "").replace(/https:\/\/github\.com\/acme\/shop[^\s`]*/g, "");
          expect(outsideCodeAndRepo).not.toMatch(/https?:\/\/[\w-]|www\.\w/);
          expect(out).not.toMatch(/dispatch:/i);
        }
      }),
      { numRuns: 2000 },
    );
  });
});

describe("defuseLine", () => {
  it("is one clean line that closes nothing and pings nobody", () => {
    expect(defuseLine("Fix #12 for @octocat\u200B\nnow")).toBe("Fix\u2060 #\u206012 for @\u2060octocat now");
  });
});

describe("repository and run links", () => {
  it("knows what is inside the repository", () => {
    expect(isRepositoryUrl(`${REPO}/issues/1`, REPO)).toBe(true);
    expect(isRepositoryUrl(REPO, REPO)).toBe(true);
    expect(isRepositoryUrl(`${REPO}-evil/issues/1`, REPO)).toBe(false);
    expect(isRepositoryUrl(`${REPO}/../../evil/repo`, REPO)).toBe(false);
    expect(isRepositoryUrl("https://evil.example", REPO)).toBe(false);
    expect(isRepositoryUrl(`${REPO}/issues/1`, undefined)).toBe(false);
  });

  it("takes only this repository's Actions runs and jobs as run links", () => {
    expect(isRunUrl(`${REPO}/actions/runs/5`, REPO)).toBe(true);
    expect(isRunUrl(`${REPO}/actions/runs/5/job/7`, REPO)).toBe(true);
    expect(isRunUrl(`${REPO}/actions/runs/5/attempts/2`, REPO)).toBe(true);
    for (const url of ["https://evil.example", `${REPO}/actions/runs/5?x=https://evil.example`, `${REPO}/pull/1`, "https://github.com/other/repo/actions/runs/5", undefined]) {
      expect(isRunUrl(url, REPO)).toBe(false);
    }
  });
});

describe("an agent that writes mischief into its plan", () => {
  const spec = { id: "fix-login", title: "fix the login", prompt: "fix the login", model: "sonnet", agent: "claude" as const, worktree: false, steps: [], after: [] };
  const realRun = `${REPO}/actions/runs/77`;
  const plan = parsePlan(
    [
      "---",
      "task: fix-login",
      "title: 'Fixes #1 — owned'",
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
      '- [x] Show <img src="https://evil.example/p.png" onerror="alert(1)"> <!-- push to main --> here',
      "- [x] Visit https://evil.example/login\u200B now\u{E0049}",
      "",
    ].join("\n"),
  )!;
  const previous = { ...queuedView({ spec, branch: "dispatch/42/fix-login" }), status: "running" as const, run: realRun };
  const task = taskViewFromPlan({ previous, plan, repoUrl: REPO });
  const view: StatusView = { command: 1, issue: 42, base: "main", repoUrl: REPO, tasks: [task] };

  it("keeps the app's title, model, agent and run link", () => {
    expect(task).toMatchObject({ title: "fix the login", model: "sonnet", agent: "claude", run: realRun, status: "done" });
  });

  it("cannot close, ping, render HTML or link elsewhere in the status comment, and reads back", () => {
    const body = renderStatus(view);
    const visible = body.split("\n").filter((line) => !line.startsWith("<!--"));
    const text = seen(visible.join("\n"));
    expect(text).not.toMatch(CLOSES);
    expect(text).not.toMatch(MENTION);
    // `\<` is an escaped, literal `<`: shown, never parsed as HTML.
    expect(visible.join("\n")).not.toMatch(/(?<!\\)<|\]\(https:\/\/evil/);
    expect(visible.join("\n")).not.toMatch(/https:\/\/evil/);
    expect(body).toContain(`[run](${realRun})`);
    expect(body).not.toContain("push to main");
    expect(body).not.toMatch(/[\u200B\u{E0049}]/u);
    expect(parseStatus(body)?.tasks[0]?.items.map((i) => i.text)).toEqual(task.items.map((i) => i.text));
  });

  it("cannot close, ping, render HTML or link elsewhere in the pull request", () => {
    const output = "Done. Fixes #1, thanks @octocat <img src=x onerror=alert(1)> [here](https://evil.example)";
    const pr = renderPullRequest({ task, output, issue: 42, repoUrl: REPO });
    const text = seen(pr.body);
    expect(text).not.toMatch(CLOSES);
    expect(text).not.toMatch(MENTION);
    expect(pr.body.split("\n").slice(1).join("\n")).not.toMatch(/(?<!\\)<[a-z!]/i);
    expect(pr.body).not.toMatch(/\]\(https:\/\/evil|(?<!`)https:\/\/evil/);
    expect(pr.body).toContain(`[run](${realRun})`);
    expect(pr.title).toBe("fix the login");
  });

  it("names a failed item cleaned in the task's error", () => {
    const failed = { ...plan, status: "failed" as const, items: [{ text: "Run\u200B the <!-- x --> tests", state: "error" as const }] };
    expect(taskViewFromPlan({ previous, plan: failed, repoUrl: REPO }).error).toBe("stopped at “Run the  tests”");
  });

  it("asks no question that closes, pings or links elsewhere", () => {
    const body = renderQuestion({ task: "fix-login", seq: 1, model: "sonnet", question: "Fixes #1? @octocat <b>x</b> https://evil.example", repoUrl: REPO });
    expect(body).not.toMatch(CLOSES);
    expect(body).not.toMatch(MENTION);
    expect(body).not.toContain("<b>");
    expect(body).toContain("`https://evil.example`");
  });
});

describe("defusing long adversarial input", () => {
  it("handles it (every pattern is linear or bounded)", () => {
    const inputs = [`fixes${" ".repeat(60_000)}#1`, "``a".repeat(20_000), "[".repeat(60_000), "a.".repeat(30_000), "fixes ".repeat(10_000), "![".repeat(30_000), "https://".repeat(8000)];
    for (const input of inputs) {
      expect(defuseMarkdown(input, { repoUrl: REPO })).not.toMatch(CLOSES);
      expect(defuseLine(input).length).toBeGreaterThan(0);
    }
  });
});
