import type { StoredRoom } from './interface.js';

/**
 * A room's Redis document, `{"gen":…,"version":…,"room":…}`: the header first, the room last, so the
 * compare-and-set script and the nodes read the small header without decoding the room.
 */

/**
 * This node's last sight of a room: enough to run the next step and to compare-and-set. `room` is the
 * object the steps run on, parsed from `roomJson` once (not once per batch) and then the last step's
 * result: steps never mutate their input, so it can be shared from one batch to the next. It matters at
 * 1,000 cards: parsing the room costs milliseconds, and V8 copies a record parsed from JSON (dictionary
 * mode) ten times slower than one the engine built, which every step that adds a card does.
 */
export type CachedDoc = {
  gen: string;
  version: number;
  roomJson: string;
  /**
   * Command ids this node knows were applied to the room (this gen), with their fingerprints: a retry
   * found here is answered without a round trip. A cache only: the ids hash in Redis is the record.
   */
  ids: Map<string, string>;
  room: StoredRoom | null;
};

type StoredHeader = { gen: string; version: number };

/** The key between the header and the room: it cannot occur inside a JSON string (quotes are escaped there). */
const ROOM_FIELD = ',"room":';

/** A new room's document (no command applied yet). */
export function newDoc(gen: string, version: number, roomJson: string): string {
  return `{"gen":${JSON.stringify(gen)},"version":${version},"room":${roomJson}}`;
}

/**
 * Reads a stored document. The header (gen, version) is parsed alone and the room is kept
 * as the text it was stored as, parsed only when a step needs it.
 */
export function parseDoc(raw: string): CachedDoc {
  const cut = raw.indexOf(ROOM_FIELD);
  if (!raw.startsWith('{"gen":') || cut < 0) throw new Error('not a room document');
  const header = JSON.parse(`${raw.slice(0, cut)}}`) as StoredHeader;
  return {
    gen: header.gen,
    version: header.version,
    roomJson: raw.slice(cut + ROOM_FIELD.length, -1),
    ids: new Map(),
    room: null,
  };
}

/** Bytes enough for a document's header (`{"gen":"<16 hex>","version":<digits>,`). */
export const HEADER_BYTES = 80;

/** The version in the first bytes of a document; null for an empty read (no such key). */
export function versionOfHeader(prefix: string): number | null {
  if (prefix === '') return null;
  const match = /^\{"gen":"[^"]*","version":(\d+)/.exec(prefix);
  if (!match) throw new Error('not a room document');
  return Number(match[1]);
}

/** The JSON of a room's top-level objects, by identity (see `roomToJson`). */
const fieldJson = new WeakMap<object, string>();

/**
 * `JSON.stringify(room)`, byte for byte, reusing the text of every top-level object (phases, template,
 * participants, cards...) already written for an earlier version: steps never mutate their input and
 * keep what they do not change by reference, so an unchanged field is the same object. The phases and
 * the template (their texts in two languages) are most of a small room's JSON and never change after
 * the start: without this they were encoded again on every write.
 */
export function roomToJson(room: object): string {
  let out = '{';
  for (const key of Object.keys(room)) {
    const value = (room as Record<string, unknown>)[key];
    let json: string | undefined;
    if (typeof value === 'object' && value !== null) {
      json = fieldJson.get(value);
      if (json === undefined) {
        json = JSON.stringify(value);
        fieldJson.set(value, json);
      }
    } else {
      json = JSON.stringify(value) as string | undefined; // undefined, a function: left out, as JSON does
      if (json === undefined) continue;
    }
    out += `${out.length > 1 ? ',' : ''}${JSON.stringify(key)}:${json}`;
  }
  return `${out}}`;
}
