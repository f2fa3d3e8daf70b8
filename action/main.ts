/**
 * The Action's entry (bundled to action/dist/index.js): inputs in, the worker run, outputs and the job summary out.
 * Run as `node dist/index.js ask "question"` the same bundle is `dispatch-ask`.
 */
import * as core from "@actions/core";
import { parseActionInputs, runUrl } from "../src/core/inputs.js";
import { secretValues } from "../src/core/secret.js";
import { AgentUserError, askMain, resolveAgentUser, runWorker, type AgentUser } from "../src/worker/index.js";
import { readThreadSection } from "../src/worker/thread.js";
import { workspaceConfig } from "./config.js";

const INPUTS = ["task", "issue", "base", "comment", "branch-prefix", "github-token", "question-timeout-minutes", "push-interval-seconds", "agent-inactivity-seconds", "model-silence-seconds", "agent-command", "agent-user"];

async function action(): Promise<void> {
  const raw: Record<string, string> = {};
  for (const name of INPUTS) raw[name] = core.getInput(name);
  const token = raw["github-token"] ?? "";
  if (token) core.setSecret(token);
  for (const secret of secretValues(process.env)) core.setSecret(secret);

  const parsed = parseActionInputs(raw);
  if (!parsed.ok) {
    core.setOutput("status", "failed");
    core.setFailed(parsed.error);
    return;
  }
  const { inputs } = parsed;
  let agentUser: AgentUser;
  try {
    agentUser = await resolveAgentUser({ choice: raw["agent-user"] ?? "", log: (line) => core.info(line) });
  } catch (error) {
    if (!(error instanceof AgentUserError)) throw error;
    core.setOutput("status", "failed");
    core.setFailed(error.message);
    return;
  }
  if (agentUser.mode === "same") core.warning("agent-user: same: the agent runs as the worker's user and can read the GitHub token");
  const controller = new AbortController();
  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    process.on(signal, () => {
      core.warning(`received ${signal}: cancelling the task`);
      controller.abort();
    });
  }

  const server = process.env["GITHUB_SERVER_URL"];
  const run = runUrl(process.env);
  const workspace = process.env["GITHUB_WORKSPACE"] || process.cwd();
  const thread = await threadOf(inputs.comment, { token, workspace, issue: inputs.issue });
  const result = await runWorker({
    spec: inputs.spec,
    issue: inputs.issue,
    base: inputs.base,
    branchPrefix: inputs.branchPrefix,
    workspace,
    questionTimeoutMs: inputs.questionTimeoutMs,
    pushIntervalMs: inputs.pushIntervalMs,
    inactivityMs: inputs.inactivityMs,
    modelSilenceMs: inputs.modelSilenceMs,
    signal: controller.signal,
    log: (line) => core.info(line),
    onAgentLine: (line) => core.info(`│ ${line}`),
    agentUser,
    ...(token ? { token } : {}),
    ...(server ? { server } : {}),
    ...(run ? { runUrl: run } : {}),
    ...(thread ? { thread } : {}),
    ...(inputs.comment ? { command: inputs.comment } : {}),
    ...(inputs.agentCommand ? { agentCommand: inputs.agentCommand } : {}),
  });

  core.setOutput("status", result.status);
  core.setOutput("branch", result.branch);
  core.startGroup(`Final plan (${result.status})`);
  core.info(result.plan);
  core.endGroup();
  await writeSummary(result.status, result.branch, result.plan, result.output);
  if (result.error && result.status === "failed") core.setFailed(result.error);
  else if (!result.pushed) core.setFailed(result.error ?? "the final commits could not be pushed");
}

/** The prompt's thread section, read with the job's token up to the /dispatch comment; none without that comment. */
async function threadOf(comment: number | undefined, { token, workspace, issue }: { token: string; workspace: string; issue: number }): Promise<string | undefined> {
  const graphqlUrl = process.env["GITHUB_GRAPHQL_URL"];
  const repository = process.env["GITHUB_REPOSITORY"];
  if (!comment || !graphqlUrl || !repository || !token) return void core.info("thread: no /dispatch comment, GraphQL URL, repository or token; the prompt goes without it");
  const config = await workspaceConfig(workspace, (line) => core.info(line));
  return readThreadSection({ graphqlUrl, token, repository, issue, command: comment, permission: config.permission, budget: config.thread_budget, log: (line) => core.info(line) });
}

async function writeSummary(status: string, branch: string, plan: string, output: string | null): Promise<void> {
  if (!process.env["GITHUB_STEP_SUMMARY"]) return;
  const body = plan.replace(/^---\n[\s\S]*?\n---\n/, "");
  core.summary.addHeading(`dispatch: ${status}`, 2).addRaw(`Branch \`${branch}\`\n\n`).addRaw(body).addEOL();
  if (output) core.summary.addHeading("Output", 3).addRaw(output).addEOL();
  await core.summary.write();
}

async function main(): Promise<void> {
  if (process.argv[2] === "ask") {
    process.exitCode = await askMain(process.argv.slice(3), process.env, {
      stdout: (text) => process.stdout.write(text),
      stderr: (text) => process.stderr.write(text),
    });
    return;
  }
  try {
    await action();
  } catch (error) {
    core.setOutput("status", "failed");
    core.setFailed(error instanceof Error ? error.message : String(error));
  }
  // The agent's leftovers (background tools) must not keep the job alive.
  process.exit(process.exitCode ?? 0);
}

await main();
