/** dispatch-ask: the question file, the wait, the acknowledgement, the exit codes — run as the real program. */
import { existsSync } from "node:fs";
import { mkdtemp, readFile, readdir, rm, writeFile, mkdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ask } from "../../src/worker/ask.js";
import { ASK_COMMAND } from "./helpers.js";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "dispatch-ask-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function runAsk(args: string[], env: Record<string, string> = {}) {
  const [file, ...rest] = ASK_COMMAND;
  return execa(file!, [...rest, ...args], { reject: false, env: { DISPATCH_DIR: dir, DISPATCH_ASK_POLL_MS: "20", ...env } });
}

describe("dispatch-ask", () => {
  it("writes the next question, waits for the answer, acknowledges it and prints it (exit 0)", async () => {
    await mkdir(join(dir, "ipc"));
    await writeFile(join(dir, "ipc/001.question"), "earlier\n");
    await writeFile(join(dir, "ipc/001.answer"), "earlier answer\n");
    const running = runAsk(["Should I", "flag INFO logs?"]);
    const question = join(dir, "ipc/002.question");
    while (!existsSync(question)) await new Promise((r) => setTimeout(r, 20));
    expect(await readFile(question, "utf8")).toBe("Should I flag INFO logs?\n");
    await writeFile(join(dir, "ipc/002.answer"), "Yes, flag them\n");
    const result = await running;
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toBe("Yes, flag them");
    expect(existsSync(join(dir, "ipc/002.done"))).toBe(true);
    expect((await readdir(join(dir, "ipc"))).filter((n) => n.endsWith(".tmp"))).toEqual([]);
  });

  it("an answer file still empty (git creates it, then writes it) is read again until its text is there", async () => {
    await mkdir(join(dir, "ipc"));
    // There before the question is even written: the first look at it finds it empty.
    await writeFile(join(dir, "ipc/001.answer"), "");
    const asking = ask({ dir, question: "Which tone?", timeoutMs: 60_000, pollMs: 20 });
    const question = join(dir, "ipc/001.question");
    while (!existsSync(question)) await new Promise((r) => setTimeout(r, 20));
    await writeFile(join(dir, "ipc/001.answer"), "Friendly\n");
    expect(await asking).toEqual({ answered: true, seq: 1, answer: "Friendly\n" });
    expect(existsSync(join(dir, "ipc/001.done"))).toBe(true);
  });

  it("exits 3 with a message telling the agent to stop when nobody answers in time", async () => {
    const result = await runAsk(["Anyone there?"], { DISPATCH_QUESTION_TIMEOUT_SECONDS: "0.3" });
    expect(result.exitCode).toBe(3);
    expect(result.stderr).toContain("question 001 was not answered in time. Stop now");
    expect(await readFile(join(dir, "ipc/001.question"), "utf8")).toBe("Anyone there?\n");
    expect(existsSync(join(dir, "ipc/001.done"))).toBe(false);
  });

  it("exits 4 and asks nothing past the run's last question number, telling the worker through the limit file", async () => {
    await mkdir(join(dir, "ipc"));
    for (const seq of ["001", "002"]) await writeFile(join(dir, `ipc/${seq}.question`), "earlier\n");
    const limitFile = join(dir, "limit");
    const result = await runAsk(["A third?"], { DISPATCH_LAST_QUESTION: "2", DISPATCH_QUESTION_LIMIT_FILE: limitFile });
    expect(result.exitCode).toBe(4);
    expect(result.stderr).toContain("this run has asked 10 questions, the most a run may ask");
    expect(existsSync(join(dir, "ipc/003.question"))).toBe(false);
    expect(await readFile(limitFile, "utf8")).toBe("A third?\n");
  });

  it("exits 2 on a usage error", async () => {
    expect((await runAsk([])).exitCode).toBe(2);
    const noDir = await execa(ASK_COMMAND[0]!, [...ASK_COMMAND.slice(1), "question"], { reject: false, env: { DISPATCH_DIR: "" } });
    expect(noDir.exitCode).toBe(2);
    expect(noDir.stderr).toContain("DISPATCH_DIR is not set");
  });

  it("never overwrites a question: two askers get two numbers", async () => {
    const [a, b] = await Promise.all([ask({ dir, question: "A", timeoutMs: 50, pollMs: 10 }), ask({ dir, question: "B", timeoutMs: 50, pollMs: 10 })]);
    expect([a.seq, b.seq].sort()).toEqual([1, 2]);
    const texts = [await readFile(join(dir, "ipc/001.question"), "utf8"), await readFile(join(dir, "ipc/002.question"), "utf8")];
    expect(texts.sort()).toEqual(["A\n", "B\n"]);
  });
});
