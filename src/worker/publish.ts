/**
 * Publishing the task branch: commit everything in the worktree (secrets redacted first) and push; a push the
 * remote rejects (the app wrote an answer, a note or `.cancel` meanwhile) is replayed onto the remote (`replay.ts`,
 * never a rebase in the agent's worktree) and retried, never forced. One operation at a time: every git command of the worker goes through `exclusive`.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { mergePlanNotes } from "../core/plan-merge.js";
import { CANCEL_FILE, DISPATCH_ROOT, IPC_DIR, PLAN_FILE, saveSubject, taskDir } from "../core/ipc.js";
import { containsSecret, redact } from "../core/secret.js";
import { isWorkflowPath } from "../core/workflow-files.js";
import { type Git, remoteRef } from "./git.js";
import { replayOnto } from "./replay.js";
import { fileState, readPlain, removePath, replaceAtomically, TEMPORARY_NAME, writePlain } from "./safe-file.js";


/** How often the worker tries to make its commit while the agent keeps committing under it. */
const COMMIT_ATTEMPTS = 5;
export interface PublisherOptions {
  /** Git over the worktree. */
  git: Git;
  branch: string;
  /** The task id: commits are `dispatch(<task>): <what>`. */
  task: string;
  secrets: readonly string[];
  log?: (line: string) => void;
  /** Push attempts before giving up for now (the next push tries again). */
  attempts?: number;
  /** Called after the worker wrote into the worktree (the remote's commits, a redaction): hands the files back to the agent. */
  afterWrite?: () => Promise<void>;
}

/** The subject of the last closing commit (finish.ts). */
const BOOKKEEPING_REMOVAL = /: remove bookkeeping\s*$/;

/** An answer file in a task folder: only the app writes these. */
const ANSWER_PATH = /^\.dispatch\/tasks\/[^/]+\/ipc\/\d{3,}\.answer$/;

/** Files larger than this are not scanned for secrets. */
const MAX_SCAN_BYTES = 20 * 1024 * 1024;

export class Publisher {
  private readonly opts: PublisherOptions;
  private queue: Promise<unknown> = Promise.resolve();
  /** The last commit the remote is known to have. */
  private pushed: string | null = null;
  /** The head as the worker last left it; a different head means the agent committed by itself. */
  private own: string | null = null;
  /** The parent of the commit in `own` when the worker made it (the check that no commit of the agent's is under it). */
  private ownParent: string | null = null;
  /** Workflow files whose changes were kept out of the commits. */
  readonly workflowsLeftOut = new Set<string>();

  constructor(opts: PublisherOptions) {
    this.opts = opts;
  }

  get git(): Git {
    return this.opts.git;
  }

  /** Run `fn` after every operation queued before it; never two git operations at once. */
  exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Workflow files changed so far, committed or not (their changes are never pushed). */
  workflowChanges(): Promise<string[]> {
    return this.exclusive(async () => {
      const git = this.opts.git;
      const head = await git.head();
      const committed = this.own !== null && head !== this.own ? (await git.raw(["diff", "--name-only", this.own, head])).split("\n") : [];
      for (const file of [...(await git.changedFiles()), ...committed]) if (isWorkflowPath(file)) this.workflowsLeftOut.add(file);
      return [...this.workflowsLeftOut];
    });
  }

  /** Commit what changed (if anything) as `dispatch(<task>): <what>` and push. Whether the remote has the head now. */
  save(what: string): Promise<boolean> {
    return this.exclusive(async () => {
      await this.commit(what);
      return this.pushHead();
    });
  }

  /** Commit without pushing (the first of two finishing commits). */
  commitOnly(what: string): Promise<boolean> {
    return this.exclusive(() => this.commit(what));
  }

