import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { pairsOf, roomChanges, roomFromFields, VERSION_FIELD } from '../../server/src/store/roomFields.js';
import { withEntry, without } from '../../shared/src/engine/entries.js';
import { codevRoom, type Host } from './fixtures.js';

/** A store of fields in memory: what a Redis hash or the SQLite rows hold after each write. */
function fieldStore() {
  const fields = new Map<string, string>();
  return {
    fields,
    write(before: object | null, after: { version: number }) {
      const { set, del } = roomChanges(before, after, after.version);
      for (const [field, value] of pairsOf(set)) fields.set(field, value);
      for (const field of del) fields.delete(field);
      fields.set(VERSION_FIELD, String(after.version));
      return { set, del };
    },
    read: <R>() => roomFromFields<R>(fields),
  };
}

type Board = { code: string; version: number; title: string; cards: Record<string, { text: string }> };
const base: Board = { code: 'R', version: 0, title: 'phases', cards: { a: { text: 'a' }, b: { text: 'b' } } };

describe('room fields (SR-6)', () => {
  it('[SR-6] a write names only what changed: an added card is its entry and its place, nothing else', () => {
    const store = fieldStore();
    store.write(null, base);
    const next = { ...base, version: 1, cards: { ...base.cards, c: { text: 'c' } } };
    const { set, del } = store.write(base, next);
    expect([...pairsOf(set)].map(([field]) => field)).toEqual(['e:cards:c', 'o:cards:c']);
    expect(del).toEqual([]);
    const edited = { ...next, version: 2, cards: { ...next.cards, a: { text: 'A' } } };
    expect(store.write(next, edited)).toEqual({ set: ['e:cards:a', '{"text":"A"}'], del: [] });
    const { b: _gone, ...rest } = edited.cards as Board['cards'];
    const removed = { ...edited, version: 3, cards: rest };
    expect(store.write(edited, removed)).toEqual({ set: [], del: ['e:cards:b', 'o:cards:b'] });
    expect(store.read()).toEqual(removed);
  });

  it('[SR-6] two rooms read with the same phases and template share one frozen copy of them; the rest is their own', () => {
    type Texts = Board & { phases: { id: string; guide: { en: string } }[]; template: { id: string } };
    const texts = (code: string, guide: string): Texts => ({
      ...base,
      code,
      phases: [{ id: 'p1', guide: { en: guide } }],
      template: { id: 'codev' },
    });
    const [one, two, other] = [fieldStore(), fieldStore(), fieldStore()];
    one.write(null, texts('A', 'Listen.'));
    two.write(null, texts('B', 'Listen.'));
    other.write(null, texts('C', 'Ask.'));
    const [a, b, c] = [one.read<Texts>(), two.read<Texts>(), other.read<Texts>()];
    expect(a.phases).toBe(b.phases);
    expect(a.template).toBe(b.template);
    expect(c.phases).not.toBe(a.phases);
    expect(c.phases).toEqual([{ id: 'p1', guide: { en: 'Ask.' } }]);
    expect(a.cards).not.toBe(b.cards);
    // A mistaken mutation throws (ES modules are strict) instead of reaching the other room.
    expect(() => {
      (a.phases[0]!.guide as { en: string }).en = 'changed';
    }).toThrow(TypeError);
    expect(b.phases[0]!.guide.en).toBe('Listen.');
  });

  it('[SR-6] an id shaped like a header field or a built-in member is an entry like any other', () => {
    const store = fieldStore();
    const odd = {
      ...base,
      cards: { 'h:version': { text: 'x' }, constructor: { text: 'y' }, '7': { text: 'z' } },
    };
    store.write(null, odd);
    const read = store.read<Board>();
    expect(read).toEqual(odd);
    expect(Object.keys(read.cards)).toEqual(Object.keys(odd.cards));
    expect(Object.getPrototypeOf(read.cards)).toBe(Object.prototype);
  });

  it('[SR-6] a batch of engine edits written at once names the entries its steps edited, and reads back deep-equal, in order (seeded)', () => {
    // The store's batches: several steps, each the engine's edit of one entry (withEntry / without),
    // written by one compare-and-set. With the steps given, the write names the entries they edited;
    // it must be the same write as the walk of the whole map finds (as sets of fields), and read back
    // equal, the map in the same order.
    const op = fc.oneof(
      fc.record({ kind: fc.constant('add' as const), id: fc.stringMatching(/^[a-z0-9]{1,3}$/) }),
      fc.record({ kind: fc.constant('edit' as const), at: fc.nat() }),
      fc.record({ kind: fc.constant('remove' as const), at: fc.nat() }),
      fc.record({ kind: fc.constant('title' as const), text: fc.string() }),
    );
    const sorted = (pairs: string[]) => [...pairsOf(pairs)].map(([f, v]) => `${f}=${v}`).sort();
    fc.assert(
      fc.property(fc.array(fc.array(op, { minLength: 1, maxLength: 6 }), { maxLength: 12 }), (batches) => {
        const store = fieldStore();
        let room: Board = base;
        store.write(null, room);
        for (const batch of batches) {
          const steps: Board[] = [];
          let next = room;
          for (const o of batch) {
            const ids = Object.keys(next.cards);
            let { cards, title } = next;
            if (o.kind === 'add') cards = withEntry(cards, o.id, { text: `${o.id}${next.version}` });
            else if (o.kind === 'edit' && ids.length > 0)
              cards = withEntry(cards, ids[o.at % ids.length]!, { text: `e${o.at}` });
            else if (o.kind === 'remove' && ids.length > 0) cards = without(cards, ids[o.at % ids.length]!);
            else if (o.kind === 'title') title = o.text;
            next = { ...next, version: next.version + 1, title, cards };
            steps.push(next);
          }
          const walked = roomChanges(room, next, next.version);
          const chained = roomChanges(room, next, next.version, steps);
          expect(sorted(chained.set)).toEqual(sorted(walked.set));
          expect([...chained.del].sort()).toEqual([...walked.del].sort());
          const { set, del } = chained;
          for (const [field, value] of pairsOf(set)) store.fields.set(field, value);
          for (const field of del) store.fields.delete(field);
          store.fields.set(VERSION_FIELD, String(next.version));
          room = next;
          const read = store.read<Board>();
          expect(read).toEqual(room);
          expect(Object.keys(read.cards)).toEqual(Object.keys(room.cards));
        }
      }),
      { seed: 18, numRuns: 300 },
    );
  });

  it('[SR-6] a batch that adds an entry, removes it and adds it again after another stores the order the steps left', () => {
    const store = fieldStore();
    store.write(null, base);
    const steps: Board[] = [];
    let cards = base.cards;
    for (const edit of [
      (c: Board['cards']) => withEntry(c, 'x', { text: 'x' }),
      (c: Board['cards']) => without(c, 'x'),
      (c: Board['cards']) => withEntry(c, 'y', { text: 'y' }),
      (c: Board['cards']) => withEntry(c, 'x', { text: 'x again' }),
    ]) {
      cards = edit(cards);
      steps.push({ ...base, version: steps.length + 1, cards });
    }
    const last = steps[steps.length - 1]!;
    const { set, del } = roomChanges(base, last, last.version, steps);
    for (const [field, value] of pairsOf(set)) store.fields.set(field, value);
    for (const field of del) store.fields.delete(field);
    store.fields.set(VERSION_FIELD, String(last.version));
    const read = store.read<Board>();
    expect(Object.keys(read.cards)).toEqual(['a', 'b', 'y', 'x']);
    expect(read).toEqual(last);
  });

  it('[SR-6] any sequence of map edits reads back deep-equal, in the same order (seeded)', () => {
    const op = fc.oneof(
      fc.record({
        kind: fc.constant('add' as const),
        id: fc.stringMatching(/^[a-z0-9]{1,3}$/),
        front: fc.boolean(),
      }),
      fc.record({ kind: fc.constant('edit' as const), at: fc.nat() }),
      fc.record({ kind: fc.constant('remove' as const), at: fc.nat() }),
      fc.record({ kind: fc.constant('title' as const), text: fc.string() }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 40 }), (ops) => {
        const store = fieldStore();
        let room: Board = base;
        store.write(null, room);
        for (const o of ops) {
          const ids = Object.keys(room.cards);
          let cards = room.cards;
          let title = room.title;
          if (o.kind === 'add')
            cards = o.front ? { [o.id]: { text: o.id }, ...cards } : { ...cards, [o.id]: { text: o.id } };
          else if (o.kind === 'edit' && ids.length > 0)
            cards = { ...cards, [ids[o.at % ids.length]!]: { text: `e${o.at}` } };
          else if (o.kind === 'remove' && ids.length > 0) {
            const gone = ids[o.at % ids.length]!;
            cards = Object.fromEntries(Object.entries(cards).filter(([id]) => id !== gone));
          } else if (o.kind === 'title') title = o.text;
          const next = { ...room, version: room.version + 1, title, cards };
          store.write(room, next);
          room = next;
          const read = store.read<Board>();
          expect(read).toEqual(room);
          expect(Object.keys(read.cards)).toEqual(Object.keys(room.cards));
        }
      }),
      { seed: 18, numRuns: 300 },
    );
  });

  /** Phase changes of a started codev room: forward, and back one phase every third change. */
  function changePhase(host: Host, i: number) {
    const { phaseIndex, phases } = host.room;
    const back = phaseIndex > 0 && (i % 3 === 2 || phaseIndex === phases.length - 1);
    host.advance(60_000);
    host.ok('f', { type: back ? 'previous_phase' : 'next_phase', from: phaseIndex });
  }
  /** The characters a write sends: its fields' names and values, the names it deletes. */
  const sizeOf = ({ set, del }: { set: string[]; del: string[] }) =>
    [...set, ...del].reduce((sum, text) => sum + text.length, 0);

  it('[SR-6] a phase change writes the same fields after 2 and after 20 phase changes: the run it closed and the one it opened', () => {
    const host = codevRoom();
    const store = fieldStore();
    let room = { ...host.room, version: 1 };
    store.write(null, room);
    const sizes: number[] = [];
    for (let i = 1; i <= 20; i++) {
      changePhase(host, i);
      const next = { ...host.room, version: room.version + 1 };
      const write = store.write(room, next);
      room = next;
      const runs = [...pairsOf(write.set)].map(([field]) => field).filter((f) => f.includes('phaseHistory'));
      const n = room.phaseHistory.length;
      expect(runs).toEqual([`a:phaseHistory:${n - 2}`, `a:phaseHistory:${n - 1}`]);
      expect(write.del).toEqual([]);
      sizes[i] = sizeOf(write);
    }
    // The same fields, so about the same size: only numbers' digits and phase ids differ (the whole
    // history written each time grew by about 115 characters per phase change).
    expect(Math.abs(sizes[20]! - sizes[2]!)).toBeLessThan(40);
    expect(room.phaseHistory).toHaveLength(21);
  });

  it('[SR-6] an engine room read back equals the room written after phase changes, back ones included', () => {
    const host = codevRoom();
    const store = fieldStore();
    let room = { ...host.room, version: 1 };
    store.write(null, room);
    for (let i = 1; i <= 12; i++) {
      changePhase(host, i);
      const next = { ...host.room, version: room.version + 1 };
      store.write(room, next);
      room = next;
      const read = store.read<typeof room>();
      expect(read).toEqual(room);
      expect(Object.keys(read)).toEqual(Object.keys(room));
    }
    expect(room.phaseHistory.map((run) => run.index)).toEqual([0, 1, 0, 1, 2, 1, 2, 3, 2, 3, 4, 3, 4]);
  });

  it('[SR-6] a list made shorter, emptied or replaced by another value leaves no element behind', () => {
    type Runs = { code: string; version: number; phaseHistory: unknown };
    const store = fieldStore();
    const elements = () => [...store.fields.keys()].filter((field) => field.startsWith('a:')).sort();
    const five = [1, 2, 3, 4, 5].map((n) => ({ n }));
    const rooms: Runs[] = [
      { code: 'R', version: 0, phaseHistory: five },
      { code: 'R', version: 1, phaseHistory: [five[0], { n: 9 }] },
      { code: 'R', version: 2, phaseHistory: [] },
      { code: 'R', version: 3, phaseHistory: [null, 'x', undefined] },
      { code: 'R', version: 4, phaseHistory: 'not a list' },
      { code: 'R', version: 5, phaseHistory: [{ n: 1 }] },
    ];
    let before: Runs | null = null;
    for (const room of rooms) {
      store.write(before, room);
      before = room;
      const read = store.read<Runs>();
      // As JSON keeps it: an undefined element is null.
      expect(read).toEqual(JSON.parse(JSON.stringify(room)));
      const list = room.phaseHistory;
      expect(elements()).toEqual(Array.isArray(list) ? list.map((_, i) => `a:phaseHistory:${i}`).sort() : []);
      expect(store.fields.has('f:phaseHistory')).toBe(!Array.isArray(list));
    }
  });

  it('[SR-6] rooms whose keys change order or number between writes read back deep-equal, keys in order (seeded)', () => {
    // The usual write compares rooms with the keys of the rooms compared before; a room of another
    // shape, or the same keys in another order, must still write its keys (`h:keys`) and its values.
    const names = ['title', 'status', 'locked', 'note'];
    const value = fc.oneof(fc.constant(undefined), fc.integer({ min: 0, max: 3 }), fc.constantFrom('a', 'b'));
    const shape = fc.record({
      order: fc.shuffledSubarray(names),
      values: fc.array(value, { minLength: names.length, maxLength: names.length }),
      repeat: fc.integer({ min: 1, max: 3 }),
    });
    fc.assert(
      fc.property(fc.array(shape, { minLength: 1, maxLength: 8 }), (shapes) => {
        const store = fieldStore();
        let before: Record<string, unknown> | null = null;
        let version = 0;
        for (const { order, values, repeat } of shapes) {
          for (let r = 0; r < repeat; r++) {
            const room: Record<string, unknown> = { code: 'R', version };
            order.forEach((name, i) => {
              room[name] = r === 0 ? values[i] : `${String(values[i])}${r}`;
            });
            store.write(before, room as { version: number });
            const stored = JSON.parse(JSON.stringify(room));
            const read = store.read<Record<string, unknown>>();
            expect(read).toEqual(stored);
            expect(Object.keys(read)).toEqual(Object.keys(stored));
            before = room;
            version++;
          }
        }
      }),
      { seed: 18, numRuns: 300 },
    );
  });
});
