import { editedKey, entryIn, hasEntry, keysOf, roomSchema, sameKeys, valuesOf } from '@cercle/shared';
import type { RoomHeader } from './interface.js';

/**
 * A room as named fields (SR-6), so that a write stores what changed and not the whole room: the Redis
 * hash of a room (redis.ts) and the SQLite `room_fields` rows (sqlite/roomStore.ts) hold these.
 *
 * - `h:version`, `h:gen` (Redis only), `h:keys`: the header. `h:keys` is the room's top-level keys in
 *   order, written when they change (rarely: a room's fields are fixed by its schema).
 * - `f:<key>`: the JSON of one top-level field (`version` excepted: it is `h:version`).
 * - `e:<map>:<id>` and `o:<map>:<id>`: one entry of an id-keyed map (`cards`, `participants`...: the
 *   room schema's records), and its place in the map's order (a number: the map is rebuilt in that
 *   order, so a room read back iterates its cards as the room that was written did).
 * - `a:<list>:<i>`: element `i` of an append-mostly array (`LIST_FIELDS`: the phase history), so that a
 *   phase change writes the run it closed and the run it opened, not the whole history again. The
 *   array's length is its number of elements: a write that shortens it deletes the fields beyond.
 *
 * The one-letter prefixes keep the kinds apart whatever a client-chosen id holds (ids are data, EN-6):
 * no header field is ever an entry's field. The change is found by identity: the engine never mutates
 * its input and keeps what it does not change by reference, so an unchanged field or entry is the same
 * object, and a write costs what it changed, not the room's size (SR-6).
 */

/** The top-level fields of a room stored one entry per field: the id-keyed maps of the room schema. */
export const ENTRY_MAPS: ReadonlySet<string> = new Set(
  Object.entries(roomSchema.shape)
    .filter(([, schema]) => (schema as { _zod: { def: { type: string } } })._zod.def.type === 'record')
    .map(([key]) => key),
);

/**
 * The top-level arrays stored one field per element: the phase history, which only grows (each phase
 * change closes its last run and appends one). Not every array: `phases` is edited wholesale and read
 * as one shared text (`SHARED_KEYS`), `done` is a few ids emptied at each phase change; as elements
 * they would cost more fields for no smaller write.
 */
export const LIST_FIELDS: ReadonlySet<string> = new Set(['phaseHistory']);

export const VERSION_FIELD = 'h:version';
export const GEN_FIELD = 'h:gen';
export const KEYS_FIELD = 'h:keys';
/** The fields a room's header read asks for (issue 13: a closed door without the whole room). */
export const HEADER_FIELDS = [VERSION_FIELD, 'f:status', 'f:locked'] as const;

/** What a write changes: `set` as flat (field, value) pairs, `del` the fields to delete. */
export type FieldChanges = { set: string[]; del: string[] };

/** Entries added in one write get order numbers above every earlier write's (versions only grow). */
const ORDER_STEP = 2 ** 20;

type Fields = Record<string, unknown>;

const isMap = (key: string, value: unknown): value is Fields =>
  ENTRY_MAPS.has(key) && typeof value === 'object' && value !== null && !Array.isArray(value);

const isList = (key: string, value: unknown): value is readonly unknown[] =>
  LIST_FIELDS.has(key) && Array.isArray(value);

/** An own key that JavaScript orders first by itself (an array index): its place needs no record. */
const isIndex = (key: string): boolean => /^(?:0|[1-9]\d{0,8})$/.test(key);

/** A value JSON leaves out of an object (`JSON.stringify` drops the key). */
const isDropped = (value: unknown): boolean => value === undefined || typeof value === 'function';

/** The keys JSON keeps (an undefined value or a function is left out, as `JSON.stringify` does). */
function storedKeys(object: Fields): string[] {
  const keys = Object.keys(object);
  for (let i = 0; i < keys.length; i++) {
    if (isDropped(object[keys[i]!])) return keys.filter((key) => !isDropped(object[key]));
  }
  return keys;
}

/** The keys of the last rooms compared (as `Object.keys` lists them): the next ones usually have them too. */
let knownKeys: readonly string[] = [];

/**
 * `object`'s keys are `keys`, in that order, as for-in lists them: own enumerable string keys, then
 * inherited ones (a room has none; one that had would differ and take the general walk). For an object
 * in V8's fast mode for-in reads its map's key cache: no array made.
 */
