/**
 * Copy-on-write edits of the room's records (cards, seats' hidden texts, ...), and running tallies over
 * them, so that one write costs one copy and no recount, whatever the record holds.
 *
 * Why hand-made: a room's card map holds up to 1,000 entries under unique random ids. V8 keeps an object
 * spread (`{ ...cards, [id]: card }`) or a rest copy (`{ [id]: _, ...rest } = cards`) of such a map in
 * "fast" mode, and each new set of keys makes it build a new hidden class with a 1,000-entry descriptor
 * array: ~2 ms per write at 1,000 cards. A null-prototype object is a plain hash table from the start
 * (dictionary mode), so a copy into one is a loop of hash inserts, about ten times cheaper, and no key
 * can reach a prototype (EN-6). Records stay immutable: a copy is filled before anyone sees it.
 */

type Entries<T> = Readonly<Record<string, T>>;

function emptyRecord<T>(): Record<string, T> {
  return Object.create(null) as Record<string, T>;
}

/**
 * What is known of one record object: a number naming it, the one edit it was made by (the record it
 * was made from, by that one's number, and the key), and its sums by tally. Written once per edit, on
 * the copy itself (`META`): a copy never keeps the record it was made from alive, and an edit costs one
 * property, not one per tally.
 */
type Meta = {
  id: number;
  from: number;
  key: string;
  sums: (number | undefined)[];
  /** The record's keys in order, as the first `list.length` items of `list.keys` (see `List`). */
  list: List | undefined;
};

/**
 * A record's keys in its own order, so a copy reads them without enumerating the record: a `for...in`
 * over a prototype-less (dictionary) object collects and sorts its keys first, about 40 % of the copy
 * at 70 entries. The array is append-only and shared: a copy that adds a key after the last pushes onto
 * it when no other copy did (a board's posts, one after another), so it costs O(1) per post; a
 * replacement shares it as it is; a removal, or a second copy adding to the same record, makes a new
 * one. The first `length` items are this record's, whatever was pushed after them. (Keys only: a list
 * of the values too made the copy ~20 % quicker but held ~1.4 KB more per room of 100 cards.)
 */
type List = { keys: string[]; length: number };

/**
 * Where a record's meta is kept. A record these edits make carries it on itself, under a symbol key
 * that is not enumerable (no `for...in`, `Object.keys`, JSON, spread, `structuredClone` or schema sees
 * it), set before the copy is handed out: a weak map's insert per edit was 1 % of a node's time on the
 * board, and thousands of live entries cost the collector. A record made elsewhere (read back from
 * JSON, made by a test) is never written to (EN-2): its meta goes in the weak map, once per chain.
 */
const META: unique symbol = Symbol('entries.meta');
type Stamped = { [META]?: Meta };
const metas = new WeakMap<object, Meta>();
/** One descriptor, its value set for each stamp: no descriptor object made per edit. */
const stamp: PropertyDescriptor & { value: Meta | undefined } = {
  value: undefined,
  enumerable: false,
  writable: false,
  configurable: false,
};
let lastId = 0;

function knownMeta(record: object): Meta | undefined {
  return (record as Stamped)[META] ?? metas.get(record);
}

function metaOf(record: object): Meta {
  let meta = knownMeta(record);
  if (!meta) {
    meta = { id: ++lastId, from: 0, key: '', sums: [], list: undefined };
    metas.set(record, meta);
  }
  return meta;
}

let tallies = 0;

/**
 * A sum over a record's entries (how many there are, how many characters they hold), remembered per
 * record object. Records are never mutated once made, so a sum stays true for its object; a record this
 * tally has not seen is counted in full once, and an edit made through `withEntry`/`without` carries the
 * sum over to the copy by the difference of the one entry.
 */
export class Tally<T> {
  /** This tally's place in each record's sums. */
  private readonly slot = tallies++;

  constructor(private readonly measure: (value: T) => number) {}

  of(record: Entries<T>): number {
    const meta = metaOf(record);
    let sum = meta.sums[this.slot];
    if (sum === undefined) {
      sum = 0;
      for (const key in record) if (Object.hasOwn(record, key)) sum += this.measure(record[key]!);
      meta.sums[this.slot] = sum;
    }
    return sum;
  }

  /** The sum of `next`, `record` with `key` set to `value` (deleted when undefined), if `record`'s is known. */
  carried(
    record: Entries<T>,
    sums: (number | undefined)[],
    key: string,
    value: T | undefined,
  ): number | undefined {
    const sum = sums[this.slot];
    if (sum === undefined) return undefined;
    const before = Object.hasOwn(record, key) ? this.measure(record[key]!) : 0;
    return sum - before + (value === undefined ? 0 : this.measure(value));
  }

  get index(): number {
    return this.slot;
  }
}

/** How many entries a record holds (BD: the board's MAX_CARDS) without listing its keys each time. */
const counts = new Tally<unknown>(() => 1);

