/**
 * A real Redis for the tests: its own `redis-server` on a free port of 127.0.0.1, nothing saved to disk, stopped at
 * the end. Never the machine's service. `.ci/run` installs Debian's redis-server when it is missing.
 */
import { createServer } from "node:net";
import { execa, type ResultPromise } from "execa";
import { Redis } from "ioredis";

export interface RedisServer {
  url: string;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Start redis-server; resolves once it answers PING (a port taken meanwhile makes it try another). */
export async function startRedis(): Promise<RedisServer> {
  for (let attempt = 0; ; attempt++) {
    const port = await freePort();
    const child: ResultPromise = execa("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], {
      reject: false,
      stdout: "pipe",
    });
    const ready = new Promise<boolean>((resolve) => {
      let out = "";
      child.stdout!.on("data", (chunk: Buffer) => {
        out += chunk.toString();
        if (/Ready to accept connections/i.test(out)) resolve(true);
      });
      void child.then(() => resolve(false));
    });
    if (!(await ready)) {
      if (attempt < 3) continue;
      throw new Error(`redis-server did not start: ${(await child).stdout}`);
    }
    const url = `redis://127.0.0.1:${port}`;
    const probe = new Redis(url);
    await probe.ping();
    probe.disconnect();
    return {
      url,
      stop: async () => {
        child.kill("SIGTERM");
        await child;
      },
    };
  }
}
