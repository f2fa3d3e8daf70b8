/**
 * Serialized, coalesced work per key (one key per thread): one run at a time; everything requested while a run is
 * going on (or waiting for its turn) is handed to ONE follow-up run; runs of a key start at least `minGapMs` apart,
 * so a burst of pushes becomes a few status edits and the last edit reads the latest state.
 */

export interface StatusWriterOptions<Item> {
  /** Does the work for a batch of requests of one key, in the order they came. */
  run: (key: string, items: Item[]) => Promise<void>;
  /** Least time between the end of a run and the start of the next one of the same key. */
  minGapMs: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

interface Waiter {
  resolve: () => void;
  reject: (error: unknown) => void;
}

interface KeyState<Item> {
  items: Item[];
  waiters: Waiter[];
  loop: Promise<void> | null;
}

export class StatusWriter<Item> {
  private readonly keys = new Map<string, KeyState<Item>>();
  private readonly lastEnd = new Map<string, number>();
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(private readonly options: StatusWriterOptions<Item>) {
    this.now = options.now ?? (() => Date.now());
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  /** Ask for a run including `item`; resolves when that run is over (rejects with its error). */
  request(key: string, item: Item): Promise<void> {
    let state = this.keys.get(key);
    if (!state) {
      state = { items: [], waiters: [], loop: null };
      this.keys.set(key, state);
    }
    state.items.push(item);
    const done = new Promise<void>((resolve, reject) => state.waiters.push({ resolve, reject }));
    if (!state.loop) state.loop = this.drain(key, state);
    return done;
  }

  /** Resolves once no key has work left (for tests and benchmarks). */
  async idle(): Promise<void> {
    for (;;) {
      const loops = [...this.keys.values()].flatMap((state) => (state.loop ? [state.loop] : []));
      if (loops.length === 0) return;
      await Promise.all(loops);
    }
  }

  private async drain(key: string, state: KeyState<Item>): Promise<void> {
    while (state.items.length > 0) {
      const wait = (this.lastEnd.get(key) ?? -Infinity) + this.options.minGapMs - this.now();
      if (wait > 0) await this.sleep(wait);
      const items = state.items.splice(0);
      const waiters = state.waiters.splice(0);
      try {
        await this.options.run(key, items);
        for (const waiter of waiters) waiter.resolve();
      } catch (error) {
        for (const waiter of waiters) waiter.reject(error);
      }
      this.lastEnd.set(key, this.now());
    }
    state.loop = null;
    this.keys.delete(key);
    this.forgetOldKeys();
  }

  private forgetOldKeys(): void {
    const horizon = this.now() - this.options.minGapMs;
    for (const [key, end] of this.lastEnd) if (end < horizon && !this.keys.has(key)) this.lastEnd.delete(key);
  }
}
