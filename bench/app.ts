/**
 * `npm run bench:app`: what the app costs GitHub, measured against the recording stand-in of the tests.
 * Prints figures; asserts nothing.
 */
import { parseStatus } from "../src/core/status-read.js";
import { pathToFileURL } from "node:url";
import { DEFAULT_MIN_GAP_MS } from "../src/app/index.js";
import { harness, type Harness } from "../test/app/harness.js";
import { files } from "../test/app/world.js";
import { measureActionsMode } from "./actions-mode.js";
import { MODES, measureModes, sideBySide } from "./replicas.js";
import { measureScale } from "./app-scale.js";

/** GETs and GraphQL queries read; everything else (GraphQL mutations too) writes. */
function isRead(r: { method: string; path: string; body: unknown }): boolean {
  if (r.method === "GET") return true;
  if (r.path !== "/graphql") return false;
  const body = (typeof r.body === "string" ? JSON.parse(r.body) : r.body) as { query?: string };
  return !/^\s*mutation\b/.test(body.query ?? "");
}

function tally(h: Harness, from = 0) {
  const requests = h.github.requests.slice(from);
  const reads = requests.filter(isRead).length;
  return { reads, writes: requests.length - reads, total: requests.length };
}

function command(n: number): string {
  if (n === 1) return "/dispatch use sonnet to add input validation to POST /users";
  return `/dispatch ${n} tasks:\n${Array.from({ length: n }, (_, i) => `${i + 1}. use sonnet to check module number ${i}`).join("\n")}`;
}

async function withHarness<T>(options: Parameters<typeof harness>[0], work: (h: Harness) => Promise<T>): Promise<T> {
  const h = await harness(options);
  h.github.config = "max_tasks: 20\n";
  try {
    return await work(h);
  } finally {
    await h.close();
  }
}

/** One measured number: what, how much, in which unit. */

/** The task ids of a status comment and each one's branch (named per dispatch: `dispatch/42/<id>-<dispatch>`). */
function tasksOf(body: string): { ids: string[]; branch: (id: string) => string } {
  const tasks = parseStatus(body)?.tasks ?? [];
  return { ids: tasks.map((t) => t.id), branch: (id) => tasks.find((t) => t.id === id)!.branch };
}
export interface Figure {
  measure: string;
  value: number;
  unit: string;
}

/** Every figure of the app, from one round of measurements. */
export async function measureApp(): Promise<Figure[]> {
  const figures: Figure[] = [];
  const add = (measure: string, value: number, unit: string) => figures.push({ measure, value, unit });

  for (const n of [1, 5, 20]) {
    await withHarness({}, async (h) => {
      await h.comment(command(n));
      await h.idle();
      const t = tally(h);
      add(`requests per /dispatch, N = ${n}: reads`, t.reads, "requests");
      add(`requests per /dispatch, N = ${n}: writes`, t.writes, "requests");
    });
  }

  for (const n of [1, 5, 20]) {
    await withHarness({}, async (h) => {
      await h.comment(command(n));
      await h.idle();
      const status = h.github.byApp()[0]!;
      const { ids, branch } = tasksOf(status.body);
      for (const id of ids) h.github.push(branch(id), files.plan(id, { items: [["Read", "done"], ["Write", "pending"]] }));
      const before = h.github.requests.length;
      await h.push(branch(ids[0]!));
      const t = tally(h, before);
      add(`requests per progress event, N = ${n}: reads`, t.reads, "requests");
      add(`requests per progress event, N = ${n}: writes`, t.writes, "requests");
    });
  }

  await withHarness({ minGapMs: DEFAULT_MIN_GAP_MS }, async (h) => {
    await h.comment(command(5));
    await h.idle();
    const status = h.github.byApp()[0]!;
    const { ids, branch } = tasksOf(status.body);
    const pushes: Array<Promise<void>> = [];
    for (let i = 0; i < 100; i++) {
      const at = Math.round((i / 100) * 10_000);
      pushes.push(
        new Promise<void>((resolve) => setTimeout(resolve, at)).then(() => {
          const id = ids[i % ids.length]!;
          h.github.push(branch(id), files.plan(id, { items: [[`step ${i}`, "done"], ["next", "pending"]] }));
          return h.push(branch(id));
        }),
      );
    }
    await Promise.all(pushes);
    await h.app.idle();
    const latest = ids.every((id) => status.body.includes(`step ${[...Array(100).keys()].filter((i) => ids[i % ids.length] === id).pop()}`));
    add("status edits for 100 pushes in 10 s (N = 5)", status.edits, "edits");
    add("status comment shows the latest state after them", latest ? 1 : 0, "yes = 1");
  });

  for (const n of [1, 20]) {
    await withHarness({}, async (h) => {
      h.github.latencyMs = 50;
      let started = Date.now();
      await h.comment(command(n));
      await h.idle();
      const dispatchMs = Date.now() - started;
      const status = h.github.byApp()[0]!;
      const { ids, branch } = tasksOf(status.body);
      const id = ids[0]!;
      h.github.push(branch(id), files.plan(id));
      started = Date.now();
      await h.push(branch(id));
      const pushMs = Date.now() - started;
      add(`webhook → work done, +50 ms per request, N = ${n}: /dispatch`, dispatchMs, "ms");
      add(`webhook → work done, +50 ms per request, N = ${n}: push`, pushMs, "ms");
    });
  }
  figures.push(...(await measureModes()));
  // The Actions mode (no server, progress from the monitor job) beside the hosted app's modes; it answers no webhook.
  for (const figure of await measureActionsMode()) figures.push({ ...figure, measure: `${figure.measure} · ${ACTIONS_MODE}` });
  figures.push(...(await measureScale()));
  return figures;
}

const ACTIONS_MODE = "Actions mode (no server)";

export function printTable(rows: string[][]): void {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? "").length)));
  for (const row of rows) console.log(row.map((cell, c) => cell.padEnd(widths[c]!)).join("  "));
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const figures = await measureApp();
  const modes = figures.filter((f) => f.measure.includes(" · "));
  printTable([["measure", "figure"], ...figures.filter((f) => !modes.includes(f)).map((f) => [f.measure, `${f.value} ${f.unit}`])]);
  console.log("");
  printTable(sideBySide(modes, [...MODES, { name: ACTIONS_MODE, options: () => ({}) }]));
}