function hasKeys(object: Fields, keys: readonly string[]): boolean {
  let i = 0;
  for (const key in object) {
    if (key !== keys[i]) return false;
    i++;
  }
  return i === keys.length;
}

/**
 * The fields to set and delete so that the stored `before` becomes `after` (`before` null: a new room,
 * every field). `version` is the version `after` is stored at (it orders the entries it adds). `steps`:
 * the rooms a batch of steps made from `before`, in order, the last one `after`: a map that each step
 * edited by one entry (the engine's edits) costs those entries, not a walk of the map.
 */
export function roomChanges(
  before: object | null,
  after: object,
  version: number,
  steps?: readonly object[],
): FieldChanges {
  const now = after as Fields;
  const set: string[] = [];
  const del: string[] = [];
  if (before) {
    // The usual step: the same keys in the same order, a few values replaced by storable ones. Then the
    // stored keys are the same too (no `h:keys`), and nothing is removed: only the changed values count.
    const was = before as Fields;
    let same = hasKeys(now, knownKeys) && hasKeys(was, knownKeys);
    if (!same) {
      const keys = Object.keys(now);
      same = sameKeys(keys, Object.keys(was));
      if (same) knownKeys = keys;
    }
    if (same) {
      // Same keys in the same order: `now` walked by for-in (its values read by position, no array) and
      // `was`'s values by position from one array; the keys checked against the last rooms' without
      // listing them. Four arrays of a room's 34 keys or values a write were three too many (~860 B).
      let simple = true;
      const olds = Object.values(was);
      let i = 0;
      for (const key in now) {
        const value = now[key];
        const old = olds[i++];
        if (value === old || key === 'version') continue;
        if (isDropped(value) || isDropped(old)) {
          simple = false; // a key appears or disappears from the stored ones: the general walk below
          break;
        }
        changeField(key, old, value, version, set, del, steps);
      }
      if (simple) return { set, del };
      set.length = 0;
      del.length = 0;
    }
  }
  const was = (before ?? {}) as Fields;
  const keys = storedKeys(now);
  const oldKeys = before ? storedKeys(was) : [];
  if (!sameKeys(keys, oldKeys)) set.push(KEYS_FIELD, JSON.stringify(keys));
  for (const key of keys) {
    if (key === 'version') continue;
    const value = now[key];
    const old = Object.hasOwn(was, key) ? was[key] : undefined;
    if (before && value === old) continue;
    changeField(key, old, value, version, set, del, steps);
  }
  for (const key of oldKeys) {
    if (key === 'version' || (Object.hasOwn(now, key) && now[key] !== undefined)) continue;
    const old = was[key];
    if (isMap(key, old)) mapChanges(key, old, {}, version, set, del);
    else if (isList(key, old)) listChanges(key, old, [], set, del);
    else del.push(`f:${key}`);
  }
  return { set, del };
}

/** One top-level field that changed from `old` (undefined: absent) to `value` (stored). */
function changeField(
  key: string,
  old: unknown,
  value: unknown,
  version: number,
  set: string[],
  del: string[],
  steps?: readonly object[],
) {
  const oldIsMap = isMap(key, old);
  const oldIsList = isList(key, old);
  if (isList(key, value)) {
    if (oldIsMap) mapChanges(key, old, {}, version, set, del);
    else if (!oldIsList && old !== undefined) del.push(`f:${key}`);
    listChanges(key, oldIsList ? old : [], value, set, del);
  } else if (isMap(key, value)) {
    if (oldIsList) listChanges(key, old, [], set, del);
    else if (!oldIsMap && old !== undefined) del.push(`f:${key}`);
    if (oldIsMap && steps && steps.length > 1 && chainChanges(key, old, value, version, steps, set, del))
      return;
    mapChanges(key, oldIsMap ? old : {}, value, version, set, del);
  } else {
    if (oldIsMap) mapChanges(key, old, {}, version, set, del);
    else if (oldIsList) listChanges(key, old, [], set, del);
    set.push(`f:${key}`, JSON.stringify(value));
  }
}

/**
 * One list's changed elements, by identity (the engine copies an array keeping the elements it does not
 * change): a phase change sets the run it closed and the one it appended. Elements beyond the new
 * length are deleted. An element JSON leaves out (undefined, a function) is stored as `null`, as
 * `JSON.stringify` writes it in an array.
 */
