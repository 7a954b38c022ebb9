import type { CercleServer } from '../realtime/channels.js';
import { everyoneChannel } from '../realtime/channels.js';
import type { Observers } from './observer.js';

/**
 * Connections and active rooms, read from Socket.IO itself: a connection that opened (its handshake
 * gave it a seat) until it closes; a room is active on this node while one of its channels of everyone
 * has a socket here. Call once the adapter is in place (setting an adapter makes a new one).
 */
export function observeTransport(io: CercleServer, observer: Observers): void {
  io.on('connection', (socket) => {
    observer.connectionOpened();
    socket.once('disconnect', (reason) => observer.connectionClosed(reason));
  });
  const prefix = everyoneChannel('');
  let rooms = 0;
  const adapter = io.of('/').adapter;
  adapter.on('create-room', (room: unknown) => {
    if (typeof room === 'string' && room.startsWith(prefix)) observer.roomsActive(++rooms);
  });
  adapter.on('delete-room', (room: unknown) => {
    if (typeof room === 'string' && room.startsWith(prefix)) observer.roomsActive(--rooms);
  });
}
