/**
 * The publisher on a real repository when the agent commits at the worst moment: between the worker's check for the
 * agent's commits and the worker's own commit. The agent's commit (a secret in it) must never reach the remote as
 * the agent made it.
 */
import { mkdir, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Git } from "../../src/worker/git.js";
import { Publisher } from "../../src/worker/publish.js";
import { git, makeRig, type Rig } from "./helpers.js";

const SECRET = "sk-ant-canary-race-0042";

let rig: Rig;
beforeEach(async () => {
  rig = await makeRig();
});
afterEach(async () => {
  await rig.cleanup();
});

/** A Git whose next `races` calls of `commitAll` first let "the agent" commit a secret (the race, every time). */
function racingGit(dir: string): { git: Git; race: (times: number) => void } {
  const g = new Git({ dir });
  const commitAll = g.commitAll.bind(g);
  let left = 0;
  g.commitAll = async (message, options) => {
    if (left-- > 0) {
      await writeFile(join(dir, `agent-${left}.txt`), `key ${SECRET}\n`);
      git(dir, "add", "--all");
      git(dir, "-c", "user.name=agent", "-c", "user.email=agent@example.com", "commit", "-q", "-m", `agent adds ${SECRET}`);
    }
    return commitAll(message, options);
  };
  return { git: g, race: (times) => void (left = times) };
}

describe("Publisher: the agent commits while the worker commits", () => {
  it("folds the agent's commit in and redacts it: the remote never gets the secret", async () => {
    const ws = await rig.workspace();
    const { git: g, race } = racingGit(ws);
    const lines: string[] = [];
    const publisher = new Publisher({ git: g, branch: "task", task: "t", secrets: [SECRET], log: (l) => lines.push(l) });
    await writeFile(join(ws, "plan.md"), "# plan\n");
    expect(await publisher.save("plan")).toBe(true);

    // The race: the worker's check sees no agent commit, then the agent commits, then the worker commits.
    race(1);
    await writeFile(join(ws, "work.txt"), "the worker's change\n");
    expect(await publisher.save("progress")).toBe(true);

    const log = git(rig.origin, "log", "-p", "--all");
    expect(log).not.toContain(SECRET);
    expect(git(rig.origin, "log", "--format=%an %s", "task")).not.toContain("agent");
    expect(git(rig.origin, "show", "task:agent-0.txt")).toBe("key ***\n");
    expect(lines.some((l) => l.includes("the agent committed while the worker did"))).toBe(true);
  });

  it("an agent that keeps committing: nothing of it is pushed as it made it, and the next save folds it in", async () => {
    const ws = await rig.workspace();
    const { git: g, race } = racingGit(ws);
    const publisher = new Publisher({ git: g, branch: "task", task: "t", secrets: [SECRET] });
    await writeFile(join(ws, "plan.md"), "# plan\n");
    expect(await publisher.save("plan")).toBe(true);
    race(100);
    await writeFile(join(ws, "work.txt"), "the worker's change\n");
    await publisher.save("progress");
    expect(git(rig.origin, "log", "-p", "--all")).not.toContain(SECRET);

    race(0);
    expect(await publisher.save("progress")).toBe(true);
    expect(git(rig.origin, "log", "-p", "--all")).not.toContain(SECRET);
    expect(git(rig.origin, "log", "--format=%an", "task")).not.toContain("agent");
  });

  it("a secret the agent writes after the worker's redaction, before the staging, is redacted in what is committed", async () => {
    const ws = await rig.workspace();
    const g = new Git({ dir: ws });
    const commitAll = g.commitAll.bind(g);
    let rewrite = false;
    g.commitAll = async (message, options) => {
      // The worker redacted the working tree a moment ago; the agent writes its key again right now.
      if (rewrite) await writeFile(join(ws, "notes.txt"), `the key is ${SECRET}\n`);
      return commitAll(message, options);
    };
    const lines: string[] = [];
    const publisher = new Publisher({ git: g, branch: "task", task: "t", secrets: [SECRET], log: (l) => lines.push(l) });
    await writeFile(join(ws, "plan.md"), "# plan\n");
    expect(await publisher.save("plan")).toBe(true);
    rewrite = true;
    await writeFile(join(ws, "notes.txt"), "nothing yet\n");
    expect(await publisher.save("progress")).toBe(true);
    expect(git(rig.origin, "log", "-p", "--all")).not.toContain(SECRET);
    expect(git(rig.origin, "show", "task:notes.txt")).toBe("the key is ***\n");
    expect(lines).toContain("redacted a secret value in notes.txt (as staged)");
  });

  it("a symbolic link whose target is the secret, a binary file holding it, a file named like pathspec magic: nothing of the secret is committed", async () => {
    const ws = await rig.workspace();
    const g = new Git({ dir: ws });
    const commitAll = g.commitAll.bind(g);
    let plant = false;
    g.commitAll = async (message, options) => {
      // Planted after the working-tree redaction, as a racing agent would.
      if (plant) {
        await symlink(SECRET, join(ws, "link"));
        await writeFile(join(ws, "blob.bin"), Buffer.concat([Buffer.from([0, 1, 2]), Buffer.from(SECRET)]));
        await writeFile(join(ws, ":(exclude)*"), `${SECRET}\n`);
      }
      return commitAll(message, options);
    };
    const lines: string[] = [];
    const publisher = new Publisher({ git: g, branch: "task", task: "t", secrets: [SECRET], log: (l) => lines.push(l) });
    await writeFile(join(ws, "plan.md"), "# plan\n");
    expect(await publisher.save("plan")).toBe(true);
    plant = true;
    await writeFile(join(ws, "work.txt"), "the worker's change\n");
    expect(await publisher.save("progress")).toBe(true);
    expect(git(rig.origin, "log", "-p", "--all", "--binary")).not.toContain(SECRET);
    expect(git(rig.origin, "ls-tree", "-r", "task", "--name-only")).not.toContain("blob.bin");
    expect(git(rig.origin, "show", "task:link")).toBe("***");
    expect(git(rig.origin, "show", "task::(exclude)*")).toBe("***\n");
    expect(lines).toContain("left blob.bin out: a binary file holding a secret value");
  });
});

describe("Publisher: a question the agent writes right before a progress save", () => {
  it("is pushed in a commit named for it, not as progress", async () => {
    const ws = await rig.workspace();
    const g = new Git({ dir: ws });
    const commitAll = g.commitAll.bind(g);
    const ipc = join(ws, ".dispatch/tasks/t/ipc");
    g.commitAll = async (message, options) => {
      // The monitor looked a moment ago and saw no question; the agent asks now, before the staging.
      await mkdir(ipc, { recursive: true });
      await writeFile(join(ipc, "001.question"), "Flag INFO logs?\n");
      return commitAll(message, options);
    };
    const publisher = new Publisher({ git: g, branch: "task", task: "t", secrets: [] });
    await writeFile(join(ws, "notes.txt"), "scanned\n");
    expect(await publisher.save("progress")).toBe(true);
    expect(git(rig.origin, "log", "--format=%s", "task").split("\n")[0]).toBe("dispatch(t): question 001");
    expect(git(rig.origin, "show", "task:.dispatch/tasks/t/ipc/001.question")).toBe("Flag INFO logs?\n");
  });
});