function listChanges(
  key: string,
  was: readonly unknown[],
  now: readonly unknown[],
  set: string[],
  del: string[],
) {
  for (let i = 0; i < now.length; i++) {
    if (i < was.length && now[i] === was[i]) continue;
    set.push(`a:${key}:${i}`, JSON.stringify(now[i]) ?? 'null');
  }
  for (let i = now.length; i < was.length; i++) del.push(`a:${key}:${i}`);
}

/**
 * A map's entries as two arrays (bulk reads: a lookup by key in a big object costs far more). A map is a
 * plain record or the engine's chunked card map: both are read through `keysOf`/`valuesOf`/`entryIn`,
 * which list them in the same order and give the same entries.
 */
function entriesOf(map: Fields): { ids: string[]; values: unknown[] } {
  let ids = keysOf(map);
  let values = valuesOf(map);
  if (values.some((value) => value === undefined || typeof value === 'function')) {
    const kept = values.map((value) => value !== undefined && typeof value !== 'function');
    ids = ids.filter((_, i) => kept[i]);
    values = values.filter((_, i) => kept[i]);
  }
  return { ids, values };
}

/** The entry `id` of `map` as JSON stores it: undefined when absent or left out (undefined, a function). */
function storedEntry(map: Fields, id: string): unknown {
  const value = entryIn(map, id);
  return isDropped(value) ? undefined : value;
}

/**
 * One map's changes over a batch of steps when each step that changed it set or removed one entry (the
 * engine's `withEntry`/`without`, told by `editedKey`): the entries they named, compared first and last;
 * entries added keep the order the steps added them in (after every other entry, as in the map).
 * False, with nothing pushed, when a step did anything else, or moved an entry that was there before
 * (removed and added again), or named an array-index id (JavaScript orders those itself): the full walk.
 */
function chainChanges(
  key: string,
  was: Fields,
  now: Fields,
  version: number,
  steps: readonly object[],
  set: string[],
  del: string[],
): boolean {
  // (entry id, the step that last added it: -1 when there before, or only replaced) as flat pairs, in
  // the order first named: a batch names a few entries, found by a scan, without a Map and its table.
  const named: (string | number)[] = [];
  let prev = was;
  for (let i = 0; i < steps.length; i++) {
    const map = (steps[i] as Fields)[key];
    if (map === prev) continue;
    if (!isMap(key, map)) return false;
    const id = editedKey(prev, map);
    if (id === undefined || isIndex(id)) return false;
    const had = hasEntry(prev, id);
    const has = hasEntry(map, id);
    if ((had && isDropped(entryIn(prev, id))) || (has && isDropped(entryIn(map, id)))) return false;
    let at = 0;
    while (at < named.length && named[at] !== id) at += 2;
    if (!had && has) {
      if (hasEntry(was, id)) return false; // an entry of `was` moved to the end
      named[at] = id;
      named[at + 1] = i;
    } else if (at === named.length) named.push(id, -1);
    prev = map;
  }
  if (prev !== now) return false;
  // The added entries' (id, step) pairs, put in step order as they come (a batch adds a few).
  const added: (string | number)[] = [];
  for (let k = 0; k < named.length; k += 2) {
    const id = named[k] as string;
    const before = storedEntry(was, id);
    const after = storedEntry(now, id);
    if (before === after) continue;
    if (after === undefined) del.push(`e:${key}:${id}`, `o:${key}:${id}`);
    else {
      set.push(`e:${key}:${id}`, JSON.stringify(after));
      if (before === undefined) {
        const step = named[k + 1] as number;
        let j = added.length;
        added.push(id, step);
        while (j > 0 && (added[j - 1] as number) > step) {
          added[j] = added[j - 2]!;
          added[j + 1] = added[j - 1]!;
          j -= 2;
        }
        added[j] = id;
        added[j + 1] = step;
      }
    }
  }
  let order = version * ORDER_STEP;
  for (let k = 0; k < added.length; k += 2) set.push(`o:${key}:${added[k] as string}`, String(order++));
  return true;
}

