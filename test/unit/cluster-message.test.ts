import { MessageType } from 'socket.io-adapter';
import { describe, expect, it } from 'vitest';
import { clusterMessageJson } from '../../server/src/cluster/adapter.js';
import { EncodedJson } from '../../server/src/realtime/encodedJson.js';

/** What ClusterAdapter publishes for `io.to(room).emit('room:patch', patch)` (uid and nsp added by it). */
const broadcastOf = (argument: unknown) => ({
  type: MessageType.BROADCAST,
  data: {
    packet: { type: 2, data: ['room:patch', argument], nsp: '/' },
    opts: { rooms: ['a:ABC2345'], except: [], flags: {} },
  },
  uid: '0123456789abcdef',
  nsp: '/',
});

describe('the message a node publishes for a broadcast', () => {
  it('[SC-5] a patch encoded once is spliced in: the very bytes JSON.stringify gives, no second encoding', () => {
    const patch = {
      from: 3,
      to: 4,
      patch: { set: { version: 4, 'cards.x1': { id: 'x1', text: 'une "idée"\n' } }, del: ['cards.y'] },
      events: [{ type: 'card_posted', cardId: 'x1' }],
    };
    const once = new EncodedJson(JSON.stringify(patch));
    const spliced = clusterMessageJson(broadcastOf(once) as never);
    expect(spliced).toBe(JSON.stringify(broadcastOf(patch)));
    // The receiving node parses the patch the local sockets were sent.
    expect(JSON.parse(spliced).data.packet.data[1]).toEqual(patch);
  });

  it('[SC-5] every other message is JSON.stringify of it', () => {
    const plain = broadcastOf({ reason: 'ended' });
    expect(clusterMessageJson(plain as never)).toBe(JSON.stringify(plain));
    const join = {
      type: MessageType.SOCKETS_JOIN,
      data: { opts: { rooms: ['s:ABC2345:p_1'] }, rooms: ['a:ABC2345'] },
    };
    expect(clusterMessageJson(join as never)).toBe(JSON.stringify(join));
  });
});
