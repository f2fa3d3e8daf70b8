/**
 * The thread queue of several replicas, in Redis: N replicas behave as one.
 * - A per-thread lock (`SET NX PX` with a token, renewed while held, released only by its holder) keeps the runs of
 *   a thread from overlapping, whichever replica received the events.
 * - Shared items (pushes: plain data) wait in a per-thread Redis set: a replica that cannot take the lock leaves
 *   its push there and returns; the holder takes everything waiting before each run (a burst on four replicas
 *   becomes a few runs, as on one), and looks again after releasing the lock, so nothing is left behind.
 * - The time the thread's last run ended is kept in Redis, so runs stay `minGapMs` apart across replicas.
 * - A delivery id is claimed with `SET NX EX`: a delivery sent to two replicas runs once.
 * Work that must run where it was requested (a command waiting for its outcome) waits here for the lock.
 */
import { randomUUID } from "node:crypto";
import type { Redis } from "ioredis";
import { StatusWriter } from "../status/writer.js";
import { DELIVERY_MEMORY_SECONDS, type ThreadQueue, type ThreadQueueOptions } from "./thread-queue.js";

export interface RedisQueueOptions<Item> extends ThreadQueueOptions<Item> {
  redis: Redis;
  /** Prefix of every key (default `dispatch:`). */
  prefix?: string;
  /** How long a lock lives unless renewed (a replica that died holding it frees it after this). */
  lockMs?: number;
}

const RELEASE = `if redis.call("get", KEYS[1]) == ARGV[1] then return redis.call("del", KEYS[1]) else return 0 end`;
const RENEW = `if redis.call("get", KEYS[1]) == ARGV[1] then return redis.call("pexpire", KEYS[1], ARGV[2]) else return 0 end`;

export class RedisQueue<Item> implements ThreadQueue<Item> {
  private readonly redis: Redis;
  private readonly prefix: string;
  private readonly lockMs: number;
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  /** This replica's own requests: one run at a time per thread, requests made meanwhile coalesced. */
  private readonly local: StatusWriter<Item>;

  constructor(private readonly options: RedisQueueOptions<Item>) {
    this.redis = options.redis;
    this.prefix = options.prefix ?? "dispatch:";
    this.lockMs = options.lockMs ?? 30_000;
    this.now = options.now ?? (() => Date.now());
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.local = new StatusWriter<Item>({ minGapMs: 0, run: (key, items) => this.runShared(key, items) });
  }

  request(key: string, item: Item): Promise<void> {
    return this.local.request(key, item);
  }

  async firstDelivery(id: string): Promise<boolean> {
    return (await this.redis.set(`${this.prefix}delivery:${id}`, "1", "EX", DELIVERY_MEMORY_SECONDS, "NX")) === "OK";
  }

  idle(): Promise<void> {
    return this.local.idle();
  }

  async close(): Promise<void> {
    await this.local.idle();
    this.redis.disconnect();
  }

  private keys(key: string) {
    return { lock: `${this.prefix}lock:${key}`, waiting: `${this.prefix}waiting:${key}`, ended: `${this.prefix}ended:${key}` };
  }

  /** A batch of this replica's requests for one thread. */
  private async runShared(key: string, items: Item[]): Promise<void> {
    const shared = items.flatMap((item) => {
      const json = this.options.share?.(item) ?? null;
      return json === null ? [] : [json];
    });
    const own = items.filter((item) => (this.options.share?.(item) ?? null) === null);
    const like = items[items.length - 1]!;
    if (shared.length > 0) await this.redis.sadd(this.keys(key).waiting, ...shared);
    await this.drain(key, { like, own, wait: own.length > 0 });
  }

  /**
   * Take the lock (waiting for it when this replica has its own items), run until nothing waits, release; look
   * again after releasing, since an item left while this replica was finishing would otherwise wait for the next.
   */
  private async drain(key: string, { like, own, wait }: { like: Item; own: Item[]; wait: boolean }): Promise<void> {
    const k = this.keys(key);
    let mine = own;
    /** The first failed run's error, thrown once nothing waits (a failed run must not strand the pushes after it). */
    let failure: { error: unknown } | null = null;
    for (;;) {
      const token = await this.acquire(k.lock, wait);
      if (token === null) break; // the holder runs what waits
      const renewal = setInterval(() => void this.redis.eval(RENEW, 1, k.lock, token, String(this.lockMs)).catch(() => {}), this.lockMs / 3);
      try {
        for (;;) {
          const ended = Number(await this.redis.get(k.ended));
          const gap = ended + this.options.minGapMs - this.now();
          if (ended > 0 && gap > 0) await this.sleep(gap);
          const [[, waiting]] = (await this.redis.multi().smembers(k.waiting).del(k.waiting).exec()) as [[unknown, string[]], unknown];
          const batch = [...mine, ...waiting.map((json) => this.options.unshare!(json, like))];
          // A caller with its own items hears of their run's failure only; a caller of pushes alone, of any.
          const concerned = mine.length > 0 || own.length === 0;
          mine = [];
          if (batch.length === 0) break;
          try {
            await this.options.run(key, batch);
          } catch (error) {
            if (concerned) failure ??= { error };
          }
          await this.redis.set(k.ended, String(this.now()), "PX", Math.max(this.options.minGapMs * 4, 1_000));
        }
      } finally {
        clearInterval(renewal);
        await this.redis.eval(RELEASE, 1, k.lock, token);
      }
      if ((await this.redis.scard(k.waiting)) === 0) break;
      wait = false;
    }
    if (failure) throw failure.error;
  }

  /** The lock's token once held; null when `wait` is false and another replica holds it. */
  private async acquire(lock: string, wait: boolean): Promise<string | null> {
    const token = randomUUID();
    for (let pause = 10; ; pause = Math.min(pause * 2, 250)) {
      if ((await this.redis.set(lock, token, "PX", this.lockMs, "NX")) === "OK") return token;
      if (!wait) return null;
      await new Promise((resolve) => setTimeout(resolve, pause));
    }
  }
}
