/**
 * Patches between two versions of a view (VW-6). Top-level keys are compared by reference, then by
 * value; keys holding a record of entries by id (cards, participants, ...) are diffed entry by entry,
 * as `'cards.<id>'`, so one new card sends one card, not the board.
 */
export type ViewPatch = { set: Record<string, unknown>; del: string[] };

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
];

function isPlainRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((item, i) => deepEqual(item, b[i]));
  }
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  const keysA = Object.keys(ra).filter((k) => ra[k] !== undefined);
  const keysB = Object.keys(rb).filter((k) => rb[k] !== undefined);
  return keysA.length === keysB.length && keysA.every((k) => Object.hasOwn(rb, k) && deepEqual(ra[k], rb[k]));
}

const has = (record: Record<string, unknown>, key: string) =>
  Object.hasOwn(record, key) && record[key] !== undefined;

export function diffView<T>(prev: T, next: T, recordKeys: readonly string[] = RECORD_KEYS): ViewPatch {
  const before = prev as Record<string, unknown>;
  const after = next as Record<string, unknown>;
  const patch: ViewPatch = { set: {}, del: [] };
  for (const key of Object.keys(before)) {
    if (has(before, key) && !has(after, key)) patch.del.push(key);
  }
  for (const key of Object.keys(after)) {
    if (!has(after, key)) continue;
    const a = before[key];
    const b = after[key];
    if (a === b) continue;
    if (recordKeys.includes(key) && isPlainRecord(a) && isPlainRecord(b)) {
      for (const id of Object.keys(a)) {
        if (has(a, id) && !has(b, id)) patch.del.push(`${key}.${id}`);
      }
      for (const id of Object.keys(b)) {
        if (!has(b, id)) continue;
        if (!has(a, id) || !deepEqual(a[id], b[id])) patch.set[`${key}.${id}`] = b[id];
      }
    } else if (!has(before, key) || !deepEqual(a, b)) {
      patch.set[key] = b;
    }
  }
  return patch;
}

/** Apply a patch without touching `view`: touched records are copied, everything else is shared. */
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
  return next as T;
}

/** True when the patch changes nothing. */
export function isEmptyPatch(patch: ViewPatch): boolean {
  return patch.del.length === 0 && Object.keys(patch.set).length === 0;
}
