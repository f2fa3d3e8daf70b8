import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { BUILT_IN_MODELS, closestModel, editDistance, familyOf, FAMILY_DEFAULTS, isModelName, isUnknownModel, knownModels, routeModel, unknownModelMessage } from "../../src/core/model.js";

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

describe("unknown model words", () => {
  it.each([
    ["sonnte", "sonnet", 1],
    ["sonet", "sonnet", 1],
    ["opsu", "opus", 1],
    ["gemni", "gemini", 1],
    ["haiku", "haiku", 0],
    ["", "abc", 3],
  ])("editDistance(%j, %j) = %i", (a, b, d) => {
    expect(editDistance(a, b)).toBe(d);
    expect(editDistance(b, a)).toBe(d);
  });

  it("edit distance is a metric on any words", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 12 }), fc.string({ maxLength: 12 }), fc.string({ maxLength: 12 }), (a, b, c) => {
        expect(editDistance(a, a)).toBe(0);
        expect(editDistance(a, b)).toBe(editDistance(b, a));
        expect(editDistance(a, c)).toBeLessThanOrEqual(editDistance(a, b) + editDistance(b, c) + 1); // transpositions bend it by at most 1
        expect(editDistance(a, b)).toBeLessThanOrEqual(Math.max(a.length, b.length));
      }),
    );
  });

  it.each(["llama", "llama-3", "mistral", "grok", "deepseek-r1", "qwen", "sonet", "opsu", "gemni", "hiaku"])("%j is an unknown model word", (word) => {
    expect(isUnknownModel(word)).toBe(true);
  });

  it.each(["jq", "git", "code", "docker", "the", "sonnet", "opus", "gpt-5", "vitest", "eslint", "pytest"])("%j is not an unknown model word", (word) => {
    expect(isUnknownModel(word)).toBe(false);
  });

  it("a misspelt alias is caught, and suggested, only where the repository configures it", () => {
    const aliases = { speedy: { agent: "gemini" as const, model: "gemini-2.5-flash" } };
    expect(isUnknownModel("speedyy")).toBe(false);
    expect(isUnknownModel("speedyy", aliases)).toBe(true);
    expect(closestModel("speedyy", aliases)).toBe("speedy");
    expect(knownModels(aliases)).toEqual([...BUILT_IN_MODELS, "speedy"]);
  });

  it("the reply lists the known models and the nearest one", () => {
    const message = unknownModelMessage("sonet", { fast: { agent: "gemini" } });
    expect(message).toContain("did you mean `sonnet`?");
    expect(message).toContain("Nothing was dispatched");
    for (const name of [...BUILT_IN_MODELS, "fast"]) expect(message).toContain(`\`${name}\``);
    expect(unknownModelMessage("llama")).not.toContain("did you mean");
  });
});