/**
 * One map's changed entries; their order is recorded for added ones, or for all if it changed. Written
 * for a 1,000-entry map where one entry changed: both maps are read as arrays, the common prefix (the
 * usual case: same entries, same order, new ones appended) compared by position, the rest by a `Map`.
 */
function mapChanges(key: string, was: Fields, now: Fields, version: number, set: string[], del: string[]) {
  const edited = editedKey(was, now);
  if (edited !== undefined) {
    // `now` is `was` with one entry set or removed (the engine's edit): that entry is the whole change,
    // and an entry it adds goes after the others, as in the walk below.
    const before = storedEntry(was, edited);
    const after = storedEntry(now, edited);
    if (before === after) return;
    if (after === undefined) del.push(`e:${key}:${edited}`, `o:${key}:${edited}`);
    else {
      set.push(`e:${key}:${edited}`, JSON.stringify(after));
      if (before === undefined) set.push(`o:${key}:${edited}`, String(version * ORDER_STEP));
    }
    return;
  }
  const { ids, values } = entriesOf(now);
  const old = entriesOf(was);
  const changed: number[] = []; // positions in `ids` whose value is new or changed
  let i = 0;
  while (i < ids.length && i < old.ids.length && ids[i] === old.ids[i]) {
    if (values[i] !== old.values[i]) changed.push(i);
    i++;
  }
  let reordered = false;
  const added = new Set<number>();
  if (i < ids.length || i < old.ids.length) {
    const rest = new Map<string, number>();
    for (let j = i; j < old.ids.length; j++) rest.set(old.ids[j]!, j);
    // The entries both hold must keep their relative order, and added ones come after them (as an
    // object spread does; an array-index id is placed first by JavaScript itself): otherwise the whole
    // map's order is written again.
    let last = -1;
    let appended = false;
    for (let k = i; k < ids.length; k++) {
      const j = rest.get(ids[k]!);
      if (j === undefined) {
        added.add(k);
        changed.push(k);
        if (!isIndex(ids[k]!)) appended = true;
        continue;
      }
      rest.delete(ids[k]!);
      if (appended || j < last) reordered = true;
      last = j;
      if (values[k] !== old.values[j]) changed.push(k);
    }
    for (const id of rest.keys()) del.push(`e:${key}:${id}`, `o:${key}:${id}`);
  }
  for (const k of changed) set.push(`e:${key}:${ids[k]}`, JSON.stringify(values[k]));
  let order = version * ORDER_STEP;
  if (reordered) for (const id of ids) set.push(`o:${key}:${id}`, String(order++));
  else for (const k of added) set.push(`o:${key}:${ids[k]}`, String(order++));
}

/** A room's stored fields, as (field, value) pairs in any order. */
export type FieldPairs = Iterable<readonly [string, string]>;

/** The pairs of a flat `[field, value, field, value...]` reply (HGETALL, a script's reply). */
export function* pairsOf(flat: readonly string[]): Generator<readonly [string, string]> {
  for (let i = 0; i + 1 < flat.length; i += 2) yield [flat[i]!, flat[i + 1]!];
}

/**
 * The room stored in `fields`, a fresh object but for its phases and template, shared with the other
 * reads of the same text and frozen (`sharedValue`), its version from the header. Maps are rebuilt in
 * their recorded order, lists by their elements' indexes; every object is built from own entries (`Object.fromEntries`), so no stored id
 * can reach a prototype.
 */
