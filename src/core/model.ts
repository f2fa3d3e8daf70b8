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

/** The built-in model words, as the help and the unknown-model reply list them. */
export const BUILT_IN_MODELS: readonly string[] = ["opus", "sonnet", "haiku", "claude", "gemini", "gemini-2.5-pro", "gemini-2.5-flash", "codex", "gpt-5", "o3", "o4-mini"];

/** Model families of other vendors that no agent here runs: naming one is a mistake, never a task's subject. */
const FOREIGN = /^(?:llama|mistral|mixtral|codestral|devstral|grok|deepseek|qwen|gemma|phi-?\d|kimi|glm|chatgpt|copilot|palm|bard|starcoder|command-r|ernie|jamba)/;
/** Words near a model name that are ordinary words, not misspellings (`use code to …`). */
const NEAR_BUT_WORDS = new Set(["code", "codes", "coded", "cloud", "bonnet", "clause", "genie"]);

/** Levenshtein distance with adjacent transpositions (`sonnte` → `sonnet` is 1). */
export function editDistance(a: string, b: string): number {
  const rows: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) rows[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(rows[i - 1]![j]! + 1, rows[i]![j - 1]! + 1, rows[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, rows[i - 2]![j - 2]! + 1);
      rows[i]![j] = best;
    }
  }
  return rows[a.length]![b.length]!;
}

/** The model words this repository knows: the built-ins, then its aliases. */
export function knownModels(aliases: Readonly<Record<string, ModelAlias>> = {}): string[] {
  return [...new Set([...BUILT_IN_MODELS, ...Object.keys(aliases)])];
}

/** The known model word closest to `word` within a misspelling's distance (1 for short words, 2 from 6 letters); null when none. */
export function closestModel(word: string, aliases: Readonly<Record<string, ModelAlias>> = {}): string | null {
  const lower = word.toLowerCase();
  const limit = lower.length >= 6 ? 2 : 1;
  let best: { name: string; distance: number } | null = null;
  for (const name of knownModels(aliases)) {
    const distance = editDistance(lower, name);
    if (distance <= limit && (best === null || distance < best.distance)) best = { name, distance };
  }
  return best?.name ?? null;
}

/**
 * A word in a model's place that is no model here but looks like one was meant: another vendor's model (`llama`) or
 * a misspelling of a known one (`sonet`). Ordinary words (`use jq to …`) are not.
 */
export function isUnknownModel(word: string, aliases: Readonly<Record<string, ModelAlias>> = {}): boolean {
  const lower = word.toLowerCase();
  if (lower.length < 3 || routeModel(lower, aliases) || NEAR_BUT_WORDS.has(lower)) return false;
  return FOREIGN.test(lower) || (lower.length >= 4 && closestModel(lower, aliases) !== null);
}

/** The reply to an unknown model word: what this repository knows, and the nearest one. */
export function unknownModelMessage(word: string, aliases: Readonly<Record<string, ModelAlias>> = {}): string {
  const lower = word.toLowerCase();
  const near = closestModel(lower, aliases);
  const names = (list: readonly string[]) => list.map((name) => `\`${name}\``).join(", ");
  const configured = Object.keys(aliases);
  return [
    `\`${lower.slice(0, 40)}\` is not a model this repository knows${near ? `: did you mean \`${near}\`?` : "."} Nothing was dispatched.`,
    `Models: ${names(BUILT_IN_MODELS)} (any \`claude-…\`, \`gemini-…\`, \`gpt-…\`, \`o3…\`/\`o4…\` name too)${configured.length > 0 ? `, and this repository's aliases ${names(configured)}` : ""}.`,
  ].join("\n\n");
}
