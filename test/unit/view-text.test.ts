import { publicView, type Room, withoutBuiltInTexts } from '@cercle/shared';
import { describe, expect, it } from 'vitest';
import { viewText } from '../../server/src/rooms/snapshotCache.js';
import { codevRoom, goToPhase, type Host } from './fixtures.js';

/** Every version a host's room went through, from `steps` run one after the other. */
function versions(host: Host, steps: ((host: Host) => void)[]): Room[] {
  const rooms = [host.room];
  for (const step of steps) {
    step(host);
    rooms.push(host.room);
  }
  return rooms;
}

/**
 * HT-8: the view text a snapshot carries, made key by key from the previous version's (viewText), is
 * byte for byte `JSON.stringify` of the whole view, full or without the built-in texts (VW-10).
 */
describe('a snapshot view text made from the previous version’s [HT-8]', () => {
  const steps: ((host: Host) => void)[] = [
    (h) => h.join('e', 'Eli'),
    (h) => h.join('g', 'Gus'),
    (h) => h.ok('f', { type: 'start' }),
    (h) => goToPhase(h, 'clarification'),
    (h) => h.ok('a', { type: 'post_card', kind: 'question', text: 'Why now?' }),
    (h) => h.ok('b', { type: 'post_card', kind: 'question', text: 'Who else?' }),
    (h) => h.ok('a', { type: 'raise_hand' }),
    (h) => h.ok('f', { type: 'give_floor' }),
    (h) => h.ok('f', { type: 'lock_room' }),
    (h) => h.join('w', 'Wes'),
    (h) => h.ok('f', { type: 'admit', participantId: 'w' }),
    (h) => h.ok('f', { type: 'remove_participant', participantId: 'g' }),
    (h) => h.ok('f', { type: 'next_phase', from: h.room.phaseIndex }),
    (h) => h.ok('f', { type: 'previous_phase', from: h.room.phaseIndex }),
    (h) => h.ok('f', { type: 'end', purge: false }),
  ];

  for (const lean of [false, true]) {
    it(`[HT-8] equals JSON.stringify of the ${lean ? 'lean' : 'full'} view at every version, chained`, () => {
      const rooms = versions(codevRoom(false), steps);
      let parts: ReturnType<typeof viewText> | undefined;
      for (const room of rooms) {
        const view = publicView(room);
        parts = viewText(room, lean, parts);
        expect(parts.text).toBe(JSON.stringify(lean ? withoutBuiltInTexts(view) : view));
        // From nothing, and from a version further back, the same text.
        expect(viewText(room, lean).text).toBe(parts.text);
        expect(viewText(room, lean, viewText(rooms[0]!, lean)).text).toBe(parts.text);
      }
    });
  }
});
