/**
 * The thread queue of one process: the StatusWriter (serialized, coalesced, spaced runs per thread) and the delivery
 * ids seen lately.
 */
import { StatusWriter } from "../status/writer.js";
import type { ThreadQueue, ThreadQueueOptions } from "./thread-queue.js";

/** Delivery ids remembered at most (the oldest are forgotten first). */
const MAX_DELIVERIES = 10_000;

export class MemoryQueue<Item> implements ThreadQueue<Item> {
  private readonly writer: StatusWriter<Item>;
  private readonly seen = new Set<string>();

  constructor(options: ThreadQueueOptions<Item>) {
    this.writer = new StatusWriter<Item>({
      run: options.run,
      minGapMs: options.minGapMs,
      ...(options.now ? { now: options.now } : {}),
      ...(options.sleep ? { sleep: options.sleep } : {}),
    });
  }

  request(key: string, item: Item): Promise<void> {
    return this.writer.request(key, item);
  }

  async firstDelivery(id: string): Promise<boolean> {
    if (this.seen.has(id)) return false;
    this.seen.add(id);
    if (this.seen.size > MAX_DELIVERIES) this.seen.delete(this.seen.values().next().value!);
    return true;
  }

  idle(): Promise<void> {
    return this.writer.idle();
  }

  async close(): Promise<void> {}
}
