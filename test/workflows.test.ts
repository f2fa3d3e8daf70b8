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
  it.each([".github/workflows/dispatch.yml", ".github/workflows/ci.yml", ".github/workflows/dispatch-app.yml"])("%s is a valid workflow", (path) => {
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
  const jobs = Object.values(workflow.jobs).filter((j) => j.strategy !== undefined);
  const job = workflow.jobs["task"]!;

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
      group: "dispatch-${{ github.repository }}-${{ inputs.issue }}-${{ matrix.task.id }}-${{ inputs.comment }}",
      "cancel-in-progress": false,
    });
  });

  it("asks for the least permissions and never persists the token in the checkout", () => {
    expect(job.permissions).toEqual({ contents: "write", issues: "read", "pull-requests": "read" });
    expect((workflow as unknown as Record<string, unknown>)["permissions"]).toBeUndefined();
    const checkout = job.steps.find((s) => s.uses?.startsWith("actions/checkout@"));
    expect(checkout?.with).toEqual({ "persist-credentials": false, "fetch-depth": 0 });
    expect(job.steps.indexOf(checkout!)).toBe(1);
  });

  it("pins every action by a full commit SHA, with its version in a comment", () => {
    const text = read(".github/workflows/dispatch.yml");
    const uses = [...text.matchAll(/^\s*-?\s*uses:\s*(\S+)(.*)$/gm)].filter((m) => !m[1]!.startsWith("./"));
    expect(uses.length).toBeGreaterThan(0);
    for (const [, ref, rest] of uses) {
      expect(ref).toMatch(/^[\w-]+\/[\w-]+@[0-9a-f]{40}$/);
      expect(rest).toMatch(/^ # v\d+\.\d+\.\d+$/);
    }
  });

  it("checks the task's own agent key first, before installing anything, naming the secret", () => {
    const first = job.steps[0]!;
    expect(first.run).toContain("ANTHROPIC_API_KEY or CLAUDE_CODE_OAUTH_TOKEN");
    expect(first.run).toContain("add the secret GEMINI_API_KEY");
    expect(first.run).toContain("add the secret OPENAI_API_KEY");
    expect(first.run).not.toContain("${{");
  });

  it("installs the agent CLI a task needs at the version the tests ran, cached, never with task text in the script", () => {
    const install = job.steps.find((s) => s.run?.includes("npm install"));
    expect(install?.if).toBe("matrix.task.agent != 'custom'");
    expect(install?.run).toContain("--ignore-scripts");
    expect(install?.run).not.toContain("${{");
    const cache = job.steps.find((s) => s.uses?.startsWith("actions/cache@"));
    expect(cache?.with?.["key"]).toContain("hashFiles('.github/workflows/dispatch.yml')");
    expect(job.steps.indexOf(cache!)).toBeLessThan(job.steps.indexOf(install!));
    // One source of truth: the workflow installs exactly the versions in package-lock.json (npm run agent-clis).
    const lock = JSON.parse(read("package-lock.json")) as { packages: Record<string, { version: string }> };
    for (const pkg of ["@anthropic-ai/claude-code", "@google/gemini-cli", "@openai/codex"]) {
      const named = (install?.run ?? "").split(/[\s"]+/).filter((word) => word.startsWith(`${pkg}@`));
      expect(named).toEqual([`${pkg}@${lock.packages[`node_modules/${pkg}`]?.version}`]);
    }
  });

  it("hands the Action only inputs its action.yml declares, all required ones included, and the agent keys", () => {
    const step = job.steps.find((s) => s.uses === "./action")!;
    expect(step.with).toEqual({
      task: "${{ toJSON(matrix.task) }}",
      issue: "${{ inputs.issue }}",
      base: "${{ inputs.base }}",
      comment: "${{ inputs.comment }}",
      "branch-prefix": "${{ inputs.branch_prefix }}",
      "question-timeout-minutes": "${{ inputs.question_timeout_minutes }}",
      "github-token": "${{ github.token }}",
    });
    // Each job gets only its own agent's key.
    const only = (agent: string, secret: string) => `\${{ matrix.task.agent == '${agent}' && secrets.${secret} || '' }}`;
    const keys = {
      ANTHROPIC_API_KEY: only("claude", "ANTHROPIC_API_KEY"),
      CLAUDE_CODE_OAUTH_TOKEN: only("claude", "CLAUDE_CODE_OAUTH_TOKEN"),
      GEMINI_API_KEY: only("gemini", "GEMINI_API_KEY"),
      OPENAI_API_KEY: only("codex", "OPENAI_API_KEY"),
    };
    expect(step.env).toEqual(keys);
    expect(job.steps[0]!.env).toEqual({ AGENT: "${{ matrix.task.agent }}", ...keys });
    const action = parse(read("action/action.yml")) as { inputs: Record<string, { required?: boolean }> };
    for (const name of Object.keys(step.with!)) expect(Object.keys(action.inputs)).toContain(name);
    for (const [name, input] of Object.entries(action.inputs)) if (input.required) expect(Object.keys(step.with!)).toContain(name);
  });
});

type Job = Workflow["jobs"][string] & { if?: string };
/** Actions pinned to a full commit SHA with the version in a comment; local actions (./…) need no pin. */
const PINNED = /^\s*-?\s*uses: (?:\.\/\S+|[\w.-]+\/[\w.-]+@[0-9a-f]{40} # v\d+(\.\d+)*)\s*$/;

describe("Actions mode: dispatch-app.yml and dispatch.yml's monitor job", () => {
  const text = read(".github/workflows/dispatch-app.yml");
  const app = parse(text) as Workflow & { on: Record<string, unknown> };
  const appJob = app.jobs["app"] as Job;
  const monitor = (parse(read(".github/workflows/dispatch.yml")) as Workflow).jobs["monitor"] as Job;

  it("runs on comments and a schedule (workflow_job is no workflow trigger: the schema refuses it)", () => {
    expect(Object.keys(app.on).sort()).toEqual(["issue_comment", "schedule"]);
    expect(app.on["issue_comment"]).toEqual({ types: ["created", "edited"] });
    const withJob = text.replace("  schedule:", "  workflow_job:\n    types: [completed]\n  schedule:");
    expect(validateWorkflow(withJob).errors).not.toEqual([]);
  });

  it("serializes the commands of one thread, skips bots, and hands the event to the app action", () => {
    expect(appJob.concurrency).toEqual({ group: "dispatch-${{ github.event.issue.number }}", "cancel-in-progress": false });
    expect(appJob.if).toContain("github.event.comment.user.type != 'Bot'");
    const step = appJob.steps.find((s) => s.uses === "./action/app")!;
    expect(step.with).toMatchObject({ mode: "${{ github.event_name == 'schedule' && 'sweep' || 'app' }}", "github-token": "${{ steps.app-token.outputs.token || github.token }}" });
  });

  it("the monitor runs only in Actions mode, one per dispatch, in monitor mode", () => {
    expect(monitor.if).toBe("vars.DISPATCH_MODE == 'actions'");
    expect(monitor.concurrency).toEqual({ group: "dispatch-monitor-${{ github.repository }}-${{ inputs.issue }}-${{ inputs.comment }}", "cancel-in-progress": false });
    const step = monitor.steps.find((s) => s.uses === "./action/app")!;
    expect(step.with).toMatchObject({ mode: "monitor", issue: "${{ inputs.issue }}", comment: "${{ inputs.comment }}" });
  });

  it("asks for the least permissions each job needs (the monitor writes no files, but creates a dependent's branch)", () => {
    expect(appJob.permissions).toEqual({ issues: "write", contents: "write", "pull-requests": "write", actions: "write" });
    expect(monitor.permissions).toEqual({ issues: "write", contents: "write", "pull-requests": "write", actions: "write" });
    expect((app as unknown as Record<string, unknown>)["permissions"]).toBeUndefined();
    for (const job of [appJob, monitor]) {
      const checkout = job.steps.find((s) => s.uses?.startsWith("actions/checkout@"));
      expect(checkout?.with).toMatchObject({ "persist-credentials": false });
    }
  });

  it("pins every action by commit SHA with its version, and uses an App token only when one is configured", () => {
    const uses = [text, read(".github/workflows/dispatch.yml").slice(read(".github/workflows/dispatch.yml").indexOf("  monitor:"))]
      .flatMap((t) => t.split("\n"))
      .filter((line) => /^\s*-?\s*uses:/.test(line));
    expect(uses.length).toBeGreaterThanOrEqual(6);
    for (const line of uses) expect(line).toMatch(PINNED);
    for (const job of [appJob, monitor]) {
      const token = job.steps.find((s) => s.uses?.startsWith("actions/create-github-app-token@"))!;
      expect(token.if).toBe("vars.DISPATCH_APP_CLIENT_ID != ''");
      expect(token.with).toEqual({ "client-id": "${{ vars.DISPATCH_APP_CLIENT_ID }}", "private-key": "${{ secrets.DISPATCH_APP_PRIVATE_KEY }}" });
    }
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
