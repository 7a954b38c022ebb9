import { decide, type EngineCommand, type Room } from '@cercle/shared';
import { describe, expect, it } from 'vitest';
import { codevRoom, goToPhase } from './fixtures.js';

/** The frequent commands of a running codev room (actor, command). */
const commands: [string | null, EngineCommand][] = [
  ['a', { type: 'post_card', kind: 'question', text: 'What did you try?' }],
  ['a', { type: 'raise_hand' }],
  ['a', { type: 'lower_hand' }],
  ['f', { type: 'add_time', ms: 60_000 }],
  ['f', { type: 'lock_room' }],
  ['f', { type: 'next_phase', from: 1 }],
  ['f', { type: 'previous_phase', from: 2 }],
];

describe('[EN-1] the next room', () => {
  it("[EN-1][EN-2] keeps the room's keys in their order, a new object, its version one higher, the input untouched", () => {
    const host = codevRoom();
    goToPhase(host, 'clarification');
    // Rooms as the engine builds them, with a key moved to the end, and with a key the schema lacks.
    const { title, ...untitled } = host.room;
    const shapes: Room[] = [host.room, { ...untitled, title } as Room, { ...host.room, extra: 1 } as Room];
    for (const start of shapes) {
      let room = start;
      for (const [actor, command] of commands) {
        const keys = Object.keys(room);
        const json = JSON.stringify(room);
        const decision = decide(room, command, { actor, now: host.now + 1, newId: host.newId });
        if (!decision.ok) throw new Error(`${command.type}: ${decision.code}`);
        expect(decision.room).not.toBe(room);
        expect(Object.keys(decision.room)).toEqual(keys);
        expect(decision.room.version).toBe(room.version + 1);
        expect(decision.room.lastActivityAt).toBe(host.now + 1);
        expect(JSON.stringify(room)).toBe(json);
        room = decision.room;
      }
      expect(Object.keys(room).at(-1)).toBe(Object.keys(start).at(-1));
    }
  });
});
