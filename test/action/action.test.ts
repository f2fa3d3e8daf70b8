/**
 * The Action: its metadata matches the protocol, the committed bundle is what the sources build, and the bundle runs a
 * task end to end (dispatch-ask included) under this machine's Node 20 and under Node 24, the runners' runtime.
 */
import { readFile, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { validateAction } from "@action-validator/core";
import { execa } from "execa";
import { parse } from "yaml";
import { DEFAULT_MODEL_SILENCE_MS } from "../../src/core/agent-silence.js";
import { parsePlan } from "../../src/core/plan.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { agent, makeRig, ROOT, spec, type Rig } from "../worker/helpers.js";

const BUNDLE = join(ROOT, "action/dist/index.js");

describe("action.yml", () => {
  it("is a valid node24 action with the protocol's inputs and outputs", async () => {
    const text = await readFile(join(ROOT, "action/action.yml"), "utf8");
    // @action-validator/core 0.6's schema predates node24 (it knows node12/16/20): validate the rest with node20.
    expect(validateAction(text.replace("using: node24", "using: node20")).errors).toEqual([]);
    const meta = parse(text) as { runs: { using: string; main: string }; inputs: Record<string, { required?: boolean; default?: string }>; outputs: Record<string, unknown> };
    expect(meta.runs).toEqual({ using: "node24", main: "dist/index.js" });
    expect(Object.keys(meta.inputs).sort()).toEqual(
      [
        "agent-command", "agent-inactivity-seconds", "agent-user", "base", "branch-prefix", "comment", "github-token", "issue", "model-silence-seconds",
        "push-interval-seconds", "question-timeout-minutes", "task",
      ].sort(),
    );
    for (const name of ["task", "issue", "base"]) expect(meta.inputs[name]?.required).toBe(true);
    expect(meta.inputs["github-token"]?.default).toBe("${{ github.token }}");
    expect(meta.inputs["question-timeout-minutes"]?.default).toBe("30");
    expect(meta.inputs["push-interval-seconds"]?.default).toBe("5");
    expect(meta.inputs["agent-inactivity-seconds"]?.default).toBe("600");
    // The same default as the worker's: a silent model ends the task within 90 s (test/core/agent-silence.test.ts).
    expect(Number(meta.inputs["model-silence-seconds"]?.default) * 1000).toBe(DEFAULT_MODEL_SILENCE_MS);
    expect(meta.inputs["branch-prefix"]?.default).toBe("dispatch/");
    expect(meta.inputs["agent-user"]?.default).toBe("dispatch-agent");
    expect(Object.keys(meta.outputs).sort()).toEqual(["branch", "status"]);
  });
});

describe("action/dist/index.js", () => {
  it("is exactly what scripts/build-action.mjs builds from the sources (run npm run build:action)", async () => {
    const dir = await mkdtemp(join(tmpdir(), "dispatch-bundle-"));
    try {
      const out = join(dir, "index.js");
      await execa(process.execPath, [join(ROOT, "scripts/build-action.mjs"), out], { cwd: ROOT });
      const [fresh, committed] = await Promise.all([readFile(out), readFile(BUNDLE)]);
      const [freshLines, committedLines] = [fresh.toString("utf8").split("\n"), committed.toString("utf8").split("\n")];
      const line = freshLines.findIndex((text, i) => text !== committedLines[i]);
      const where = line < 0 ? `the committed file has ${committedLines.length - freshLines.length} more line(s)` : `first difference at line ${line + 1}`;
      expect(fresh.equals(committed), `action/dist/index.js is not what the sources build (${where}): run npm run build:action and commit it`).toBe(true);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

/** Node 24's binary, fetched by npx from the npm registry. Run directly: npx's shell would drop `INPUT_AGENT-COMMAND`. */
async function node24(): Promise<string> {
  const result = await execa("npx", ["-y", "-p", "node@24", "node", "-p", "process.execPath"], { timeout: 120_000 });
  return result.stdout.trim().split("\n").at(-1)!;
}

describe.each([
  ["Node 20 (this machine)", async () => process.execPath, "v20."],
  ["Node 24", node24, "v24."],
])("the bundle under %s", (_name, findNode, version) => {
  let rig: Rig;
  let node: string[];
  beforeAll(async () => {
    rig = await makeRig();
    node = [await findNode()];
    expect((await execa(node[0]!, ["--version"])).stdout).toMatch(new RegExp(`^${version.replace(".", "\\.")}`));
  }, 120_000);
  afterAll(async () => {
    await rig.cleanup();
  });

  it("runs a task that asks a question, and sets the outputs and the job summary", { timeout: 90_000 }, async () => {
    const ws = await rig.workspace();
    const files = await mkdtemp(join(rig.root, "runner-"));
    const outputFile = join(files, "output");
    const summaryFile = join(files, "summary");
    await writeFile(outputFile, "");
    await writeFile(summaryFile, "");
    const [file, ...pre] = node;
    const running = execa(file!, [...pre, BUNDLE], {
      cwd: ws,
      reject: false,
      env: {
        PATH: process.env["PATH"] ?? "",
        HOME: process.env["HOME"] ?? "",
        INPUT_TASK: JSON.stringify(spec({ id: "api-tests", title: "Write API tests" })),
        INPUT_ISSUE: "7",
        INPUT_BASE: "main",
        "INPUT_GITHUB-TOKEN": "",
        "INPUT_AGENT-COMMAND": agent("asker"),
        "INPUT_PUSH-INTERVAL-SECONDS": "0.3",
        "INPUT_QUESTION-TIMEOUT-MINUTES": "1",
        GITHUB_WORKSPACE: ws,
        GITHUB_OUTPUT: outputFile,
        GITHUB_STEP_SUMMARY: summaryFile,
        GITHUB_SERVER_URL: "https://github.com",
        GITHUB_REPOSITORY: "acme/shop",
        GITHUB_RUN_ID: "99",
        RUNNER_TEMP: files,
      },
    });
    const branch = "dispatch/7/api-tests";
    const dir = ".dispatch/tasks/api-tests";
    await rig.until("the question", () => rig.show(branch, `${dir}/ipc/001.question`), 60_000);
    await rig.appCommit(branch, { [`${dir}/ipc/001.answer`]: "Yes\n" }, "dispatch(api-tests): answer 001");
    const result = await running;
    expect(result.stderr).not.toMatch(/error|warning/i);
    expect(result.exitCode).toBe(0);
    const outputs = await readFile(outputFile, "utf8");
    expect(outputs).toMatch(/^status<<(.+)\ndone\n\1$/m);
    expect(outputs).toMatch(/^branch<<(.+)\ndispatch\/7\/api-tests\n\1$/m);
    const summary = await readFile(summaryFile, "utf8");
    expect(summary).toContain("<h2>dispatch: done</h2>");
    expect(summary).toContain("- [x] Review authentication logic");
    expect(summary).toContain("The maintainer said: Yes");
    expect(parsePlan(rig.show(`${branch}~1`, `${dir}/plan.md`) ?? "")).toMatchObject({ status: "done", run: "https://github.com/acme/shop/actions/runs/99" });
    expect(rig.log(branch)[0]).toBe("dispatch(api-tests): remove bookkeeping");
  });

  it("refuses bad inputs with a message naming the input", async () => {
    const [file, ...pre] = node;
    const result = await execa(file!, [...pre, BUNDLE], {
      reject: false,
      env: { PATH: process.env["PATH"] ?? "", HOME: process.env["HOME"] ?? "", INPUT_TASK: "{", INPUT_ISSUE: "1", INPUT_BASE: "main" },
    });
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toContain("::error::input `task`: not JSON");
  });
});
