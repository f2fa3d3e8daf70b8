import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { defuseMarkdown, escapeInline, fitText, unescapeInline } from "../../src/core/markdown-text.js";

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

describe("defuseMarkdown", () => {
  it("keeps the text as a reader sees it", () => {
    const text = "Fixes #3 and resolves: acme/shop#4; @me; dispatch:pr\r\n";
    expect(defuseMarkdown(text).replace(/\u2060/g, "")).toBe(text.replace("\r\n", "\n"));
    expect(defuseMarkdown(text)).not.toMatch(/fixes\s+#3|resolves:\s+acme|@me|dispatch:/i);
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
