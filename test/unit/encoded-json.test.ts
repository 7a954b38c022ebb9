import { Encoder, type Packet, PacketType } from 'socket.io-parser';
import { describe, expect, it } from 'vitest';
import {
  ackWithPatch,
  EncodedJson,
  jsonObject,
  preEncodingParser,
} from '../../server/src/realtime/encodedJson.js';

/** The stock parser's text for the same packet, its pre-encoded arguments given as the values they encode. */
function stock(packet: Packet): unknown {
  const data = (packet.data as unknown[]).map((item) =>
    item instanceof EncodedJson ? JSON.parse(item.text) : item,
  );
  return new Encoder().encode({ ...packet, data });
}

const patch = new EncodedJson(
  JSON.stringify({
    from: 9,
    to: 10,
    patch: { set: { version: 10, 'cards.id4': { id: 'id4', text: 'Quoi ? « ça » 🙂 "x"\n' } }, del: [] },
    events: [{ type: 'card_posted', cardId: 'id4' }],
  }),
);

describe('[SC-5][HT-8] packets with pre-encoded arguments', () => {
  it('are written with the very bytes the stock parser writes', () => {
    const encoder = new preEncodingParser.Encoder();
    const packets: Packet[] = [
      // A room's patch, a welcome, a sync's answer, a command's acknowledgement with its patch.
      { type: PacketType.EVENT, nsp: '/', data: ['room:patch', patch] },
      { type: PacketType.EVENT, nsp: '/', data: ['room:patch', patch] },
      { type: PacketType.EVENT, nsp: '/', data: ['session:welcome', jsonObject({ a: 1, snapshot: patch })] },
      { type: PacketType.ACK, nsp: '/', id: 7, data: [jsonObject({ ok: true, snapshot: patch })] },
      { type: PacketType.ACK, nsp: '/', id: 12_345, data: [ackWithPatch(10, patch)] },
      // Other shapes: several arguments, plain ones among them, an id on an event, another namespace.
      { type: PacketType.EVENT, nsp: '/', data: ['room:patch', 1, patch, 'x', null] },
      { type: PacketType.EVENT, nsp: '/', data: [patch] },
      { type: PacketType.EVENT, nsp: '/', id: 3, data: ['ask', patch] },
      { type: PacketType.EVENT, nsp: '/admin', data: ['room:patch', patch] },
      { type: PacketType.ACK, nsp: '/admin', id: 0, data: [patch, patch] },
      { type: PacketType.EVENT, nsp: '/', data: ['é "quoted" \u2028', patch] },
      { type: PacketType.EVENT, nsp: '/', data: ['session:welcome', patch] },
    ];
    for (const packet of packets) {
      const ours = encoder.encode({ ...packet });
      expect(ours).toEqual(stock(packet));
      // The same packet again (its event's head remembered now): the same bytes.
      expect(encoder.encode({ ...packet })).toEqual(ours);
    }
  });

  it('leave every other packet to the stock parser', () => {
    const encoder = new preEncodingParser.Encoder();
    const packets: Packet[] = [
      { type: PacketType.EVENT, nsp: '/', data: ['room:patch', { a: 1 }] },
      { type: PacketType.ACK, nsp: '/', id: 1, data: [{ ok: true }] },
      { type: PacketType.CONNECT, nsp: '/', data: { sid: 'abc' } },
    ];
    for (const packet of packets)
      expect(encoder.encode({ ...packet })).toEqual(new Encoder().encode({ ...packet }));
  });
});
