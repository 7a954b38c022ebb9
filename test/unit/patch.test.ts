import { applyPatch, deepEqual, diffView, publicPatch, publicView, type Room } from '@cercle/shared';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { codevRoom, goToPhase } from './fixtures.js';

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
    phaseHistory: fc.array(fc.constantFrom(1, 2, 'x', null), { maxLength: 4 }),
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

  it('[VW-6] a list that keeps its first items travels as its tail, whatever is done to its end', () => {
    const list = fc.array(fc.record({ n: fc.nat(9) }), { maxLength: 6 });
    fc.assert(
      fc.property(list, fc.nat(6), list, (items, cut, added) => {
        const prev = { version: 1, phaseHistory: items };
        // The engine keeps the items it does not change (same objects), closes the last, appends.
        const kept = items.slice(0, Math.min(cut, items.length));
        const next = { version: 2, phaseHistory: [...kept, ...added] };
        const patch = diffView(prev, next);
        expect(applyPatch(structuredClone(prev), structuredClone(patch))).toEqual(next);
        const tail = patch.tail?.phaseHistory;
        if (tail) {
          expect(tail.keep).toBeGreaterThanOrEqual(kept.length);
          expect(tail.keep + tail.add.length).toBe(next.phaseHistory.length);
          expect(patch.set).not.toHaveProperty('phaseHistory');
        }
        // Nothing kept: the list is sent whole, or not at all when it did not change.
        if (kept.length === 0 && !tail && !deepEqual(items, next.phaseHistory))
          expect(patch.set.phaseHistory).toEqual(next.phaseHistory);
      }),
      { numRuns: 300 },
    );
  });

  it('[VW-6] a phase change sends the closed run and the new one, not the history before them', () => {
    const run = (phaseId: string, endedAt: number | null) => ({ phaseId, startedAt: 1, endedAt });
    const history = [run('a', 2), run('b', 3), run('c', null)];
    const prev = { version: 3, phaseHistory: history, phaseClocks: { '1:0': { spentMs: 1 } } };
    const next = {
      version: 4,
      phaseHistory: [...history.slice(0, 2), run('c', 4), run('d', null)],
      phaseClocks: { ...prev.phaseClocks, '1:2': { spentMs: 3 } },
    };
    expect(diffView(prev, next)).toEqual({
      set: { version: 4, 'phaseClocks.1:2': { spentMs: 3 } },
      del: [],
      tail: { phaseHistory: { keep: 2, add: [run('c', 4), run('d', null)] } },
    });
  });

  it("[VW-9] the patch from two rooms whose keys differ (a key added, gone, moved) is the views' patch", () => {
    const host = codevRoom();
    goToPhase(host, 'clarification');
    host.ok('a', { type: 'post_card', kind: 'question', text: 'A question' });
    const room = host.room;
    const { title, ...untitled } = room;
    const shapes: [Room, Room][] = [
      // The same keys, another order: the values are compared by key, not by place.
      [room, { ...untitled, title: 'Moved', version: room.version + 1 } as Room],
      // A key gone (undefined, or absent), then back.
      [room, { ...room, title: undefined } as unknown as Room],
      [room, untitled as Room],
      [untitled as Room, { ...room, version: room.version + 1 }],
      // A key the schema does not know.
      [room, { ...room, extra: 1 } as unknown as Room],
    ];
    for (const [before, after] of shapes) {
      const fromRooms = publicPatch(before, after);
      const fromViews = diffView(publicView(before), publicView(after));
      expect({ ...fromRooms, del: [...fromRooms.del].sort() }).toEqual({
        ...fromViews,
        del: [...fromViews.del].sort(),
      });
    }
    expect(title).toBeDefined();
  });

  it('[VW-6] deepEqual agrees with a comparison by listed keys, undefined values counted as absent', () => {
    // The reference: own keys listed, those holding undefined left out, compared item by item.
    const reference = (a: unknown, b: unknown): boolean => {
      if (a === b) return true;
      if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
      if (Array.isArray(a) !== Array.isArray(b)) return false;
      if (Array.isArray(a) && Array.isArray(b))
        return a.length === b.length && a.every((item, i) => reference(item, b[i]));
      const ra = a as Record<string, unknown>;
      const rb = b as Record<string, unknown>;
      const keysA = Object.keys(ra).filter((k) => ra[k] !== undefined);
      const keysB = Object.keys(rb).filter((k) => rb[k] !== undefined);
      return (
        keysA.length === keysB.length && keysA.every((k) => Object.hasOwn(rb, k) && reference(ra[k], rb[k]))
      );
    };
    const leaf = fc.oneof(fc.constantFrom(undefined, null, 0, 1, 'a', true), fc.integer({ min: 0, max: 2 }));
    const value = fc.letrec((tie) => ({
      v: fc.oneof(
        { depthSize: 'small' },
        leaf,
        fc.array(tie('v'), { maxLength: 3 }),
        fc.dictionary(fc.constantFrom('a', 'b', 'c'), tie('v'), { maxKeys: 3 }),
      ),
    })).v;
    fc.assert(
      fc.property(value, value, (a, b) => {
        expect(deepEqual(a, b)).toBe(reference(a, b));
        expect(deepEqual(a, structuredClone(a))).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });
});
