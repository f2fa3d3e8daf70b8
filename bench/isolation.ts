/**
 * The cost of running the agent as its own user: job setup (start → the agent started) and the first push (start →
 * plan.md on the remote), with the agent isolated (`dispatch-agent`, needs root or sudo) and as the worker's user.
 * The bundled Action is run in its own process, as a runner runs it. Prints figures; asserts nothing.
 * `npm run bench:isolation [runs]`
 */
import { pathToFileURL } from "node:url";
import { chmod } from "node:fs/promises";
import { setTimeout as sleep } from "node:timers/promises";
import { runAction } from "../test/worker/action-run.js";
import { makeRig, spec } from "../test/worker/helpers.js";

export interface IsolationFigures {
  /** Median ms, isolated and same-user; null when this machine cannot isolate (neither root nor sudo). */
  setup: { isolated: number | null; same: number };
  firstPush: { isolated: number | null; same: number };
}

/** One run: ms from the Action's start to "plan pushed" and to "starting …", read from its own timed log. */
async function once(user: string, run: number): Promise<{ setup: number; firstPush: number } | null> {
  const rig = await makeRig();
  try {
    await chmod(rig.root, 0o755);
    const ws = await rig.workspace();
    const id = `bench-${user}-${run}`;
    const branch = `dispatch/7/${id}`;
    const started = Date.now();
    // The agent notes when it starts: the setup is over then.
    let done = false;
    const running = runAction(rig, {
      ws,
      inputs: { TASK: JSON.stringify(spec({ id })), "AGENT-COMMAND": "date +%s%3N > started.txt", "AGENT-USER": user },
    }).finally(() => (done = true));
    let firstPush = 0;
    while (!done && firstPush === 0) {
      if (rig.has(branch)) firstPush = Date.now() - started;
      else await sleep(5);
    }
    const result = await running;
    if (result.exitCode !== 0 && /cannot run the agent as its own user/.test(result.stdout)) return null;
    const agentStart = Number(rig.show(`${branch}~1`, "started.txt") ?? "NaN");
    if (!firstPush || Number.isNaN(agentStart)) throw new Error(`the run did not go through: ${result.stdout}`);
    return { setup: agentStart - started, firstPush };
  } finally {
    await rig.cleanup();
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

export async function measureIsolation(runs: number, log: (line: string) => void = () => {}): Promise<IsolationFigures> {
  const figures: Record<string, { setup: number[]; firstPush: number[] } | null> = { "dispatch-agent": { setup: [], firstPush: [] }, same: { setup: [], firstPush: [] } };
  for (let run = 0; run < runs; run++) {
    for (const user of ["dispatch-agent", "same"]) {
      if (figures[user] === null) continue;
      const r = await once(user, run);
      if (!r) {
        figures[user] = null;
        log(`${user}: this machine cannot run the agent as its own user (neither root nor sudo)`);
        continue;
      }
      figures[user]!.setup.push(r.setup);
      figures[user]!.firstPush.push(r.firstPush);
      log(`${user} run ${run + 1}: setup ${r.setup} ms, first push ${r.firstPush} ms`);
    }
  }
  const iso = figures["dispatch-agent"];
  const same = figures["same"]!;
  return {
    setup: { isolated: iso ? median(iso.setup) : null, same: median(same.setup) },
    firstPush: { isolated: iso ? median(iso.firstPush) : null, same: median(same.firstPush) },
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const f = await measureIsolation(Number(process.argv[2] ?? "3"), console.log);
  console.log(`job setup (Action start → agent started): isolated ${f.setup.isolated ?? "n/a"} ms · same user ${f.setup.same} ms`);
  console.log(`first push (Action start → plan on the remote): isolated ${f.firstPush.isolated ?? "n/a"} ms · same user ${f.firstPush.same} ms`);
}
