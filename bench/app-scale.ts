/**
 * The app at N = 256 tasks (issue 10): the task-files GraphQL read (queries, bytes and lookups per query), the status
 * comment's size, and how many tasks it shows with their checklists. Measured against the recording fake GitHub of
 * the app's tests; 20 tasks running with 8 items each, 100 done, the rest queued.
 */
import { parseStatus } from "../src/core/status-read.js";
import { COMMENT_LIMIT } from "../src/core/status-view.js";
import { harness } from "../test/app/harness.js";
import { files } from "../test/app/world.js";
import type { Figure } from "./app.js";

const N = 256;

/** Ids of the tasks whose checklist the status shows (a headline followed by item lines). */
function withChecklists(body: string): number {
  return body.split("\n\n").filter((block) => /^● \*\*/m.test(block) && /\n&emsp;/.test(block)).length;
}

function taskQueriesSince(requests: ReadonlyArray<{ path: string; body: unknown }>): string[] {
  return requests
    .filter((r) => r.path === "/graphql")
    .map((r) => ((typeof r.body === "string" ? JSON.parse(r.body) : r.body) as { query: string }).query)
    .filter((q) => q.includes("object(expression:"));
}

export async function measureScale(): Promise<Figure[]> {
  const figures: Figure[] = [];
  const add = (measure: string, value: number, unit: string) => figures.push({ measure, value, unit });
  const h = await harness();
  h.github.config = `max_tasks: ${N}\n`;
  try {
    const items = Array.from({ length: N }, (_, i) => `${i + 1}. use sonnet to audit module ${i}`);
    await h.comment(`/dispatch ${N} tasks:\n${items.join("\n")}`);
    await h.idle();
    const status = h.github.byApp()[0]!;
    add(`N = ${N}: status comment on dispatch`, status.body.length, `chars (limit ${COMMENT_LIMIT})`);
    const tasks = parseStatus(status.body)?.tasks ?? [];
    const ids = tasks.map((t) => t.id);
    const branch = (id: string) => tasks.find((t) => t.id === id)!.branch;
    add(`N = ${N}: tasks remembered by the status`, ids.length, "tasks");
    const checklist: Array<[string, "done" | "pending"]> = Array.from({ length: 8 }, (_, i) => [`Check endpoint group ${i} and write down what it returns`, i < 3 ? "done" : "pending"]);
    ids.forEach((id, i) => {
      if (i < 20) h.github.push(branch(id), files.plan(id, { items: checklist }));
      else if (i < 120) h.github.push(branch(id), files.done(id, "ok", checklist.map(([text]) => [text, "done"])));
    });
    const before = h.github.requests.length;
    await h.push(branch(ids[0]!));
    const queries = taskQueriesSince(h.github.requests.slice(before));
    const lookups = queries.map((q) => q.match(/object\(expression:/g)?.length ?? 0);
    add(`N = ${N}: task-files queries per progress event`, queries.length, "queries");
    add(`N = ${N}: largest task-files query`, Math.max(...queries.map((q) => Buffer.byteLength(q))), "bytes");
    add(`N = ${N}: most lookups in one query`, Math.max(...lookups), "lookups");
    add(`N = ${N}: lookups in all`, lookups.reduce((a, b) => a + b, 0), "lookups");
    // The next push of one task: the heads are remembered now, so only that task's folder is read.
    h.github.push(branch(ids[1]!), files.plan(ids[1]!, { items: checklist.map(([text]) => [text, "done"]) }));
    const next = h.github.requests.length;
    await h.push(branch(ids[1]!));
    const again = taskQueriesSince(h.github.requests.slice(next));
    add(`N = ${N}: next progress event: task-files queries`, again.length, "queries");
    add(`N = ${N}: next progress event: lookups in all`, again.reduce((n, q) => n + (q.match(/object\(expression:/g)?.length ?? 0), 0), "lookups");
    add(`N = ${N}: status comment while 20 run`, status.body.length, `chars (limit ${COMMENT_LIMIT})`);
    add(`N = ${N}: tasks shown with their checklists (20 running)`, withChecklists(status.body), "tasks");
    add(`N = ${N}: run links shown`, (status.body.match(/\[run\]\(/g) ?? []).length, "links");
  } finally {
    await h.close();
  }
  return figures;
}
