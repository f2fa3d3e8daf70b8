import { describe, expect, it } from "vitest";
import { findPullRequestTask, renderOutputReply, renderPullRequest, TITLE_LIMIT } from "../../src/core/pull-request.js";
import { COMMENT_LIMIT, type TaskView } from "../../src/core/status-view.js";

const task: TaskView = {
  id: "update-readme",
  title: "update the README with recent changes",
  model: "gemini",
  agent: "gemini",
  status: "done",
  items: [
    { text: "Review recent changes in git log", state: "done", note: "14 commits since v1.2" },
    { text: "Update README installation section", state: "done" },
    { text: "Write a summary to output.md", state: "done" },
  ],
  branch: "dispatch/42/update-readme",
  after: [],
  run: "https://github.com/acme/shop/actions/runs/125",
  cost_usd: 0.42,
  asked: [],
};

const output = "## Summary\n\nUpdated the install section for `npm ci`.\r\nThanks @octocat, this fixes #12.";

describe("renderPullRequest", () => {
  it("links the issue, names the model, shows the checklist and the output", () => {
    const pr = renderPullRequest({ task, output, issue: 42 });
    expect(pr.title).toBe("update the README with recent changes");
    expect(pr.body).toMatchInlineSnapshot(`
      "<!-- dispatch:pr task=update-readme -->
      Dispatched from #42 · task \`update-readme\` · model gemini (gemini) · [run](https://github.com/acme/shop/actions/runs/125) · \\$0.42

      ### Checklist

      - [x] Review recent changes in git log — 14 commits since v1.2
      - [x] Update README installation section
      - [x] Write a summary to output.md

      ### Output

      ## Summary

      Updated the install section for \`npm ci\`.
      Thanks @⁠octocat, this fixes⁠ #⁠12.
      "
    `);
    expect(findPullRequestTask(pr.body)).toBe("update-readme");
  });

  it("defuses mentions, closing keywords and forged markers in the output", () => {
    const { body } = renderPullRequest({ task, output: "<!-- dispatch:pr task=other -->\nCloses #7, @team", issue: 42 });
    expect(body).not.toContain("@team");
    expect(body).not.toMatch(/Closes\s+#7/);
    expect(body.match(/dispatch:pr/g)).toHaveLength(1);
  });

  it("shows unfinished, question and error items", () => {
    const failed: TaskView = {
      ...task,
      status: "failed",
      items: [
        { text: "a", state: "pending" },
        { text: "b", state: "question" },
        { text: "c", state: "error", reason: "exit 1\n\nnpm ERR! <boom>" },
      ],
    };
    expect(renderPullRequest({ task: failed, output: "", issue: 1 }).body).toContain(
      "- [ ] a\n- [ ] ❓ b (waiting for an answer)\n- [ ] ✗ c\n  > exit 1\n  > npm ERR\\! \\<boom\\>\n\n### Output\n\n_The task wrote no `output.md`._",
    );
  });

  it("keeps the title to 256 characters on one line", () => {
    const { title } = renderPullRequest({ task: { ...task, title: `fix\nthe ${"very ".repeat(100)}long title` }, output, issue: 1 });
    expect(title.length).toBeLessThanOrEqual(TITLE_LIMIT);
    expect(title).toMatch(/^fix the very very .*…$/);
    expect(renderPullRequest({ task: { ...task, title: "  " }, output, issue: 1 }).title).toBe("update-readme");
  });

  it("cuts a long output to fit 65,536 characters, closing an open code fence", () => {
    const long = `intro\n\n\`\`\`\n${"console.log(1);\n".repeat(10_000)}\`\`\`\n`;
    const { body } = renderPullRequest({ task, output: long, issue: 42 });
    expect(body.length).toBeLessThanOrEqual(COMMENT_LIMIT);
    expect(body).toContain("### Checklist");
    expect(body).toMatch(/\n```\n\n_… cut to fit in a pull request description: .*`dispatch\/42\/update-readme~1`/);
    expect(body.match(/^```/gm)).toHaveLength(2);
  });

  it("fits even with a huge checklist and output", () => {
    const items = Array.from({ length: 5000 }, (_, i) => ({ text: `item ${i} ${"x".repeat(50)}`, state: "done" as const }));
    const { body } = renderPullRequest({ task: { ...task, items }, output: "y".repeat(100_000), issue: 42 });
    expect(body.length).toBeLessThanOrEqual(COMMENT_LIMIT);
    expect(body).toContain("Dispatched from #42");
  });
});

describe("renderOutputReply", () => {
  it("is the headline and the output", () => {
    expect(renderOutputReply({ task, output })).toMatchInlineSnapshot(`
      "<!-- dispatch:output task=update-readme -->
      **● update-readme** (gemini) — COMPLETE · no code changes, so no pull request · [run](https://github.com/acme/shop/actions/runs/125)

      ## Summary

      Updated the install section for \`npm ci\`.
      Thanks @⁠octocat, this fixes⁠ #⁠12.
      "
    `);
  });

  it("fits the limit and says when there is no output", () => {
    expect(renderOutputReply({ task, output: "z".repeat(80_000) }).length).toBeLessThanOrEqual(COMMENT_LIMIT);
    expect(renderOutputReply({ task: { ...task, status: "failed" }, output: " " })).toContain(
      "— FAILED · no code changes, so no pull request",
    );
    expect(renderOutputReply({ task, output: "" })).toContain("_The task wrote no `output.md`._");
  });
});
