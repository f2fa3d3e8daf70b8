/**
 * `npm run bench [-- --runs N] [--only app,worker,e2e,agents] [--setup]`: the app's and the worker's benchmarks, the
 * seed's three-things comment end to end with instant agents (the GitHub stand-in, the real app, the real workflow's
 * matrix, the Action bundled from the sources now, real git), and the real claude, gemini and codex CLIs against the
 * scripted model server (start → first model request, whole scripted task; with `--setup` also the workflow's
 * install of each, which downloads from the npm registry), each run N times (default 5). Prints the machine (CPU,
 * cores, memory, Node, load) and one table: every figure's median and range over the runs. Asserts nothing.
 */
import { cpus, loadavg, totalmem } from "node:os";
import { parseArgs } from "node:util";
import { measureAgentsOnce, measureSetupOnce } from "./agents.js";
import { measureApp, printTable, type Figure } from "./app.js";
import { measureIsolation } from "./isolation.js";
import { measureWorker } from "./worker.js";
import { buildActionBundle } from "../test/e2e/action-bundle.js";
import { startHarness, type AgentScript } from "../test/e2e/harness.js";

const SEED = `/dispatch three things:
1. use opus to do a security review of the auth module
2. use sonnet to write unit tests for the API endpoints
3. use gemini to update the README with recent changes`;

const AGENTS: Record<string, AgentScript> = {
  "/review/": { ask: "Should INFO-level log lines count as findings?", output: "Reviewed {task}." },
  "*": { edits: { "docs/{task}.md": "# {task}\n" }, output: "Wrote docs/{task}.md." },
};

const PARTS = ["app", "worker", "e2e", "agents"] as const;
type Part = (typeof PARTS)[number];

/** Comment posted → every pull request open, and the status comment says all tasks are complete. */
async function measureSeedRun(actionPath: string): Promise<Figure[]> {
  const harness = await startHarness({ agents: AGENTS, runner: { actionPath } });
  try {
    harness.hub.openIssue({ title: "Pre-launch sweep", user: "maintainer" });
    const answered = new Set<number>();
    const started = Date.now();
    await harness.comment({ body: SEED, issue: 1 });
    for (;;) {
      for (const c of harness.hub.comments(1)) {
        if (!c.body.startsWith("<!-- dispatch:question") || answered.has(c.id)) continue;
        answered.add(c.id);
        await harness.quoteReply({ to: c, answer: "No, only WARN and above." });
      }
      const status = harness.statusComment(1)?.body ?? "";
      if (harness.pulls().length >= 2 && status.includes("all 3 tasks complete")) break;
      if (Date.now() - started > 180_000) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const ms = Date.now() - started;
    await harness.waitForQuiet({ settleMs: 500, timeoutMs: 60_000 });
    const final = harness.statusComment(1)?.body ?? "";
    const complete = final.includes("all 3 tasks complete");
    // A figure of a run that never finished is no figure: say why, loudly, beside it.
    if (!complete) console.error(`e2e: the seed run did not finish; the status comment says:\n${final.split("\n").filter((l) => !l.startsWith("<!--")).join("\n")}`);
    return [
      { measure: "e2e: seed comment → both PRs open, one question answered", value: ms / 1000, unit: "s" },
      { measure: "e2e: pull requests opened", value: harness.pulls().length, unit: "PRs" },
      { measure: "e2e: status comment says all 3 tasks complete", value: complete ? 1 : 0, unit: "yes = 1" },
    ];
  } finally {
    await harness.stop();
  }
}

async function measureWorkerOnce(): Promise<Figure[]> {
  const worker = await measureWorker(1);
  return [
    { measure: "worker: start → plan on the remote (target < 2 s)", value: worker.firstPush / 1000, unit: "s" },
    { measure: "worker: tick → on the remote, push interval 5 s (target < 6 s)", value: worker.tickToPush / 1000, unit: "s" },
    { measure: "worker: answer on the remote → dispatch-ask returns (target < 5 s)", value: worker.answerPickup / 1000, unit: "s" },
  ];
}

/** Job setup and first push with the agent as its own user and as the worker's user (null: neither root nor sudo). */
async function measureIsolationOnce(): Promise<Figure[]> {
  const isolation = await measureIsolation(1);
  const figures: Figure[] = [];
  const add = (measure: string, value: number | null) => {
    if (value !== null) figures.push({ measure, value: value / 1000, unit: "s" });
  };
  add("worker: job setup, agent as its own user", isolation.setup.isolated);
  add("worker: job setup, agent as the worker's user", isolation.setup.same);
  add("worker: first push, agent as its own user", isolation.firstPush.isolated);
  add("worker: first push, agent as the worker's user", isolation.firstPush.same);
  return figures;
}

function median(sorted: number[]): number {
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** A number as the table shows it: whole for counts, 2 significant decimals for durations. */
function shown(value: number, unit: string): string {
  return unit === "s" ? value.toFixed(2) : Number.isInteger(value) ? String(value) : value.toFixed(1);
}

function machine(): string {
  const cpu = cpus();
  const gib = (totalmem() / 1024 ** 3).toFixed(1);
  const load = loadavg().map((l) => l.toFixed(2)).join(" ");
  return `Node ${process.version} · ${cpu.length} × ${cpu[0]?.model.trim() ?? "unknown CPU"} · ${gib} GiB memory · ${process.platform}/${process.arch} · load average at start ${load}`;
}

const { values } = parseArgs({ options: { runs: { type: "string", default: "5" }, only: { type: "string", default: PARTS.join(",") }, setup: { type: "boolean", default: false } } });
const runs = Number(values.runs);
const only = values.only.split(",").map((p) => p.trim()) as Part[];
if (!Number.isInteger(runs) || runs < 1 || only.some((p) => !PARTS.includes(p))) {
  console.error(`usage: npm run bench -- [--runs N (default 5)] [--only ${PARTS.join(",")}] [--setup]`);
  process.exit(2);
}

console.log(`dispatch benchmarks · ${runs} run(s) of ${only.join(", ")}\n${machine()}\n`);
const bundle = only.includes("e2e") ? await buildActionBundle() : null;
const samples = new Map<string, { unit: string; values: number[] }>();
try {
  for (let run = 1; run <= runs; run++) {
    const started = Date.now();
    const figures: Figure[] = [];
    if (only.includes("app")) figures.push(...(await measureApp()));
    if (only.includes("worker")) figures.push(...(await measureWorkerOnce()), ...(await measureIsolationOnce()));
    if (bundle) figures.push(...(await measureSeedRun(bundle.path)));
    if (only.includes("agents")) figures.push(...(await measureAgentsOnce()), ...(values.setup ? await measureSetupOnce() : []));
    for (const figure of figures) {
      const sample = samples.get(figure.measure) ?? { unit: figure.unit, values: [] };
      sample.values.push(figure.value);
      samples.set(figure.measure, sample);
    }
    console.log(`run ${run}/${runs} done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }
} finally {
  await bundle?.remove();
}

const rows: string[][] = [["measure", "median", "range (min–max)", "unit"]];
for (const [measure, { unit, values: all }] of samples) {
  const sorted = [...all].sort((a, b) => a - b);
  rows.push([measure, shown(median(sorted), unit), `${shown(sorted[0]!, unit)}–${shown(sorted.at(-1)!, unit)}`, unit]);
}
console.log("");
printTable(rows);
