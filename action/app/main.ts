/**
 * The entry of the serverless app (bundled to action/app/dist/index.js): inputs in, then one event handed to the app
 * (`mode: app`, dispatch-app.yml) or one dispatch's monitor (`mode: monitor`, dispatch.yml's monitor job), or the
 * scheduled sweep of unfinished dispatches (`mode: sweep`).
 */
import * as core from "@actions/core";
import { monitorDispatch } from "../../src/actions-app/monitor.js";
import { tokenLogin } from "../../src/actions-app/probot.js";
import { receiveEvent } from "../../src/actions-app/receive.js";
import { sweep } from "../../src/actions-app/sweep.js";

const env = process.env;

async function main(): Promise<void> {
  const mode = core.getInput("mode", { required: true });
  const token = core.getInput("github-token");
  if (!token) return core.setFailed("github-token is empty: pass ${{ github.token }} or an App's installation token");
  core.setSecret(token);
  const appLogin = tokenLogin(core.getInput("app-slug") || undefined);
  const auth = { token, ...(env["GITHUB_API_URL"] ? { apiUrl: env["GITHUB_API_URL"] } : {}) };
  if (mode === "app") {
    const outcome = await receiveEvent({
      event: { name: env["GITHUB_EVENT_NAME"] ?? "", path: env["GITHUB_EVENT_PATH"] ?? "", id: `${env["GITHUB_RUN_ID"] ?? "run"}-${env["GITHUB_RUN_ATTEMPT"] ?? "1"}` },
      auth,
      appLogin,
    });
    if (outcome === "ignored") core.info(`event ${env["GITHUB_EVENT_NAME"] ?? "(none)"}: nothing for the app to do`);
    core.setOutput("outcome", outcome);
    return;
  }
  const [owner = "", repo = ""] = (env["GITHUB_REPOSITORY"] ?? "").split("/");
  if (mode === "sweep") {
    const result = await sweep({ auth, repo: { owner, repo }, defaultBranch: env["GITHUB_REF_NAME"] ?? "main", appLogin });
    core.setOutput("refreshed", String(result.refreshed));
    return;
  }
  if (mode !== "monitor") return core.setFailed(`mode must be app, monitor or sweep, not "${mode}"`);
  const issue = Number(core.getInput("issue"));
  const command = Number(core.getInput("comment"));
  const pollSeconds = Number(core.getInput("poll-seconds") || "5");
  const jobsSeconds = Number(core.getInput("jobs-seconds") || "60");
  const runId = Number(env["GITHUB_RUN_ID"]);
  if (!Number.isSafeInteger(issue) || issue <= 0) return core.setFailed("monitor: issue must be a positive number");
  if (!Number.isSafeInteger(command) || command <= 0) return core.setFailed("monitor: comment must be the /dispatch comment's id");
  if (!(pollSeconds > 0)) return core.setFailed("monitor: poll-seconds must be a positive number");
  if (!(jobsSeconds > 0)) return core.setFailed("monitor: jobs-seconds must be a positive number");
  const result = await monitorDispatch({
    auth,
    repo: { owner, repo },
    issue,
    command,
    defaultBranch: env["GITHUB_REF_NAME"] ?? "main",
    appLogin,
    remote: "origin",
    cwd: env["GITHUB_WORKSPACE"] ?? process.cwd(),
    ...(env["GITHUB_SERVER_URL"] ? { serverUrl: env["GITHUB_SERVER_URL"] } : {}),
    pollMs: pollSeconds * 1000,
    jobsEveryMs: jobsSeconds * 1000,
    ...(Number.isSafeInteger(runId) && runId > 0 ? { runId } : {}),
  });
  core.setOutput("refreshes", String(result.refreshes));
  core.setOutput("polls", String(result.polls));
}

main().catch((error: unknown) => core.setFailed(error instanceof Error ? error.message : String(error)));
