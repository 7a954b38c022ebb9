import { randomBytes } from 'node:crypto';
import { type Decision, decide, type Room } from '@cercle/shared';
import type { SqliteRoomStore } from './roomStore.js';

/**
 * On the embedded store one process holds every connection: when it starts, nobody is connected yet.
 * A process killed (kill -9, power cut) could not mark its people away, so their seats would still show
 * them connected; this marks every connected seat away, as a dropped connection would (RM-7: the seat is
 * kept for the grace period, and its owner's page takes it back on reconnecting). Returns how many.
 */
export async function markSeatsAwayOnStart(
  store: SqliteRoomStore<Room, Decision>,
  options: { now?: number; seatGraceMs?: number } = {},
): Promise<number> {
  let marked = 0;
  for (const code of store.liveCodes()) {
    const room = await store.load(code);
    if (!room) continue;
    for (const seat of Object.values(room.participants)) {
      if (seat.presence !== 'connected') continue;
      const result = await store.apply(code, null, (current) =>
        decide(
          current,
          { type: 'presence', participantId: seat.id, presence: 'away' },
          {
            actor: null,
            now: options.now ?? Date.now(),
            newId: () => randomBytes(9).toString('base64url'),
            ...(options.seatGraceMs === undefined ? {} : { seatGraceMs: options.seatGraceMs }),
          },
        ),
      );
      if (result.status === 'applied') marked++;
    }
  }
  return marked;
}