  /** Fetch the branch and bring the remote's new commits (answers, notes, `.cancel`) into the worktree. */
  pull(): Promise<boolean> {
    return this.exclusive(async () => {
      // Most looks: the branch is where our last push left it, which `ls-remote` tells without a fetch.
      if (this.pushed !== null && (await this.opts.git.remoteHead(this.opts.branch)) === this.pushed) return false;
      const remote = await this.opts.git.fetchBranch(this.opts.branch);
      if (!remote || remote === this.pushed) return false;
      const head = await this.opts.git.head();
      if (await this.opts.git.contains(head, remote)) return false;
      await this.commit("progress");
      const integrated = await this.integrate();
      // A `.cancel` on the remote counts even when its commit could not be brought in: the task stops all the same.
      if (!integrated && (await this.opts.git.show(remoteRef(this.opts.branch), `${taskDir(this.opts.task)}/${IPC_DIR}/${CANCEL_FILE}`)) !== null) {
        this.cancelledOnRemote = true;
      }
      return integrated;
    });
  }

  /** The remote has the task's `ipc/.cancel`, seen by a fetch whose commits could not be brought in. */
  cancelledOnRemote = false;

  /**
   * One commit of the worker's on top of its own last commit. The agent runs meanwhile and may commit between the
   * check for its commits and ours: then HEAD's parent (or HEAD, when there was nothing to commit) is not our last
   * commit, and the agent's commit would be pushed unredacted under ours. So the result is checked and, if the agent
   * slipped a commit in, folded and made again.
   */
  private async commit(what: string): Promise<boolean> {
    const git = this.opts.git;
    const base = this.own;
    for (let attempt = 1; ; attempt++) {
      const outcome = await this.commitOnce(what);
      // Nothing changed as of one `git status`: nothing to commit, and nothing of the agent's rides on a commit of ours.
      if (base === null || outcome === "idle") return outcome === "made";
      const made = outcome === "made";
      // Our commit's parent (read with it, below), or HEAD when there was nothing to commit.
      const parent = made ? this.ownParent : await git.head();
      if (parent === base) return made;
      // Back to our last commit, the agent's commits unstaged changes again: never pushed as the agent made them.
      await git.raw(["reset", "--soft", base]);
      this.own = base;
      if (attempt >= COMMIT_ATTEMPTS) {
        this.opts.log?.(`the agent kept committing while the worker committed (${attempt} attempts); the next save folds its changes in`);
        return false;
      }
      this.opts.log?.("the agent committed while the worker did; folding its commit in and committing again");
    }
  }

  /** `idle`: nothing changed (one git process); `none`: changes, none of them committed; `made`: a commit. */
  private async commitOnce(what: string): Promise<"idle" | "none" | "made"> {
    const git = this.opts.git;
    let { head, changed } = await git.state();
    if (this.own !== null && head !== this.own) {
      // The agent committed on its own: fold its commits back into changes, so they are redacted like the rest.
      await git.raw(["reset", "--soft", this.own]);
      this.opts.log?.("the agent made commits of its own; they are folded into the worker's commit");
      ({ head, changed } = await git.state());
    }
    // Most saves of the monitor: nothing changed, one git process. (The head is ours from now on: the agent's later
    // commits are folded in.)
    if (changed.length === 0) {
      this.own ??= head;
      return "idle";
    }
    const reopened = new Set<string>();
    const wrote = (await this.dropForgedAnswers(changed, reopened)) + (await this.keepNotes(changed)) + (await this.redactChanged(changed));
    if (wrote > 0) await this.opts.afterWrite?.();
    // Answers are checked again on what is staged (the agent may write one meanwhile); workflow files stay out.
    const secrets = this.opts.secrets;
    const task = this.opts.task;
    const made = await git.commitAll((added) => saveSubject({ task, what, added }), {
      keepOut: (path, deleted) => {
        if (isWorkflowPath(path)) {
          if (!this.workflowsLeftOut.has(path)) this.opts.log?.(`left ${path} out: the job's token cannot push workflow files`);
          this.workflowsLeftOut.add(path);
          return true;
        }
        // A temporary file of the worker's own, should one be left behind, is never committed.
        if (TEMPORARY_NAME.test(path)) return true;
        return !deleted && ANSWER_PATH.test(path) && !reopened.has(path);
      },
      // The agent may write a secret again between the redaction above and the staging: the index is checked too.
      redact: {
        secrets,
        apply: (text) => redact(text, secrets),
        onRedacted: (path) => this.opts.log?.(`redacted a secret value in ${path} (as staged)`),
        onLeftOut: (path) => this.opts.log?.(`left ${path} out: a binary file holding a secret value`),
      },
    });
    if (!made) {
      this.own ??= head;
      return "none";
    }
    const [own = "", parents = ""] = (await git.raw(["log", "-1", "--format=%H%n%P", "HEAD"])).trim().split("\n");
    const parent = parents.split(" ")[0] ?? "";
    this.own = own;
    this.ownParent = parent;
    return "made";
  }

