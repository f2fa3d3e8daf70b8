/**
 * One `git cat-file --batch-command` per bare repository: the stand-in reads objects (a blob, a commit, what
 * `<commit>:<path>` or `<commit>~1` names) over a pipe instead of starting a git process for each. A scenario's test
 * process is large, and every process it starts costs it a fork of itself; most of the stand-in's git commands were
 * such reads.
 *
 * Requests are answered in order: `info <object>` → `<oid> <type> <size>`, `contents <object>` → the same line, the
 * object's bytes and a newline; an object that is not there → `<object> missing` (or `ambiguous`).
 */
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";

export interface ObjectInfo {
  oid: string;
  type: "blob" | "tree" | "commit" | "tag";
  size: number;
}

type Pending =
  | { kind: "info"; resolve: (value: ObjectInfo | null) => void; reject: (error: Error) => void }
  | { kind: "contents"; resolve: (value: (ObjectInfo & { content: Buffer }) | null) => void; reject: (error: Error) => void };

export class ObjectReader {
  private child: ChildProcessWithoutNullStreams | null = null;
  private buffer: Buffer = Buffer.alloc(0);
  private readonly pending: Pending[] = [];

  constructor(private readonly dir: string) {}

  /** What `name` names (an object id or an expression git resolves: `<id>:<path>`, `<id>~1`, `<id>^{commit}`). */
  info(name: string): Promise<ObjectInfo | null> {
    return new Promise((resolve, reject) => this.send({ kind: "info", resolve, reject }, `info ${name}`));
  }

  /** The object `name` names, with its bytes. */
  contents(name: string): Promise<(ObjectInfo & { content: Buffer }) | null> {
    return new Promise((resolve, reject) => this.send({ kind: "contents", resolve, reject }, `contents ${name}`));
  }

  close(): void {
    const child = this.child;
    this.child = null;
    child?.stdin.end();
    child?.kill();
  }

  private send(request: Pending, line: string): void {
    if (/[\n\r]/.test(line)) return request.reject(new Error(`cannot ask git cat-file about a name with a line break: ${JSON.stringify(line)}`));
    const child = this.child ?? this.start();
    this.pending.push(request);
    child.stdin.write(`${line}\n`);
  }

  private start(): ChildProcessWithoutNullStreams {
    const child = spawn("git", ["cat-file", "--batch-command"], {
      cwd: this.dir,
      env: { ...process.env, GIT_CONFIG_NOSYSTEM: "1" },
      stdio: ["pipe", "pipe", "pipe"],
    });
    this.child = child;
    this.buffer = Buffer.alloc(0);
    // It must not keep the test process alive, nor outlive it.
    child.unref();
    for (const stream of [child.stdin, child.stdout, child.stderr]) (stream as unknown as { unref?: () => void }).unref?.();
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
    child.stdout.on("data", (chunk: Buffer) => {
      this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
      this.drain();
    });
    child.stdin.on("error", () => undefined);
    child.on("exit", (code, signal) => {
      if (this.child === child) this.child = null;
      const error = new Error(`git cat-file --batch-command in ${this.dir} ended (${signal ?? `code ${code}`}): ${stderr.trim()}`);
      for (const request of this.pending.splice(0)) request.reject(error);
    });
    return child;
  }

  private drain(): void {
    while (this.pending.length > 0) {
      const newline = this.buffer.indexOf(10);
      if (newline < 0) return;
      const line = this.buffer.subarray(0, newline).toString("utf8");
      const request = this.pending[0]!;
      if (/ (missing|ambiguous)$/.test(line)) {
        this.buffer = this.buffer.subarray(newline + 1);
        this.pending.shift();
        request.resolve(null);
        continue;
      }
      const [oid = "", type = "", size = ""] = line.split(" ");
      const info: ObjectInfo = { oid, type: type as ObjectInfo["type"], size: Number(size) };
      if (request.kind === "info") {
        this.buffer = this.buffer.subarray(newline + 1);
        this.pending.shift();
        request.resolve(info);
        continue;
      }
      const end = newline + 1 + info.size;
      if (this.buffer.length < end + 1) return; // the rest of the object is still coming
      const content = Buffer.from(this.buffer.subarray(newline + 1, end));
      this.buffer = this.buffer.subarray(end + 1);
      this.pending.shift();
      request.resolve({ ...info, content });
    }
  }
}

const readers = new Map<string, ObjectReader>();

/** The reader of the repository at `dir`, started on first use. */
export function objectReader(dir: string): ObjectReader {
  let reader = readers.get(dir);
  if (!reader) readers.set(dir, (reader = new ObjectReader(dir)));
  return reader;
}

/** End the readers of the repositories under `root` (a stand-in stopping). */
export function closeObjectReaders(root: string): void {
  for (const [dir, reader] of readers) {
    if (dir !== root && !dir.startsWith(`${root}/`)) continue;
    reader.close();
    readers.delete(dir);
  }
}
