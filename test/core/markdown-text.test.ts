import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { escapeInline, fitText, oneLine, unescapeInline } from "../../src/core/markdown-text.js";

describe("escapeInline", () => {
  it("reads back any one-line text exactly", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary" }).map((s) => s.replace(/[\r\n]/g, " ").trim()), (text) => {
        expect(unescapeInline(escapeInline(text))).toBe(text);
      }),
      { numRuns: 2000 },
    );
  });

  it("leaves no markdown, HTML, mention or separator active", () => {
    expect(escapeInline("<!-- x --> **b** [l](u) `c` $m$ a — b @me & ~s~ |t|")).toBe(
      "\\<\\!-- x --\\> \\*\\*b\\*\\* \\[l\\]\\(u\\) \\`c\\` \\$m\\$ a &mdash; b @&#8288;me \\& \\~s\\~ \\|t\\|",
    );
    expect(escapeInline("mail me@example.com\nnext")).toBe("mail me@example.com next");
  });
});

describe("escapeInline, defused", () => {
  it("closes nothing, links nothing, references no other repository, and reads back exactly", () => {
    const text = "Fixes #1, closes acme/shop#2, resolves https://github.com/o/r/issues/3, see www.evil.example and other/repo#4";
    const escaped = escapeInline(text);
    expect(unescapeInline(escaped)).toBe(text);
    const rendered = escaped.replace(/&#8288;/g, "\u2060").replace(/\\(.)/g, "$1");
    expect(rendered).not.toMatch(/\b(fixes|closes|resolves)[\s:]+(#|acme|https)/i);
    expect(rendered).not.toMatch(/https:\/\/|www\.|\w\/\w+#\d|#\d/);
    expect(rendered.replace(/\u2060/g, "")).toBe(text);
  });
});

describe("fitText", () => {
  it("never exceeds the maximum and ends with the notice when cut", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme", maxLength: 500 }), fc.integer({ min: 0, max: 600 }), (text, max) => {
        const out = fitText(text, max, "(cut)");
        expect(out.length).toBeLessThanOrEqual(Math.max(max, 0));
        if (text.length <= max) expect(out).toBe(text);
        else if (max >= 20) expect(out.endsWith("(cut)")).toBe(true);
      }),
    );
  });

  it("does not split a surrogate pair", () => {
    const out = fitText("😀".repeat(50), 40, "…");
    expect(out).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
  });
});

describe("oneLine", () => {
  it("joins lines with one space, as the whitespace-around-breaks rule says", () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom("a", " ", "\t", "\n", "\r", "\u2028", "b") }), (text) => {
        expect(oneLine(text)).toBe(text.replace(/\s*[\r\n]+\s*/g, " ").trim());
      }),
      { numRuns: 2000 },
    );
  });

  it("handles a long blank run without a line break", () => {
    expect(oneLine(`fixes${" ".repeat(60_000)}#1`)).toBe(`fixes${" ".repeat(60_000)}#1`);
  });
});
