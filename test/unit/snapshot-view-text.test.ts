import { publicView, withoutBuiltInTexts } from '@cercle/shared';
import { describe, expect, it } from 'vitest';
import { encodeView } from '../../server/src/rooms/snapshotCache.js';
import { codevRoom, pairRoom } from './fixtures.js';

describe("a kept view's text (HT-8, VW-10)", () => {
  it('[HT-8] is exactly JSON.stringify of the view, full or lean, whatever fields surround template and phases', () => {
    for (const host of [codevRoom(false), codevRoom(true), pairRoom(true)]) {
      const full = publicView(host.room);
      expect(encodeView(full)).toBe(JSON.stringify(full));
      const lean = withoutBuiltInTexts(full);
      expect(encodeView(lean)).toBe(JSON.stringify(lean));
    }
    const template = { id: 't', roles: [] };
    const phases = [{ id: 'p' }];
    for (const view of [
      { template, phases },
      { a: 1, template, phases },
      { template, phases, z: 'x', u: undefined },
      { a: 'b', template, phases, c: [1] },
      { a: 1, phases, template }, // another order: stringified whole
      { a: 1 },
    ])
      expect(encodeView(view)).toBe(JSON.stringify(view));
  });
});
