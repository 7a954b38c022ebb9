import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { diffView } from '../../shared/src/engine/patch.js';
import { PatchSequence } from '../../shared/src/protocol/patchSequence.js';

type View = { n: number; cards: Record<string, string> };

/** A run of views v0..vk and the patches between them (some batched over several versions). */
function history(length: number) {
  const views: View[] = [{ n: 0, cards: {} }];
  for (let i = 1; i <= length; i++) {
    const prev = views[i - 1]!;
    views.push({ n: i, cards: { ...prev.cards, [`c${i}`]: `card ${i}` } });
  }
  const patches = views.slice(1).map((view, i) => ({ from: i, to: i + 1, patch: diffView(views[i]!, view) }));
  return { views, patches };
}

describe('PatchSequence', () => {
  it('[VW-7] applies patches that arrive out of order once the missing one comes', () => {
    const { views, patches } = history(4);
    const seq = new PatchSequence<View>();
    seq.takeSnapshot(0, views[0]!);
    expect(seq.receive(patches[2]!)).toBe('gap');
    expect(seq.receive(patches[1]!)).toBe('gap');
    expect(seq.hasGap).toBe(true);
    expect(seq.receive(patches[0]!)).toBe('applied');
    expect(seq.version).toBe(3);
    expect(seq.view).toEqual(views[3]);
    expect(seq.hasGap).toBe(false);
  });

  it('[VW-7] a snapshot older than the view is ignored; a newer one keeps the patches that follow it', () => {
    const { views, patches } = history(5);
    const seq = new PatchSequence<View>();
    seq.takeSnapshot(2, views[2]!);
    expect(seq.receive(patches[3]!)).toBe('gap'); // 3 -> 4 arrives before the sync answer
    expect(seq.takeSnapshot(1, views[1]!)).toBe(false);
    expect(seq.takeSnapshot(3, views[3]!)).toBe(true);
    expect(seq.version).toBe(4);
    expect(seq.view).toEqual(views[4]);
    expect(seq.receive(patches[1]!)).toBe('old');
  });

  it('[VW-7] any arrival order of any patches ends on the last view', () => {
    fc.assert(
      fc.property(
        fc
          .integer({ min: 1, max: 12 })
          .chain((n) =>
            fc.tuple(fc.constant(n), fc.shuffledSubarray([...Array(n).keys()], { minLength: n })),
          ),
        ([n, order]) => {
          const { views, patches } = history(n);
          const seq = new PatchSequence<View>();
          seq.takeSnapshot(0, views[0]!);
          for (const i of order) seq.receive(patches[i]!);
          expect(seq.version).toBe(n);
          expect(seq.view).toEqual(views[n]);
        },
      ),
    );
  });
});
