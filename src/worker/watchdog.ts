/**
 * The worker's watch on a running agent (core/agent-silence.ts): every output line goes through `line`; once a
 * second the clocks are checked, and the first limit passed calls `onSilent` once. A pending question restarts both
 * clocks: waiting for a person is silent by design.
 */
import { readdir } from "node:fs/promises";
import { restartClocks, silenceAt, startWatch, watchLine, type Silence, type SilenceLimits, type SilenceWatch } from "../core/agent-silence.js";
import { pendingQuestionSeq } from "../core/ipc.js";
import type { AgentName } from "../core/task.js";

export const WATCH_TICK_MS = 1000;

export interface WatchdogOptions {
  /** Whose output format the lines are in; `custom`: unknown, only the inactivity limit applies. */
  agent: AgentName;
  limits: SilenceLimits;
  /** The task's ipc folder, where a pending question shows. */
  ipcDir: string;
  onSilent: (silence: Silence) => void;
}

export class Watchdog {
  private watch: SilenceWatch;
  private readonly timer: NodeJS.Timeout;
  private found: Silence | null = null;

  constructor(private readonly opts: WatchdogOptions) {
    this.watch = startWatch(opts.agent, Date.now());
    const tick = Math.min(WATCH_TICK_MS, opts.limits.modelSilenceMs, opts.limits.inactivityMs);
    this.timer = setInterval(() => void this.check(), tick);
  }

  /** The limit that stopped the agent, if one did. */
  get silence(): Silence | null {
    return this.found;
  }

  line(line: string): void {
    this.watch = watchLine(this.watch, line, Date.now());
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private async check(): Promise<void> {
    if (this.found !== null || silenceAt(this.watch, Date.now(), this.opts.limits) === null) return;
    const names = await readdir(this.opts.ipcDir).catch(() => [] as string[]);
    if (pendingQuestionSeq(names) !== null) {
      this.watch = restartClocks(this.watch, Date.now());
      return;
    }
    const silence = silenceAt(this.watch, Date.now(), this.opts.limits);
    if (silence === null || this.found !== null) return;
    this.found = silence;
    this.opts.onSilent(silence);
  }
}
