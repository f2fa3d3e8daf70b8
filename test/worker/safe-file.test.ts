/**
 * The worker's file operations in the agent's worktree (src/worker/safe-file.ts) never go through a link the agent
 * planted: not a link in place of a folder on the way, not one that appears and disappears while the worker works
 * (a hostile agent swapping a folder for a link as fast as it can). Real files in a temporary folder.
 */
import { spawn, spawnSync } from "node:child_process";
import { mkdir, mkdtemp, readdir, readFile, realpath, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ensureFolder, fileState, readPlain, removePath, replaceAtomically, writePlain } from "../../src/worker/safe-file.js";
import { ROOT } from "./helpers.js";

let base: string;
let worktree: string;
let outside: string;
beforeEach(async () => {
  base = await realpath(await mkdtemp(join(tmpdir(), "dispatch-safe-file-")));
  worktree = join(base, "worktree");
  outside = join(base, "outside");
  await mkdir(join(worktree, ".dispatch/tasks/t/ipc"), { recursive: true });
  await mkdir(outside);
  await writeFile(join(outside, "001.answer"), "not the worktree's\n");
});
afterEach(async () => {
  await rm(base, { recursive: true, force: true });
});

const file = (text: string) => ({ kind: "file" as const, content: Buffer.from(text), executable: false });

describe("a link in place of a folder", () => {
  beforeEach(async () => {
    await rm(join(worktree, ".dispatch/tasks/t/ipc"), { recursive: true });
    await symlink(outside, join(worktree, ".dispatch/tasks/t/ipc"));
  });

  it("is never written, read or removed through", async () => {
    const path = join(worktree, ".dispatch/tasks/t/ipc/001.answer");
    await expect(writePlain(path, "planted\n")).rejects.toThrow(/not a folder/);
    await expect(replaceAtomically(join(worktree, ".dispatch/tasks/t/ipc/new.txt"), file("x"))).rejects.toThrow(/not a folder/);
    await expect(ensureFolder(join(worktree, ".dispatch/tasks/t/ipc/sub"))).rejects.toThrow(/not a folder/);
    expect(await readPlain(path)).toBeNull();
    expect(await fileState(path)).toEqual({ kind: "none" });
    await removePath(path);
    await removePath(join(worktree, ".dispatch/tasks/t/ipc/"));
    expect(await readdir(outside)).toEqual(["001.answer"]);
    expect(await readFile(join(outside, "001.answer"), "utf8")).toBe("not the worktree's\n");
  });

  it("is replaced by a real folder where the worktree must hold one (makeWay)", async () => {
    await replaceAtomically(join(worktree, ".dispatch/tasks/t/ipc/.cancel"), file("cancel\n"), { makeWay: true });
    expect(await readFile(join(worktree, ".dispatch/tasks/t/ipc/.cancel"), "utf8")).toBe("cancel\n");
    expect((await fileState(join(worktree, ".dispatch/tasks/t/ipc/.cancel"))).kind).toBe("file");
    expect(await readdir(outside)).toEqual(["001.answer"]);
  });

  it("a link itself is reported as a link, and replaced, not followed, by a write", async () => {
    await symlink(join(outside, "001.answer"), join(worktree, "plan.md"));
    expect(await fileState(join(worktree, "plan.md"))).toEqual({ kind: "link", target: join(outside, "001.answer") });
    await writePlain(join(worktree, "plan.md"), "# plan\n");
    expect(await readFile(join(worktree, "plan.md"), "utf8")).toBe("# plan\n");
    expect(await readFile(join(outside, "001.answer"), "utf8")).toBe("not the worktree's\n");
  });
});

describe("a folder the agent keeps swapping for a link", () => {
  it("nothing is ever written or removed outside the worktree", { timeout: 60_000 }, async () => {
    const python = spawnSync("python3", ["--version"]);
    if (python.status !== 0) throw new Error("this test swaps folders with renameat2 through python3: install it (Debian: apt-get install python3; .ci/run does)");
    const folder = join(worktree, ".dispatch/tasks/t/ipc");
    const link = join(worktree, ".dispatch/tasks/t/ipc.swap");
    await symlink(outside, link);
    const swapper = spawn("python3", [join(ROOT, "test/worker/agents/folder-swapper.py"), folder, link], { stdio: "ignore" });
    let landed = 0;
    try {
      for (let i = 0; i < 400; i++) {
        await writePlain(join(folder, "plan.md"), `write ${i}\n`).catch(() => undefined);
        await removePath(join(folder, "001.answer")).catch(() => undefined);
        await replaceAtomically(join(folder, ".cancel"), file("cancel\n")).catch(() => undefined);
        const there = await readdir(outside);
        if (there.length !== 1 || there[0] !== "001.answer") landed++;
        await rm(join(outside, "plan.md"), { force: true });
        await rm(join(outside, ".cancel"), { force: true });
        await writeFile(join(outside, "001.answer"), "not the worktree's\n");
      }
      // The swapping went on all along (it stops when a name it swaps is gone).
      expect(swapper.exitCode).toBeNull();
    } finally {
      const exited = swapper.exitCode !== null ? Promise.resolve() : new Promise((resolve) => swapper.once("exit", resolve));
      swapper.kill("SIGKILL");
      await exited;
    }
    expect(landed).toBe(0);
  });
});
