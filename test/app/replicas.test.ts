/**
 * Several app instances on one (fake) GitHub, sharing a REAL Redis (its own redis-server, started here): every
 * effect is made once and the status ends right, whether deliveries go round-robin to two or four replicas, or the
 * same delivery reaches two replicas at once. One instance on its memory queue is the yardstick.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Redis } from "ioredis";
import { parseStatus } from "../../src/core/status-read.js";
import { parseQuestionComment } from "../../src/core/question.js";
import type { StatusView } from "../../src/core/status-view.js";
import { RedisQueue } from "../../src/app/queue/redis.js";
import { harness, type Harness } from "./harness.js";
import { startRedis, type RedisServer } from "./redis-server.js";
import { files } from "./world.js";

let server: RedisServer;
beforeAll(async () => {
  server = await startRedis();
});
afterAll(async () => {
  await server?.stop();
});

const FOUR = "/dispatch four things:\n1. use opus to review auth\n2. use sonnet to write api tests\n3. use sonnet to check the docs\n4. use opus to audit logging";
function status(h: Harness): StatusView {
  return parseStatus(h.github.byApp().find((c) => c.body.startsWith("<!-- dispatch:status"))!.body)!;
}

/** A task's branch as the status names it (`dispatch/42/<task>-<dispatch>`). */
function branchOf(h: Harness, task: string): string {
  return status(h).tasks.find((t) => t.id === task)!.branch;
}

interface Outcome {
  requests: number;
  edits: number;
  statusComments: number;
  dispatches: number;
  pulls: number;
  outputReplies: number;
  questions: number;
  final: string[];
}

function outcome(h: Harness): Outcome {
  const byApp = h.github.byApp();
  const view = status(h);
  return {
    requests: h.github.requests.length,
    edits: byApp.reduce((sum, c) => sum + c.edits, 0),
    statusComments: byApp.filter((c) => c.body.startsWith("<!-- dispatch:status")).length,
    dispatches: h.github.dispatches.length,
    pulls: h.github.pulls.length,
    outputReplies: byApp.filter((c) => c.body.includes("<!-- dispatch:output")).length,
    questions: byApp.filter((c) => parseQuestionComment(c.body)).length,
    final: view.tasks.map((t) => `${t.id}:${t.status}:${t.items.length}:${t.pr ? "pr" : "-"}`),
  };
}

/** Four tasks: three progress pushes each, a question, two finish with a change (PR), two without (output reply). */
async function story(h: Harness, { burst }: { burst: boolean }): Promise<void> {
  h.github.config = "max_tasks: 20\n";
  await h.comment(FOUR);
  const ids = status(h).tasks.map((t) => t.id);
  const branches = new Map(ids.map((id) => [id, branchOf(h, id)]));
  const branch = (task: string) => branches.get(task)!;
  for (let step = 1; step <= 3; step++) {
    const items = Array.from({ length: step }, (_, i): [string, "done" | "pending"] => [`step ${i + 1}`, "done"]);
    for (const id of ids) h.github.push(branch(id), files.plan(id, { items: [...items, ["last", "pending"]] }));
    if (burst) await Promise.all(ids.map((id) => h.push(branch(id), { wait: false })));
    else for (const id of ids) await h.push(branch(id));
  }
  await h.idle();
  h.github.push(branch(ids[0]!), files.question(ids[0]!, 1, "Flag INFO logs?"));
  await h.push(branch(ids[0]!));
  for (const [n, id] of ids.entries()) {
    if (n < 2) h.github.push(branch(id), { [`src/${id}.js`]: `export const ${id.replace(/-/g, "_")} = ${n};\n` });
    h.github.push(branch(id), files.done(id, `Finished ${id}.`, [["step 1", "done"], ["step 2", "done"], ["step 3", "done"], ["last", "done"]]));
    h.github.push(branch(id), files.removeBookkeeping());
  }
  if (burst) await Promise.all(ids.flatMap((id) => [h.push(branch(id), { wait: false }), h.push(branch(id), { wait: false })]));
  else for (const id of ids) await h.push(branch(id));
  await h.idle();
}

const EXPECTED_EFFECTS = { statusComments: 1, dispatches: 1, pulls: 2, outputReplies: 2, questions: 1 };

