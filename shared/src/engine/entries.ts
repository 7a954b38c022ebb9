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
 *
 * The card map goes further (`ChunkedMap`, below): even a loop of hash inserts over 40 cards was the
 * engine's largest allocation per post and its largest survivor of a scavenge; chunked, a post copies
 * one of 32 buckets.
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

  of(record: EntryMap<T>): number {
    if (record instanceof ChunkedMap) return record.sum(this.slot, this.measure);
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

  /** `sum` with one entry gone from `before` to `after` (undefined: absent). */
  step(sum: number, before: T | undefined, after: T | undefined): number {
    return (
      sum -
      (before === undefined ? 0 : this.measure(before)) +
      (after === undefined ? 0 : this.measure(after))
    );
  }

  get index(): number {
    return this.slot;
  }
}

/** How many entries a record holds (BD: the board's MAX_CARDS) without listing its keys each time. */
const counts = new Tally<unknown>(() => 1);

export function entryCount(record: EntryMap<unknown>): number {
  return record instanceof ChunkedMap ? record.size : counts.of(record);
}

/**
 * Which one key an edit changed, by the record it was made from and the copy: lets a diff of the two (the
 * store's fields, the patch) read that entry instead of walking both maps.
 */
export function editedKey(record: object, next: object): string | undefined {
  if (next instanceof ChunkedMap) return next.editedFrom(record);
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

/**
 * The order of a chunked map's keys, as JavaScript would enumerate a plain record holding them: the
 * array-index keys first (`indexes` of them, ascending), then the others in insertion order. Shared
 * along a chain of edits as `List` is: the first `length` items are this map's, and a post appends in
 * place when no other copy did.
 */
type Order = { keys: string[]; length: number; indexes: number };

/** Buckets of a chunked map (a power of two): a post copies the bucket array and one bucket. */
const BUCKETS = 32;

/** A key's bucket: FNV-1a over its UTF-16 units, folded (ids are data: any string spreads). */
function bucketOf(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  return (h ^ (h >>> 15)) & (BUCKETS - 1);
}

/**
 * A bucket: its entries as one flat array of pairs, `[key0, value0, key1, value1, ...]`, in no particular
 * order (the map's order is kept aside). A map of up to 1,000 cards holds about n / 32 entries per
 * bucket, so a scan of its keys is shorter than a hash look-up of a new id, which must first internalise
 * the string, and an edit copies it with one `slice` rather than a `for...in` over a dictionary object
 * (which collects and sorts its keys first: most of a post's copy). Keys are compared as strings, never
 * used as property names (EN-6).
 */
type Bucket<T> = readonly (string | T)[];

/** The empty bucket every map shares until an entry lands in it (never written to). */
const EMPTY_BUCKET: Bucket<never> = Object.freeze([]) as Bucket<never>;

/** Where `key` is in `bucket` (the index of the key; its value follows), or -1. */
function placeIn(bucket: Bucket<unknown>, key: string): number {
  for (let i = 0; i < bucket.length; i += 2) if (bucket[i] === key) return i;
  return -1;
}

/** Where an index key goes among the first `indexes` keys (ascending by number). */
function indexPlace(keys: readonly string[], indexes: number, key: string): number {
  const n = Number(key);
  let at = 0;
  while (at < indexes && Number(keys[at]) < n) at++;
  return at;
}

/** `order` with `key` added where a plain record would enumerate it. */
function orderWith(order: Order, key: string): Order {
  const { keys, length, indexes } = order;
  if (isIndexKey(key)) {
    const next = keys.slice(0, length);
    next.splice(indexPlace(next, indexes, key), 0, key);
    return { keys: next, length: length + 1, indexes: indexes + 1 };
  }
  // Pushed in place when this map's keys are the whole array (no other copy pushed yet).
  const next = keys.length === length ? keys : keys.slice(0, length);
  next.push(key);
  return { keys: next, length: length + 1, indexes };
}

/** `order` without `key` (which it holds). */
function orderWithout(order: Order, key: string): Order {
  const { keys, length, indexes } = order;
  const at = keys.indexOf(key);
  const next = keys.slice(0, length);
  next.splice(at, 1);
  return { keys: next, length: length - 1, indexes: at < indexes ? indexes - 1 : indexes };
}

/**
 * A persistent map of entries by id for the one record that grows to 1,000 entries, the room's cards
 * (EN-7): the entries sit in `BUCKETS` buckets (flat arrays of pairs) by a hash of their id, so an edit copies
 * the bucket array and the one bucket it changes (O(n / 32) entries) instead of the whole map, and
 * shares every other bucket with the map it was made from. The keys' order is kept aside (`Order`), so
 * the map lists, and stores, its entries in the order a plain record holding them would. Never
 * mutated once made (but for the sums a tally counts on first asking). Its state is private: no
 * listing, spread, clone or schema sees it; JSON sees the plain record (`toJSON`).
 */
export class ChunkedMap<T> {
  readonly #buckets: readonly Bucket<T>[];
  readonly #order: Order;
  /** Tallies' sums by slot (see `Tally`), carried by the edits. */
  readonly #sums: (number | undefined)[];
  /** Names this map for `editedKey`; `#from` names the map (or record) an edit made it from, 0: none. */
  readonly #id: number;
  readonly #from: number;
  readonly #key: string;

  private constructor(
    buckets: readonly Bucket<T>[],
    order: Order,
    sums: (number | undefined)[],
    from: number,
    key: string,
  ) {
    this.#buckets = buckets;
    this.#order = order;
    this.#sums = sums;
    this.#id = ++lastId;
    this.#from = from;
    this.#key = key;
  }

  /** A map of `record`'s own entries, in its order; `record` is only read (EN-2). */
  static of<T>(record: Entries<T>): ChunkedMap<T> {
    return ChunkedMap.build(record, 0, '');
  }

  /** A map of the pairs, as a plain record filled in that order would hold them (a key twice: the last). */
  static fromEntries<T>(pairs: Iterable<readonly [string, T]>): ChunkedMap<T> {
    const record = emptyRecord<T>();
    for (const [key, value] of pairs) record[key] = value;
    return ChunkedMap.build(record, 0, '');
  }

  private static build<T>(record: Entries<T>, from: number, key: string): ChunkedMap<T> {
    const buckets: (string | T)[][] = [];
    for (let b = 0; b < BUCKETS; b++) buckets.push(EMPTY_BUCKET as (string | T)[]);
    const keys: string[] = [];
    let indexes = 0;
    const own = Object.getPrototypeOf(record) === null;
    for (const k in record) {
      if (!(own || Object.hasOwn(record, k))) continue;
      const b = bucketOf(k);
      if (buckets[b] === EMPTY_BUCKET) buckets[b] = [];
      // A record's own keys are unique: each key lands once.
      buckets[b]!.push(k, record[k]!);
      keys.push(k);
      if (isIndexKey(k)) indexes++;
    }
    const known = knownMeta(record);
    return new ChunkedMap(
      buckets,
      { keys, length: keys.length, indexes },
      known ? known.sums.slice() : [],
      from,
      key,
    );
  }

  get size(): number {
    return this.#order.length;
  }

  /** The entry at `key`, own entries only (EN-6). */
  get(key: string): T | undefined {
    const bucket = this.#buckets[bucketOf(key)]!;
    const at = placeIn(bucket, key);
    return at < 0 ? undefined : (bucket[at + 1] as T);
  }

  has(key: string): boolean {
    return placeIn(this.#buckets[bucketOf(key)]!, key) >= 0;
  }

  /** The keys in order (a new array). */
  keys(): string[] {
    return this.#order.keys.slice(0, this.#order.length);
  }

  /** The entries' values in the keys' order (a new array). */
  values(): T[] {
    const { keys, length } = this.#order;
    const values = new Array<T>(length);
    const next = new Array<number>(BUCKETS).fill(0);
    for (let i = 0; i < length; i++) values[i] = this.#nextInOrder(keys[i]!, next);
    return values;
  }

  /**
   * The entry at `key`, the next of the map's keys in order: a bucket holds its pairs in the order its
   * keys were added (an edit appends a new key, keeps a replaced one's place, closes the gap of a removed
   * one), which is the map's order but for array-index keys, so a walk in order finds each key at its
   * bucket's cursor (`next`, by bucket) without a scan; anywhere else, it is looked up.
   */
  #nextInOrder(key: string, next: number[]): T {
    const b = bucketOf(key);
    const bucket = this.#buckets[b]!;
    const at = next[b]!;
    if (bucket[at] === key) {
      next[b] = at + 2;
      return bucket[at + 1] as T;
    }
    return this.get(key)!;
  }

  /** The plain record of the same entries in the same order, without a prototype (EN-6). */
  toRecord(): Record<string, T> {
    const { keys, length } = this.#order;
    const record = emptyRecord<T>();
    const next = new Array<number>(BUCKETS).fill(0);
    for (let i = 0; i < length; i++) {
      const k = keys[i]!;
      record[k] = this.#nextInOrder(k, next);
    }
    return record;
  }

  /** JSON writes the map as the plain record it stands for: the same text, in the same order. */
  toJSON(): Record<string, T> {
    return this.toRecord();
  }

  /** Which one key the edit that made this map changed, when it was made from the map or record `from`. */
  editedFrom(from: object): string | undefined {
    if (this.#from === 0) return undefined;
    const id = from instanceof ChunkedMap ? from.#id : knownMeta(from)?.id;
    return id === this.#from ? this.#key : undefined;
  }

  /** A tally's sum over this map's entries, counted once on first asking. */
  sum<V>(slot: number, measure: (value: V) => number): number {
    let sum = this.#sums[slot];
    if (sum === undefined) {
      sum = 0;
      const { keys, length } = this.#order;
      const next = new Array<number>(BUCKETS).fill(0);
      for (let i = 0; i < length; i++) sum += measure(this.#nextInOrder(keys[i]!, next) as unknown as V);
      this.#sums[slot] = sum;
    }
    return sum;
  }

  /** A copy with `key` set to `value` (deleted when undefined): one bucket copied, the rest shared. */
  edit(
    key: string,
    value: T | undefined,
    tallies: readonly Tally<T>[] | undefined,
    from: number,
  ): ChunkedMap<T> {
    const b = bucketOf(key);
    const bucket = this.#buckets[b]!;
    const at = placeIn(bucket, key);
    const had = at >= 0;
    const before = had ? (bucket[at + 1] as T) : undefined;
    let order = this.#order;
    let nextBucket: (string | T)[];
    if (value !== undefined && !had) {
      // A new key (a post): the pairs and the new one, copied into an array of the final length (a copy
      // and a push grow it twice, ~3x slower).
      const n = bucket.length;
      nextBucket = new Array<string | T>(n + 2);
      for (let i = 0; i < n; i++) nextBucket[i] = bucket[i]!;
      nextBucket[n] = key;
      nextBucket[n + 1] = value;
    } else {
      nextBucket = bucket.slice();
      if (value === undefined) {
        if (had) nextBucket.splice(at, 2);
      } else nextBucket[at + 1] = value;
    }
    if (value !== undefined && !had) order = orderWith(order, key);
    else if (value === undefined && had) order = orderWithout(order, key);
    const buckets = this.#buckets.slice();
    buckets[b] = nextBucket;
    const sums: (number | undefined)[] = [];
    const was = this.#sums;
    if (tallies !== undefined) {
      for (let i = 0; i < tallies.length; i++) {
        const slot = tallies[i]!.index;
        const sum = was[slot];
        if (sum !== undefined) sums[slot] = tallies[i]!.step(sum, before, value);
      }
    }
    return new ChunkedMap(buckets, order, sums, from === 0 ? this.#id : from, key);
  }

  /** How many of its buckets this map shares, the same objects, with `other` (tests: an edit copies one). */
  sharedBuckets(other: ChunkedMap<T>): number {
    let n = 0;
    for (let b = 0; b < BUCKETS; b++) if (this.#buckets[b] === other.#buckets[b]) n++;
    return n;
  }

  /** Internal: a plain record's first edit makes its chunked map and edits it, naming the record. */
  static editRecord<T>(
    record: Entries<T>,
    key: string,
    value: T | undefined,
    tallies: readonly Tally<T>[] | undefined,
  ): ChunkedMap<T> {
    return ChunkedMap.of(record).edit(key, value, tallies, metaOf(record).id);
  }
}

/** A record of entries by id, plain or chunked: what readers of the card map accept. */
export type EntryMap<T> = Entries<T> | ChunkedMap<T>;

/** The entry of `map` at `key`, own entries only (EN-6). */
export function entryIn<T>(map: EntryMap<T>, key: string): T | undefined {
  if (map instanceof ChunkedMap) return map.get(key);
  return Object.hasOwn(map, key) ? map[key] : undefined;
}

export function hasEntry(map: EntryMap<unknown>, key: string): boolean {
  return map instanceof ChunkedMap ? map.has(key) : Object.hasOwn(map, key);
}

/** The keys of `map` in order (`Object.keys` of a plain record). */
export function keysOf(map: EntryMap<unknown>): string[] {
  return map instanceof ChunkedMap ? map.keys() : Object.keys(map);
}

/** The values of `map` in order (`Object.values` of a plain record). */
export function valuesOf<T>(map: EntryMap<T>): T[] {
  return map instanceof ChunkedMap ? map.values() : Object.values(map);
}

/** `map` as a plain record (itself when it is one). */
export function recordOf<T>(map: EntryMap<T>): Entries<T> {
  return map instanceof ChunkedMap ? map.toRecord() : map;
}

/** A chunked copy of `map` with `key` set to `value`; a plain record is read, never written (EN-2). */
export function withChunk<T>(
  map: EntryMap<T>,
  key: string,
  value: T,
  tallies?: readonly Tally<T>[],
): ChunkedMap<T> {
  return map instanceof ChunkedMap
    ? map.edit(key, value, tallies, 0)
    : ChunkedMap.editRecord(map, key, value, tallies);
}

/** A chunked copy of `map` without `key`. */
export function withoutChunk<T>(map: EntryMap<T>, key: string, tallies?: readonly Tally<T>[]): ChunkedMap<T> {
  return map instanceof ChunkedMap
    ? map.edit(key, undefined, tallies, 0)
    : ChunkedMap.editRecord(map, key, undefined, tallies);
}