  private async pushHead(): Promise<boolean> {
    const git = this.opts.git;
    const attempts = this.opts.attempts ?? 5;
    for (let attempt = 1; attempt <= attempts; attempt++) {
      // The worker's own commit, not HEAD: a commit the agent made meanwhile is folded in first, never pushed as is.
      const head = this.own ?? (await git.head());
      if (this.pushed === head) return true;
      const result = await git.push(this.opts.branch, head);
      if (result === "pushed") {
        this.pushed = head;
        return true;
      }
      if (result === "refused-workflows") {
        this.opts.log?.("push refused: it changes .github/workflows/, which the job's token may not; not retrying");
        return false;
      }
      this.opts.log?.(`push rejected (attempt ${attempt}): the branch moved; replaying onto it`);
      await git.fetchBranch(this.opts.branch);
      if (!(await this.integrate())) break;
    }
    this.opts.log?.("push did not go through; the next save tries again");
    return false;
  }

  /**
   * Bring the fetched remote branch in under our commits (`replayOnto`: no checkout, the agent's files written only
   * where the remote changed them, each in one step); plan.md changed on both sides keeps ours plus the remote's notes.
   */
  private async integrate(): Promise<boolean> {
    const git = this.opts.git;
    if (this.own !== null && (await git.head()) !== this.own) await git.raw(["reset", "--soft", this.own]);
    const result = await replayOnto({
      git,
      onto: remoteRef(this.opts.branch),
      // plan.md: ours, plus the notes the app appended; any other text is merged line by line.
      resolve: (path, local, remote) => (path.endsWith(`/${PLAN_FILE}`) && local !== null ? (remote === null ? local : mergePlanNotes(local, remote)) : undefined),
      ...(this.opts.log ? { log: this.opts.log } : {}),
    });
    if (result.ok) await this.keepBookkeepingRemoved();
    else this.opts.log?.(`could not bring the remote's commits in (${result.why}); keeping local commits for the next attempt`);
    this.own = await git.head();
    await this.opts.afterWrite?.();
    return result.ok;
  }

  /**
   * The closing `remove bookkeeping` commit removes `.dispatch/` whatever the remote added under it meanwhile (an
   * answer or a note that came in while the task finished): replayed, it would keep what it never saw. Made again
   * without it, on the same parent, so `<branch>~1` stays the `done` commit the app reads the final plan from.
   */
  private async keepBookkeepingRemoved(): Promise<void> {
    const git = this.opts.git;
    const subject = (await git.raw(["log", "-1", "--format=%s", "HEAD"])).trim();
    if (!BOOKKEEPING_REMOVAL.test(subject)) return;
    if ((await git.listDir("HEAD", DISPATCH_ROOT)).length === 0) return;
    this.opts.log?.(`the remote added to ${DISPATCH_ROOT}/ while the task finished; removing it again`);
    // The tree is HEAD's without `.dispatch/`, built in an index of the worker's own; then the worktree's follows.
    const scratch = await mkdtemp(join(tmpdir(), "dispatch-closing-"));
    try {
      const own = git.withIndex(join(scratch, "index"));
      await own.raw(["read-tree", "HEAD"]);
      await own.raw(["rm", "-r", "-q", "--cached", "--ignore-unmatch", "--", DISPATCH_ROOT]);
      const tree = (await own.raw(["write-tree"])).trim();
      const parent = (await git.raw(["rev-parse", "HEAD^"])).trim();
      const message = await git.raw(["log", "-1", "--format=%B", "HEAD"]);
      const commit = (await git.raw(["commit-tree", tree, "-p", parent, "-m", message.trimEnd()])).trim();
      await git.raw(["reset", "--soft", commit]);
      await git.raw(["rm", "-r", "-q", "--cached", "--ignore-unmatch", "--", DISPATCH_ROOT]);
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }
    await removePath(join(git.dir, DISPATCH_ROOT));
  }

