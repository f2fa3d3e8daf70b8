/**
 * What the worker commits is what it reads itself (src/worker/stage.ts): a repository the agent makes in the worktree
 * never runs its commands in the worker's git, and a folder the agent keeps swapping for a link to the worker's files
 * never gets those files committed. Real git, and a real renameat2 swapper.
 */
import { existsSync } from "node:fs";
import { spawn } from "node:child_process";
import { mkdir, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { Git } from "../../src/worker/git.js";
import { git, ROOT } from "./helpers.js";
import { useRig } from "./task-rig.js";

const rig = useRig();

describe("the worker's commits", () => {
  it("never enter a repository the agent made inside the worktree, nor commit it", async () => {
    const ws = await rig().workspace();
    const marker = join(rig().root, "filter-ran");
    // The agent's own repository, with a clean filter that would run as whoever looks at its changes.
    const sub = join(ws, "sub");
    await mkdir(sub);
    git(sub, "init", "--quiet");
    await writeFile(join(sub, ".gitattributes"), "* filter=x\n");
    await writeFile(join(sub, "f.txt"), "one\n");
    git(sub, "add", ".");
    git(sub, "commit", "--quiet", "-m", "agent");
    git(sub, "config", "filter.x.clean", `sh -c 'echo ran >> "${marker}"; cat'`);
    const g = new Git({ dir: ws });
    await writeFile(join(ws, "notes.txt"), "scanned\n");
    expect(await g.commitAll("progress")).toBe(true);
    // It is changed now: a look that entered it (git status, git diff) would run the filter.
    await writeFile(join(sub, "f.txt"), "two\n");
    await g.state();
    await g.changedFiles();
    expect(await g.commitAll("again")).toBe(false);
    expect(existsSync(marker)).toBe(false);
    git(ws, "add", "--all");
    git(ws, "status", "--porcelain"); // the check can fail: plain git, the repository staged, enters it
    expect(existsSync(marker)).toBe(true);
    expect(git(ws, "ls-tree", "-r", "--name-only", "HEAD").split("\n")).toEqual(["README.md", "notes.txt", ""]);
  });

  it("commit what the worker reads while the agent swaps a folder for a link to the worker's files, never what is behind the link", async () => {
    const ws = await rig().workspace();
    const outside = join(rig().root, "worker-files");
    await mkdir(outside);
    await writeFile(join(outside, "notes.txt"), "the worker's own file\n");
    const folder = join(ws, "d");
    await mkdir(folder);
    const link = join(ws, "d.swap");
    await symlink(outside, link);
    const swapper = spawn("python3", [join(ROOT, "test/worker/agents/folder-swapper.py"), folder, link], { stdio: "ignore" });
    const g = new Git({ dir: ws });
    let leaked = 0;
    let commits = 0;
    try {
      for (let i = 0; i < 30; i++) {
        // The agent's file in its folder (wherever the folder is right now); the worker's file is never touched.
        await writeFile(join(ws, i % 2 === 0 ? "d" : "d.swap", "notes.txt"), `agent ${i}\n`).catch(() => undefined);
        await writeFile(join(outside, "notes.txt"), "the worker's own file\n");
        if (await g.commitAll(`save ${i}`).catch(() => false)) commits++;
        if (git(ws, "log", "-p", "--format=", "HEAD").includes("the worker's own file")) leaked++;
      }
      expect(swapper.exitCode).toBeNull(); // it swapped all along
    } finally {
      const exited = swapper.exitCode !== null ? Promise.resolve() : new Promise((resolve) => swapper.once("exit", resolve));
      swapper.kill("SIGKILL");
      await exited;
    }
    expect(commits).toBeGreaterThan(5);
    expect(leaked).toBe(0);
  });
});
