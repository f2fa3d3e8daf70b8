/**
 * Bringing the app's commits in while the agent works (`replayOnto`, through the publisher): the agent's files are
 * never taken away or rewritten under it, plan.md keeps the app's notes whatever copy the agent wrote, and the
 * closing removal of `.dispatch/` stays a removal. Real git on a bare origin; every git command of the worker is
 * watched.
 */
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parsePlan } from "../../src/core/plan.js";
import { Git } from "../../src/worker/git.js";
import { Publisher } from "../../src/worker/publish.js";
import { git, makeRig, type Rig } from "./helpers.js";

const DIR = ".dispatch/tasks/t";
const PLAN = `${DIR}/plan.md`;
const plan = (ticks: [boolean, boolean, boolean]) =>
  `---\ntask: t\nstatus: running\n---\n# T\n\n${["One", "Two", "Three"].map((item, i) => `- [${ticks[i] ? "x" : " "}] ${item}`).join("\n")}\n`;
const NOTE = "> **Note:** the payments module is out of scope";

let rig: Rig;
beforeEach(async () => {
  rig = await makeRig();
});
afterEach(async () => {
  await rig.cleanup();
});

async function published(workspace?: string): Promise<{ ws: string; publisher: Publisher; lines: string[] }> {
  const ws = workspace ?? (await rig.workspace());
  const lines: string[] = [];
  const publisher = new Publisher({ git: new Git({ dir: ws }), branch: "task", task: "t", secrets: [], log: (l) => lines.push(l) });
  await mkdir(join(ws, DIR, "ipc"), { recursive: true });
  await writeFile(join(ws, PLAN), plan([false, false, false]));
  expect(await publisher.save("plan")).toBe(true);
  return { ws, publisher, lines };
}

/**
 * Watch the worktree from outside the worker: a `git` first on the PATH that, once the `on` file exists, checks the
 * agent's files before every git process the worker starts (also those a rebase stopped in the middle of), then runs
 * the real git. What it saw wrong is in the returned `seen()`.
 */
async function watchEveryGitProcess(opts: { ws: string; checks: string }): Promise<{ on: () => Promise<void>; seen: () => Promise<string[]> }> {
  const dir = await mkdtemp(join(tmpdir(), "dispatch-watch-"));
  const real = execFileSync("sh", ["-c", "command -v git"], { encoding: "utf8" }).trim();
  await writeFile(
    join(dir, "git"),
    `#!/bin/sh\nif [ -e '${dir}/on' ]; then\n  ws='${opts.ws}'; log='${dir}/seen'\n${opts.checks}\nfi\nexec '${real}' "$@"\n`,
    { mode: 0o755 },
  );
  const previous = process.env["PATH"];
  process.env["PATH"] = `${dir}:${previous ?? ""}`;
  cleanups.push(async () => {
    process.env["PATH"] = previous;
    await rm(dir, { recursive: true, force: true });
  });
  return {
    on: () => writeFile(join(dir, "on"), ""),
    seen: async () => (existsSync(join(dir, "seen")) ? (await readFile(join(dir, "seen"), "utf8")).split("\n").filter(Boolean) : []),
  };
}

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