export function roomFromFields<R>(pairs: FieldPairs): R {
  let keys: string[] = [];
  let version = 0;
  const plain = new Map<string, string>();
  const maps = new Map<string, Map<string, { json: string; order: number }>>();
  const lists = new Map<string, string[]>();
  const elementOf = (field: string, value: string) => {
    const cut = field.indexOf(':', 2);
    const list = field.slice(2, cut);
    let elements = lists.get(list);
    if (!elements) {
      elements = [];
      lists.set(list, elements);
    }
    elements[Number(field.slice(cut + 1))] = value;
  };
  const entryOf = (field: string) => {
    const cut = field.indexOf(':', 2);
    const map = field.slice(2, cut);
    let entries = maps.get(map);
    if (!entries) {
      entries = new Map();
      maps.set(map, entries);
    }
    const id = field.slice(cut + 1);
    let entry = entries.get(id);
    if (!entry) {
      entry = { json: '', order: Number.POSITIVE_INFINITY };
      entries.set(id, entry);
    }
    return entry;
  };
  for (const [field, value] of pairs) {
    if (field === KEYS_FIELD) keys = JSON.parse(value) as string[];
    else if (field === VERSION_FIELD) version = Number(value);
    else if (field.startsWith('f:')) plain.set(field.slice(2), value);
    else if (field.startsWith('e:')) entryOf(field).json = value;
    else if (field.startsWith('o:')) entryOf(field).order = Number(value);
    else if (field.startsWith('a:')) elementOf(field, value);
  }
  const room = keys.map((key): [string, unknown] => {
    if (key === 'version') return [key, version];
    const json = plain.get(key);
    if (json !== undefined) return [key, SHARED_KEYS.has(key) ? sharedValue(json) : JSON.parse(json)];
    if (LIST_FIELDS.has(key)) {
      // Elements 0 to n - 1, each written (a write that shortens a list deletes the rest): no holes.
      const elements = lists.get(key) ?? [];
      return [key, Array.from(elements, (element) => JSON.parse(element!))];
    }
    const entries = [...(maps.get(key) ?? [])].filter(([, entry]) => entry.json !== '');
    entries.sort((a, b) => a[1].order - b[1].order);
    // Spread once more: V8 keeps an object of up to ~1,000 properties built by a spread in fast mode,
    // where one built key by key is a dictionary, ten times slower to list and copy (the engine's first
    // edit reads the map whole, into its chunked card map or a copy, and the next write compares it).
    return [key, { ...Object.fromEntries(entries.map(([id, entry]) => [id, JSON.parse(entry.json)])) }];
  });
  return Object.fromEntries(room) as R;
}

/**
 * The plain fields shared between the rooms read with the same text (`sharedValue`): a room's phases
 * and template hold some 10 KB of built-in texts in two languages, the same in every room of one
 * template; they change rarely (the custom template's edits before the start), unlike the others.
 */
const SHARED_KEYS: ReadonlySet<string> = new Set(['phases', 'template']);
/** Distinct texts kept, the most recently read: the templates and edited copies in use. */
const SHARED_TEXTS = 64;
const sharedValues = new Map<string, unknown>();

/**
 * The value of a shared field's JSON: a text read before gives the value parsed then, deep-frozen, so a
 * node holding rooms of one template keeps one copy of its phases and texts, not one per room, and
 * skips their parse. Sharing is safe because no code mutates a room (the engine returns new objects;
 * `buildRoom` already shares the template's phases between rooms); freezing makes a mutation throw
 * rather than reach another room.
 */
function sharedValue(json: string): unknown {
  let value = sharedValues.get(json);
  if (value === undefined) value = deepFreeze(JSON.parse(json));
  else sharedValues.delete(json);
  sharedValues.set(json, value);
  if (sharedValues.size > SHARED_TEXTS) sharedValues.delete(sharedValues.keys().next().value!);
  return value;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

/** The field prefix of one map's entries; throws for a field that is not an id-keyed map. */
export function entryPrefix(map: string): string {
  if (!ENTRY_MAPS.has(map)) throw new Error('not an id-keyed map of the room');
  return `e:${map}:`;
}

/** The map of one map's entry fields (`e:<map>:<id>` -> JSON), own properties only. */
export function mapFromEntries<T>(prefix: string, pairs: FieldPairs): T {
  const entries: [string, unknown][] = [];
  for (const [field, value] of pairs) {
    if (field.startsWith(prefix)) entries.push([field.slice(prefix.length), JSON.parse(value)]);
  }
  return Object.fromEntries(entries) as T;
}

/** The header read (`RoomStore.header`) from the values of `HEADER_FIELDS`; null when there is no room. */
export function headerOf(values: readonly (string | null | undefined)[]): RoomHeader | null {
  const [version, status, locked] = values;
  if (version === null || version === undefined) return null;
  return {
    version: Number(version),
    status: status ? (JSON.parse(status) as string) : null,
    locked: locked ? JSON.parse(locked) === true : false,
  };
}

/** The header of a room object (the stores that keep whole rooms: memory). */
export function headerOfRoom(room: { version: number }): RoomHeader {
  const { status, locked } = room as { status?: unknown; locked?: unknown };
  return {
    version: room.version,
    status: typeof status === 'string' ? status : null,
    locked: locked === true,
  };
}
