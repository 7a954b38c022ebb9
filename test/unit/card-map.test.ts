import {
  type Card,
  ChunkedMap,
  cardOf,
  cardsInOrder,
  decide,
  editedKey,
  keysOf,
  publicPatch,
  publicView,
  type Room,
} from '@cercle/shared';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { pairsOf, roomChanges, roomFromFields, VERSION_FIELD } from '../../server/src/store/roomFields.js';
import { entryCount, Tally, withChunk, withoutChunk } from '../../shared/src/engine/entries.js';
import { codevRoom, goToPhase, type Host } from './fixtures.js';

/** Edits drawn from a small id domain (array-index ids and built-in names among them, EN-6). */
const editsArb = fc.array(
  fc.record({
    // Two-character ids too: enough keys that buckets hold several entries (a bucket is scanned, EN-7).
    key: fc.oneof(
      fc.constantFrom('a', 'b', 'c', '7', '12', '0', 'constructor', '__proto__', 'toString', 'k-1', 'k_2'),
      fc.stringMatching(/^[a-z0-9]{2}$/),
    ),
    text: fc.option(fc.string({ maxLength: 8 }), { nil: undefined }),
  }),
  { maxLength: 200 },
);

/** A field store as Redis holds a room (SR-6): the fields `roomChanges` sets and deletes. */
class Fields {
  private readonly fields = new Map<string, string>();
  private stored: object | null = null;
  write(room: Room): void {
    const changes = roomChanges(this.stored, room, room.version);
    for (let i = 0; i < changes.set.length; i += 2) this.fields.set(changes.set[i]!, changes.set[i + 1]!);
    for (const field of changes.del) this.fields.delete(field);
    this.fields.set(VERSION_FIELD, String(room.version)); // the store writes the header itself
    this.stored = room;
  }
  read(): Room {
    return roomFromFields<Room>(pairsOf([...this.fields].flat()));
  }
  entryFields(): string[] {
    return [...this.fields.keys()].filter((field) => field.startsWith('e:cards:')).sort();
  }
}

function post(host: Host, actor: string, text: string): string {
  const decision = host.ok(actor, { type: 'post_card', kind: 'suggestion', text });
  const event = decision.events[0];
  return event?.type === 'card_posted' ? event.cardId : '';
}

