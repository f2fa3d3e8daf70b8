/**
 * The smoke test against a real repository where the app is installed: open an issue, dispatch two tasks on the
 * repository's custom (scripted) agent, answer the question one of them asks, and check the status comment, the
 * question (posted only from a push webhook's refresh, so the pushes reach the app), both tasks done and their PRs;
 * then clean up. Returns what it verified; throws naming the step that failed (after cleaning up).
 */
import { parse } from "yaml";
import { parseConfig, type DispatchConfig } from "../core/config.js";
import { parseQuestionComment } from "../core/question.js";
import { parseStatus } from "../core/status-read.js";
import { findStatusCommand, type StatusView } from "../core/status-view.js";
import type { SmokeComment, SmokePort } from "./port.js";

export interface SmokeOptions {
  port: SmokePort;
  /** How long to wait for each step (the jobs need runners: minutes on GitHub). */
  stepTimeoutMs?: number;
  pollIntervalMs?: number;
  /** A word that makes the ids unique (default: the time). */
  stamp?: string;
  log?: (line: string) => void;
}

export interface SmokeResult {
  issue: number;
  verified: string[];
  cleaned: string[];
}

export class SmokeFailure extends Error {
  constructor(
    message: string,
    readonly verified: string[],
  ) {
    super(message);
  }
}

/** The custom-agent alias of the repository's config, or a message saying what to set up. */
export function smokeAlias(config: DispatchConfig): string | null {
  return Object.entries(config.models).find(([, alias]) => alias.agent === "custom")?.[0] ?? null;
}

/** The /dispatch comment of the smoke test: two tasks on the custom agent; the first one's id contains `smoke-ask`. */
export function smokeCommand(alias: string, stamp: string): string {
  return `/dispatch two things:\n1. use ${alias} to write smoke-ask ${stamp}\n2. use ${alias} to write smoke-plain ${stamp}`;
}

export async function runSmoke(options: SmokeOptions): Promise<SmokeResult> {
  const { port } = options;
  const log = options.log ?? (() => {});
  const timeout = options.stepTimeoutMs ?? 15 * 60_000;
  const interval = options.pollIntervalMs ?? 5_000;
  const stamp = options.stamp ?? String(Date.now() % 1e8);
  const verified: string[] = [];
  const ok = (line: string) => {
    verified.push(line);
    log(`✓ ${line}`);
  };
  const until = async <T>(what: string, probe: () => Promise<T | null | undefined | false>): Promise<T> => {
    const deadline = Date.now() + timeout;
    for (;;) {
      const value = await probe();
      if (value) return value;
      if (Date.now() > deadline) throw new SmokeFailure(`timed out waiting for ${what}`, verified);
      await new Promise((resolve) => setTimeout(resolve, interval));
    }
  };

  const text = await port.readFile(".github/dispatch.yml");
  const loaded = parseConfig(text === null ? null : parse(text));
  if (!loaded.ok) throw new SmokeFailure(`.github/dispatch.yml is invalid: ${loaded.error}`, verified);
  const alias = smokeAlias(loaded.config);
  if (!alias) throw new SmokeFailure("`.github/dispatch.yml` names no custom agent: add `models: { smoke: { agent: custom } }` (see README, Smoke test)", verified);
  const workflow = await port.readFile(`.github/workflows/${loaded.config.workflow}`);
  if (workflow === null) throw new SmokeFailure(`the workflow .github/workflows/${loaded.config.workflow} is not on the default branch`, verified);
  ok(`config: custom agent \`${alias}\`, workflow ${loaded.config.workflow}`);

  const issue = await port.openIssue(`dispatch smoke test ${stamp}`, "Opened by `npm run smoke`; closed when it ends.");
  log(`issue #${issue} opened`);
  const branches = new Set<string>();
  try {
    const command = await port.comment(issue, smokeCommand(alias, stamp));
    const statusOf = async (): Promise<{ comment: SmokeComment; view: StatusView } | null> => {
      const found = (await port.comments(issue)).find((c) => c.id !== command.id && findStatusCommand(c.body) === command.id);
      const view = found ? parseStatus(found.body) : null;
      return found && view ? { comment: found, view } : null;
    };
    const first = await until("the status comment", statusOf);
    for (const task of first.view.tasks) branches.add(task.branch);
    if (first.view.tasks.length !== 2) throw new SmokeFailure(`the status comment holds ${first.view.tasks.length} tasks, not 2`, verified);
    ok(`status comment by ${first.comment.author}: ${first.view.tasks.map((t) => `${t.id} (${t.agent})`).join(", ")}`);
    const asking = first.view.tasks.find((t) => t.id.includes("smoke-ask"));
    if (!asking) throw new SmokeFailure("no task id contains smoke-ask", verified);

    const question = await until("the question of the scripted agent", async () =>
      (await port.comments(issue)).find((c) => parseQuestionComment(c.body)?.task === asking.id),
    );
    ok(`question ${parseQuestionComment(question.body)!.seq} of ${asking.id} posted (a push webhook reached the app)`);
    await port.comment(issue, `/dispatch answer ${asking.id} yes, go ahead`);

    const done = await until("both tasks done", async () => {
      const status = await statusOf();
      const failed = status?.view.tasks.find((t) => t.status === "failed" || t.status === "cancelled");
      if (failed) throw new SmokeFailure(`${failed.id} ${failed.status}: ${failed.error ?? "no reason"}`, verified);
      return status && status.view.tasks.every((t) => t.status === "done") ? status : null;
    });
    ok(`status comment: ${done.view.tasks.map((t) => `${t.id} done`).join(", ")}`);

    for (const task of done.view.tasks) {
      const pull = await until(`the PR of ${task.id}`, async () => (await port.pullsFor(task.branch))[0]);
      ok(`PR #${pull.number} from ${task.branch}`);
    }
  } catch (error) {
    if (error instanceof SmokeFailure) throw error;
    throw new SmokeFailure(error instanceof Error ? error.message : String(error), verified);
  } finally {
    const cleaned = await cleanUp({ port, issue, branches: [...branches], log });
    log(`cleaned up: ${cleaned.join("; ") || "nothing"}`);
  }
  return { issue, verified, cleaned: await cleanedSummary(port, issue, [...branches]) };
}

async function cleanUp({ port, issue, branches, log }: { port: SmokePort; issue: number; branches: string[]; log: (line: string) => void }): Promise<string[]> {
  const cleaned: string[] = [];
  const attempt = async (what: string, work: () => Promise<void>) => {
    try {
      await work();
      cleaned.push(what);
    } catch (error) {
      log(`could not ${what}: ${error instanceof Error ? error.message : String(error)}`);
    }
  };
  for (const branch of branches) {
    for (const pull of await port.pullsFor(branch).catch(() => [])) {
      if (pull.state === "open") await attempt(`close PR #${pull.number}`, () => port.closePull(pull.number));
    }
    await attempt(`delete ${branch}`, () => port.deleteBranch(branch));
  }
  await attempt(`close issue #${issue}`, () => port.closeIssue(issue));
  return cleaned;
}

/** What is left open after the clean-up (empty when it all went). */
async function cleanedSummary(port: SmokePort, issue: number, branches: string[]): Promise<string[]> {
  const open = (await Promise.all(branches.map((b) => port.pullsFor(b).catch(() => [])))).flat().filter((p) => p.state === "open");
  return [`issue #${issue} closed`, `${branches.length} branches deleted`, `${open.length} PRs left open`];
}
