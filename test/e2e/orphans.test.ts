/**
 * The stand-in runner's end-of-job cleanup (runner/orphans.ts): it kills the processes carrying the job's
 * RUNNER_TRACKING_ID and no other, as actions/runner does.
 */
import { execa } from "execa";
import { describe, expect, it } from "vitest";
import { killOrphans, newTrackingId, TRACKING_ENV } from "./runner/orphans.js";

/** A process that waits until killed, with `trackingId` in its environment; resolves once it runs (wrapped: a
 * returned execa process would be awaited to its end). */
async function waiter(trackingId: string) {
  const child = execa(process.execPath, ["-e", "process.stdout.write('up'); setInterval(() => {}, 1 << 30)"], { env: { [TRACKING_ENV]: trackingId }, reject: false });
  await new Promise<void>((resolve) => child.stdout!.once("data", () => resolve()));
  return { child };
}

describe("the stand-in runner's cleanup of orphan processes", () => {
  it("kills the job's processes, by its marker, and spares another job's", async () => {
    const [mine, theirs] = [newTrackingId(), newTrackingId()];
    const [{ child: a }, { child: b }] = await Promise.all([waiter(mine), waiter(theirs)]);
    try {
      const lines = await killOrphans(mine);
      expect(lines).toEqual([`Terminate orphan process: pid (${a.pid}) (node)`]);
      expect((await a).signal).toBe("SIGKILL");
      expect(b.exitCode).toBeNull();
      expect(() => process.kill(b.pid!, 0)).not.toThrow();
      expect(await killOrphans(mine)).toEqual([]);
    } finally {
      a.kill("SIGKILL");
      b.kill("SIGKILL");
    }
  });
});
