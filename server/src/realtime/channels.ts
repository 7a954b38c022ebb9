import type { ClientToServerEvents, ServerToClientEvents } from '@cercle/shared';
import type { Server, Socket } from 'socket.io';

/** Messages between Cercle nodes (through the Redis adapter): each node acts on its own sockets. */
export interface InterServerEvents {
  'seat:removed': (code: string, participantId: string) => void;
  'room:ended': (code: string, reason: 'ended' | 'purged') => void;
}

/** What a connection carries once its handshake gave it a seat. */
export type SocketData = {
  code: string;
  participantId: string;
  /** The client address the limits count against. */
  address: string;
  /** The connection holds the built-in texts: its snapshots leave them out (VW-10). */
  lean: boolean;
  /** In the room's admitted channel (set by the adapter's join-room event: socketServer.ts). */
  admitted: boolean;
};

export type CercleServer = Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;
export type CercleSocket = Socket<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;

/**
 * Socket.IO rooms, per Cercle room: the admitted participants (every broadcast of the room), one per
 * seat (private data, removal: every tab of that person, on every node), and every socket of the room
 * including people still waiting (end of the room).
 */
export const admittedChannel = (code: string) => `room:${code}`;
export const seatChannel = (code: string, participantId: string) => `seat:${code}:${participantId}`;
export const everyoneChannel = (code: string) => `all:${code}`;

/** The Cercle room a Socket.IO room above belongs to; null for any other (a socket's own id). */
export function codeOfRoom(room: string): string | null {
  const colon = room.indexOf(':');
  if (colon < 0) return null;
  const kind = room.slice(0, colon);
  if (kind === 'room' || kind === 'all') return room.slice(colon + 1);
  if (kind !== 'seat') return null;
  const end = room.indexOf(':', colon + 1);
  return end < 0 ? null : room.slice(colon + 1, end);
}
