import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { chunkGroups, QUERY_LIMITS } from "../../src/core/query-chunks.js";

describe("chunkGroups", () => {
  it("keeps groups whole and in order, every chunk within both limits", () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.string({ minLength: 1, maxLength: 40 }), { minLength: 1, maxLength: 7 }), { maxLength: 80 }),
        fc.integer({ min: 8, max: 30 }),
        fc.integer({ min: 300, max: 2000 }),
        (fieldLists, maxLookups, maxChars) => {
          const groups = fieldLists.map((fields) => ({ fields }));
          const chunks = chunkGroups(groups, { limits: { maxChars, maxLookups } });
          expect(chunks.flat()).toEqual(groups);
          for (const chunk of chunks) {
            const lookups = chunk.reduce((n, g) => n + g.fields.length, 0);
            const chars = chunk.reduce((n, g) => n + g.fields.reduce((m, f) => m + f.length + 5, 0), 0);
            if (chunk.length > 1) {
              expect(lookups).toBeLessThanOrEqual(maxLookups);
              expect(chars).toBeLessThanOrEqual(maxChars);
            }
          }
        },
      ),
    );
  });
});

