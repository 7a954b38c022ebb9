import type { CercleServer } from '../realtime/channels.js';
import { everyoneChannel } from '../realtime/channels.js';
import type { Observers } from './observer.js';

/** The circle a room is a session of, or null (the circle store's index). */
export type CircleOfRoom = (code: string) => Promise<string | null>;

/**
 * Active rooms and active circles, read from Socket.IO itself: a room is active on this node while one
 * of its channels of everyone has a socket here; a circle is active while one of its sessions' rooms is.
 * (Connections are told by the realtime layer's own handlers: a listener here per connection would be
 * memory held for each.) Call once the adapter is in place (setting an adapter makes a new one).
 */
export function observeTransport(io: CercleServer, observer: Observers, circleOfRoom?: CircleOfRoom): void {
  const prefix = everyoneChannel('');
  let rooms = 0;
  const adapter = io.of('/').adapter;
  // Live session rooms per circle on this node; a Map, since codes and ids are data, never keys of an object.
  const circleOf = new Map<string, string>();
  const liveRooms = new Map<string, number>();
  const countCircle = (circleId: string, delta: 1 | -1) => {
    const next = (liveRooms.get(circleId) ?? 0) + delta;
    if (next > 0) liveRooms.set(circleId, next);
    else liveRooms.delete(circleId);
    observer.circlesActive(liveRooms.size);
  };
  adapter.on('create-room', (room: unknown) => {
    if (typeof room !== 'string' || !room.startsWith(prefix)) return;
    observer.roomsActive(++rooms);
    if (!circleOfRoom) return;
    circleOfRoom(room.slice(prefix.length)).then(
      (circleId) => {
        // The room may have emptied while the index was read: count it only if it is still here.
        if (circleId === null || !adapter.rooms.has(room) || circleOf.has(room)) return;
        circleOf.set(room, circleId);
        countCircle(circleId, 1);
      },
      () => {}, // a store that does not answer only leaves this gauge behind; the room itself is unaffected
    );
  });
  adapter.on('delete-room', (room: unknown) => {
    if (typeof room !== 'string' || !room.startsWith(prefix)) return;
    observer.roomsActive(--rooms);
    const circleId = circleOf.get(room);
    if (circleId === undefined) return;
    circleOf.delete(room);
    countCircle(circleId, -1);
  });
}
