/**
 * GitHub Actions: `workflow_dispatch` (validated like GitHub: the workflow must exist on the default branch, declare
 * the trigger, and receive exactly its inputs) and cancelling a run. Runs themselves belong to a backend (the local
 * runner) that the stand-in hands each accepted dispatch to.
 */
import { parse } from "yaml";
import { readBlob, revParse } from "./git.js";
import { jobShape, type JobView } from "./events.js";
import { HttpError, notFound, paginate, type Route } from "./http.js";
import type { StandIn } from "./server.js";
import type { Repo } from "./store.js";

const DOC_DISPATCH = "https://docs.github.com/rest/actions/workflows#create-a-workflow-dispatch-event";
const DOC_CANCEL = "https://docs.github.com/rest/actions/workflow-runs#cancel-a-workflow-run";
const DOC_JOBS = "https://docs.github.com/rest/actions/workflow-jobs#list-jobs-for-a-workflow-run";
const MAX_INPUTS = 25;
const MAX_INPUTS_SIZE = 65_535;

export interface WorkflowDispatch {
  repo: Repo;
  /** File name under `.github/workflows/`. */
  workflow: string;
  /** The workflow file's text at `sha`. */
  text: string;
  ref: string;
  sha: string;
  inputs: Record<string, string>;
  /** Who dispatched (the app's bot login). */
  actor: string;
}

export interface ActionsBackend {
  dispatch(dispatch: WorkflowDispatch): void;
  cancel(runId: number): "accepted" | "completed" | "unknown";
  /** The jobs of a run of `repo` (its one attempt), in the order they were planned; null for no such run. */
  jobsOf(runId: number, repo: Repo): JobView[] | null;
}

const unprocessable = (message: string) =>
  new HttpError(422, message, { documentation_url: DOC_DISPATCH, status: "422" });

interface InputSpec {
  required?: boolean;
  default?: unknown;
}

function dispatchInputs(workflow: Record<string, unknown>): Record<string, InputSpec> | null {
  const on = workflow["on"];
  if (on === "workflow_dispatch") return {};
  if (Array.isArray(on)) return on.includes("workflow_dispatch") ? {} : null;
  if (on && typeof on === "object" && "workflow_dispatch" in on) {
    const trigger = (on as Record<string, unknown>)["workflow_dispatch"] as { inputs?: Record<string, InputSpec> } | null;
    return trigger?.inputs ?? {};
  }
  return null;
}

export function actionsRoutes(hub: StandIn): Route[] {
  return [
    {
      method: "POST",
      pattern: "/repos/{owner}/{repo}/actions/workflows/{workflow}/dispatches",
      handle: async (request) => {
        const repo = hub.repoOr404(request.params);
        const file = request.params["workflow"]!;
        const path = `.github/workflows/${file}`;
        if (!(await revParse(repo.dir, `refs/heads/${repo.defaultBranch}:${path}`))) throw notFound(DOC_DISPATCH);
        const body = (request.body ?? {}) as { ref?: unknown; inputs?: unknown };
        if (typeof body.ref !== "string") throw unprocessable("Invalid request.\n\n\"ref\" wasn't supplied.");
        const ref = body.ref.replace(/^refs\/heads\//, "");
        const sha = await revParse(repo.dir, `refs/heads/${ref}^{commit}`);
        if (!sha) throw unprocessable(`No ref found for: ${body.ref}`);
        const blob = await revParse(repo.dir, `${sha}:${path}`);
        if (!blob) throw unprocessable(`Workflow does not have 'workflow_dispatch' trigger`);
        const text = (await readBlob(repo.dir, blob)).toString("utf8");
        let declared: Record<string, InputSpec> | null;
        try {
          declared = dispatchInputs((parse(text) ?? {}) as Record<string, unknown>);
        } catch {
          throw unprocessable(`Invalid workflow file: ${path}`);
        }
        if (!declared) throw unprocessable("Workflow does not have 'workflow_dispatch' trigger");
        const given = (body.inputs ?? {}) as Record<string, unknown>;
        if (typeof given !== "object" || Array.isArray(given)) throw unprocessable("Invalid request.\n\nFor 'properties/inputs', must be an object.");
        if (Object.keys(given).length > MAX_INPUTS) throw unprocessable(`you may only define up to ${MAX_INPUTS} \`inputs\``);
        // Measured as GitHub does: on the JSON of the inputs, where quotes and newlines count escaped.
        if (JSON.stringify(given).length > MAX_INPUTS_SIZE) throw unprocessable("inputs are too large.");
        const unexpected = Object.keys(given).filter((name) => !(name in declared));
        if (unexpected.length > 0) throw unprocessable(`Unexpected inputs provided: ${JSON.stringify(unexpected)}`);
        const inputs: Record<string, string> = {};
        for (const [name, spec] of Object.entries(declared)) {
          const value = given[name];
          if (value === undefined || value === "") {
            if (spec?.required && spec.default === undefined) throw unprocessable(`Required input '${name}' not provided`);
            inputs[name] = spec?.default === undefined ? "" : String(spec.default);
          } else if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") {
            inputs[name] = String(value);
          } else {
            throw unprocessable(`Invalid request.\n\nFor 'properties/${name}', ${JSON.stringify(value)} is not a string.`);
          }
        }
        const dispatch: WorkflowDispatch = { repo, workflow: file, text, ref, sha, inputs, actor: hub.callerLogin(request.caller) };
        hub.dispatches.push(dispatch);
        hub.actions?.dispatch(dispatch);
        return { status: 204 };
      },
    },
    {
      // "List jobs for a workflow run": the latest attempt's jobs (`filter=latest`, the default) or every attempt's
      // (`filter=all`); the local runner makes one attempt per run, so both are the same.
      method: "GET",
      pattern: "/repos/{owner}/{repo}/actions/runs/{id}/jobs",
      handle: (request) => {
        const repo = hub.repoOr404(request.params);
        const filter = request.query.get("filter") ?? "latest";
        if (filter !== "latest" && filter !== "all") {
          throw new HttpError(422, `Invalid request.\n\n${JSON.stringify(filter)} is not a member of ["latest", "all"].`, { documentation_url: DOC_JOBS, status: "422" });
        }
        const jobs = hub.actions?.jobsOf(Number(request.params["id"]), repo) ?? null;
        if (!jobs) throw notFound(DOC_JOBS);
        const { page, link } = paginate(jobs, request.query, hub.shapes.api(request.path));
        return { status: 200, body: { total_count: jobs.length, jobs: page.map((job) => jobShape(hub.shapes, repo, job)) }, headers: link ? { link } : undefined };
      },
    },
    {
      method: "POST",
      pattern: "/repos/{owner}/{repo}/actions/runs/{id}/cancel",
      handle: ({ params }) => {
        hub.repoOr404(params);
        const outcome = hub.actions?.cancel(Number(params["id"])) ?? "unknown";
        if (outcome === "unknown") throw notFound(DOC_CANCEL);
        if (outcome === "completed") {
          throw new HttpError(409, "Cannot cancel a workflow run that is completed.", { documentation_url: DOC_CANCEL, status: "409" });
        }
        return { status: 202, body: {} };
      },
    },
  ];
}