async function run(options: Parameters<typeof harness>[0], burst: boolean): Promise<Outcome> {
  const h = await harness(options);
  try {
    await story(h, { burst });
    return outcome(h);
  } finally {
    await h.close();
  }
}

describe("replicas on Redis", () => {
  it("two and four replicas, deliveries round-robin: requests, edits, PRs and replies equal one instance's", async () => {
    const one = await run({}, false);
    expect(one).toMatchObject(EXPECTED_EFFECTS);
    expect(one.final.every((t) => t.includes(":done:4:"))).toBe(true);
    for (const instances of [2, 4]) {
      const many = await run({ instances, redisUrl: server.url }, false);
      expect(many, `${instances} replicas`).toEqual(one);
    }
  });

  it("four replicas under bursts of concurrent pushes: every effect once, the status ends right", async () => {
    const many = await run({ instances: 4, redisUrl: server.url }, true);
    expect(many).toMatchObject(EXPECTED_EFFECTS);
    expect(many.final.filter((t) => t.endsWith(":pr"))).toHaveLength(2);
    expect(many.final.every((t) => t.includes(":done:4:"))).toBe(true);
  });

  it("the same delivery sent to two replicas at once is handled once", async () => {
    const h = await harness({ instances: 2, redisUrl: server.url });
    try {
      const id = h.github.addComment("/dispatch use sonnet to add tests", "maintainer").id;
      await h.comment("/dispatch use sonnet to add tests", { id, delivery: "twice", to: [0, 1] });
      expect(h.github.byApp()).toHaveLength(1);
      expect(h.github.dispatches).toHaveLength(1);
      // A second delivery of the same comment (GitHub's retry gets a new id) is claimed by 👀 already.
      await h.comment("/dispatch use sonnet to add tests", { id, to: [0, 1] });
      expect(h.github.byApp()).toHaveLength(1);
      expect(h.github.dispatches).toHaveLength(1);
      const task = status(h).tasks[0]!.id;
      const branch = (id: string) => branchOf(h, id);
      h.github.push(branch(task), files.question(task, 1, "Which framework?"));
      await h.push(branch(task), { delivery: "push-twice", to: [0, 1] });
      expect(h.github.byApp().filter((c) => parseQuestionComment(c.body))).toHaveLength(1);
    } finally {
      await h.close();
    }
  });
});

describe("refusals on replicas", () => {
  it("a refused comment reaching two replicas at once (two deliveries) is answered once", async () => {
    const h = await harness({ instances: 2, redisUrl: server.url });
    try {
      const id = h.github.addComment("/dispatch write the onboarding guide", "reader").id;
      // Two deliveries (a redelivery has an id of its own), one to each replica, handled at the same time.
      await Promise.all([
        h.comment("/dispatch write the onboarding guide", { id, user: "reader", delivery: "first", to: [0], wait: false }),
        h.comment("/dispatch write the onboarding guide", { id, user: "reader", delivery: "again", to: [1], wait: false }),
      ]);
      await h.idle();
      expect(h.github.byApp()).toHaveLength(1);
      expect(h.github.count("POST", /\/issues\/42\/comments$/)).toBe(1);
      expect(h.github.reactions).toEqual([]);
    } finally {
      await h.close();
    }
  });
});

describe("RedisQueue", () => {
  it("never runs one thread on two replicas at once, and loses no request", async () => {
    const queues: Array<RedisQueue<number>> = [];
    const done: number[] = [];
    let running = 0;
    let most = 0;
    for (let i = 0; i < 3; i++) {
      queues.push(
        new RedisQueue<number>({
          redis: new Redis(server.url),
          prefix: "lock-test:",
          minGapMs: 0,
          share: (n) => (n % 2 === 0 ? String(n) : null),
          unshare: (json) => Number(json),
          run: async (_key, items) => {
            running++;
            most = Math.max(most, running);
            await new Promise((resolve) => setImmediate(resolve));
            done.push(...items);
            running--;
          },
        }),
      );
    }
    await Promise.all(Array.from({ length: 30 }, (_, n) => queues[n % 3]!.request("t", n)));
    for (;;) {
      const before = done.length;
      await Promise.all(queues.map((q) => q.idle()));
      if (done.length === before) break;
    }
    expect(most).toBe(1);
    expect([...new Set(done)].sort((a, b) => a - b)).toEqual(Array.from({ length: 30 }, (_, n) => n));
    await Promise.all(queues.map((q) => q.close()));
  });
});