describe('[EN-2][EN-6][EN-7] the chunked card map', () => {
  it('[EN-2][EN-6] edits mirror a plain record: same entries, same order, the input never written, no prototype reached', () => {
    fc.assert(
      fc.property(editsArb, fc.boolean(), (edits, fromJson) => {
        const chars = new Tally<{ text: string }>((entry) => entry.text.length);
        // The first edit converts a plain record (read back from JSON, or made by hand) and never writes it.
        const start: Record<string, { text: string }> = fromJson
          ? JSON.parse('{"x":{"text":"x"},"1":{"text":"one"}}')
          : { x: { text: 'x' }, 1: { text: 'one' } };
        const startJson = JSON.stringify(start);
        let map: ChunkedMap<{ text: string }> | Record<string, { text: string }> = start;
        let mirror: Record<string, { text: string }> = Object.assign(Object.create(null), start);
        for (const { key, text } of edits) {
          const before: ChunkedMap<{ text: string }> | Record<string, { text: string }> = map;
          const value = text === undefined ? undefined : { text };
          const frozen = JSON.stringify(before);
          const next: ChunkedMap<{ text: string }> =
            text === undefined ? withoutChunk(before, key, [chars]) : withChunk(before, key, value!, [chars]);
          const copy: Record<string, { text: string }> = Object.create(null);
          for (const k of Object.keys(mirror)) if (!(text === undefined && k === key)) copy[k] = mirror[k]!;
          if (value !== undefined) copy[key] = value;
          mirror = copy;
          expect(JSON.stringify(before)).toBe(frozen);
          expect(keysOf(next)).toEqual(Object.keys(mirror));
          expect(JSON.stringify(next)).toBe(JSON.stringify(mirror));
          expect(entryCount(next)).toBe(Object.keys(mirror).length);
          expect(chars.of(next)).toBe(Object.values(mirror).reduce((n, e) => n + e.text.length, 0));
          expect(Object.getPrototypeOf(next.toRecord())).toBe(null);
          for (const k of keysOf(next)) if (k !== key) expect(next.get(k)).toBe(cardOf(before, k));
          // Own entries only: a built-in name is an entry only when one was set under it.
          for (const name of ['toString', 'constructor', '__proto__', 'hasOwnProperty'])
            expect(next.get(name)).toBe(Object.hasOwn(mirror, name) ? mirror[name] : undefined);
          expect(editedKey(before, next)).toBe(key);
          map = next;
        }
        expect(JSON.stringify(start)).toBe(startJson);
      }),
      { numRuns: 300, seed: 18 },
    );
  });

  it('[EN-7] a post, an edit and a withdrawal copy one bucket of the map and share every other one', () => {
    const host = codevRoom();
    goToPhase(host, 'consultation');
    for (let i = 0; i < 300; i++) post(host, ['a', 'b', 'd'][i % 3]!, `card ${i}`);
    const steps: [string, () => void][] = [
      ['post', () => post(host, 'a', 'one more')],
      [
        'edit',
        () => host.ok('a', { type: 'edit_card', cardId: keysOf(host.room.cards)[3]!, text: 'edited' }),
      ],
      ['withdraw', () => host.ok('f', { type: 'withdraw_card', cardId: keysOf(host.room.cards)[7]! })],
    ];
    for (const [name, step] of steps) {
      const before = host.room.cards;
      step();
      const after = host.room.cards;
      expect(before, name).toBeInstanceOf(ChunkedMap);
      expect(after, name).toBeInstanceOf(ChunkedMap);
      // 32 buckets: all but the one the edited card lives in are the very same objects.
      expect((after as ChunkedMap<Card>).sharedBuckets(before as ChunkedMap<Card>), name).toBe(31);
    }
  });

  it('[SR-6][VW-6] a room read back holds the same cards in the same order, one field per card, and goes on alike', () => {
    const host = codevRoom();
    goToPhase(host, 'consultation');
    const store = new Fields();
    store.write(host.room);
    for (let i = 0; i < 120; i++) {
      post(host, ['a', 'b', 'd'][i % 3]!, `card ${i}`);
      if (i % 7 === 3) host.ok('f', { type: 'withdraw_card', cardId: keysOf(host.room.cards)[i % 5]! });
      if (i % 11 === 5) host.ok('b', { type: 'edit_card', cardId: post(host, 'b', 'mine'), text: 'changed' });
      store.write(host.room);
    }
    const room = host.room;
    const read = store.read();
    // The plain record read back: the same cards, in the same order, the same JSON byte for byte.
    expect(Object.getPrototypeOf(read.cards)).not.toBeNull();
    expect(Object.keys(read.cards)).toEqual(keysOf(room.cards));
    expect(read).toEqual(room);
    expect(JSON.stringify(read)).toBe(JSON.stringify(room));
    expect(JSON.stringify(publicView(read))).toBe(JSON.stringify(publicView(room)));
    expect(store.entryFields()).toEqual(
      keysOf(room.cards)
        .map((id) => `e:cards:${id}`)
        .sort(),
    );
    // The engine converts the read-back record on its first edit: the same room, patch and fields as the
    // same command on the engine's own map, and the read-back room is not written to (EN-2).
    const fromRead = structuredClone(read);
    const command = { type: 'post_card', kind: 'suggestion', text: 'after the read' } as const;
    const context = { actor: 'a', now: host.now + 1_000, newId: () => 'after-read' };
    const a = decide(room, command, context);
    const b = decide(read, command, context);
    if (!a.ok || !b.ok) throw new Error('refused');
    expect(read).toEqual(fromRead);
    expect(b.room.cards).toBeInstanceOf(ChunkedMap);
    expect(JSON.stringify(b.room)).toBe(JSON.stringify(a.room));
    expect(cardsInOrder(b.room.cards).map((card) => card.id)).toEqual([
      ...Object.keys(read.cards),
      'after-read',
    ]);
    expect(publicPatch(read, b.room)).toEqual(publicPatch(room, a.room));
    expect(publicPatch(read, b.room).set).toEqual({
      'cards.after-read': cardOf(b.room.cards, 'after-read'),
      lastActivityAt: host.now + 1_000,
      version: room.version + 1,
    });
    const changes = roomChanges(read, b.room, b.room.version);
    expect(changes).toEqual(roomChanges(room, a.room, a.room.version));
    expect(changes.set.filter((field, i) => i % 2 === 0 && field.includes(':cards:'))).toEqual([
      'e:cards:after-read',
      'o:cards:after-read',
    ]);
  });
});
