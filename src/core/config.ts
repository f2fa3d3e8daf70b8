/**
 * Repository configuration, `.github/dispatch.yml`: every key optional, every value checked.
 */
import { z } from "zod";
import { routeModel, type ModelAlias } from "./model.js";
import { AGENTS } from "./task.js";

/** GitHub's repository permission levels, weakest first. */
export const PERMISSIONS = ["read", "triage", "write", "maintain", "admin"] as const;
export type Permission = (typeof PERMISSIONS)[number];

export const MAX_TASKS_LIMIT = 256;

const aliasName = z.string().regex(/^[a-z0-9][a-z0-9._-]*$/i, "an alias is one word of letters, digits, '.', '_' or '-'");

const modelAlias = z.strictObject({
  agent: z.enum(AGENTS),
  model: z.string().min(1).optional(),
});

const schema = z.strictObject({
  default_model: z.string().min(1).default("sonnet"),
  models: z.record(aliasName, modelAlias).default({}),
  max_tasks: z.number().int().min(1).max(MAX_TASKS_LIMIT).default(10),
  max_parallel: z.number().int().min(1).max(MAX_TASKS_LIMIT).optional(),
  workflow: z.string().regex(/^[\w.-]+\.ya?ml$/, "a workflow file name such as dispatch.yml").default("dispatch.yml"),
  branch_prefix: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9._/-]*\/$/, "a branch prefix ending in '/', such as dispatch/")
    .refine((p) => !p.includes("..") && !p.includes("//"), "a branch prefix without '..' or '//'")
    .default("dispatch/"),
  permission: z.enum(PERMISSIONS).default("write"),
  question_timeout_minutes: z.number().int().min(1).max(360).default(30),
  /**
   * Characters of the thread (title, description, comments, diff summary) a task's prompt gets. At most 50,000: the
   * prompt is one command-line argument, which Linux caps at 128 KiB.
   */
  thread_budget: z.number().int().min(0).max(50_000).default(30_000),
});

export type DispatchConfig = z.output<typeof schema>;

export const DEFAULT_CONFIG: DispatchConfig = Object.freeze(schema.parse({})) as DispatchConfig;

export type ConfigResult = { ok: true; config: DispatchConfig } | { ok: false; error: string };

/** Check a parsed `.github/dispatch.yml` (null or undefined: no file, all defaults). Never throws. */
export function parseConfig(raw: unknown): ConfigResult {
  if (raw === null || raw === undefined) return { ok: true, config: { ...DEFAULT_CONFIG, models: {} } };
  const result = schema.safeParse(raw);
  if (!result.success) return { ok: false, error: describeIssues(result.error.issues) };
  const config = result.data;
  const lower: Record<string, ModelAlias> = {};
  for (const [name, alias] of Object.entries(config.models)) lower[name.toLowerCase()] = alias;
  config.models = lower;
  if (!routeModel(config.default_model, config.models)) {
    return {
      ok: false,
      error: `\`default_model\`: "${config.default_model}" is not a model dispatch knows; name one of opus, sonnet, haiku, gemini…, gpt…/codex/o3/o4…, or an alias under \`models\``,
    };
  }
  return { ok: true, config };
}

function describeIssues(issues: ReadonlyArray<z.core.$ZodIssue>): string {
  return issues
    .map((issue) => {
      if (issue.code === "unrecognized_keys") {
        const where = issue.path.length > 0 ? ` under \`${issue.path.join(".")}\`` : "";
        return `unknown key${issue.keys.length > 1 ? "s" : ""}${where}: ${issue.keys.map((k) => `\`${k}\``).join(", ")}`;
      }
      const key = issue.path.length > 0 ? issue.path.join(".") : "(top level)";
      return `\`${key}\`: ${issue.message}`;
    })
    .join("; ");
}

/** Whether `have` is at least `need` on GitHub's scale. Unknown levels count as read. */
export function permits(have: string, need: Permission): boolean {
  const rank = (p: string) => Math.max(0, PERMISSIONS.indexOf(p as Permission));
  return rank(have) >= rank(need);
}
