import {
  LOGBOOK_PLAINTEXT_MAX_BYTES,
  SEALED_IV_BYTES,
  SEALED_PREFIX,
  sealedEntrySchema,
} from '@cercle/shared';

/**
 * Sealing a logbook note in the page (SPEC LG-5, docs/design.md "Logbook keys"), with the browser's Web
 * Crypto only: AES-256-GCM, a fresh random 96-bit IV per entry, under a key derived by HKDF-SHA-256 from a
 * logbook secret that lives in the owner's devices (their personal link's `lk=` part, or this browser's
 * storage) and is never sent to the server. The same code runs in Node (its `crypto.subtle`) for tests.
 */

/** HKDF's info label: names the purpose and scheme, so this secret's bytes key nothing else. */
const INFO = new TextEncoder().encode('cercle logbook c1');
const AAD = new TextEncoder().encode(SEALED_PREFIX);

function toBase64url(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64url(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** A new logbook secret: 256 random bits, base64url (43 characters). */
export function newLogbookSecret(): string {
  return toBase64url(crypto.getRandomValues(new Uint8Array(32)));
}

/** A logbook secret is 43 base64url characters; anything else is not one. */
export const isLogbookSecret = (value: string): boolean => /^[A-Za-z0-9_-]{43}$/.test(value);

/** The AES-GCM key of a logbook secret (not extractable: the page can use it, not read it back). */
export async function logbookKey(secret: string): Promise<CryptoKey> {
  const material = await crypto.subtle.importKey('raw', fromBase64url(secret), 'HKDF', false, ['deriveKey']);
  return crypto.subtle.deriveKey(
    { name: 'HKDF', hash: 'SHA-256', salt: new Uint8Array(32), info: INFO },
    material,
    { name: 'AES-GCM', length: 256 },
    false,
    ['encrypt', 'decrypt'],
  );
}

/** The note's UTF-8 size: what LOGBOOK_PLAINTEXT_MAX_BYTES bounds. */
export const noteBytes = (text: string) => new TextEncoder().encode(text).length;

/** Seals a note: `c1.` + base64url(IV || ciphertext || tag). Throws on a note over the size limit. */
export async function sealNote(key: CryptoKey, text: string): Promise<string> {
  const plain = new TextEncoder().encode(text);
  if (plain.length === 0 || plain.length > LOGBOOK_PLAINTEXT_MAX_BYTES) throw new RangeError('note size');
  const iv = crypto.getRandomValues(new Uint8Array(SEALED_IV_BYTES));
  const cipher = new Uint8Array(
    await crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData: AAD }, key, plain),
  );
  const out = new Uint8Array(iv.length + cipher.length);
  out.set(iv);
  out.set(cipher, iv.length);
  return `${SEALED_PREFIX}${toBase64url(out)}`;
}

/**
 * Opens a sealed entry with the first key that fits (a device may hold earlier keys of its owner, after
 * a link was reissued): its text, or null when none of the keys opens it (or it is not an entry).
 */
export async function openNote(keys: readonly CryptoKey[], sealed: string): Promise<string | null> {
  if (!sealedEntrySchema.safeParse(sealed).success) return null;
  const bytes = fromBase64url(sealed.slice(SEALED_PREFIX.length));
  const iv = bytes.slice(0, SEALED_IV_BYTES);
  const cipher = bytes.slice(SEALED_IV_BYTES);
  for (const key of keys) {
    try {
      const plain = await crypto.subtle.decrypt({ name: 'AES-GCM', iv, additionalData: AAD }, key, cipher);
      return new TextDecoder().decode(plain);
    } catch {
      // not this key: GCM's tag refuses it; try the next one
    }
  }
  return null;
}
