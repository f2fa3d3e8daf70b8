import { describe, expect, it } from "vitest";
import { StatusWriter } from "../../../src/app/status/writer.js";

/** A virtual clock: sleep advances time at once, so gaps are exact and tests never wait. */
function virtualClock() {
  let time = 0;
  return {
    now: () => time,
    sleep: async (ms: number) => {
      time += ms;
    },
    advance: (ms: number) => {
      time += ms;
    },
  };
}

describe("StatusWriter", () => {
  it("runs one batch at a time per key and collapses requests made meanwhile into ONE follow-up", async () => {
    const batches: number[][] = [];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let running = 0;
    let most = 0;
    const writer = new StatusWriter<number>({
      minGapMs: 0,
      run: async (_key, items) => {
        running++;
        most = Math.max(most, running);
        if (batches.length === 0) await gate;
        batches.push(items);
        running--;
      },
    });
    const first = writer.request("t", 1);
    const rest = [2, 3, 4, 5].map((n) => writer.request("t", n));
    release();
    await Promise.all([first, ...rest]);
    expect(batches).toEqual([[1], [2, 3, 4, 5]]);
    expect(most).toBe(1);
  });

  it("keeps keys independent", async () => {
    const seen: string[] = [];
    const writer = new StatusWriter<string>({ minGapMs: 0, run: async (key, items) => void seen.push(`${key}:${items.join(",")}`) });
    await Promise.all([writer.request("a", "1"), writer.request("b", "2")]);
    expect(seen.sort()).toEqual(["a:1", "b:2"]);
  });

  it("waits the least gap between two runs of a key", async () => {
    const clock = virtualClock();
    const starts: number[] = [];
    const writer = new StatusWriter<number>({
      minGapMs: 2_500,
      now: clock.now,
      sleep: clock.sleep,
      run: async () => {
        starts.push(clock.now());
        clock.advance(100);
      },
    });
    await writer.request("t", 1);
    await writer.request("t", 2);
    await writer.request("t", 3);
    expect(starts).toEqual([0, 2_600, 5_200]);
  });

  it("rejects the waiters of a failed run and goes on with the next", async () => {
    let calls = 0;
    const writer = new StatusWriter<number>({
      minGapMs: 0,
      run: async () => {
        calls++;
        if (calls === 1) throw new Error("boom");
      },
    });
    await expect(writer.request("t", 1)).rejects.toThrow("boom");
    await expect(writer.request("t", 2)).resolves.toBeUndefined();
  });

  it("idle() resolves once every key is drained", async () => {
    const done: number[] = [];
    const writer = new StatusWriter<number>({ minGapMs: 5, run: async (_k, items) => void done.push(...items) });
    void writer.request("a", 1);
    void writer.request("a", 2);
    void writer.request("b", 3);
    await writer.idle();
    expect(done.sort()).toEqual([1, 2, 3]);
  });
});
