/**
 * The monitor: while the agent runs, publish its progress and bring the app's writes in.
 *
 * - every `pushIntervalMs`: commit the task folder and the agent's work, push (nothing to commit: nothing pushed);
 * - a new `NNN.question`: commit and push at once;
 * - while a question is pending: fetch every `fetchIntervalMs`, so `NNN.answer` lands in the worktree;
 *   otherwise every `idleFetchIntervalMs` (to see a `.cancel` or a note);
 * - `ipc/.cancel` in the worktree: `onCancel`;
 * - a question pending past `questionExpiryMs` (dispatch-ask should have given up): `onQuestionExpired`;
 * - a question numbered past `lastQuestion` (written by hand: it is deleted, never pushed) or the `limitFile` that
 *   dispatch-ask writes when it refuses one: `onQuestionLimit`, once.
 */
import { existsSync } from "node:fs";
import { readdir } from "node:fs/promises";
import { removePath } from "./safe-file.js";
import { join } from "node:path";
import { CANCEL_FILE, IPC_DIR, ipcFileName, parseIpcName, pendingQuestionSeq, seqLabel } from "../core/ipc.js";
import type { Publisher } from "./publish.js";

export interface MonitorOptions {
  publisher: Publisher;
  /** Absolute path of the task folder in the worktree. */
  taskDir: string;
  pushIntervalMs: number;
  fetchIntervalMs: number;
  idleFetchIntervalMs: number;
  /** How long a question may stay pending before the worker stops waiting for the agent to give up. */
  questionExpiryMs?: number;
  tickMs?: number;
  log?: (line: string) => void;
  onCancel?: () => void;
  onQuestionExpired?: (seq: number) => void;
  /** The highest question number this run may ask, and the file dispatch-ask writes when it refused one. */
  questionLimit?: { lastSeq: number; file: string };
  onQuestionLimit?: () => void;
}

export class Monitor {
  private readonly opts: MonitorOptions;
  private timer: NodeJS.Timeout | null = null;
  private running = false;
  private busy: Promise<void> = Promise.resolve();
  private lastSave = 0;
  private lastFetch = 0;
  private readonly questionsSeen = new Set<number>();
  private pendingSince: { seq: number; at: number } | null = null;
  private cancelled = false;
  private expired = false;
  private limited = false;

  constructor(opts: MonitorOptions) {
    this.opts = opts;
  }

  /** Start watching. Questions already in the folder (a resumed task) are not news. */
  async start(): Promise<void> {
    for (const name of await this.ipcNames()) {
      const parsed = parseIpcName(name);
      if (parsed?.kind === "question") this.questionsSeen.add(parsed.seq);
    }
    const now = Date.now();
    this.lastSave = now;
    this.lastFetch = now;
    this.running = true;
    this.schedule();
  }

  /** Stop watching; resolves when the operation under way (if any) is over. */
  async stop(): Promise<void> {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.busy;
  }

  private schedule(): void {
    if (!this.running) return;
    this.timer = setTimeout(() => {
      this.busy = this.tick()
        .catch((error: unknown) => this.opts.log?.(`monitor: ${error instanceof Error ? error.message : String(error)}`))
        .finally(() => this.schedule());
    }, this.opts.tickMs ?? 200);
  }

  private async tick(): Promise<void> {
    const names = await this.overLimit(await this.ipcNames());
    const now = Date.now();
    const fresh = newQuestions(names, this.questionsSeen);
    if (fresh.length > 0) {
      for (const seq of fresh) this.questionsSeen.add(seq);
      const label = fresh.map(seqLabel).join(", ");
      this.opts.log?.(`question ${label} asked: pushing it now`);
      await this.opts.publisher.save(`question ${label}`);
      this.lastSave = Date.now();
    } else if (now - this.lastSave >= this.opts.pushIntervalMs) {
      await this.opts.publisher.save("progress");
      this.lastSave = Date.now();
    }

    const pending = pendingQuestionSeq(names);
    this.trackPending(pending, now);
    const every = pending !== null ? this.opts.fetchIntervalMs : this.opts.idleFetchIntervalMs;
    if (Date.now() - this.lastFetch >= every) {
      this.lastFetch = Date.now();
      if (await this.opts.publisher.pull()) this.opts.log?.("brought the remote's new commits in");
    }

    if (!this.cancelled && (existsSync(join(this.opts.taskDir, IPC_DIR, CANCEL_FILE)) || this.opts.publisher.cancelledOnRemote)) {
      this.cancelled = true;
      this.opts.log?.("the task was cancelled (ipc/.cancel)");
      this.opts.onCancel?.();
    }
  }

  /** The names without questions past the limit (those are deleted); `onQuestionLimit` when the limit was hit. */
  private async overLimit(names: string[]): Promise<string[]> {
    const limit = this.opts.questionLimit;
    if (!limit) return names;
    const over = await removeQuestionsPast({ ipc: join(this.opts.taskDir, IPC_DIR), names, lastSeq: limit.lastSeq });
    if (!this.limited && (over.length > 0 || existsSync(limit.file))) {
      this.limited = true;
      this.opts.log?.(`the agent asked more questions than a run may (past ${ipcFileName(limit.lastSeq, "question")}): stopping it`);
      this.opts.onQuestionLimit?.();
    }
    return names.filter((name) => !over.includes(name));
  }

  private trackPending(pending: number | null, now: number): void {
    if (pending === null) {
      this.pendingSince = null;
      return;
    }
    if (this.pendingSince?.seq !== pending) this.pendingSince = { seq: pending, at: now };
    const expiry = this.opts.questionExpiryMs;
    if (expiry !== undefined && !this.expired && now - this.pendingSince.at >= expiry) {
      this.expired = true;
      this.opts.log?.(`question ${seqLabel(pending)} is still unanswered and the agent did not stop: stopping it`);
      this.opts.onQuestionExpired?.(pending);
    }
  }

  private async ipcNames(): Promise<string[]> {
    try {
      return await readdir(join(this.opts.taskDir, IPC_DIR));
    } catch {
      return [];
    }
  }
}

/** Delete the question files numbered past `lastSeq` (never pushed, never posted); the names deleted. */
export async function removeQuestionsPast(opts: { ipc: string; names: readonly string[]; lastSeq: number }): Promise<string[]> {
  const over = opts.names.filter((name) => {
    const parsed = parseIpcName(name);
    return parsed?.kind === "question" && parsed.seq > opts.lastSeq;
  });
  for (const name of over) await removePath(join(opts.ipc, name)).catch(() => undefined);
  return over;
}

function newQuestions(names: readonly string[], seen: ReadonlySet<number>): number[] {
  const out: number[] = [];
  for (const name of names) {
    const parsed = parseIpcName(name);
    if (parsed?.kind === "question" && !seen.has(parsed.seq)) out.push(parsed.seq);
  }
  return out.sort((a, b) => a - b);
}
