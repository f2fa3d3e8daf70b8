/**
 * Usage as the status comment shows it: per task (dollars where the CLI reported them, tokens always) and the total
 * for the dispatch. Kept apart from the status rendering so it can move with it.
 */

export interface UsageFigures {
  cost_usd?: number;
  tokens_in?: number;
  tokens_out?: number;
}

/** "\$0.03 · 4.8k tokens in, 160 out"; null when nothing was reported. */
export function usageText(usage: UsageFigures): string | null {
  const parts: string[] = [];
  if (usage.cost_usd !== undefined) parts.push(`\\$${usage.cost_usd.toFixed(2)}`);
  if (usage.tokens_in !== undefined || usage.tokens_out !== undefined) {
    parts.push(`${compact(usage.tokens_in ?? 0)} tokens in, ${compact(usage.tokens_out ?? 0)} out`);
  }
  return parts.length > 0 ? parts.join(" · ") : null;
}

/** "Usage: \$0.05 (2 of 3 tasks report cost) · 9.6k tokens in, 320 out"; null when no task reported anything. */
export function dispatchUsageText(tasks: readonly UsageFigures[]): string | null {
  const costed = tasks.filter((t) => t.cost_usd !== undefined);
  const counted = tasks.filter((t) => t.tokens_in !== undefined || t.tokens_out !== undefined);
  if (costed.length === 0 && counted.length === 0) return null;
  const total: UsageFigures = {};
  if (costed.length > 0) total.cost_usd = costed.reduce((sum, t) => sum + (t.cost_usd ?? 0), 0);
  if (counted.length > 0) {
    total.tokens_in = counted.reduce((sum, t) => sum + (t.tokens_in ?? 0), 0);
    total.tokens_out = counted.reduce((sum, t) => sum + (t.tokens_out ?? 0), 0);
  }
  let text = usageText(total) ?? "";
  if (costed.length > 0 && costed.length < tasks.length) {
    text = text.replace(/^(\\\$\d+\.\d\d)/, `$1 (${costed.length} of ${tasks.length} tasks report cost)`);
  }
  return `Usage: ${text}`;
}

function compact(n: number): string {
  if (n < 1000) return String(n);
  if (n < 1_000_000) return `${(n / 1000).toFixed(n < 10_000 ? 1 : 0)}k`;
  return `${(n / 1_000_000).toFixed(1)}M`;
}
