import { Decoder, Encoder, type Packet, PacketType } from 'socket.io-parser';

/**
 * JSON text made once and sent as it is (SPEC HT-8). Socket.IO's parser encodes every argument of every
 * packet with `JSON.stringify`, after walking it for binary parts: for a snapshot of a room at its text
 * bound that is some 400 KB of work per answer. The public view is the same for every viewer of one room
 * version, so its text is made once (rooms/snapshotCache.ts) and spliced into each packet by the parser
 * below. The bytes on the wire are exactly those `JSON.stringify` would give.
 */
export class EncodedJson {
  constructor(readonly text: string) {}
}

/**
 * `JSON.stringify(fields)` where a field may already be text (an EncodedJson): fields in their order,
 * undefined ones left out, as `JSON.stringify` does.
 */
export function jsonObject(fields: Record<string, unknown>): EncodedJson {
  let out = '';
  for (const [key, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    const json = value instanceof EncodedJson ? value.text : JSON.stringify(value);
    out += `${out ? ',' : ''}${JSON.stringify(key)}:${json}`;
  }
  return new EncodedJson(`{${out}}`);
}

/**
 * `jsonObject({ ok: true, version, patch })` for a stored command's acknowledgement (SC-7), written
 * directly: one per command, its patch the broadcast's text (SC-5).
 */
export function ackWithPatch<T>(version: number, patch: unknown): T {
  return wirePayload<T>(new EncodedJson(`{"ok":true,"version":${version},"patch":${textOf(patch)}}`));
}

/** The JSON of a value that may already be text (an EncodedJson). */
function textOf(value: unknown): string {
  return value instanceof EncodedJson ? value.text : JSON.stringify(value);
}

/**
 * An EncodedJson handed to Socket.IO where it expects a payload (an acknowledgement, an event's
 * argument): the parser below sends its text. A broadcast's packet that crosses to another node is
 * written with the same text by the adapter (cluster/adapter.ts `clusterMessageJson`).
 */
export function wirePayload<T>(encoded: EncodedJson): T {
  return encoded as unknown as T;
}

/**
 * Socket.IO's own parser, but an event or acknowledgement with an EncodedJson argument is written with
 * that argument's text instead of stringifying it again (what socket.io-parser's `encodeAsString`
 * writes: type, namespace unless `/`, id, JSON array of the arguments). Every other packet, and all
 * decoding, is the stock parser's.
 */
class PreEncodingEncoder extends Encoder {
  override encode(packet: Packet): ReturnType<Encoder['encode']> {
    const data: unknown = packet.data;
    if (
      (packet.type === PacketType.EVENT || packet.type === PacketType.ACK) &&
      Array.isArray(data) &&
      hasEncoded(data)
    ) {
      const hasId = packet.id !== undefined && packet.id !== null;
      const plain = !hasId && (!packet.nsp || packet.nsp === '/');
      // An event's head (type, its name as JSON) is the same text for every packet of that event: made
      // once (a patch's `2["room:patch",`), not four concatenations and a stringify per packet.
      const first: unknown = data[0];
      let start = 0;
      let out: string;
      if (plain && packet.type === PacketType.EVENT && typeof first === 'string' && data.length > 1) {
        out = eventHead(first);
        start = 1;
      } else {
        out = String(packet.type);
        if (packet.nsp && packet.nsp !== '/') out += `${packet.nsp},`;
        if (hasId) out += packet.id;
        out += '[';
      }
      // Concatenated, not joined: `join` copies every argument's text (a welcome's 4 KB, every patch's)
      // into a flat string once more before the frame copies it again.
      for (let i = start; i < data.length; i++) {
        const argument: unknown = data[i];
        if (i > start) out += ',';
        out += argument instanceof EncodedJson ? argument.text : (JSON.stringify(argument) ?? 'null');
      }
      return [`${out}]`];
    }
    return super.encode(packet);
  }
}

/** An event packet's text up to its first argument, `2["<name>",`, per event name, made once. */
const eventHeads = new Map<string, string>();
function eventHead(name: string): string {
  let head = eventHeads.get(name);
  if (head === undefined) {
    head = `${PacketType.EVENT}[${JSON.stringify(name)},`;
    // Bounded: event names are the server's own few, but a bound costs nothing.
    if (eventHeads.size < 64) eventHeads.set(name, head);
  }
  return head;
}

/** Whether one of the arguments is already text (no closure made per packet to find out). */
function hasEncoded(data: unknown[]): boolean {
  for (let i = 0; i < data.length; i++) if (data[i] instanceof EncodedJson) return true;
  return false;
}

/** The `parser` option of the Socket.IO server. */
export const preEncodingParser = { Encoder: PreEncodingEncoder, Decoder };