describe("replaying the app's commits under the worker's, with the agent at work", () => {
  it("never takes the agent's files away nor shows it a half-written plan, and brings the note and the answer in", async () => {
    const ws = await rig.workspace();
    const watch = await watchEveryGitProcess({
      ws,
      checks: [
        `  [ "$(cat "$ws/src/a.txt" 2>&1)" = "committed work" ] || echo "src/a.txt: $(cat "$ws/src/a.txt" 2>&1)" >> "$log"`,
        `  [ "$(cat "$ws/src/b.txt" 2>&1)" = "work in progress" ] || echo "src/b.txt: $(cat "$ws/src/b.txt" 2>&1)" >> "$log"`,
        `  grep -q '^- \\[x\\] One$' "$ws/${PLAN}" && grep -q '^- \\[ \\] Two$' "$ws/${PLAN}" && grep -q '^- \\[x\\] Three$' "$ws/${PLAN}" || echo "plan.md: $(cat "$ws/${PLAN}" 2>&1 | tr '\\n' ' ')" >> "$log"`,
      ].join("\n"),
    });
    const { publisher } = await published(ws);
    // Two commits of ours the remote does not have: a tick next to where the app's note goes (git's merge would stop
    // on it), then work.
    await writeFile(join(ws, PLAN), plan([false, false, true]));
    await publisher.commitOnly("progress");
    await mkdir(join(ws, "src"), { recursive: true });
    await writeFile(join(ws, "src/a.txt"), "committed work\n");
    await publisher.commitOnly("progress");
    const app = await rig.appCommit("task", { [PLAN]: `${plan([false, false, false])}\n${NOTE}\n`, [`${DIR}/ipc/001.answer`]: "yes\n" }, "app: note and answer");
    // What the agent is doing now, not committed yet: another tick and a new file.
    await writeFile(join(ws, PLAN), plan([true, false, true]));
    await writeFile(join(ws, "src/b.txt"), "work in progress\n");

    await watch.on();
    expect(await publisher.save("progress")).toBe(true);
    expect(await watch.seen()).toEqual([]);

    // The remote: the app's commit kept, ours on top of it, the plan both ticks and the note.
    expect(git(rig.origin, "merge-base", "--is-ancestor", app, "task")).toBe("");
    expect(rig.log("task").slice(0, 4)).toEqual(["dispatch(t): progress", "dispatch(t): progress", "dispatch(t): progress", "app: note and answer"]);
    const remotePlan = parsePlan(rig.show("task", PLAN) ?? "");
    expect(remotePlan?.items.map((i) => i.state)).toEqual(["done", "pending", "done"]);
    expect(remotePlan?.notes).toEqual(["the payments module is out of scope"]);
    expect(rig.show("task", `${DIR}/ipc/001.answer`)).toBe("yes\n");
    expect(rig.show("task", "src/b.txt")).toBe("work in progress\n");
    // The worktree: the agent's files as it left them, the note and the answer in.
    expect(await readFile(join(ws, `${DIR}/ipc/001.answer`), "utf8")).toBe("yes\n");
    expect(parsePlan(await readFile(join(ws, PLAN), "utf8"))?.notes).toEqual(["the payments module is out of scope"]);
    expect(git(ws, "status", "--porcelain")).toBe("");
    expect((await readdir(join(ws, DIR))).filter((name) => name.includes("dispatch-"))).toEqual([]);
  });

  it("an agent that rewrites plan.md from a copy read before the note came in: the note is kept", async () => {
    const { ws, publisher, lines } = await published();
    await rig.appCommit("task", { [PLAN]: `${plan([false, false, false])}\n${NOTE}\n` }, "app: note");
    expect(await publisher.pull()).toBe(true);
    expect(parsePlan(await readFile(join(ws, PLAN), "utf8"))?.notes).toHaveLength(1);
    // The agent's stale copy: its tick, without the note.
    await writeFile(join(ws, PLAN), plan([true, false, false]));
    expect(await publisher.save("progress")).toBe(true);
    const remotePlan = parsePlan(rig.show("task", PLAN) ?? "");
    expect(remotePlan?.items.map((i) => i.state)).toEqual(["done", "pending", "pending"]);
    expect(remotePlan?.notes).toEqual(["the payments module is out of scope"]);
    expect(lines.some((l) => l.includes("lacked the app's notes"))).toBe(true);
  });

  it("what the app adds to .dispatch/ while the task finishes is removed by the closing commit, the final plan one commit back", async () => {
    const { ws, publisher, lines } = await published();
    await writeFile(join(ws, PLAN), plan([true, true, true]));
    await writeFile(join(ws, `${DIR}/ipc/.done`), "done\n");
    await publisher.commitOnly("done");
    await rm(join(ws, ".dispatch"), { recursive: true, force: true });
    await rig.appCommit("task", { [PLAN]: `${plan([false, false, false])}\n${NOTE}\n`, [`${DIR}/ipc/001.answer`]: "late\n" }, "app: late note");

    expect(await publisher.save("remove bookkeeping")).toBe(true);
    expect(rig.log("task").slice(0, 3)).toEqual(["dispatch(t): remove bookkeeping", "dispatch(t): done", "app: late note"]);
    expect(git(rig.origin, "ls-tree", "-r", "--name-only", "task")).not.toContain(".dispatch");
    const final = parsePlan(rig.show("task~1", PLAN) ?? "");
    expect(final?.items.map((i) => i.state)).toEqual(["done", "done", "done"]);
    expect(final?.notes).toEqual(["the payments module is out of scope"]);
    expect(existsSync(join(ws, ".dispatch"))).toBe(false);
    expect(lines.some((l) => l.includes("removing it again"))).toBe(true);
  });

  it("never writes through a folder the agent turned into a symbolic link", async () => {
    const { ws, publisher } = await published();
    const outside = await mkdtemp(join(tmpdir(), "dispatch-outside-"));
    try {
      await rm(join(ws, DIR, "ipc"), { recursive: true, force: true });
      await symlink(outside, join(ws, DIR, "ipc"));
      await publisher.commitOnly("progress");
      await rig.appCommit("task", { [`${DIR}/ipc/001.answer`]: "yes\n" }, "app: answer");
      await publisher.save("progress");
      expect(await readdir(outside)).toEqual([]);
    } finally {
      await rm(outside, { recursive: true, force: true });
    }
  });
});

