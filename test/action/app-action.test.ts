/**
 * The serverless app's action (action/app: dispatch-app.yml's app job and dispatch.yml's monitor job): its metadata,
 * its committed bundle being exactly what the sources build, and clear failures on bad inputs.
 */
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { validateAction } from "@action-validator/core";
import { execa } from "execa";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";

const ROOT = join(import.meta.dirname, "../..");
const BUNDLE = join(ROOT, "action/app/dist/index.js");

describe("action/app/action.yml", () => {
  it("is a valid node24 action taking the mode, the token and the monitor's dispatch", async () => {
    const text = await readFile(join(ROOT, "action/app/action.yml"), "utf8");
    expect(validateAction(text.replace("using: node24", "using: node20")).errors).toEqual([]);
    const meta = parse(text) as { runs: unknown; inputs: Record<string, { required?: boolean; default?: string }> };
    expect(meta.runs).toEqual({ using: "node24", main: "dist/index.js" });
    expect(Object.keys(meta.inputs).sort()).toEqual(["app-slug", "comment", "github-token", "issue", "jobs-seconds", "mode", "poll-seconds"]);
    expect(meta.inputs["mode"]?.required).toBe(true);
    expect(meta.inputs["github-token"]?.default).toBe("${{ github.token }}");
  });
});

describe("action/app/dist/index.js", () => {
  it("is exactly what scripts/build-action.mjs --app builds from the sources (run npm run build:action)", async () => {
    const dir = await mkdtemp(join(tmpdir(), "dispatch-app-bundle-"));
    try {
      const out = join(dir, "index.js");
      await execa(process.execPath, [join(ROOT, "scripts/build-action.mjs"), out, "--app"], { cwd: ROOT });
      const [fresh, committed] = await Promise.all([readFile(out), readFile(BUNDLE)]);
      const [freshLines, committedLines] = [fresh.toString("utf8").split("\n"), committed.toString("utf8").split("\n")];
      const line = freshLines.findIndex((text, i) => text !== committedLines[i]);
      const where = line < 0 ? `the committed file has ${committedLines.length - freshLines.length} more line(s)` : `first difference at line ${line + 1}`;
      expect(fresh.equals(committed), `action/app/dist/index.js is not what the sources build (${where}): run npm run build:action and commit it`).toBe(true);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  const run = (inputs: Record<string, string>) =>
    execa(process.execPath, [BUNDLE], {
      reject: false,
      extendEnv: false,
      env: { PATH: process.env["PATH"] ?? "", ...Object.fromEntries(Object.entries(inputs).map(([k, v]) => [`INPUT_${k.toUpperCase()}`, v])) },
    });

  it("refuses bad inputs with a clear error and exit code 1, calling nothing", async () => {
    const cases: Array<[Record<string, string>, RegExp]> = [
      [{}, /::error::Input required and not supplied: mode/],
      [{ mode: "app", "github-token": "" }, /::error::github-token is empty/],
      [{ mode: "serve", "github-token": "t" }, /::error::mode must be app, monitor or sweep, not "serve"/],
      [{ mode: "monitor", "github-token": "t", issue: "x", comment: "5" }, /::error::monitor: issue must be a positive number/],
      [{ mode: "monitor", "github-token": "t", issue: "3", comment: "" }, /::error::monitor: comment must be the \/dispatch comment's id/],
      [{ mode: "monitor", "github-token": "t", issue: "3", comment: "5", "jobs-seconds": "0" }, /::error::monitor: jobs-seconds must be a positive number/],
    ];
    for (const [inputs, message] of cases) {
      const result = await run(inputs);
      expect(result.exitCode, JSON.stringify(inputs)).toBe(1);
      expect(result.stdout).toMatch(message);
    }
  });

  it("an event the app does not answer (a manual run) ends at once, handled by nothing", async () => {
    const result = await execa(process.execPath, [BUNDLE], {
      reject: false,
      extendEnv: false,
      env: { PATH: process.env["PATH"] ?? "", INPUT_MODE: "app", "INPUT_GITHUB-TOKEN": "t", GITHUB_EVENT_NAME: "workflow_dispatch", GITHUB_API_URL: "http://127.0.0.1:9" },
    });
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain("outcome");
    expect(result.stdout).toContain("ignored");
  });
});
