import type { RefusalCode } from '../protocol/errors.js';

/** A refused command: a code the page words, and a fixed English message (EN-2). */
export type Refusal = { ok: false; code: RefusalCode; message: string };

export function refuse(code: RefusalCode, message: string): Refusal {
  return { ok: false, code, message };
}
