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
 * A sum over a record's entries (how many there are, how many characters they hold), remembered per
 * record object. Records are never mutated once made, so a sum stays true for its object; a record this
 * tally has not seen is counted in full once, and an edit made through `withEntry`/`without` carries the
 * sum over to the copy by the difference of the one entry.
 */
export class Tally<T> {
  private readonly sums = new WeakMap<object, number>();

  constructor(private readonly measure: (value: T) => number) {}

  of(record: Entries<T>): number {
    let sum = this.sums.get(record);
    if (sum === undefined) {
      sum = 0;
      for (const key in record) if (Object.hasOwn(record, key)) sum += this.measure(record[key]!);
      this.sums.set(record, sum);
    }
    return sum;
  }

  /** `next` is `record` with `key` set to `value` (or deleted when undefined). */
  carry(record: Entries<T>, next: Entries<T>, key: string, value: T | undefined): void {
    const sum = this.sums.get(record);
    if (sum === undefined) return;
    const before = Object.hasOwn(record, key) ? this.measure(record[key]!) : 0;
    this.sums.set(next, sum - before + (value === undefined ? 0 : this.measure(value)));
  }
}

/** How many entries a record holds (BD: the board's MAX_CARDS) without listing its keys each time. */
const counts = new Tally<unknown>(() => 1);

export function entryCount(record: Entries<unknown>): number {
  return counts.of(record);
}

/**
 * Which one key an edit changed, by the record it was made from and the copy: lets a diff of the two (the
 * store's fields, the patch) read that entry instead of walking both maps. Weak on both sides, so a copy
 * never keeps the record it was made from alive.
 */
const edits = new WeakMap<object, WeakMap<object, string>>();

function remember(record: object, next: object, key: string): void {
  let made = edits.get(record);
  if (!made) {
    made = new WeakMap();
    edits.set(record, made);
  }
  made.set(next, key);
}

/** The one key whose entry differs between `record` and `next`, when `next` is `record` edited once here. */
export function editedKey(record: object, next: object): string | undefined {
  return edits.get(record)?.get(next);
}

/** A copy of `record` with `key` set to `value`; every other entry is shared by reference. */
export function withEntry<T>(
  record: Entries<T>,
  key: string,
  value: T,
  ...tallies: Tally<T>[]
): Record<string, T> {
  const next = emptyRecord<T>();
  for (const k in record) if (Object.hasOwn(record, k)) next[k] = record[k]!;
  next[key] = value;
  remember(record, next, key);
  counts.carry(record, next, key, value);
  for (const tally of tallies) tally.carry(record, next, key, value);
  return next;
}

/** A copy of `record` without `key`. */
export function without<T>(record: Entries<T>, key: string, ...tallies: Tally<T>[]): Record<string, T> {
  const next = emptyRecord<T>();
  for (const k in record) if (k !== key && Object.hasOwn(record, k)) next[k] = record[k]!;
  remember(record, next, key);
  counts.carry(record, next, key, undefined);
  for (const tally of tallies) tally.carry(record, next, key, undefined);
  return next;
}