describe("replaying what a maintainer may push, byte for byte", () => {
  it("a binary file arrives exact and is pushed back exact", async () => {
    const { ws, publisher } = await published();
    const png = Buffer.from("89504e470d0a1a0a0000000d49484452ff00fe", "hex");
    const app = await rig.workspace();
    await writeFile(join(app, "logo.png"), png);
    git(app, "checkout", "-q", "task");
    await writeFile(join(app, "logo.png"), png);
    git(app, "add", "logo.png");
    git(app, "commit", "-q", "-m", "maintainer: logo");
    git(app, "push", "-q", "origin", "HEAD:task");
    await writeFile(join(ws, PLAN), plan([true, false, false]));
    expect(await publisher.save("progress")).toBe(true);
    expect((await readFile(join(ws, "logo.png"))).equals(png)).toBe(true);
    expect(git(ws, "status", "--porcelain")).toBe("");
    expect(Buffer.from(execFileSync("git", ["show", "task:logo.png"], { cwd: rig.origin })).equals(png)).toBe(true);
  });

  it("a maintainer's change to a file we changed elsewhere keeps both changes", async () => {
    const { ws, publisher } = await published();
    const lines = Array.from({ length: 9 }, (_, i) => `line ${i + 1}`);
    await writeFile(join(ws, "notes.txt"), `${lines.join("\n")}\n`);
    expect(await publisher.save("notes")).toBe(true);
    await rig.appCommit("task", { "notes.txt": `${lines.map((l, i) => (i === 7 ? "line 8, the maintainer's" : l)).join("\n")}\n` }, "maintainer: line 8");
    await writeFile(join(ws, "notes.txt"), `${lines.map((l, i) => (i === 0 ? "line 1, the agent's" : l)).join("\n")}\n`);
    expect(await publisher.save("progress")).toBe(true);
    const merged = rig.show("task", "notes.txt") ?? "";
    expect(merged).toContain("line 1, the agent's");
    expect(merged).toContain("line 8, the maintainer's");
    expect(await readFile(join(ws, "notes.txt"), "utf8")).toBe(merged);
  });

  it("a folder the remote turns into a file, and a long file name, come in", async () => {
    const { ws, publisher } = await published();
    await mkdir(join(ws, "docs"), { recursive: true });
    await writeFile(join(ws, "docs/a.md"), "a\n");
    expect(await publisher.save("docs")).toBe(true);
    const app = await rig.workspace();
    git(app, "checkout", "-q", "task");
    git(app, "rm", "-q", "-r", "docs");
    await writeFile(join(app, "docs"), "now a file\n");
    const long = `${"n".repeat(240)}.txt`;
    await writeFile(join(app, long), "long\n");
    git(app, "add", "-A");
    git(app, "commit", "-q", "-m", "maintainer: docs as a file");
    git(app, "push", "-q", "origin", "HEAD:task");
    await writeFile(join(ws, PLAN), plan([true, false, false]));
    expect(await publisher.save("progress")).toBe(true);
    expect(await readFile(join(ws, "docs"), "utf8")).toBe("now a file\n");
    expect(await readFile(join(ws, long), "utf8")).toBe("long\n");
    expect(git(ws, "status", "--porcelain")).toBe("");
  });

  it("ipc/ committed as a link by the agent: the app's .cancel still comes in, into a real folder", async () => {
    const { ws, publisher } = await published();
    const outside = await mkdtemp(join(tmpdir(), "dispatch-outside-"));
    try {
      await rm(join(ws, DIR, "ipc"), { recursive: true, force: true });
      await symlink(outside, join(ws, DIR, "ipc"));
      expect(await publisher.save("progress")).toBe(true);
      // The app's commit (as GitHub's contents API makes it): ipc/ a folder again, holding .cancel.
      const app = await rig.workspace();
      git(app, "checkout", "-q", "task");
      git(app, "rm", "-q", "--cached", `${DIR}/ipc`);
      await rm(join(app, DIR, "ipc"), { force: true });
      await mkdir(join(app, DIR, "ipc"));
      await writeFile(join(app, DIR, "ipc/.cancel"), "cancelled from the thread\n");
      git(app, "add", "-A");
      git(app, "commit", "-q", "-m", "app: cancel");
      git(app, "push", "-q", "origin", "HEAD:task");
      expect(await publisher.pull()).toBe(true);
      expect(await readFile(join(ws, DIR, "ipc/.cancel"), "utf8")).toBe("cancelled from the thread\n");
      expect(await readdir(outside)).toEqual([]);
    } finally {
      await rm(outside, { recursive: true, force: true });
    }
  });
});

describe("a remote whose commits cannot be brought in", () => {
  it("still stops the task when it holds the task's .cancel", async () => {
    const { publisher } = await published();
    // Someone rewrote the branch: no history in common with ours, and a .cancel in it.
    const other = await mkdtemp(join(tmpdir(), "dispatch-rewritten-"));
    try {
      git(other, "init", "-q", "--initial-branch=task");
      await mkdir(join(other, DIR, "ipc"), { recursive: true });
      await writeFile(join(other, DIR, "ipc/.cancel"), "cancelled\n");
      git(other, "add", "-A");
      git(other, "commit", "-q", "-m", "rewritten");
      git(other, "push", "-q", "--force", rig.origin, "HEAD:task");
      expect(await publisher.pull()).toBe(false);
      expect(publisher.cancelledOnRemote).toBe(true);
    } finally {
      await rm(other, { recursive: true, force: true });
    }
  });
});
