/**
 * `npm run bench`: the app's and the worker's benchmarks, then the seed's three-things comment end to end with
 * instant agents (the GitHub stand-in, the real app, the real workflow's matrix, the bundled Action, real git).
 * Prints one table; asserts nothing.
 */
import { cpus } from "node:os";
import { measureApp, printTable } from "./app.js";
import { measureIsolation } from "./isolation.js";
import { measureWorker } from "./worker.js";
import { startHarness, type AgentScript } from "../test/e2e/harness.js";

const SEED = `/dispatch three things:
1. use opus to do a security review of the auth module
2. use sonnet to write unit tests for the API endpoints
3. use gemini to update the README with recent changes`;

const AGENTS: Record<string, AgentScript> = {
  "/review/": { ask: "Should INFO-level log lines count as findings?", output: "Reviewed {task}." },
  "*": { edits: { "docs/{task}.md": "# {task}\n" }, output: "Wrote docs/{task}.md." },
};

/** Comment posted → every pull request open, and the status comment says all tasks are complete. */
async function measureSeedRun(): Promise<{ ms: number; pulls: number; complete: boolean }> {
  const harness = await startHarness({ agents: AGENTS });
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
    const complete = (harness.statusComment(1)?.body ?? "").includes("all 3 tasks complete");
    return { ms, pulls: harness.pulls().length, complete };
  } finally {
    await harness.stop();
  }
}

const app = await measureApp();
const worker = await measureWorker(Number(process.argv[2] ?? "2"));
const seed = await measureSeedRun();
const isolation = await measureIsolation(3);
const ms = (v: number | null) => (v === null ? "n/a (neither root nor sudo)" : `${v} ms`);

const rows: string[][] = [["measure", "N", "reads", "writes", "other"], ...app.slice(1)];
rows.push(["worker: start → plan on the remote", "", "", "", `${worker.firstPush} ms (target < 2000)`]);
rows.push(["worker: tick → on the remote", "", "", "", `${worker.tickToPush} ms (target < 6000, push interval 5 s)`]);
rows.push(["worker: answer → dispatch-ask returns", "", "", "", `${worker.answerPickup} ms (target < 5000)`]);
rows.push(["worker: job setup, agent isolated / same user", "3", "", "", `${ms(isolation.setup.isolated)} / ${ms(isolation.setup.same)}`]);
rows.push(["worker: first push, agent isolated / same user", "3", "", "", `${ms(isolation.firstPush.isolated)} / ${ms(isolation.firstPush.same)}`]);
rows.push(["e2e: seed comment → all PRs open", "3", "", "", `${(seed.ms / 1000).toFixed(1)} s, ${seed.pulls} PRs, complete: ${seed.complete}`]);
console.log(`dispatch benchmarks · Node ${process.version} · ${cpus().length} × ${cpus()[0]?.model ?? "cpu"}\n`);
printTable(rows);
