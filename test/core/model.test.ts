import { describe, expect, it } from "vitest";
import { familyOf, FAMILY_DEFAULTS, isModelName, routeModel } from "../../src/core/model.js";

describe("routeModel", () => {
  it.each([
    ["opus", "claude", "opus"],
    ["Sonnet", "claude", "sonnet"],
    ["haiku", "claude", "haiku"],
    ["claude-opus-4-1", "claude", "claude-opus-4-1"],
    ["claude", "claude", "claude"],
    ["gemini", "gemini", "gemini"],
    ["gemini-2.5-flash", "gemini", "gemini-2.5-flash"],
    ["gpt-5", "codex", "gpt-5"],
    ["GPT-4.1", "codex", "gpt-4.1"],
    ["codex", "codex", "codex"],
    ["o3", "codex", "o3"],
    ["o4-mini", "codex", "o4-mini"],
  ])("%s runs on %s as %s", (name, agent, model) => {
    expect(routeModel(name)).toEqual({ agent, model });
  });

  it.each(["llama", "mistral", "o1", "", "the", "bard", "my-gemini"])("%j is not a model", (name) => {
    expect(routeModel(name)).toBeNull();
  });

  it("aliases come first, by lowercase name, and may name the model handed to the CLI", () => {
    const aliases = {
      fast: { agent: "gemini" as const, model: "gemini-2.5-flash" },
      opus: { agent: "custom" as const },
    };
    expect(routeModel("FAST", aliases)).toEqual({ agent: "gemini", model: "gemini-2.5-flash" });
    expect(routeModel("opus", aliases)).toEqual({ agent: "custom", model: "opus" });
    expect(routeModel("sonnet", aliases)).toEqual({ agent: "claude", model: "sonnet" });
    expect(routeModel("slow", aliases)).toBeNull();
  });
});

describe("familyOf and isModelName", () => {
  it("a family word means that CLI", () => {
    expect(familyOf("gemini-exp")).toBe("gemini");
    expect(familyOf("codex-mini")).toBe("codex");
    expect(familyOf("big-opus")).toBe("claude");
    expect(familyOf("llama")).toBeNull();
  });

  it("isModelName follows routeModel, aliases included", () => {
    expect(isModelName("sonnet")).toBe(true);
    expect(isModelName("fast")).toBe(false);
    expect(isModelName("fast", { fast: { agent: "codex" } })).toBe(true);
  });

  it("family defaults: the built-in default model is sonnet", () => {
    expect(FAMILY_DEFAULTS.claude).toBe("sonnet");
    expect(routeModel(FAMILY_DEFAULTS.gemini)?.agent).toBe("gemini");
    expect(routeModel(FAMILY_DEFAULTS.codex)?.agent).toBe("codex");
  });
});
