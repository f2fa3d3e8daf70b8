/**
 * Model routing: which agent CLI runs a model name, and which model it is given.
 */
import type { AgentName } from "./task.js";

export interface ModelRoute {
  agent: AgentName;
  /** The model handed to the agent CLI. */
  model: string;
}

/** A configured alias: `models: { fast: { agent: gemini, model: gemini-2.5-flash } }`. */
export interface ModelAlias {
  agent: AgentName;
  model?: string;
}

/** Families by the words their model names contain or begin with. */
const FAMILIES: ReadonlyArray<{ agent: AgentName; test: RegExp }> = [
  { agent: "claude", test: /opus|sonnet|haiku|claude/ },
  { agent: "gemini", test: /^gemini/ },
  { agent: "codex", test: /^(gpt|codex|o3|o4)/ },
];

/** The family name alone means "that agent's default model". */
export const FAMILY_DEFAULTS: Readonly<Record<AgentName, string>> = {
  claude: "sonnet",
  gemini: "gemini",
  codex: "codex",
  custom: "custom",
};

/** A word that names a model by the family rule (`opus`, `gemini-2.5-pro`, `gpt-5`, `o4-mini`, `codex`). */
export function familyOf(name: string): AgentName | null {
  const lower = name.toLowerCase();
  for (const family of FAMILIES) if (family.test.test(lower)) return family.agent;
  return null;
}

/**
 * Resolve a model name: configured aliases first, then the family rule.
 * Returns null for a name no rule knows.
 */
export function routeModel(name: string, aliases: Readonly<Record<string, ModelAlias>> = {}): ModelRoute | null {
  const lower = name.toLowerCase();
  const alias = aliases[lower];
  if (alias) return { agent: alias.agent, model: alias.model ?? lower };
  const agent = familyOf(lower);
  return agent ? { agent, model: lower } : null;
}

/** True when a bare word is a model name under these aliases (used by the grammar to spot directives). */
export function isModelName(word: string, aliases: Readonly<Record<string, ModelAlias>> = {}): boolean {
  return routeModel(word, aliases) !== null;
}
