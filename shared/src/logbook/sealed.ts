import { z } from 'zod';

/**
 * A sealed logbook entry (SPEC LG-5): what the page made of a note with AES-GCM under a key only its
 * owner's devices hold. The server checks the shape and the size, stores it, counts and orders entries,
 * and can read none of them. Format: `c1.` then base64url (no padding) of IV (12 bytes) || ciphertext ||
 * GCM tag (16 bytes). `c1` names the scheme (AES-256-GCM, key from HKDF-SHA-256, docs/design.md "Logbook
 * keys"), so a later scheme can live beside it.
 */
export const SEALED_PREFIX = 'c1.';
export const SEALED_IV_BYTES = 12;
export const SEALED_TAG_BYTES = 16;
/** A note's UTF-8 size before sealing: 4000 characters of any script fit (at most 3 bytes each). */
export const LOGBOOK_PLAINTEXT_MAX_BYTES = 12_000;

/** Length of unpadded base64url for n bytes. */
export const base64urlLength = (bytes: number) => Math.ceil((bytes * 4) / 3);

/** The longest and shortest sealed entries the server takes (an empty note is not sealed). */
export const SEALED_MAX_CHARS =
  SEALED_PREFIX.length + base64urlLength(SEALED_IV_BYTES + LOGBOOK_PLAINTEXT_MAX_BYTES + SEALED_TAG_BYTES);
export const SEALED_MIN_CHARS =
  SEALED_PREFIX.length + base64urlLength(SEALED_IV_BYTES + 1 + SEALED_TAG_BYTES);
/** One person's logbook in one room, all entries together (keeps a room's document bounded). */
export const MAX_LOGBOOK_SEALED_CHARS = 600_000;

const shape = /^c1\.[A-Za-z0-9_-]+$/;

/**
 * LG-5: the wire and storage shape of a sealed entry. An over-long one fails with zod's `too_big` (so the
 * socket answers `text_too_long`); anything else that is not this format is a `bad_request`.
 */
export const sealedEntrySchema = z
  .string()
  .max(SEALED_MAX_CHARS)
  .regex(shape)
  .refine((s) => s.length >= SEALED_MIN_CHARS && (s.length - SEALED_PREFIX.length) % 4 !== 1, {
    message: 'Not a sealed logbook entry.',
  });

/** LG-5 as a yes/no, for the engine (server-issued commands do not pass the wire schema). */
export function isSealedEntry(value: unknown): value is string {
  return sealedEntrySchema.safeParse(value).success;
}
