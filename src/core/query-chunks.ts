/**
 * Splitting one big GraphQL read into queries of bounded size: GitHub times a query out after 10 seconds and charges
 * each against a CPU budget, so a read of many tasks is sent as several queries, each at most `maxChars` characters
 * of fields and `maxLookups` lookups. A group (one task's lookups) is never split.
 */

export interface QueryGroup {
  /** The fields of the group, each one lookup. */
  fields: readonly string[];
}

export interface ChunkLimits {
  maxChars: number;
  maxLookups: number;
}

/** At most 64 KB and 300 lookups a query. */
export const QUERY_LIMITS: ChunkLimits = { maxChars: 64 * 1024, maxLookups: 300 };

/**
 * Pack groups, in order, into chunks within the limits (`overhead` characters of each query are not fields). A group
 * alone over a limit gets a chunk of its own.
 */
export function chunkGroups<G extends QueryGroup>(groups: readonly G[], { limits = QUERY_LIMITS, overhead = 0 }: { limits?: ChunkLimits; overhead?: number } = {}): G[][] {
  const chunks: G[][] = [];
  let current: G[] = [];
  let chars = overhead;
  let lookups = 0;
  for (const group of groups) {
    const size = group.fields.reduce((sum, field) => sum + field.length + 5, 0);
    const over = chars + size > limits.maxChars || lookups + group.fields.length > limits.maxLookups;
    if (current.length > 0 && over) {
      chunks.push(current);
      current = [];
      chars = overhead;
      lookups = 0;
    }
    current.push(group);
    chars += size;
    lookups += group.fields.length;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}
