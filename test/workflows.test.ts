/**
 * The files GitHub reads from this repository: both workflows and the Action's metadata against their schemas
 * (@action-validator/core bundles SchemaStore's), and the App manifest `app.yml` against the fields GitHub's
 * "Registering a GitHub App from a manifest" accepts. Plus the contract the workflow keeps with the app and Action.
 */
import { validateAction, validateWorkflow } from "@action-validator/core";
import { Ajv } from "ajv";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { WORKFLOW_INPUTS_MAX, workflowInputs } from "../src/core/workflow.js";

const root = new URL("../", import.meta.url);
const read = (path: string) => readFileSync(new URL(path, root), "utf8");
const require = createRequire(import.meta.url);

describe("workflow and action files against their schemas", () => {
  it.each([".github/workflows/dispatch.yml", ".github/workflows/ci.yml"])("%s is a valid workflow", (path) => {
    expect(validateWorkflow(read(path)).errors).toEqual([]);
  });

  it("the validator does refuse a broken workflow (the check above can fail)", () => {
    const broken = read(".github/workflows/dispatch.yml").replace("runs-on: ubuntu-latest", "runs-on: ubuntu-latest\n    bogus-key: 1");
    expect(validateWorkflow(broken).errors).not.toEqual([]);
  });

  it("action/action.yml is a valid action running on node24", () => {
    const text = read("action/action.yml");
    const action = parse(text) as { runs?: { using?: string; main?: string } };
    expect(action.runs?.using).toBe("node24");
    expect(action.runs?.main).toBe("dist/index.js");
    // @action-validator/core 0.6.0 (the newest) bundles a schema from before GitHub added node24; it knows
    // node12/16/20 only. Validate everything else against it by naming a runtime it knows.
    const known = text.replace(/^(\s*using:\s*)["']?node24["']?/m, "$1node20");
    expect(known).not.toBe(text);
    expect(validateAction(known).errors).toEqual([]);
  });
});

interface Workflow {
  on: Record<string, { inputs?: Record<string, { required?: boolean; type?: string }>; secrets?: Record<string, unknown> }>;
  jobs: Record<
    string,
    {
      name: string;
      permissions: Record<string, string>;
      strategy: { "fail-fast": boolean; "max-parallel": unknown; matrix: Record<string, unknown> };
      concurrency: { group: string; "cancel-in-progress": boolean };
      "timeout-minutes": number;
      steps: Array<{ uses?: string; run?: string; if?: string; with?: Record<string, unknown>; env?: Record<string, string> }>;
    }
  >;
}

describe("dispatch.yml keeps the protocol (§4–§5)", () => {
  const workflow = parse(read(".github/workflows/dispatch.yml")) as Workflow;
  const jobs = Object.values(workflow.jobs);
  const job = jobs[0]!;

  it("takes exactly the dispatch inputs, as workflow_dispatch and as workflow_call", () => {
    const dispatchInputs = workflow.on["workflow_dispatch"]!.inputs!;
    expect(Object.keys(dispatchInputs).sort()).toEqual(["base", "branch_prefix", "comment", "issue", "max_parallel", "question_timeout_minutes", "tasks"]);
    // Exactly what the app sends (src/core/workflow.ts), within GitHub's 25 inputs.
    const sent = workflowInputs({ issue: 1, base: "main", comment: 2, tasks: [{ id: "a", title: "A", prompt: "A", model: "sonnet", agent: "claude", worktree: false, steps: [], after: [] }], branchPrefix: "ai/", questionTimeoutMinutes: 5, maxParallel: 3 });
    expect(sent.ok && Object.keys(sent.inputs).sort()).toEqual(Object.keys(dispatchInputs).sort());
    expect(Object.keys(dispatchInputs).length).toBeLessThanOrEqual(WORKFLOW_INPUTS_MAX);
    for (const name of ["branch_prefix", "question_timeout_minutes"]) expect(dispatchInputs[name]).toMatchObject({ required: false, type: "string" });
    for (const name of ["base", "comment", "issue", "tasks"]) {
      expect(dispatchInputs[name]).toMatchObject({ required: true, type: "string" });
    }
    expect(dispatchInputs["max_parallel"]).toMatchObject({ required: false, type: "string" });
    expect(Number(JSON.parse(String((dispatchInputs["max_parallel"] as { default: unknown }).default)))).toBeGreaterThan(0);
    expect(workflow.on["workflow_call"]!.inputs).toEqual(dispatchInputs);
    expect(Object.keys(workflow.on["workflow_call"]!.secrets!).sort()).toEqual(
      ["ANTHROPIC_API_KEY", "CLAUDE_CODE_OAUTH_TOKEN", "GEMINI_API_KEY", "OPENAI_API_KEY"],
    );
  });

  it("runs one job per task, named so the app can read it back", () => {
    expect(jobs).toHaveLength(1);
    expect(job.name).toBe("#${{ inputs.issue }} ${{ matrix.task.id }}");
    expect(job.strategy.matrix).toEqual({ task: "${{ fromJSON(inputs.tasks) }}" });
    expect(job.strategy["fail-fast"]).toBe(false);
    expect(job.strategy["max-parallel"]).toBe("${{ fromJSON(inputs.max_parallel) }}");
    expect(job["timeout-minutes"]).toBeGreaterThan(0);
    expect(job.concurrency).toEqual({
      group: "dispatch-${{ github.repository }}-${{ inputs.issue }}-${{ matrix.task.id }}",
      "cancel-in-progress": false,
    });
  });

  it("asks for the least permissions and never persists the token in the checkout", () => {
    expect(job.permissions).toEqual({ contents: "write", "pull-requests": "write" });
    expect((workflow as unknown as Record<string, unknown>)["permissions"]).toBeUndefined();
    const checkout = job.steps.find((s) => s.uses?.startsWith("actions/checkout@"));
    expect(checkout?.with).toEqual({ "persist-credentials": false, "fetch-depth": 0 });
    expect(job.steps.indexOf(checkout!)).toBe(0);
  });

  it("installs the agent CLI a task needs, never with task text in the script", () => {
    const install = job.steps.find((s) => s.run?.includes("npm install --global"));
    expect(install?.if).toBe("matrix.task.agent != 'custom'");
    for (const pkg of ["@anthropic-ai/claude-code", "@google/gemini-cli", "@openai/codex"]) expect(install?.run).toContain(pkg);
    expect(install?.run).not.toContain("${{");
  });

  it("hands the Action only inputs its action.yml declares, all required ones included, and the agent keys", () => {
    const step = job.steps.find((s) => s.uses === "./action")!;
    expect(step.with).toEqual({
      task: "${{ toJSON(matrix.task) }}",
      issue: "${{ inputs.issue }}",
      base: "${{ inputs.base }}",
      "branch-prefix": "${{ inputs.branch_prefix }}",
      "question-timeout-minutes": "${{ inputs.question_timeout_minutes }}",
      "github-token": "${{ github.token }}",
    });
    expect(step.env).toEqual({
      ANTHROPIC_API_KEY: "${{ secrets.ANTHROPIC_API_KEY }}",
      CLAUDE_CODE_OAUTH_TOKEN: "${{ secrets.CLAUDE_CODE_OAUTH_TOKEN }}",
      GEMINI_API_KEY: "${{ secrets.GEMINI_API_KEY }}",
      OPENAI_API_KEY: "${{ secrets.OPENAI_API_KEY }}",
    });
    const action = parse(read("action/action.yml")) as { inputs: Record<string, { required?: boolean }> };
    for (const name of Object.keys(step.with!)) expect(Object.keys(action.inputs)).toContain(name);
    for (const [name, input] of Object.entries(action.inputs)) if (input.required) expect(Object.keys(step.with!)).toContain(name);
  });
});

describe("ci.yml", () => {
  const ci = parse(read(".github/workflows/ci.yml")) as Workflow;
  const runs = Object.values(ci.jobs).flatMap((job) => job.steps.map((s) => s.run ?? ""));

  it("installs, tests and proves the committed bundle fresh on pushes and pull requests", () => {
    expect(Object.keys(ci.on)).toEqual(expect.arrayContaining(["push", "pull_request"]));
    expect(runs).toEqual(expect.arrayContaining(["npm ci", "npm test"]));
    const fresh = runs.find((r) => r.includes("npm run build:action"));
    expect(fresh).toContain("git diff --exit-code -- action/dist");
    const scripts = (JSON.parse(read("package.json")) as { scripts: Record<string, string> }).scripts;
    expect(scripts["build:action"]).toBeDefined();
  });
});

// The fields of GitHub's App manifest ("Registering a GitHub App from a manifest", "GitHub App manifest
// parameters"), with the permission names and access levels of "Choosing permissions for a GitHub App".
const PERMISSIONS = [
  "actions", "administration", "attestations", "checks", "codespaces", "contents", "custom_properties",
  "dependabot_secrets", "deployments", "discussions", "environments", "issues", "merge_queues", "metadata", "packages",
  "pages", "pull_requests", "repository_custom_properties", "repository_hooks", "repository_projects",
  "secret_scanning_alerts", "secrets", "security_events", "single_file", "statuses", "vulnerability_alerts",
  "workflows", "members", "organization_administration", "organization_announcement_banners",
  "organization_custom_roles", "organization_hooks", "organization_packages", "organization_personal_access_tokens",
  "organization_plan", "organization_projects", "organization_secrets", "organization_self_hosted_runners",
  "organization_user_blocking", "team_discussions", "email_addresses", "followers", "git_ssh_keys", "gpg_keys",
  "interaction_limits", "profile", "starring",
];
const url = { type: "string", pattern: "^https?://" };
const examples = require("@octokit/webhooks-examples/api.github.com/index.json") as Array<{ name: string }>;
const MANIFEST_SCHEMA = {
  type: "object",
  additionalProperties: false,
  properties: {
    name: { type: "string", minLength: 1, maxLength: 34 },
    url,
    hook_attributes: {
      type: "object",
      additionalProperties: false,
      required: ["url"],
      properties: { url, active: { type: "boolean" } },
    },
    redirect_url: url,
    callback_urls: { type: "array", items: url, maxItems: 10 },
    setup_url: url,
    description: { type: "string" },
    public: { type: "boolean" },
    default_events: { type: "array", uniqueItems: true, items: { enum: examples.map((e) => e.name) } },
    default_permissions: {
      type: "object",
      propertyNames: { enum: PERMISSIONS },
      additionalProperties: { enum: ["read", "write", "admin"] },
    },
    request_oauth_on_install: { type: "boolean" },
    setup_on_update: { type: "boolean" },
  },
} as const;

describe("app.yml, the App manifest", () => {
  const validate = new Ajv({ allErrors: true }).compile(MANIFEST_SCHEMA);

  it("uses only fields and values GitHub accepts", () => {
    const manifest = parse(read("app.yml")) as unknown;
    validate(manifest);
    expect(validate.errors ?? []).toEqual([]);
  });

  it("the manifest schema refuses unknown fields, events and permission levels (the check above can fail)", () => {
    expect(validate({ name: "x", default_events: ["issue_coment"] })).toBe(false);
    expect(validate({ name: "x", default_permissions: { contents: "owner" } })).toBe(false);
    expect(validate({ name: "x", webhook_secret: "s" })).toBe(false);
    expect(validate({ name: "x", default_events: ["push"], default_permissions: { contents: "write" } })).toBe(true);
  });
});
