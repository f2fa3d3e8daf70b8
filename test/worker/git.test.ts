/** The git wrapper on real repositories: push rejection, replay with a plan.md conflict, the token kept out of config. */
import { readFile, stat, utimes, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { mergePlanNotes } from "../../src/core/plan-merge.js";
import { authEnv, Git, remoteRef } from "../../src/worker/git.js";
import { replayOnto } from "../../src/worker/replay.js";
import { git, makeRig, type Rig } from "./helpers.js";

const PLAN = `---
task: t
status: running
---
# T

- [x] One
- [ ] Two
`;

let rig: Rig;
beforeEach(async () => {
  rig = await makeRig();
});
afterEach(async () => {
  await rig.cleanup();
});

describe("Git", () => {
  it("reports a rejected push, then replays onto the remote and settles a plan.md conflict with the resolver", async () => {
    const ws = await rig.workspace();
    const g = new Git({ dir: ws });
    await writeFile(join(ws, "plan.md"), PLAN);
    expect(await g.commitAll("plan")).toBe(true);
    expect(await g.commitAll("nothing")).toBe(false);
    expect(await g.push("task")).toBe("pushed");

    await rig.appCommit("task", { "plan.md": `${PLAN}\n> **Note:** be brief\n`, "ipc/001.answer": "yes\n" }, "app");
    await writeFile(join(ws, "plan.md"), PLAN.replace("- [ ] Two", "- [x] Two"));
    await g.commitAll("tick");
    expect(await g.push("task")).toBe("rejected");

    expect(await g.fetchBranch("task")).toBe(git(rig.origin, "rev-parse", "task").trim());
    const seen: string[] = [];
    const replayed = await replayOnto({
      git: g,
      onto: remoteRef("task"),
      resolve: (path, local, remote) => {
        seen.push(path);
        return mergePlanNotes(local ?? "", remote ?? "");
      },
    });
    expect(replayed.ok).toBe(true);
    expect(seen).toEqual(["plan.md"]);
    expect(await g.push("task")).toBe("pushed");
    expect(rig.show("task", "plan.md")).toBe(`${PLAN.replace("- [ ] Two", "- [x] Two")}\n> **Note:** be brief\n`);
    expect(rig.show("task", "ipc/001.answer")).toBe("yes\n");
    expect(rig.log("task")).toEqual(["tick", "app", "plan", "initial"]);
  });

  it("looks at the worktree without taking the index lock, so the agent's own git add never meets the worker's lock", async () => {
    const ws = await rig.workspace();
    const g = new Git({ dir: ws });
    const index = join(ws, ".git/index");
    const before = (await stat(index)).ino;
    // The file's stat no longer matches the index: a plain `git status` rewrites the index (a new file, under index.lock).
    await utimes(join(ws, "README.md"), new Date(Date.now() + 5000), new Date(Date.now() + 5000));
    expect((await g.state()).changed).toEqual([]);
    expect((await stat(index)).ino).toBe(before);
    git(ws, "status", "--porcelain");
    expect((await stat(index)).ino).not.toBe(before); // the check can fail: a look that takes the lock rewrites the index
  });

  it("knows a missing branch and lists changed files", async () => {
    const ws = await rig.workspace();
    const g = new Git({ dir: ws });
    expect(await g.fetchBranch("nope")).toBeNull();
    expect(await g.remoteHasBranch("main")).toBe(true);
    expect(await g.remoteHasBranch("nope")).toBe(false);
    await writeFile(join(ws, "new file.txt"), "x");
    await writeFile(join(ws, "README.md"), "changed");
    expect((await g.changedFiles()).sort()).toEqual(["README.md", "new file.txt"]);
    expect(await g.contains("HEAD", "origin/main")).toBe(true);
  });

  it("puts the token in one command's environment, never in .git/config", async () => {
    expect(authEnv(undefined)).toEqual({});
    expect(authEnv("tok123", "https://ghe.example.com/")).toEqual({
      GIT_CONFIG_COUNT: "1",
      GIT_CONFIG_KEY_0: "http.https://ghe.example.com/.extraheader",
      GIT_CONFIG_VALUE_0: `AUTHORIZATION: basic ${Buffer.from("x-access-token:tok123").toString("base64")}`,
    });
    const ws = await rig.workspace();
    const g = new Git({ dir: ws, token: "tok123-secret" });
    await writeFile(join(ws, "a.txt"), "a");
    await g.commitAll("a");
    expect(await g.push("with-token")).toBe("pushed"); // file:// ignores the header
    expect(await readFile(join(ws, ".git/config"), "utf8")).not.toContain("tok123");
  });

  it("runs no hook an agent planted in the shared hooks folder, so none sees the token or the environment", async () => {
    const ws = await rig.workspace();
    const seen = join(rig.root, "hook-ran");
    const { chmod, mkdir } = await import("node:fs/promises");
    await mkdir(join(ws, ".git/hooks"), { recursive: true });
    for (const hook of ["pre-commit", "post-commit", "reference-transaction", "pre-push", "post-rewrite"]) {
      const file = join(ws, ".git/hooks", hook);
      await writeFile(file, `#!/bin/sh\nenv >> '${seen}'\n`);
      await chmod(file, 0o755);
    }
    process.env["INPUT_GITHUB-TOKEN"] = "tok-from-inputs";
    try {
      const g = new Git({ dir: ws, token: "tok123-secret" });
      await writeFile(join(ws, "b.txt"), "b");
      await g.commitAll("b");
      expect(await g.push("hooked")).toBe("pushed");
      expect(git(rig.origin, "log", "-1", "--format=%s", "hooked").trim()).toBe("b");
    } finally {
      delete process.env["INPUT_GITHUB-TOKEN"];
    }
    await expect(readFile(seen, "utf8")).rejects.toMatchObject({ code: "ENOENT" });
  });
});
