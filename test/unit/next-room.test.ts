import { decide, type EngineCommand, publicView, type Room } from '@cercle/shared';
import { describe, expect, it } from 'vitest';
import { pairsOf, roomChanges, roomFromFields } from '../../server/src/store/roomFields.js';
import { hasRoomKeys, isRoomLiteral, roomValuesInto } from '../../shared/src/engine/roomShape.js';
import { codevRoom, goToPhase, Host } from './fixtures.js';

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

  it("[VW-1] a room's public view is the same, key for key and in order, whichever way it is made", () => {
    const rooms: Room[] = [];
    const host = codevRoom();
    goToPhase(host, 'clarification');
    host.ok('a', { type: 'post_card', kind: 'question', text: 'What did you try?' });
    host.ok('b', { type: 'raise_hand' });
    rooms.push(host.room);
    // CS-4: a topic round with votes (its view counts them).
    const circle = codevRoom(true, { topicRound: true });
    circle.ok('a', { type: 'post_topic', text: 'A colleague who drops out' });
    circle.ok('b', { type: 'vote_topic', participantId: 'a' });
    rooms.push(circle.room, codevRoom(false).room);
    // A room as created has the room's own keys in their order too, so the engine's first copy of it is
    // already the literal (a field added to one and not the other would lose that, not break a rule).
    for (const template of ['codev', 'peer-coaching'] as const)
      expect(hasRoomKeys(Object.keys(new Host(template).room))).toBe(true);
    // And as read back from the store's fields (SR-6), which keep the stored order.
    const stored = roomFromFields<Room>(pairsOf(roomChanges(null, host.room, host.room.version).set));
    expect(hasRoomKeys(Object.keys(stored))).toBe(true);
    for (const room of rooms) {
      // The engine's rooms have the room's own keys, in order: their view is the literal.
      expect(hasRoomKeys(Object.keys(room))).toBe(true);
      // A room with one more key (undefined: JSON leaves it out) takes the rest copy.
      const other = publicView({ ...room, extra: undefined } as unknown as Room);
      const view = publicView(room);
      expect(Object.keys(view)).toEqual(Object.keys(other).filter((key) => key !== 'extra'));
      expect(JSON.stringify(view)).toBe(JSON.stringify(other));
      expect(view).not.toHaveProperty('logbooks');
      expect(view).not.toHaveProperty('facilitatorKeyHash');
    }
  });

  it('[EN-1][VW-9] the room literal is told without a list of keys: the same answer as Object.keys, the same values', () => {
    const host = codevRoom();
    goToPhase(host, 'clarification');
    host.ok('a', { type: 'post_card', kind: 'question', text: 'What did you try?' });
    const room = host.room;
    const { title, ...untitled } = room;
    const { facilitatorKeyHash, ...keyless } = room;
    const inherited = Object.create({ facilitatorKeyHash }) as Record<string, unknown>;
    Object.assign(inherited, keyless);
    const withIndex = { 0: 'x', ...room };
    const shapes: object[] = [
      room,
      { ...room },
      { ...untitled, title },
      untitled,
      { ...room, extra: 1 },
      keyless,
      // Every key but the last own, the last one inherited: for...in lists all 34 in order.
      inherited,
      withIndex,
      {},
      JSON.parse(JSON.stringify(room)),
    ];
    for (const shape of shapes) {
      expect(isRoomLiteral(shape)).toBe(hasRoomKeys(Object.keys(shape)));
      if (isRoomLiteral(shape)) expect(roomValuesInto(shape as Room, [])).toEqual(Object.values(shape));
    }
    expect(isRoomLiteral(room)).toBe(true);
    expect(isRoomLiteral(inherited)).toBe(false);
  });
});
