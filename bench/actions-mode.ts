/**
 * `npx tsx bench/actions-mode.ts`: the Actions mode (no server) on the fake GitHub of the app's tests, measured like
 * the hosted app's "16 tasks × 10 pushes": the /dispatch handled by the app as one job handles it (createApp, no gap
 * between edits), then the dispatch's monitor (src/actions-app/monitor.ts, its real loop and refresh) polling the
 * 16 branches: each poll finds one more push on every branch (10 rounds of progress), then every task finished, half
 * with a change (a PR) and half without (an output reply). No push webhook is delivered. Prints figures, asserts
 * nothing. (When bench/replicas.ts's side-by-side table lands, this is its "Actions mode" column.)
 */
import { pathToFileURL } from "node:url";
import { monitorDispatch } from "../src/actions-app/monitor.js";
import { parseStatus } from "../src/core/status-read.js";
import { parseQuestionComment } from "../src/core/question.js";
import { APP_LOGIN, OWNER, REPO } from "../test/app/fake-github.js";
import { harness } from "../test/app/harness.js";
import { files } from "../test/app/world.js";
import type { Figure } from "./app.js";

const TASKS = 16;
const PUSHES = 10;
const ISSUE = 42;

export async function measureActionsMode(): Promise<Figure[]> {
  const h = await harness({ minGapMs: 0 });
  h.github.config = "max_tasks: 20\n";
  try {
    const command = await h.comment(`/dispatch ${TASKS} tasks:\n${Array.from({ length: TASKS }, (_, i) => `${i + 1}. use sonnet to check module number ${i}`).join("\n")}`);
    await h.app.idle();
    const status = () => h.github.byApp().find((c) => c.body.startsWith("<!-- dispatch:status"))!;
    const tasks = parseStatus(status().body)!.tasks;
    const ids = tasks.map((t) => t.id);
    const branch = (id: string) => tasks.find((t) => t.id === id)!.branch;
    let round = 0;
    let polls = 0;
    // The monitor's wait between two polls is when the workers push: one more commit on every branch per wait.
    const sleep = async () => {
      round++;
      if (round <= PUSHES) {
        for (const id of ids) h.github.push(branch(id), files.plan(id, { items: [[`step ${round}`, "done"], ["last", "pending"]] }));
      } else if (round === PUSHES + 1) {
        for (const [n, id] of ids.entries()) {
          if (n % 2 === 0) h.github.push(branch(id), { [`src/${id}.js`]: `export const n = ${n};\n` });
          h.github.push(branch(id), files.done(id, `Finished ${id}.`, [[`step ${PUSHES}`, "done"], ["last", "done"]]));
          h.github.push(branch(id), files.removeBookkeeping());
        }
      }
    };
    const readHeads = async (branches: readonly string[]) => {
      polls++;
      return new Map(branches.flatMap((b) => (h.github.branches.has(b) ? [[b, String(h.github.branches.get(b)!.length)] as const] : [])));
    };
    const result = await monitorDispatch({
      auth: { token: "test" },
      probot: h.probot,
      repo: { owner: OWNER, repo: REPO },
      issue: ISSUE,
      command,
      defaultBranch: "main",
      appLogin: APP_LOGIN,
      remote: "origin",
      cwd: process.cwd(),
      pollMs: 0,
      sleep,
      readHeads,
    });
    const byApp = h.github.byApp();
    const view = parseStatus(status().body)!;
    const right = view.tasks.every((t, n) => t.status === "done" && t.items.length === 2 && (n % 2 === 0) === Boolean(t.pr));
    const label = `${TASKS} tasks × ${PUSHES} pushes`;
    return [
      { measure: `${label}: requests`, value: h.github.requests.length, unit: "requests" },
      { measure: `${label}: status edits`, value: byApp.reduce((sum, c) => sum + c.edits, 0), unit: "edits" },
      { measure: `${label}: status comments`, value: byApp.filter((c) => c.body.startsWith("<!-- dispatch:status")).length, unit: "comments" },
      { measure: `${label}: workflow dispatches`, value: h.github.dispatches.length, unit: "dispatches" },
      { measure: `${label}: PRs (${TASKS / 2} expected)`, value: h.github.pulls.length, unit: "PRs" },
      { measure: `${label}: output replies (${TASKS / 2} expected)`, value: byApp.filter((c) => c.body.includes("<!-- dispatch:output")).length, unit: "replies" },
      { measure: `${label}: question comments`, value: byApp.filter((c) => parseQuestionComment(c.body)).length, unit: "comments" },
      { measure: `${label}: monitor polls (git ls-remote)`, value: polls, unit: "polls" },
      { measure: `${label}: monitor refreshes`, value: result.refreshes, unit: "refreshes" },
      { measure: `${label}: final status right`, value: right ? 1 : 0, unit: "yes = 1" },
    ];
  } finally {
    await h.close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const figures = await measureActionsMode();
  const width = Math.max(...figures.map((f) => f.measure.length));
  console.log(`${"measure".padEnd(width)}  Actions mode`);
  for (const f of figures) console.log(`${f.measure.padEnd(width)}  ${f.value} ${f.unit}`);
}
