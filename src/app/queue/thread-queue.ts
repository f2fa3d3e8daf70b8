/**
 * The thread queue: where the app's work on a thread waits and runs. One interface, two homes: in memory for one
 * process (`memory.ts`), in Redis for several replicas (`redis.ts`, when `REDIS_URL` is set). Either way, the runs of
 * a thread never overlap, requests made meanwhile are coalesced into one follow-up run, runs are spaced `minGapMs`
 * apart, and a webhook delivery (its `X-GitHub-Delivery` id) is handled once.
 */

export interface ThreadQueueOptions<Item> {
  /** Does the work for a batch of one thread's requests. */
  run: (key: string, items: Item[]) => Promise<void>;
  /** Least time between the end of a run and the start of the next one of the same thread. */
  minGapMs: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  /**
   * Items that are plain data (a push names a branch): their JSON, which any replica may run; null for an item that
   * must run where it was requested (a command waits for its outcome).
   */
  share?: (item: Item) => string | null;
  /** A shared item back from its JSON, completed from an item of the same thread held here (its client, its config). */
  unshare?: (json: string, like: Item) => Item;
}

export interface ThreadQueue<Item> {
  /** Queue `item` on thread `key`; resolves when a run did it (rejects with that run's error). */
  request(key: string, item: Item): Promise<void>;
  /** True the first time a delivery id is seen (by any replica), false for a duplicate or a redelivery. */
  firstDelivery(id: string): Promise<boolean>;
  /** Resolves once this instance has no work queued or running. */
  idle(): Promise<void>;
  close(): Promise<void>;
}

/** How long a delivery id is remembered: GitHub redelivers on request within days; a day covers its own retries. */
export const DELIVERY_MEMORY_SECONDS = 24 * 60 * 60;
