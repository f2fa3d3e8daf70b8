/**
 * Worker latencies against a local bare remote, with the Action's default intervals (push 5 s, fetch 3 s):
 *   - start → the plan on the remote            (target < 2 s)
 *   - a checkbox tick → that tick on the remote (target < push-interval + 1 s)
 *   - an answer on the remote → dispatch-ask returns it to the agent (target < 5 s)
 * Prints figures; asserts nothing. `npm run bench:worker [runs]`
 */
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { pathToFileURL } from "node:url";
import { parsePlan } from "../src/core/plan.js";
import { ASK_COMMAND, makeRig, spec } from "../test/worker/helpers.js";
import { runWorker } from "../src/worker/index.js";

const AGENT = `
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { spawnSync } from "node:child_process";
const plan = process.env.DISPATCH_PLAN, marks = process.env.BENCH_MARKS;
const mark = (name) => writeFileSync(\`\${marks}/\${name}\`, String(Date.now()));
const tick = () => writeFileSync(plan, readFileSync(plan, "utf8").replace("- [ ]", "- [x]"));
await new Promise((r) => setTimeout(r, 2500 + Math.random() * 2500)); // tick at an arbitrary point of the push cycle
tick(); mark("tick");
while (!existsSync(\`\${marks}/go\`)) await new Promise((r) => setTimeout(r, 20)); // ask only once the tick was seen
spawnSync("dispatch-ask", ["Go on?"], { encoding: "utf8" }); mark("answered");
writeFileSync(process.env.DISPATCH_DIR + "/output.md", "ok\\n");
while (readFileSync(plan, "utf8").includes("- [ ]")) tick();
`;

async function once(run: number): Promise<Record<string, number>> {
  const rig = await makeRig();
  try {
    const ws = await rig.workspace();
    const agentFile = join(rig.root, "agent.mjs");
    await writeFile(agentFile, AGENT);
    const branch = "dispatch/1/bench";
    const dir = ".dispatch/tasks/bench";
    const started = Date.now();
    const working = runWorker({
      spec: spec({ id: "bench", steps: ["One", "Two"] }),
      issue: 1,
      base: "main",
      workspace: ws,
      agentCommand: `'${process.execPath}' '${agentFile}'`,
      askCommand: ASK_COMMAND,
      env: { PATH: process.env["PATH"] ?? "", BENCH_MARKS: rig.root },
      // The agent gets an allowlisted environment: name what this scripted agent reads.
      agentVariables: ["BENCH_MARKS"],
    });
    await rig.until("plan", () => rig.show(branch, `${dir}/plan.md`), 30_000);
    const planPushed = Date.now();
    await rig.until("tick", () => parsePlan(rig.show(branch, `${dir}/plan.md`) ?? "")?.items[0]?.state === "done", 30_000);
    const tickSeen = Date.now();
    await writeFile(join(rig.root, "go"), "");
    await rig.until("question", () => rig.show(branch, `${dir}/ipc/001.question`), 30_000);
    await rig.appCommit(branch, { [`${dir}/ipc/001.answer`]: "yes\n" }, "answer 001");
    const answerLanded = Date.now();
    const result = await working;
    const tick = Number(await readFile(join(rig.root, "tick"), "utf8"));
    const answered = Number(await readFile(join(rig.root, "answered"), "utf8"));
    if (result.status !== "done") console.log(`run ${run}: the task ended ${result.status}`);
    return { firstPush: planPushed - started, tickToPush: tickSeen - tick, answerPickup: answered - answerLanded };
  } finally {
    await rig.cleanup();
  }
}

export interface WorkerFigures {
  firstPush: number;
  tickToPush: number;
  answerPickup: number;
}

/** The worst of `runs` runs, each figure in ms. */
export async function measureWorker(runs: number, log: (line: string) => void = () => {}): Promise<WorkerFigures> {
  const rows: Record<string, number>[] = [];
  for (let i = 1; i <= runs; i++) {
    const row = await once(i);
    rows.push(row);
    log(`run ${i}: first push ${row.firstPush} ms · tick → push ${row.tickToPush} ms · answer → dispatch-ask ${row.answerPickup} ms`);
    await sleep(100);
  }
  const worst = (key: string) => Math.max(...rows.map((r) => r[key] ?? 0));
  return { firstPush: worst("firstPush"), tickToPush: worst("tickToPush"), answerPickup: worst("answerPickup") };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const runs = Number(process.argv[2] ?? "3");
  const figures = await measureWorker(runs, console.log);
  console.log(`\nworst of ${runs}:`);
  console.log(`  start → plan on the remote      ${figures.firstPush} ms   (target < 2000 ms)`);
  console.log(`  tick → tick on the remote       ${figures.tickToPush} ms   (target < 6000 ms with push-interval 5 s)`);
  console.log(`  answer on remote → agent has it ${figures.answerPickup} ms   (target < 5000 ms)`);
}
