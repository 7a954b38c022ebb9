import { PacketType } from 'socket.io-parser';
import type { RoomPublisher } from '../rooms/publisher.js';
import { admittedChannel, type CercleServer, everyoneChannel, seatChannel } from './channels.js';
import { EncodedJson, wirePayload } from './encodedJson.js';

/**
 * The room service's way out, over Socket.IO. Broadcasts to a room reach every node through the
 * adapter. Closing sockets is done by each node for its own sockets, after the notice went out on the
 * same socket, so a client always learns why it was disconnected.
 */
export function socketPublisher(
  io: CercleServer,
  options: {
    multiNode: boolean;
    /** Told the client addresses of this node's sockets of a removed seat, before they are closed. */
    removedFrom?: (code: string, addresses: string[]) => void;
  },
): RoomPublisher {
  const removeLocal = (code: string, participantId: string) => {
    const sids = io.of('/').adapter.rooms.get(seatChannel(code, participantId)) ?? new Set<string>();
    const addresses = [...sids].flatMap((sid) => {
      const address = io.of('/').sockets.get(sid)?.data.address;
      return address ? [address] : [];
    });
    if (addresses.length > 0) options.removedFrom?.(code, [...new Set(addresses)]);
    const seat = io.local.in(seatChannel(code, participantId));
    seat.emit('session:ended', { reason: 'removed' });
    seat.disconnectSockets(true);
  };
  const endLocal = (code: string, reason: 'ended' | 'purged') => {
    const everyone = io.local.in(everyoneChannel(code));
    everyone.emit('session:ended', { reason });
    everyone.disconnectSockets(true);
  };
  const nsp = io.of('/');
  io.on('seat:removed', removeLocal);
  io.on('room:ended', endLocal);
  // A patch's rooms and excepted connections, one pair of sets for every patch rather than two new sets
  // each: the adapter reads them only while `broadcast` runs (its local part, and the message to the other
  // nodes, copied from them: cluster/adapter.ts `wire`), and they are emptied before it returns.
  const patchRooms = new Set<string>();
  const patchExcept = new Set<string>();
  const noFlags = Object.freeze({});

  return {
    patch: (code, message, except) => {
      // One JSON text per patch (SC-5): the parser sends it to each socket here, the adapter to the
      // other nodes, the senders' acknowledgements carry it; none encodes it again.
      const encoded = wirePayload<typeof message>(new EncodedJson(JSON.stringify(message)));
      // What `io.to(room).except(except).emit(...)` hands the adapter, without the three broadcast
      // operators and the copies of their room sets that chain makes per patch.
      const room = admittedChannel(code);
      patchRooms.add(room);
      for (const connection of except) patchExcept.add(connection);
      try {
        void nsp.adapter.broadcast(
          { type: PacketType.EVENT, data: ['room:patch', encoded] },
          { rooms: patchRooms, except: patchExcept, flags: noFlags },
        );
      } finally {
        // Deleted, not cleared: `clear` makes the set a new table each time.
        patchRooms.delete(room);
        for (const connection of except) patchExcept.delete(connection);
      }
      return encoded;
    },
    patchTo: (connection, message) => {
      io.to(connection).emit('room:patch', message);
    },
    private: (code, participantId, message) => {
      io.to(seatChannel(code, participantId)).emit('me:private', message);
    },
    admitted: (code, participantId, message) => {
      const seat = seatChannel(code, participantId);
      io.in(seat).socketsJoin(admittedChannel(code));
      io.to(seat).emit('session:admitted', message);
    },
    removed: (code, participantId) => {
      removeLocal(code, participantId);
      if (options.multiNode) io.serverSideEmit('seat:removed', code, participantId);
    },
    ended: (code, reason) => {
      endLocal(code, reason);
      if (options.multiNode) io.serverSideEmit('room:ended', code, reason);
    },
    // Each node watches its own people's rooms (rooms/roomWatch.ts): local only.
    version: (code, version) => {
      io.local.to(admittedChannel(code)).emit('room:version', { version });
    },
    lost: (code) => {
      const everyone = io.local.in(everyoneChannel(code));
      everyone.emit('session:ended', { reason: 'lost' });
      everyone.disconnectSockets(true);
    },
  };
}