export function entryCount(record: Entries<unknown>): number {
  return counts.of(record);
}

/**
 * Which one key an edit changed, by the record it was made from and the copy: lets a diff of the two (the
 * store's fields, the patch) read that entry instead of walking both maps.
 */
export function editedKey(record: object, next: object): string | undefined {
  const made = knownMeta(next);
  if (!made || made.from === 0) return undefined;
  return knownMeta(record)?.id === made.from ? made.key : undefined;
}

/**
 * `next`'s meta: `record` (its meta `was`) edited once at `key`, the tallies' sums carried over. `next`
 * is the edit's new record, not yet handed out: it takes the meta on itself.
 */
function remember<T>(
  record: Entries<T>,
  was: Meta,
  next: object,
  key: string,
  value: T | undefined,
  withTallies: readonly Tally<T>[] | undefined,
  list: List | undefined,
): void {
  const sums: (number | undefined)[] = [];
  const count = counts.carried(record, was.sums, key, value);
  if (count !== undefined) sums[counts.index] = count;
  if (withTallies !== undefined) {
    for (let i = 0; i < withTallies.length; i++) {
      const tally = withTallies[i]!;
      const sum = tally.carried(record, was.sums, key, value);
      if (sum !== undefined) sums[tally.index] = sum;
    }
  }
  stamp.value = { id: ++lastId, from: was.id, key, sums, list };
  Object.defineProperty(next, META, stamp);
  stamp.value = undefined;
}

/**
 * A key JavaScript orders before the others by itself (an array index): a record holding one is not
 * listed (its order is not its insertion order), and its copies enumerate it as before.
 */
const isIndexKey = (key: string): boolean => /^(?:0|[1-9]\d{0,9})$/.test(key) && Number(key) < 4294967295;

/**
 * Copies `record`'s entries into `next` (but `skip`) and lists its keys, unless one is an array index.
 * A record without a prototype (every one these edits made) has only own keys to enumerate, so the
 * own-key check is for the others alone (a record read back from JSON).
 */
function copyInto<T>(
  record: Entries<T>,
  next: Record<string, T>,
  skip: string | undefined,
): List | undefined {
  const keys: string[] = [];
  let listed = true;
  const own = Object.getPrototypeOf(record) === null;
  for (const k in record) {
    if (k === skip || !(own || Object.hasOwn(record, k))) continue;
    next[k] = record[k]!;
    if (listed) {
      if (isIndexKey(k)) listed = false;
      else keys.push(k);
    }
  }
  return listed ? { keys, length: keys.length } : undefined;
}

/** Copies `record`'s listed entries into `next`, but the one at `skip` (-1: none). */
function copyListed<T>(record: Entries<T>, list: List, next: Record<string, T>, skip: number): void {
  const { keys, length } = list;
  for (let i = 0; i < length; i++) {
    if (i === skip) continue;
    const k = keys[i]!;
    next[k] = record[k]!;
  }
}

/** Where `key` is among a list's keys, or -1. */
function placeOf(list: List, key: string): number {
  const at = list.keys.indexOf(key);
  return at < list.length ? at : -1;
}

/**
 * A copy of `record` with `key` set to `value`; every other entry is shared by reference. `tallies`:
 * the sums to carry to the copy (a constant list: no array is made per edit).
 */
export function withEntry<T>(
  record: Entries<T>,
  key: string,
  value: T,
  tallies?: readonly Tally<T>[],
): Record<string, T> {
  const was = metaOf(record);
  const next = emptyRecord<T>();
  let list = was.list;
  if (list === undefined) list = copyInto(record, next, undefined);
  else copyListed(record, list, next, -1);
  // A replacement keeps the key's place and the same list; a new key goes after the others.
  if (list !== undefined && !Object.hasOwn(record, key)) {
    if (isIndexKey(key)) list = undefined;
    else {
      const { keys, length } = list;
      // Pushed in place when this record's keys are the whole array (no other copy pushed yet).
      const nextKeys = keys.length === length ? keys : keys.slice(0, length);
      nextKeys.push(key);
      list = { keys: nextKeys, length: length + 1 };
    }
  }
  next[key] = value;
  remember(record, was, next, key, value, tallies, list);
  return next;
}

/** A copy of `record` without `key`. */
export function without<T>(
  record: Entries<T>,
  key: string,
  tallies?: readonly Tally<T>[],
): Record<string, T> {
  const was = metaOf(record);
  const next = emptyRecord<T>();
  let list = was.list;
  if (list === undefined) list = copyInto(record, next, key);
  else {
    const at = Object.hasOwn(record, key) ? placeOf(list, key) : -1;
    copyListed(record, list, next, at);
    if (at >= 0) {
      const keys = list.keys.slice(0, list.length);
      keys.splice(at, 1);
      list = { keys, length: keys.length };
    }
  }
  remember(record, was, next, key, undefined, tallies, list);
  return next;
}
