/**
 * The app's modes side by side (`npm run bench:app` prints the table): one instance on its memory queue, and four
 * replicas sharing a real Redis (a redis-server started for the run), each delivery sent to the next replica in
 * turn. Measured on the fake GitHub of the app's tests. To add a column (another way to run the app), add a Mode.
 */
import { performance } from "node:perf_hooks";
import { parseStatus } from "../src/core/status-read.js";
import { parseQuestionComment } from "../src/core/question.js";
import { DEFAULT_MIN_GAP_MS } from "../src/app/index.js";
import { harness, type Harness, type HarnessOptions } from "../test/app/harness.js";
import { startRedis } from "../test/app/redis-server.js";
import { files } from "../test/app/world.js";
import type { Figure } from "./app.js";

export interface Mode {
  name: string;
  /** The harness for this mode; `redisUrl` is a fresh redis-server's. */
  options: (redisUrl: string) => HarnessOptions;
}

export const MODES: Mode[] = [
  { name: "1 instance", options: () => ({}) },
  { name: "4 replicas on Redis", options: (redisUrl) => ({ instances: 4, redisUrl }) },
];

const TASKS = 16;
const PUSHES = 10;

function dispatchOf(n: number): string {
  return `/dispatch ${n} tasks:\n${Array.from({ length: n }, (_, i) => `${i + 1}. use sonnet to check module number ${i}`).join("\n")}`;
}

function statusOf(h: Harness, issue: number) {
  const comment = h.github.comments.find((c) => c.issue === issue && c.author === "dispatch" && c.body.startsWith("<!-- dispatch:status"));
  return comment ? parseStatus(comment.body) : null;
}

/** 16 tasks × 10 pushes in bursts, then half finish with a change (PR) and half without (output reply). */
async function sixteenTasks(h: Harness): Promise<Figure[]> {
  await h.comment(dispatchOf(TASKS));
  const tasks = statusOf(h, 42)!.tasks;
  const ids = tasks.map((t) => t.id);
  const branch = (id: string) => tasks.find((t) => t.id === id)!.branch;
  const deliveries: Array<Promise<void>> = [];
  for (let push = 1; push <= PUSHES; push++) {
    for (const id of ids) {
      h.github.push(branch(id), files.plan(id, { items: [[`step ${push}`, "done"], ["last", "pending"]] }));
      deliveries.push(h.push(branch(id), { wait: false }));
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  for (const [n, id] of ids.entries()) {
    if (n % 2 === 0) h.github.push(branch(id), { [`src/${id}.js`]: `export const n = ${n};\n` });
    h.github.push(branch(id), files.done(id, `Finished ${id}.`, [[`step ${PUSHES}`, "done"], ["last", "done"]]));
    h.github.push(branch(id), files.removeBookkeeping());
    deliveries.push(h.push(branch(id), { wait: false }));
  }
  await Promise.all(deliveries);
  await h.idle();
  const byApp = h.github.byApp();
  const view = statusOf(h, 42)!;
  const right = view.tasks.every((t, n) => t.status === "done" && t.items.length === 2 && (n % 2 === 0) === Boolean(t.pr));
  return [
    { measure: `${TASKS} tasks × ${PUSHES} pushes: requests`, value: h.github.requests.length, unit: "requests" },
    { measure: `${TASKS} tasks × ${PUSHES} pushes: status edits`, value: byApp.reduce((sum, c) => sum + c.edits, 0), unit: "edits" },
    { measure: `${TASKS} tasks × ${PUSHES} pushes: status comments`, value: byApp.filter((c) => c.body.startsWith("<!-- dispatch:status")).length, unit: "comments" },
    { measure: `${TASKS} tasks × ${PUSHES} pushes: workflow dispatches`, value: h.github.dispatches.length, unit: "dispatches" },
    { measure: `${TASKS} tasks × ${PUSHES} pushes: PRs (${TASKS / 2} expected)`, value: h.github.pulls.length, unit: "PRs" },
    {
      measure: `${TASKS} tasks × ${PUSHES} pushes: output replies (${TASKS / 2} expected)`,
      value: byApp.filter((c) => c.body.includes("<!-- dispatch:output")).length,
      unit: "replies",
    },
    { measure: `${TASKS} tasks × ${PUSHES} pushes: question comments`, value: byApp.filter((c) => parseQuestionComment(c.body)).length, unit: "comments" },
    { measure: `${TASKS} tasks × ${PUSHES} pushes: final status right`, value: right ? 1 : 0, unit: "yes = 1" },
  ];
}

/** Webhook answer time (the handler resolving, which is when Probot answers) while `busy` threads are working. */
async function answerTimes(h: Harness, busy: number): Promise<Figure[]> {
  h.github.latencyMs = 50;
  const threads = Array.from({ length: busy }, (_, i) => 100 + i);
  await Promise.all(threads.map((issue) => h.comment(dispatchOf(4), { issue })));
  const times: number[] = [];
  const deliveries: Array<Promise<void>> = [];
  for (let round = 1; round <= 5; round++) {
    for (const issue of threads) {
      for (const task of statusOf(h, issue)!.tasks) {
        const branch = task.branch;
        h.github.push(branch, files.plan(task.id, { items: [[`step ${round}`, "done"], ["last", "pending"]] }));
        const started = performance.now();
        deliveries.push(h.push(branch, { wait: false }).then(() => void times.push(performance.now() - started)));
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  await Promise.all(deliveries);
  await h.idle();
  const sorted = times.sort((a, b) => a - b);
  const p50 = sorted[Math.floor(sorted.length / 2)]!;
  return [
    { measure: `webhook answer, ${busy} busy thread(s), +50 ms per GitHub request: p50`, value: Math.round(p50 * 10) / 10, unit: "ms" },
    { measure: `webhook answer, ${busy} busy thread(s), +50 ms per GitHub request: max`, value: Math.round(sorted.at(-1)! * 10) / 10, unit: "ms" },
  ];
}

/** Every figure of every mode: `<measure> · <mode>`. */
export async function measureModes(modes: readonly Mode[] = MODES): Promise<Figure[]> {
  const redis = await startRedis();
  const figures: Figure[] = [];
  try {
    for (const mode of modes) {
      const run = async (work: (h: Harness) => Promise<Figure[]>, minGapMs: number) => {
        const h = await harness({ minGapMs, ...mode.options(redis.url) });
        h.github.config = "max_tasks: 20\n";
        try {
          for (const figure of await work(h)) figures.push({ ...figure, measure: `${figure.measure} · ${mode.name}` });
        } finally {
          await h.close();
        }
      };
      await run(sixteenTasks, DEFAULT_MIN_GAP_MS);
      for (const busy of [1, 5, 10]) await run((h) => answerTimes(h, busy), DEFAULT_MIN_GAP_MS);
    }
  } finally {
    await redis.stop();
  }
  return figures;
}

/** The figures as a table: one row per measure, one column per mode. */
export function sideBySide(figures: readonly Figure[], modes: readonly Mode[] = MODES): string[][] {
  const rows = new Map<string, Map<string, string>>();
  for (const figure of figures) {
    const at = figure.measure.lastIndexOf(" · ");
    const measure = figure.measure.slice(0, at);
    const mode = figure.measure.slice(at + 3);
    const row = rows.get(measure) ?? new Map<string, string>();
    row.set(mode, `${figure.value} ${figure.unit}`);
    rows.set(measure, row);
  }
  return [["measure", ...modes.map((m) => m.name)], ...[...rows].map(([measure, row]) => [measure, ...modes.map((m) => row.get(m.name) ?? "–")])];
}
