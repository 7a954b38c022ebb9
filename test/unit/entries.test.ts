import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { roomChanges } from '../../server/src/store/roomFields.js';
import {
  editedKey,
  entryCount,
  Tally,
  withChunk,
  withEntry,
  without,
  withoutChunk,
} from '../../shared/src/engine/entries.js';
import { diffRecord, type ViewPatch } from '../../shared/src/engine/patch.js';

/** Record edits drawn from a small id domain, so that sets, replacements and deletions all happen. */
const editsArb = fc.array(
  fc.record({
    key: fc.constantFrom('a', 'b', 'c', '7', '12', 'constructor', 'toString', 'k-1', 'k_2'),
    text: fc.option(fc.string({ maxLength: 8 }), { nil: undefined }),
  }),
  { maxLength: 40 },
);

const fullSum = (record: Record<string, string>) => Object.values(record).reduce((n, t) => n + t.length, 0);

describe('[EN-2][EN-7] copy-on-write record edits with running tallies', () => {
  it('[EN-2] an edit never touches its input, shares every other entry and keeps key order; [EN-6] no prototype', () => {
    fc.assert(
      fc.property(editsArb, (edits) => {
        let record: Record<string, { text: string }> = JSON.parse('{"x":{"text":"x"},"1":{"text":"one"}}');
        let mirror: Record<string, { text: string }> = { ...record };
        for (const { key, text } of edits) {
          const before = record;
          const frozen = JSON.stringify(before);
          const keys = Object.keys(before);
          record = text === undefined ? without(record, key) : withEntry(record, key, { text });
          if (text === undefined) {
            const { [key]: _gone, ...rest } = mirror;
            mirror = rest;
          } else mirror = { ...mirror, [key]: { text } };
          expect(JSON.stringify(before)).toBe(frozen);
          expect(Object.keys(before)).toEqual(keys);
          expect(Object.getPrototypeOf(record)).toBe(null);
          expect(Object.keys(record)).toEqual(Object.keys(mirror));
          expect(record).toEqual(mirror);
          for (const k of Object.keys(record)) if (k !== key) expect(record[k]).toBe(before[k]);
        }
      }),
      { numRuns: 200, seed: 18 },
    );
  });

  it('[EN-7] an edit keeps what it knows on the copy out of sight, and never writes to a record it did not make', () => {
    const given = Object.freeze({ a: 'one', b: 'two' }) as Record<string, string>;
    const givenKeys = Reflect.ownKeys(given);
    const chars = new Tally<string>((text) => text.length);
    expect(chars.of(given)).toBe(6);
    const copy = withEntry<string>(given, 'c', 'three', [chars]);
    const shorter = without(copy, 'a', [chars]);
    // The frozen input could not have been written to; nor is an unfrozen one (its own keys unchanged).
    const loose: Record<string, string> = { x: 'x' };
    withEntry(loose, 'y', 'y');
    expect(Reflect.ownKeys(loose)).toEqual(['x']);
    expect(Reflect.ownKeys(given)).toEqual(givenKeys);
    for (const record of [copy, shorter]) {
      // Nothing that lists, copies, encodes or compares a record sees the copy's bookkeeping.
      expect(Object.keys(record)).toEqual(Object.getOwnPropertyNames(record));
      expect(Object.getOwnPropertySymbols({ ...record })).toEqual([]);
      expect(Object.getOwnPropertySymbols(structuredClone(record))).toEqual([]);
      expect(JSON.parse(JSON.stringify(record))).toEqual({ ...record });
      for (const symbol of Object.getOwnPropertySymbols(record))
        expect(Object.getOwnPropertyDescriptor(record, symbol)?.enumerable).toBe(false);
    }
    expect({ ...copy }).toEqual({ a: 'one', b: 'two', c: 'three' });
    expect(chars.of(copy)).toBe(11);
    expect(chars.of(shorter)).toBe(8);
    expect(editedKey(given, copy)).toBe('c');
    expect(editedKey(copy, shorter)).toBe('a');
  });

  it('[EN-7] a tally carried through edits equals a full recount, from a counted record or a fresh one', () => {
    fc.assert(
      fc.property(editsArb, fc.boolean(), (edits, countFirst) => {
        const chars = new Tally<string>((text) => text.length);
        let record: Record<string, string> = { x: 'hello', y: '' };
        if (countFirst) expect(chars.of(record)).toBe(5);
        for (const { key, text } of edits) {
          record = text === undefined ? without(record, key, [chars]) : withEntry(record, key, text, [chars]);
          expect(chars.of(record)).toBe(fullSum(record));
          expect(entryCount(record)).toBe(Object.keys(record).length);
          // The same entries in an object the tally never saw are counted in full: the same sum.
          const fresh = JSON.parse(JSON.stringify(record)) as Record<string, string>;
          expect(chars.of(fresh)).toBe(chars.of(record));
          expect(entryCount(fresh)).toBe(entryCount(record));
        }
      }),
      { numRuns: 200, seed: 18 },
    );
  });

  it('[EN-7] once counted, an edit carries every tally to its copy, in a record or a chunked map: only the edited entry is measured', () => {
    // Several tallies, so that sums sit at several slots of each copy's sums (kept at the length of
    // the sums they were carried from): a slot lost on the way would recount the whole record.
    let measured = 0;
    const chars = new Tally<string>((text) => {
      measured++;
      return text.length;
    });
    const empties = new Tally<string>((text) => {
      measured++;
      return text === '' ? 1 : 0;
    });
    const tallies = [chars, empties];
    let record: Record<string, string> = { x: 'hello', y: '' };
    chars.of(record);
    empties.of(record);
    let map = withChunk<string>({ x: 'hello', y: '' }, 'z', 'zz', tallies);
    chars.of(map);
    empties.of(map);
    for (let i = 0; i < 60; i++) {
      const key = `k${i % 25}`;
      const text = i % 7 === 3 ? undefined : 'ab'.repeat(i % 4);
      record = text === undefined ? without(record, key, tallies) : withEntry(record, key, text, tallies);
      map = text === undefined ? withoutChunk(map, key, tallies) : withChunk(map, key, text, tallies);
      measured = 0;
      expect([chars.of(record), empties.of(record), chars.of(map), empties.of(map)]).toEqual([
        fullSum(record),
        Object.values(record).filter((t) => t === '').length,
        fullSum(map.toRecord()),
        Object.values(map.toRecord()).filter((t) => t === '').length,
      ]);
      expect(measured).toBe(0);
    }
  });

  it('[EN-2] edits branching from any earlier copy (a step run again on the room it started from) keep every copy whole, in order', () => {
    // Copies share the lists of their entries (entries.ts): a copy from an older record must not see
    // what a later one appended, and no copy may change another.
    const opArb = fc.record({
      base: fc.nat(),
      key: fc.constantFrom('a', 'b', 'c', 'd', 'e', 'k-1', 'k_2', 'zz', '7'),
      text: fc.option(fc.string({ maxLength: 4 }), { nil: undefined, freq: 4 }),
    });
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 60 }), (ops) => {
        const start: Record<string, { text: string }> = { x: { text: 'x' }, y: { text: 'y' } };
        const made: Record<string, { text: string }>[] = [start];
        const mirrors: Record<string, { text: string }>[] = [{ ...start }];
        for (const { base, key, text } of ops) {
          const at = base % made.length;
          const record = text === undefined ? without(made[at]!, key) : withEntry(made[at]!, key, { text });
          let mirror: Record<string, { text: string }>;
          if (text === undefined) {
            const { [key]: _gone, ...rest } = mirrors[at]!;
            mirror = rest;
          } else mirror = { ...mirrors[at]!, [key]: { text } };
          made.push(record);
          mirrors.push(mirror);
          expect(Object.keys(record)).toEqual(Object.keys(mirror));
          expect(record).toEqual(mirror);
          expect(entryCount(record)).toBe(Object.keys(mirror).length);
        }
        // EN-2: every copy made along the way still holds exactly its own entries, in its own order.
        made.forEach((record, i) => {
          expect(Object.keys(record)).toEqual(Object.keys(mirrors[i]!));
          expect(record).toEqual(mirrors[i]);
        });
      }),
      { numRuns: 300, seed: 18 },
    );
  });

  it('[VW-9][SR-6] a diff of a record and its one-edit copy (patch, stored fields) is what the full walk finds', () => {
    // Shallow copies: the same entries (by reference), but no edit links them.
    const copy = <T extends object>(value: T): T => ({ ...value });
    const sorted = (changes: { set: string[]; del: string[] }) => ({
      set: changes.set,
      del: [...changes.del].sort(),
    });
    fc.assert(
      fc.property(editsArb, fc.nat(1000), (edits, version) => {
        let record: Record<string, { text: string }> = JSON.parse('{"x":{"text":"x"},"1":{"text":"one"}}');
        for (const { key, text } of edits) {
          const before = record;
          record = text === undefined ? without(record, key) : withEntry(record, key, { text });
          expect(editedKey(before, record)).toBe(key);
          // Copies made otherwise carry no edit: their diffs are the full walks.
          const [a, b] = [copy(before), copy(record)];
          expect(editedKey(a, b)).toBeUndefined();
          const fast: ViewPatch = { set: {}, del: [] };
          const full: ViewPatch = { set: {}, del: [] };
          diffRecord('cards', before, record, fast);
          diffRecord('cards', a, b, full);
          expect(fast).toEqual(full);
          const room = (cards: object) => ({ code: 'ROOM123', version, cards });
          expect(sorted(roomChanges(room(before), room(record), version + 1))).toEqual(
            sorted(roomChanges(room(a), room(b), version + 1)),
          );
        }
      }),
      { numRuns: 200, seed: 18 },
    );
  });
});