  /**
   * Answers are the app's: an `NNN.answer` the agent wrote or changed is never committed (a new one is removed, a
   * changed one restored). Answers reach the worktree only from the remote's commits. A removed answer stays removed
   * (the bookkeeping removal at the end; commits let deletions through too). A retry's reopened task folder brings
   * back the answers its `remove bookkeeping` commit took away: one equal to that commit's parent's is the app's and
   * goes into `reopened` (committed again). How many files were touched.
   */
  private async dropForgedAnswers(changed: readonly string[], reopened: Set<string>): Promise<number> {
    const git = this.opts.git;
    let touched = 0;
    for (const file of changed) {
      if (!ANSWER_PATH.test(file)) continue;
      const path = join(git.dir, file);
      const state = await fileState(path);
      if (state.kind === "none") continue;
      const atHead = await git.show("HEAD", file);
      if (atHead === null && state.kind === "file" && (await this.removedByBookkeeping(file)) === state.content.toString("utf8")) {
        reopened.add(file);
        continue;
      }
      // Put back by the worker's own write (never `git checkout`, which deletes and writes by path, following a
      // folder the agent swaps in meanwhile).
      if (atHead !== null) await replaceAtomically(path, { kind: "file", content: Buffer.from(atHead, "utf8"), executable: false }, { makeWay: true });
      else await removePath(path);
      this.opts.log?.(`ignored ${file}: answers come from the app's commits only`);
      touched++;
    }
    return touched;
  }

  /**
   * Notes are the app's: a plan.md the agent rewrote from a copy read before a note came in (or that dropped one)
   * gets the notes HEAD's plan has back, as the app wrote them. How many files were rewritten.
   */
  private async keepNotes(changed: readonly string[]): Promise<number> {
    let rewritten = 0;
    for (const file of changed) {
      if (!file.endsWith(`/${PLAN_FILE}`)) continue;
      const committed = await this.opts.git.show("HEAD", file);
      const path = join(this.opts.git.dir, file);
      const text = committed === null ? null : await readPlain(path);
      if (committed === null || text === null) continue;
      const merged = mergePlanNotes(text, committed);
      if (merged === text) continue;
      await writePlain(path, merged);
      rewritten++;
      this.opts.log?.(`${file}: the agent's copy lacked the app's notes; they are kept`);
    }
    return rewritten;
  }

  /** The file as it was before HEAD's `remove bookkeeping` commit; null when HEAD is no such commit or it had none. */
  private async removedByBookkeeping(file: string): Promise<string | null> {
    const subject = await this.opts.git.raw(["log", "-1", "--format=%s", "HEAD"]).catch(() => "");
    if (!BOOKKEEPING_REMOVAL.test(subject)) return null;
    return this.opts.git.show("HEAD~1", file);
  }

  /** Replace secret values in every changed file before it is staged; how many files were rewritten. */
  private async redactChanged(changed: readonly string[]): Promise<number> {
    if (this.opts.secrets.length === 0) return 0;
    let rewritten = 0;
    for (const file of changed) {
      const path = join(this.opts.git.dir, file);
      try {
        const state = await fileState(path);
        if (state.kind !== "file" || state.content.length > MAX_SCAN_BYTES) continue;
        const text = state.content.toString("utf8");
        if (!containsSecret(text, this.opts.secrets)) continue;
        await replaceAtomically(path, { kind: "file", content: Buffer.from(redact(text, this.opts.secrets), "utf8"), executable: state.executable });
        rewritten++;
        this.opts.log?.(`redacted a secret value in ${file}`);
      } catch {
        // deleted meanwhile, or unreadable: nothing to redact
      }
    }
    return rewritten;
  }
}
