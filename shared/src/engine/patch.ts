/**
 * Patches between two versions of a view (VW-6). Top-level keys are compared by reference, then by
 * value; keys holding a record of entries by id (cards, participants, ...) are diffed entry by entry,
 * as `'cards.<id>'`, so one new card sends one card, not the board. A list whose first items are kept
 * (the phase history grows by one run per phase change) travels as its tail: `{ keep, add }`.
 */
import { type EntryMap, editedKey, entryIn, keysOf, valuesOf } from './entries.js';

export type ArrayTail = { keep: number; add: unknown[] };
export type ViewPatch = { set: Record<string, unknown>; del: string[]; tail?: Record<string, ArrayTail> };

/** The keys of a view whose value is a record of entries keyed by id. */
export const RECORD_KEYS: readonly string[] = [
  'participants',
  'cards',
  'statements',
  'actionPlan',
  'confidence',
  'learnings',
  'evaluations',
  'indicatorReviews',
  'logbook',
  'phaseClocks',
];

function isPlainRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Equal in content: the same primitive, or arrays and records whose items are, a record's keys holding
 * undefined counted as absent. Walked with loops, without listing keys into arrays or making closures:
 * a changed timer, floor or phase run is compared on every command that replaces it.
 */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  const aIsArray = Array.isArray(a);
  if (aIsArray !== Array.isArray(b)) return false;
  if (aIsArray) {
    const la = a as unknown[];
    const lb = b as unknown[];
    if (la.length !== lb.length) return false;
    for (let i = 0; i < la.length; i++) {
      const item = la[i];
      // A hole is passed over, as `every` would.
      if (item === undefined && !(i in la)) continue;
      if (!deepEqual(item, lb[i])) return false;
    }
    return true;
  }
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  let count = 0;
  for (const k in ra) {
    if (!Object.hasOwn(ra, k)) continue;
    const value = ra[k];
    if (value === undefined) continue;
    count++;
    if (!Object.hasOwn(rb, k) || !deepEqual(value, rb[k])) return false;
  }
  for (const k in rb) if (Object.hasOwn(rb, k) && rb[k] !== undefined) count--;
  return count === 0;
}

const has = (record: Record<string, unknown>, key: string) =>
  Object.hasOwn(record, key) && record[key] !== undefined;

/** What a view shows of one entry of a record (the entry itself when not given). */
export type EntryView = (entry: unknown) => unknown;

/**
 * Entries of a record, by id. Entries still the same object are equal without a deep comparison (the
 * engine keeps unchanged entries by reference). With 1,000 cards this runs over 1,000 ids for every change
 * of the board, so the common shapes (entries added at the end or removed, entries changed in place: the
 * ids of both sides in the same order) are walked as two arrays side by side, with a lookup by id only
 * where one side has an id the other lacks; should the order itself change, the rest is compared by id.
 * With `view`, the records are a room's and the patch carries what the view shows of each changed
 * entry: only changed entries are viewed.
 */
export function diffRecord(
  key: string,
  a: EntryMap<unknown>,
  b: EntryMap<unknown>,
  patch: ViewPatch,
  view?: EntryView,
) {
  const edited = editedKey(a, b);
  if (edited !== undefined) {
    // `b` is `a` with one entry set or removed (entries.ts): that entry is the whole difference.
    const prev = entryIn(a, edited);
    const next = entryIn(b, edited);
    if (prev === next) return;
    if (next === undefined) patch.del.push(`${key}.${edited}`);
    else changedEntry(patch, view, key, edited, prev, next);
    return;
  }
  const keysA = keysOf(a);
  const keysB = keysOf(b);
  const valuesA = valuesOf(a);
  const valuesB = valuesOf(b);
  // Side by side while the ids are in step; an id of one side missing from the other (a removal, an
  // insertion) costs one lookup and the walk goes on in step.
  let i = 0;
  let j = 0;
  while (i < keysA.length && j < keysB.length) {
    const id = keysA[i]!;
    if (id === keysB[j]) {
      const prev = valuesA[i++];
      const next = valuesB[j++];
      if (prev === next) continue;
      if (next === undefined) patch.del.push(`${key}.${id}`);
      else changedEntry(patch, view, key, id, prev, next);
    } else if (entryIn(b, id) === undefined) {
      if (valuesA[i] !== undefined) patch.del.push(`${key}.${id}`);
      i++;
    } else if (entryIn(a, keysB[j]!) === undefined) {
      const next = valuesB[j];
      if (next !== undefined) changedEntry(patch, view, key, keysB[j]!, undefined, next);
      j++;
    } else {
      break; // the order changed: the rest by id
    }
  }
  // Past the walk, no id left in one side is among the ids walked in the other (ids are unique).
  for (; i < keysA.length; i++) {
    const id = keysA[i]!;
    if (valuesA[i] !== undefined && entryIn(b, id) === undefined) patch.del.push(`${key}.${id}`);
  }
  for (; j < keysB.length; j++) {
    const next = valuesB[j];
    if (next === undefined) continue;
    const id = keysB[j]!;
    const prev = entryIn(a, id);
    if (prev === next) continue;
    changedEntry(patch, view, key, id, prev, next);
  }
}

