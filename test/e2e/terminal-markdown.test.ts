import { describe, expect, it } from "vitest";
import { inline, renderForTerminal } from "./terminal-markdown.js";

/** A status comment as the app writes it (src/core/status.ts), hidden lines, escapes and entities included. */
const STATUS = [
  "<!-- dispatch:status comment=12 -->",
  '<!-- dispatch:view {"issue":1,"base":"main","repoUrl":"https://github.com/acme/shop","branches":"dispatch/1/"} -->',
  "⏳ **dispatch** · 0 of 1 task complete",
  "",
  '<!-- dispatch:task {"id":"security-review","title":"Do a security review (auth)","model":"opus","status":"running","cost_usd":0.42} -->',
  "● **security-review** (opus) — 1/3 items complete · [run](https://github.com/acme/shop/actions/runs/1) · [branch](https://github.com/acme/shop/tree/dispatch/1/security-review) · \\$0.42",
  "&emsp;✓ Scan for \\*hardcoded\\* secrets — none found &mdash; @&#8288;octocat",
  "&emsp;⋯ Review the login\\_check (in progress)",
  "&emsp;○ Write findings",
  "",
].join("\n");

describe("renderForTerminal", () => {
  it("shows a status comment as GitHub renders it: no hidden lines, entities, escapes or markup", () => {
    expect(renderForTerminal(STATUS)).toBe(
      [
        "⏳ dispatch · 0 of 1 task complete",
        "",
        "● security-review (opus) — 1/3 items complete · run · branch · $0.42",
        "  ✓ Scan for *hardcoded* secrets — none found — @octocat",
        "  ⋯ Review the login_check (in progress)",
        "  ○ Write findings",
      ].join("\n"),
    );
  });

  it("styles bold, italic and links with ANSI codes for a terminal, and never an escaped character", () => {
    expect(inline("**a** *b* [c](https://x) \\*d\\*", stylesOn())).toBe("\u001b[1ma\u001b[22m \u001b[3mb\u001b[23m \u001b[4mc\u001b[24m *d*");
    expect(renderForTerminal("**bold**", { ansi: true })).toBe("\u001b[1mbold\u001b[22m");
  });

  it("keeps code as written: spans and fenced blocks are not markdown", () => {
    expect(renderForTerminal("run `npm **test**` now")).toBe("run npm **test** now");
    expect(renderForTerminal("Reply with:\n```\n/dispatch answer \\*x\\* &emsp;\n```\ndone")).toBe("Reply with:\n    /dispatch answer \\*x\\* &emsp;\ndone");
  });

  it("renders quotes, headings, lists, tables and multi-line hidden comments", () => {
    const body = [
      "<!-- dispatch:question task=a seq=001",
      "more hidden -->",
      "### While it runs",
      "> **security-review** asks:",
      "> Should INFO logs count?",
      "- first",
      "| command | does |",
      "| --- | --- |",
      "| `/dispatch status` | shows the status |",
      "| `/dispatch cancel all` | cancels \\| stops |",
      "<details><summary>Log</summary>",
      "line<br>two",
      "</details>",
    ].join("\n");
    expect(renderForTerminal(body)).toBe(
      [
        "While it runs",
        "│ security-review asks:",
        "│ Should INFO logs count?",
        "• first",
        "command                does",
        "/dispatch status       shows the status",
        "/dispatch cancel all   cancels | stops",
        "Log",
        "line two",
      ].join("\n"),
    );
  });

  it("decodes numeric entities and leaves unknown ones and lone markers alone", () => {
    expect(renderForTerminal("a &#x41; &#66; &bogus; 2 * 3 * 4 snake_case_name")).toBe("a A B &bogus; 2 * 3 * 4 snake_case_name");
  });
});

function stylesOn() {
  const wrap = (open: number, close: number) => (text: string) => `\u001b[${open}m${text}\u001b[${close}m`;
  return { bold: wrap(1, 22), italic: wrap(3, 23), strike: wrap(9, 29), code: wrap(36, 39), link: wrap(4, 24), dim: wrap(2, 22) };
}
