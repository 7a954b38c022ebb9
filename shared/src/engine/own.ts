/**
 * EN-6: a record's entry by a client-supplied id, own properties only: `__proto__`, `constructor`,
 * `toString` and every other inherited member are not entries.
 */
export function own<T>(record: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}

/**
 * EN-6: an id is a short token of letters, digits, `-` and `_` (what the engine and the server make),
 * never the name of a built-in object member.
 */
export const ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
const builtInNames = new Set([...Object.getOwnPropertyNames(Object.prototype), 'prototype', '__proto__']);
export const isWireId = (value: string): boolean => ID_PATTERN.test(value) && !builtInNames.has(value);

/** EN-6: every `…Id` field of a command is an id (a system command's too: one check for all). */
export function idsWellFormed(command: object): boolean {
  const fields = command as Record<string, unknown>;
  for (const key in fields) {
    if (!key.endsWith('Id') || !Object.hasOwn(fields, key)) continue;
    const value = fields[key];
    if (typeof value === 'string' && !isWireId(value)) return false;
  }
  return true;
}
