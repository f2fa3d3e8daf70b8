import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseQuoteReply } from "../../src/core/answer.js";
import { renderQuestion } from "../../src/core/question.js";

/** What GitHub's "Quote reply" produces: the visible lines behind `> ` (no HTML comment), a blank line, the cursor. */
function quoteReply(comment: string, answer: string): string {
  const visible = comment.split("\n").filter((line) => !line.startsWith("<!--"));
  return `${visible.map((line) => `> ${line}`).join("\n")}\n\n${answer}`;
}

describe("parseQuoteReply", () => {
  const question = renderQuestion({ task: "api-tests", seq: 2, model: "sonnet", question: "Mock the payment gateway?" });

  it("finds the quoted question and the reply's text", () => {
    expect(parseQuoteReply(quoteReply(question, "Yes, mock it.\n\nUse nock."))).toEqual({
      task: "api-tests",
      seq: 2,
      text: "Yes, mock it.\n\nUse nock.",
    });
  });

  it("accepts `>` without a space, nested quotes, a part of the comment, and CRLF", () => {
    expect(parseQuoteReply(">**❓ Question 002 from `api-tests`** (sonnet)\r\n\r\nno\r\n")).toEqual({
      task: "api-tests",
      seq: 2,
      text: "no",
    });
    expect(parseQuoteReply("> > ❓ Question 17 from api-tests (sonnet)\n> > > Mock it?\nsure")).toEqual({
      task: "api-tests",
      seq: 17,
      text: "sure",
    });
    expect(parseQuoteReply("  > Question 003 from `db-migration`\n> > Shall I?\n\nyes")).toMatchObject({
      task: "db-migration",
      seq: 3,
    });
  });

  it("takes the first quoted heading and keeps text between quotes", () => {
    const body = "> Question 001 from `a`\n> Question 002 from `b`\n\nfirst part\n> more quote\nsecond part";
    expect(parseQuoteReply(body)).toEqual({ task: "a", seq: 1, text: "first part\nsecond part" });
  });

  it("is null without a quoted heading or without text", () => {
    expect(parseQuoteReply("Question 001 from `a`\nyes")).toBeNull();
    expect(parseQuoteReply("> just a quote\n\nyes")).toBeNull();
    expect(parseQuoteReply(quoteReply(question, "   \n "))).toBeNull();
    expect(parseQuoteReply("> Question 001 from `Not--An-Id-`\n\nyes")).toBeNull();
    expect(parseQuoteReply("")).toBeNull();
  });

  it("round-trips any answer text through a quote reply of any question", () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^[a-z0-9]{1,10}(-[a-z0-9]{1,10}){0,2}$/),
        fc.integer({ min: 1, max: 9999 }),
        fc.string(),
        fc.string({ minLength: 1 }).filter((s) => s.trim() !== "" && !/^\s*>/m.test(s)),
        (task, seq, text, answer) => {
          const body = renderQuestion({ task, seq, model: "opus", question: text });
          expect(parseQuoteReply(quoteReply(body, answer))).toEqual({ task, seq, text: answer.replace(/\r\n?/g, "\n").trim() });
        },
      ),
    );
  });

  it("never throws", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 2000 }), (body) => {
        expect(() => parseQuoteReply(body)).not.toThrow();
      }),
    );
  });
});
