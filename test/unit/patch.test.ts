import { applyPatch, deepEqual, diffView } from '@cercle/shared';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

const json = fc.jsonValue({ maxDepth: 3 });
const entries = fc.dictionary(fc.constantFrom('a', 'b', 'c', 'x.y', 'd'), json, { maxKeys: 5 });
const viewArb = fc.record(
  {
    version: fc.nat(),
    status: fc.constantFrom('lobby', 'running', 'ended'),
    timer: fc.option(fc.record({ startedAt: fc.nat(), durationMs: fc.nat() }), { nil: null }),
    cards: entries,
    participants: entries,
    phases: fc.array(json, { maxLength: 3 }),
    extra: json,
  },
  { requiredKeys: ['version'] },
);

describe('patches', () => {
  it('[VW-6] applyPatch(prev, diffView(prev, next)) equals next, for any two views', () => {
    fc.assert(
      fc.property(viewArb, viewArb, (prev, next) => {
        const frozen = structuredClone(prev);
        const patched = applyPatch(prev, diffView(prev, next));
        expect(deepEqual(patched, next)).toBe(true);
        expect(prev).toEqual(frozen);
      }),
      { numRuns: 500 },
    );
  });

  it('[VW-6] a view diffed with itself gives an empty patch', () => {
    fc.assert(
      fc.property(viewArb, (view) => {
        expect(diffView(view, structuredClone(view))).toEqual({ set: {}, del: [] });
      }),
    );
  });

  it('[VW-6] a changed entry of a record is sent alone; a removed one is deleted by path', () => {
    const prev: { version: number; cards: Record<string, { text: string }> } = {
      version: 1,
      cards: { a: { text: 'x' }, b: { text: 'y' } },
    };
    const next = { version: 2, cards: { a: { text: 'x' }, c: { text: 'z' } } };
    expect(diffView(prev, next)).toEqual({ set: { version: 2, 'cards.c': { text: 'z' } }, del: ['cards.b'] });
  });
});