/** Entry `id` of record `key` went from `prev` (undefined: new) to `next`: set when its view changed. */
function changedEntry(
  patch: ViewPatch,
  view: EntryView | undefined,
  key: string,
  id: string,
  prev: unknown,
  next: unknown,
): void {
  const shownBefore = view && prev !== undefined ? view(prev) : prev;
  const shown = view ? view(next) : next;
  if (shownBefore === undefined || (shownBefore !== shown && !deepEqual(shownBefore, shown)))
    patch.set[`${key}.${id}`] = shown;
}

/**
 * How many first items two lists share: the same objects (the engine keeps the items it did not
 * change), else equal in content.
 */
function keptItems(a: unknown[], b: unknown[]): number {
  const common = Math.min(a.length, b.length);
  let keep = 0;
  while (keep < common && (a[keep] === b[keep] || deepEqual(a[keep], b[keep]))) keep++;
  return keep;
}

/**
 * Adds to `patch` what turns `a`, the value of top-level key `key` (absent: `hadKey` false), into `b`:
 * a record of `recordKeys` entry by entry, a list whose head is kept as its tail, else the value whole.
 */
export function diffKey(
  patch: ViewPatch,
  key: string,
  a: unknown,
  b: unknown,
  hadKey: boolean,
  recordKeys: readonly string[] = RECORD_KEYS,
): void {
  if (a === b) return;
  if (hadKey && recordKeys.includes(key) && isPlainRecord(a) && isPlainRecord(b)) {
    diffRecord(key, a, b, patch);
  } else if (hadKey && Array.isArray(a) && Array.isArray(b)) {
    const keep = keptItems(a, b);
    if (keep === a.length && keep === b.length) return;
    if (keep === 0) {
      patch.set[key] = b;
    } else {
      patch.tail ??= {};
      patch.tail[key] = { keep, add: b.slice(keep) };
    }
  } else if (!hadKey || !deepEqual(a, b)) {
    patch.set[key] = b;
  }
}

/**
 * A patch with nothing in it yet. Its `set` has no prototype: its keys name entries by id
 * (`cards.<id>`), a new one per card, and V8 gives an ordinary object a new hidden class for every
 * new key (about 1.3 us and a map to collect each), a prototype-less one a hash table from the start.
 */
export function emptyPatch(): ViewPatch {
  return { set: Object.create(null) as Record<string, unknown>, del: [] };
}

export function diffView<T>(prev: T, next: T, recordKeys: readonly string[] = RECORD_KEYS): ViewPatch {
  const before = prev as Record<string, unknown>;
  const after = next as Record<string, unknown>;
  const patch = emptyPatch();
  for (const key of Object.keys(before)) {
    if (has(before, key) && !has(after, key)) patch.del.push(key);
  }
  for (const key of Object.keys(after)) {
    if (!has(after, key)) continue;
    diffKey(patch, key, before[key], after[key], has(before, key), recordKeys);
  }
  return patch;
}

/**
 * Apply a patch without touching `view`: touched records and lists are copied, everything else is
 * shared. `del` first, then `set`, then `tail` (a key is in one of them at most).
 */
export function applyPatch<T>(view: T, patch: ViewPatch): T {
  const next: Record<string, unknown> = { ...(view as Record<string, unknown>) };
  const copied = new Set<string>();
  const recordFor = (key: string): Record<string, unknown> => {
    if (!copied.has(key)) {
      const current = next[key];
      next[key] = isPlainRecord(current) ? { ...current } : {};
      copied.add(key);
    }
    return next[key] as Record<string, unknown>;
  };
  for (const path of patch.del) {
    const dot = path.indexOf('.');
    if (dot < 0) {
      delete next[path];
    } else {
      delete recordFor(path.slice(0, dot))[path.slice(dot + 1)];
    }
  }
  for (const [path, value] of Object.entries(patch.set)) {
    const dot = path.indexOf('.');
    if (dot < 0) {
      next[path] = value;
      copied.delete(path);
    } else {
      recordFor(path.slice(0, dot))[path.slice(dot + 1)] = value;
    }
  }
  for (const [key, { keep, add }] of Object.entries(patch.tail ?? {})) {
    const current = next[key];
    next[key] = [...(Array.isArray(current) ? current.slice(0, keep) : []), ...add];
  }
  return next as T;
}
