import { type Command, type Decision, privateView, type Room, type Snapshot } from '@cercle/shared';
import { describe, expect, it } from 'vitest';
import type { RoomPublisher } from '../../server/src/rooms/publisher.js';
import { type EngineStore, RoomService } from '../../server/src/rooms/roomService.js';
import type { AppliedBatch } from '../../server/src/store/interface.js';
import { sealedOf } from '../support/sealed.js';
import { silentLogger } from '../support/silentLogger.js';

/**
 * RoomService computes private views only for the participants whose record or logbook the engine
 * changed (by reference). Checked against the full comparison (every admitted participant's private view
 * before and after) over a session that touches seats, roles, admission, removal, anonymous cards and
 * logbooks, on a store that hands the engine's own objects from one write to the next, as Redis does.
 */
function chainingStore() {
  const rooms = new Map<string, Room>();
  const listeners = new Set<(code: string, applied: AppliedBatch<Room, Decision>) => void>();
  const store = {
    kind: 'redis',
    create: async (room: Room) => {
      if (rooms.has(room.code)) return false;
      rooms.set(room.code, room);
      return true;
    },
    load: async (code: string) => rooms.get(code) ?? null,
    header: async (code: string) => {
      const room = rooms.get(code);
      return room ? { version: room.version, status: room.status, locked: room.locked } : null;
    },
    apply: async (code: string, _id: string | null, step: (room: Room) => Decision) => {
      const before = rooms.get(code);
      if (!before) return { status: 'not_found' };
      const decision = step(before);
      if (!decision.ok) return { status: 'refused', code: decision.code, message: decision.message };
      rooms.set(code, decision.room);
      for (const listener of listeners) listener(code, { before, decisions: [decision] });
      return { status: 'applied', before, decision };
    },
    onApplied: (listener: (code: string, applied: AppliedBatch<Room, Decision>) => void) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    purge: async (code: string) => {
      rooms.delete(code);
    },
    scheduleTimer: async () => {},
  };
  return store as unknown as EngineStore;
}

describe('private views are told to exactly those whose own data changed', () => {
  it('[SW-1][PM-1][VW-8] matches the full comparison over a whole session', async () => {
    const store = chainingStore();
    // Expected, the slow way: every admitted participant's private view before and after.
    const expected: string[][] = [];
    store.onApplied((_code, { before, decisions }) => {
      const after = decisions.at(-1)!.room;
      const who: string[] = [];
      for (const [id, seat] of Object.entries(after.participants)) {
        if (seat.admission !== 'admitted') continue;
        const was = before.participants[id];
        // A seat made by this write gets its private view in its welcome, not as a message.
        if (!was) continue;
        if (
          was.admission !== 'admitted' ||
          JSON.stringify(privateView(before, id)) !== JSON.stringify(privateView(after, id))
        )
          who.push(id);
      }
      expected.push(who.sort());
    });
    const told: string[][] = [];
    let current: string[] = [];
    const publisher: RoomPublisher = {
      patch: () => {
        told.push(current.sort());
        current = [];
      },
      patchTo: () => {},
      private: (_code, id) => current.push(id),
      admitted: (_code, id) => current.push(id),
      removed: () => {},
      ended: () => {},
      version: () => {},
      lost: () => {},
    };
    const logger = silentLogger();
    const service = new RoomService({ store, logger, storeTimeoutMs: 1_000 });
    service.publisher = publisher;
    // The patch goes out first, then the private messages of the same write: close each write's list.
    const flush = () => {
      if (told.length > 0) told[told.length - 1] = [...told.at(-1)!, ...current].sort();
      current = [];
    };

    // A silent consultation (SW-1): hidden card texts travel in the author's private view.
    const phases = ['expose', 'clarification', 'contract', 'consultation', 'synthesis', 'learning'].map(
      (from) => ({ from, ...(from === 'consultation' ? { silent: true } : {}) }),
    );
    const opened = await service.createRoom({ templateId: 'codev', phases });
    if (!opened.ok) throw new Error('room refused');
    const { code, facilitatorKey } = opened;
    const seat = async (name: string, key?: string) => {
      const joined = await service.join(code, { name, ...(key ? { facilitatorKey: key } : {}) });
      flush();
      if (!joined.ok) throw new Error(`join refused: ${joined.error.code}`);
      return joined.value.participantId;
    };
    let n = 0;
    const run = async (actor: string, command: Record<string, unknown>) => {
      const ack = await service.command(code, actor, `c${++n}`, command as Command);
      flush();
      return ack;
    };
    const f = await seat('Fanny', facilitatorKey!);
    const c = await seat('Claire');
    const a = await seat('Alex');
    const b = await seat('Bea');
    await run(f, { type: 'assign_role', participantId: c, role: 'client' });
    await run(f, { type: 'start' });
    await run(f, { type: 'next_phase', from: 0 });
    await run(a, { type: 'post_card', kind: 'question', text: 'seen by all' });
    await run(a, { type: 'post_card', kind: 'question', text: 'mine alone', anonymous: true });
    await run(b, { type: 'logbook_add', sealed: sealedOf('a note of mine') });
    await run(b, { type: 'raise_hand' });
    await run(f, { type: 'lock_room' });
    const late = await seat('Late');
    await run(f, { type: 'admit', participantId: late });
    await run(f, { type: 'assign_role', participantId: b, role: 'observer' });
    await service.presence(code, a, 'away');
    flush();
    await run(f, { type: 'remove_participant', participantId: a });
    await run(late, { type: 'logbook_add', sealed: sealedOf('my first note') });
    await run(f, { type: 'next_phase', from: 1 });
    await run(f, { type: 'next_phase', from: 2 });
    await run(b, { type: 'post_card', kind: 'suggestion', text: 'hidden until the reveal' });
    await run(late, { type: 'post_card', kind: 'suggestion', text: 'hidden too', anonymous: true });
    await run(f, { type: 'reveal_cards' });
    const snap = await service.snapshot(code, c);
    const shown = snap.ok ? (JSON.parse(snap.value.json.text) as Snapshot) : null;
    const cardId = Object.keys(shown?.view.cards ?? {}).at(-1) ?? 'none';
    await run(c, { type: 'star_card', cardId });
    await run(f, { type: 'next_phase', from: 3 });

    expect(told.length).toBe(expected.length);
    expect(told).toEqual(expected);
    // The session did exercise private messages to someone other than the actor.
    expect(expected.some((who) => who.length > 0)).toBe(true);
    service.stop();
  });
});
