import {
  privateView,
  privateViewChanged,
  publicPatch,
  publicView,
  type Room,
  type RoomEvent,
  type RoomPatch,
  type Snapshot,
} from '@cercle/shared';
import { type RoomPublisher, silentPublisher } from './publisher.js';

/**
 * Tells people what a stored write changed: one public patch to the room, and to each participant
 * whose own data changed their private view (or, newly admitted, a whole snapshot). The patch is made
 * from the two rooms (`publicPatch`): the engine never mutates a room and keeps what it did not change
 * by reference, so only what changed is looked at, and no view of the whole room is built per write.
 */
export class RoomBroadcaster {
  publisher: RoomPublisher = silentPublisher;
  /**
   * Per room, the last version whose patch this node sent out. Kept for every room with people here,
   * whatever their number (the room watch forgets the others at each look, `forgetToldBut`): a room
   * forgotten while its people are here would be told a version they have (SR-2).
   */
  private readonly told = new Map<string, number>();

  constructor(private readonly now: () => number) {}

  /**
   * Everyone admitted gets the public patch, but the connections in `except` (the senders still waiting
   * for their acknowledgement, which carries it: the patch returned); each participant whose own data
   * changed gets it alone.
   */
  tellChanges(before: Room, after: Room, events: RoomEvent[], except: readonly string[] = []): RoomPatch {
    const message: RoomPatch = {
      from: before.version,
      to: after.version,
      patch: publicPatch(before, after),
      events,
    };
    const sent = this.publisher.patch(after.code, message, except) ?? message;
    // Only once sent: a patch that failed to go out is still announced by the room watch (SR-2).
    this.told.set(after.code, after.version);
    // A private view is made of the participant's record and logbook only, and the engine keeps every
    // record it did not change (same object): only those whose record or logbook changed are looked at.
    if (before.participants === after.participants && before.logbooks === after.logbooks) return sent;
    for (const [participantId, seat] of Object.entries(after.participants)) {
      if (seat.admission !== 'admitted') continue;
      const was = before.participants[participantId];
      if (was === seat && before.logbooks?.[participantId] === after.logbooks?.[participantId]) continue;
      if (was && was.admission !== 'admitted') {
        this.publisher.admitted(after.code, participantId, {
          participantId,
          serverTime: this.now(),
          snapshot: snapshotOf(after, participantId),
        });
        continue;
      }
      // A seat this write made: no connection can be in its channel yet (a connection joins it after the
      // join is answered), and the welcome that follows carries its private view (VW-8).
      if (!was) continue;
      if (privateViewChanged(before, after, participantId)) {
        this.publisher.private(after.code, participantId, {
          version: after.version,
          mine: privateView(after, participantId),
        });
      }
    }
    return sent;
  }

  /**
   * The last version of the room whose patch this node sent to its people in the room, if it remembers
   * one: each of them got it on their own connection, or a snapshot at least as recent since.
   */
  toldVersion(code: string): number | undefined {
    return this.told.get(code);
  }

  /** Forgets what was told of every room but `rooms` (those with people here: the room watch's look). */
  forgetToldBut(rooms: ReadonlySet<string>): void {
    for (const code of this.told.keys()) if (!rooms.has(code)) this.told.delete(code);
  }

  /** The room is gone: what is remembered of it with it. */
  forget(code: string): void {
    this.told.delete(code);
  }
}

export function snapshotOf(room: Room, participantId: string): Snapshot {
  return { version: room.version, view: publicView(room), mine: privateView(room, participantId) };
}
