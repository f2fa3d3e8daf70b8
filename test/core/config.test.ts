import { parse as parseYaml } from "yaml";
import { describe, expect, it } from "vitest";
import { DEFAULT_CONFIG, MAX_TASKS_LIMIT, parseConfig, permits, PERMISSIONS } from "../../src/core/config.js";

function ok(raw: unknown) {
  const result = parseConfig(raw);
  if (!result.ok) throw new Error(result.error);
  return result.config;
}

function error(raw: unknown): string {
  const result = parseConfig(raw);
  if (result.ok) throw new Error(`expected an error for ${JSON.stringify(raw)}`);
  return result.error;
}

describe("parseConfig", () => {
  it("no file means every default", () => {
    const expected = {
      default_model: "sonnet",
      models: {},
      max_tasks: 10,
      workflow: "dispatch.yml",
      branch_prefix: "dispatch/",
      permission: "write",
      question_timeout_minutes: 30,
      thread_budget: 30_000,
    };
    expect(ok(null)).toEqual(expected);
    expect(ok(undefined)).toEqual(expected);
    expect(ok({})).toEqual(expected);
    expect(DEFAULT_CONFIG).toEqual(expected);
    expect(ok(null).max_parallel).toBeUndefined();
  });

  it("reads a full dispatch.yml", () => {
    const yaml = `
default_model: fast
models:
  Fast: { agent: gemini, model: gemini-2.5-flash }
  local: { agent: custom }
max_tasks: 256
max_parallel: 4
workflow: agents.yaml
branch_prefix: bots/dispatch/
permission: maintain
question_timeout_minutes: 360
thread_budget: 0
`;
    expect(ok(parseYaml(yaml))).toEqual({
      default_model: "fast",
      models: { fast: { agent: "gemini", model: "gemini-2.5-flash" }, local: { agent: "custom" } },
      max_tasks: 256,
      max_parallel: 4,
      workflow: "agents.yaml",
      branch_prefix: "bots/dispatch/",
      permission: "maintain",
      question_timeout_minutes: 360,
      thread_budget: 0,
    });
    expect(error({ thread_budget: 50_001 })).toContain("`thread_budget`");
    expect(error({ thread_budget: "lots" })).toContain("`thread_budget`");
  });

  it("refuses unknown keys by name", () => {
    expect(error({ default_modle: "opus" })).toBe("unknown key: `default_modle`");
    expect(error({ a: 1, b: 2 })).toBe("unknown keys: `a`, `b`");
    expect(error({ models: { fast: { agent: "gemini", modle: "x" } } })).toBe("unknown key under `models.fast`: `modle`");
  });

  it.each([
    [{ max_tasks: 0 }, "`max_tasks`"],
    [{ max_tasks: MAX_TASKS_LIMIT + 1 }, "`max_tasks`"],
    [{ max_tasks: 2.5 }, "`max_tasks`"],
    [{ max_tasks: "10" }, "`max_tasks`"],
    [{ max_parallel: 0 }, "`max_parallel`"],
    [{ default_model: 3 }, "`default_model`"],
    [{ default_model: "" }, "`default_model`"],
    [{ default_model: "llama" }, "`default_model`"],
    [{ models: { fast: { agent: "cursor" } } }, "`models.fast.agent`"],
    [{ models: { "two words": { agent: "codex" } } }, "`models.two words`"],
    [{ models: [] }, "`models`"],
    [{ workflow: "dispatch" }, "`workflow`"],
    [{ workflow: "../x.yml" }, "`workflow`"],
    [{ branch_prefix: "dispatch" }, "`branch_prefix`"],
    [{ branch_prefix: "a/../b/" }, "`branch_prefix`"],
    [{ branch_prefix: "a//" }, "`branch_prefix`"],
    [{ branch_prefix: "-x/" }, "`branch_prefix`"],
    [{ permission: "owner" }, "`permission`"],
    [{ question_timeout_minutes: 0 }, "`question_timeout_minutes`"],
    [{ question_timeout_minutes: 361 }, "`question_timeout_minutes`"],
    ["just a string", "(top level)"],
    [[1, 2], "(top level)"],
  ])("%j is refused, naming %s", (raw, key) => {
    expect(error(raw)).toContain(key);
  });

  it("the default model may be an alias", () => {
    expect(ok({ default_model: "Local", models: { local: { agent: "custom" } } }).default_model).toBe("Local");
  });

  it("never throws", () => {
    for (const raw of [0, false, Symbol("x"), () => 1, new Date(), { models: null }, { models: { x: null } }]) {
      expect(() => parseConfig(raw)).not.toThrow();
    }
  });

  it("does not share the default models object between results", () => {
    const a = ok(null);
    a.models.x = { agent: "codex" };
    expect(ok(null).models).toEqual({});
    expect(DEFAULT_CONFIG.models).toEqual({});
  });
});

describe("permits", () => {
  it("orders GitHub's levels", () => {
    expect(PERMISSIONS).toEqual(["read", "triage", "write", "maintain", "admin"]);
    expect(permits("admin", "write")).toBe(true);
    expect(permits("write", "write")).toBe(true);
    expect(permits("triage", "write")).toBe(false);
    expect(permits("read", "read")).toBe(true);
    expect(permits("none", "write")).toBe(false);
    expect(permits("none", "read")).toBe(true);
  });
});
