/**
 * The agent process: started with execa in the worktree, in its own process group (so stopping it stops the tools it
 * started), stdin closed, output streamed line by line and its tail kept for a failure report.
 */
import type { Readable } from "node:stream";
import { setTimeout as sleep } from "node:timers/promises";
import { execa } from "execa";
import type { AgentCommand } from "../core/agent.js";
import type { RunAs } from "./agent-user.js";

export interface AgentExit {
  /** null when the process was killed by a signal or never started. */
  exitCode: number | null;
  signal: string | null;
  /** Why it never started (command not found …). */
  error?: string;
}

export interface AgentProcessOptions {
  command: AgentCommand;
  cwd: string;
  env: Record<string, string>;
  /** Each output line as it comes (stdout and stderr). */
  onLine?: (line: string) => void;
  /** Lines kept for the tail; default 200 (the failure report shows the last 20 readable ones). */
  keepLines?: number;
  /** Whether a line goes into the kept tail (every line still reaches `onLine`); default every line. */
  keepLine?: (line: string) => boolean;
  /** Run as the agent's own user (agent-user.ts); default the worker's user. */
  runAs?: RunAs;
  /** Output (stdout and stderr) beyond this many bytes calls `onTooMuchOutput` once; default unlimited. */
  maxOutputBytes?: number;
  onTooMuchOutput?: (bytes: number) => void;
}

/** A line longer than this is cut: an agent printing one endless line must not fill the worker's memory. */
export const MAX_LINE_CHARS = 16_384;

export interface AgentProcess {
  readonly pid: number | undefined;
  readonly exited: Promise<AgentExit>;
  /** Output lines kept so far, oldest first. */
  lines(): string[];
  /** SIGTERM to the whole process group, SIGKILL after `graceMs`; resolves when the agent has exited. */
  stop(graceMs?: number): Promise<AgentExit>;
}

export function startAgent(opts: AgentProcessOptions): AgentProcess {
  const keep = opts.keepLines ?? 200;
  const kept: string[] = [];
  const prefix = opts.runAs?.prefix ?? [];
  const [file, ...args] = [...prefix, opts.command.file, ...opts.command.args];
  const child = execa(file!, args, {
    cwd: opts.cwd,
    ...(opts.runAs?.uid !== undefined ? { uid: opts.runAs.uid } : {}),
    ...(opts.runAs?.gid !== undefined ? { gid: opts.runAs.gid } : {}),
    env: opts.env,
    extendEnv: false,
    stdin: "ignore",
    buffer: false,
    reject: false,
    detached: true,
    cleanup: false,
    windowsHide: true,
  });
  let bytes = 0;
  let tooMuch = false;
  const counted = (n: number) => {
    bytes += n;
    if (!tooMuch && opts.maxOutputBytes !== undefined && bytes > opts.maxOutputBytes) {
      tooMuch = true;
      opts.onTooMuchOutput?.(bytes);
    }
  };
  const pumps = [child.stdout, child.stderr].map((stream) => pump(stream, counted, (line) => {
    if (opts.keepLine?.(line) ?? true) kept.push(line);
    if (kept.length > keep) kept.shift();
    opts.onLine?.(line);
  }));

  const exited: Promise<AgentExit> = child.then(async (result) => {
    await Promise.all(pumps);
    if (result.exitCode === undefined && result.signal === undefined) {
      const reason = (result as { originalMessage?: string }).originalMessage ?? result.shortMessage ?? "the agent did not start";
      return { exitCode: null, signal: null, error: reason };
    }
    return { exitCode: result.exitCode ?? null, signal: result.signal ?? null };
  });

  let done = false;
  void exited.then(() => {
    done = true;
  });

  const signalGroup = (signal: NodeJS.Signals) => {
    if (done || child.pid === undefined) return;
    try {
      if (opts.runAs) opts.runAs.kill(child.pid, signal);
      else process.kill(-child.pid, signal);
    } catch {
      child.kill(signal);
    }
  };

  return {
    pid: child.pid,
    exited,
    lines: () => [...kept],
    async stop(graceMs = 5000) {
      signalGroup("SIGTERM");
      const first = await Promise.race([exited, sleep(graceMs).then(() => null)]);
      if (first) return first;
      signalGroup("SIGKILL");
      return exited;
    },
  };
}

/** Lines of a stream, each cut to MAX_LINE_CHARS; the rest of an over-long line is dropped, not buffered. */
async function pump(stream: Readable | null, counted: (bytes: number) => void, onLine: (line: string) => void): Promise<void> {
  if (!stream) return;
  stream.setEncoding("utf8");
  let partial = "";
  let cut = false;
  for await (const chunk of stream as AsyncIterable<string>) {
    counted(Buffer.byteLength(chunk));
    const pieces = chunk.split("\n");
    for (let i = 0; i < pieces.length; i++) {
      const last = i === pieces.length - 1;
      if (!cut) partial += pieces[i];
      if (partial.length > MAX_LINE_CHARS && !cut) {
        partial = `${partial.slice(0, MAX_LINE_CHARS)} … (line cut)`;
        cut = true;
      }
      if (last) break;
      onLine(partial.endsWith("\r") ? partial.slice(0, -1) : partial);
      partial = "";
      cut = false;
    }
  }
  if (partial.length > 0) onLine(partial);
}
