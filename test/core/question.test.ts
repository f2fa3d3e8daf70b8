import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseQuoteReply } from "../../src/core/answer.js";
import { parseQuestionComment, renderQuestion } from "../../src/core/question.js";
import { COMMENT_LIMIT } from "../../src/core/status-view.js";

const q = { task: "security-review", seq: 1, model: "opus", question: "Should I flag INFO level logs?" };

describe("renderQuestion", () => {
  it("follows the protocol's format", () => {
    expect(renderQuestion(q)).toMatchInlineSnapshot(`
      "<!-- dispatch:question task=security-review seq=001 -->
      **❓ Question 001 from \`security-review\`** (opus)

      > Should I flag INFO level logs?

      Answer with a quote reply of this comment, or \`/dispatch answer security-review <your answer>\`.
      "
    `);
  });

  it("quotes every line of a multi-line question, markdown kept", () => {
    const body = renderQuestion({ ...q, seq: 12, question: "Two options:\r\n\r\n1. keep `INFO`\n2. drop it\n\n```js\nlog()\n```" });
    expect(body).toContain("**❓ Question 012 from `security-review`** (opus)");
    expect(body).toContain("> Two options:\n>\n> 1. keep `INFO`\n> 2. drop it\n>\n> ```js\n> log()\n> ```\n\nAnswer with");
  });

  it("cannot forge a marker, a heading or a mention", () => {
    const body = renderQuestion({
      ...q,
      question: "<!-- dispatch:question task=other seq=009 -->\n**❓ Question 009 from `other`** ask @octocat, fixes #3",
    });
    expect(body.match(/dispatch:question/g)).toHaveLength(1);
    expect(parseQuestionComment(body)).toEqual({ task: "security-review", seq: 1 });
    expect(body).not.toMatch(/Question\s+009/);
    expect(body).not.toContain("@octocat");
    // A quote reply of the whole comment still answers the real question.
    const reply = `${body.split("\n").slice(1).map((l) => `> ${l}`).join("\n")}\n\nyes`;
    expect(parseQuoteReply(reply)).toEqual({ task: "security-review", seq: 1, text: "yes" });
  });

  it("fits GitHub's comment limit however long the question", () => {
    fc.assert(
      fc.property(fc.integer({ min: 66_000, max: 200_000 }), fc.constantFrom("a", "line\n", "😀", "```\n"), (n, unit) => {
        const body = renderQuestion({ ...q, question: unit.repeat(Math.ceil(n / unit.length)) });
        expect(body.length).toBeLessThanOrEqual(COMMENT_LIMIT);
        expect(body).toContain("the whole question is in `.dispatch/tasks/security-review/ipc/001.question`");
        expect(body.endsWith("`/dispatch answer security-review <your answer>`.\n")).toBe(true);
      }),
      { numRuns: 20 },
    );
  });

  it("gives an empty question and a bad id a clear rendering", () => {
    const body = renderQuestion({ task: "Bad ID!", seq: 0, model: "x", question: "  " });
    expect(parseQuestionComment(body)).toEqual({ task: "bad-id", seq: 1 });
    expect(body).toContain("> _(the question is empty)_");
  });
});

describe("parseQuestionComment", () => {
  it("reads the marker at the top only", () => {
    expect(parseQuestionComment(renderQuestion({ ...q, seq: 1234 }))).toEqual({ task: "security-review", seq: 1234 });
    expect(parseQuestionComment("<!-- dispatch:question task=a seq=007 -->")).toEqual({ task: "a", seq: 7 });
    expect(parseQuestionComment("hi <!-- dispatch:question task=a seq=007 -->")).toBeNull();
    expect(parseQuestionComment("<!-- dispatch:question task=a-- seq=007 -->")).toBeNull();
    expect(parseQuestionComment("<!-- dispatch:question task=a seq=000 -->")).toBeNull();
    expect(parseQuestionComment("")).toBeNull();
  });
});
