import { createDecipheriv, hkdfSync } from 'node:crypto';
import {
  LOGBOOK_PLAINTEXT_MAX_BYTES,
  SEALED_IV_BYTES,
  SEALED_MAX_CHARS,
  SEALED_PREFIX,
  SEALED_TAG_BYTES,
  sealedEntrySchema,
} from '@cercle/shared';
import { describe, expect, it } from 'vitest';
import {
  isLogbookSecret,
  logbookKey,
  newLogbookSecret,
  openNote,
  sealNote,
} from '../../client/src/logbook/crypto.js';

/** The page's sealing code (client/src/logbook/crypto.ts) run on Node's Web Crypto. */
describe('sealed logbook entries', () => {
  it('[LG-5] seal then open; a fresh IV each time; another key or one flipped bit opens nothing', async () => {
    const secret = newLogbookSecret();
    expect(isLogbookSecret(secret)).toBe(true);
    const key = await logbookKey(secret);
    const a = await sealNote(key, 'Ce que j’ai appris 🌱');
    const b = await sealNote(key, 'Ce que j’ai appris 🌱');
    expect(a).not.toBe(b);
    expect(a.slice(3, 3 + 16)).not.toBe(b.slice(3, 3 + 16));
    for (const s of [a, b]) expect(sealedEntrySchema.safeParse(s).success).toBe(true);
    expect(await openNote([key], a)).toBe('Ce que j’ai appris 🌱');
    const other = await logbookKey(newLogbookSecret());
    expect(await openNote([other], a)).toBeNull();
    // Several keys held (an earlier link): the one that fits opens it, whatever its place.
    expect(await openNote([other, key], a)).toBe('Ce que j’ai appris 🌱');
    const flipped = `${a.slice(0, -2)}${a.at(-2) === 'A' ? 'B' : 'A'}${a.at(-1)}`;
    expect(await openNote([key], flipped)).toBeNull();
    expect(await openNote([key], 'not sealed')).toBeNull();
  });

  it('[LG-5] the largest note seals within SEALED_MAX_CHARS; a larger one is not sealed', async () => {
    const key = await logbookKey(newLogbookSecret());
    const largest = await sealNote(key, 'é'.repeat(LOGBOOK_PLAINTEXT_MAX_BYTES / 2));
    expect(largest.length).toBe(SEALED_MAX_CHARS);
    expect(sealedEntrySchema.safeParse(largest).success).toBe(true);
    await expect(sealNote(key, 'x'.repeat(LOGBOOK_PLAINTEXT_MAX_BYTES + 1))).rejects.toThrow(RangeError);
    // 4000 characters (the page's box) of any script fit.
    await expect(sealNote(key, '語'.repeat(4000))).resolves.toMatch(/^c1\./);
  });

  it('[LG-5] the format is the one docs/protocol.md gives: opened here with node:crypto from the secret', async () => {
    const secret = newLogbookSecret();
    const sealed = await sealNote(await logbookKey(secret), 'note');
    const bytes = Buffer.from(sealed.slice(SEALED_PREFIX.length), 'base64url');
    const iv = bytes.subarray(0, SEALED_IV_BYTES);
    const tag = bytes.subarray(bytes.length - SEALED_TAG_BYTES);
    const body = bytes.subarray(SEALED_IV_BYTES, bytes.length - SEALED_TAG_BYTES);
    const key = Buffer.from(
      hkdfSync('sha256', Buffer.from(secret, 'base64url'), Buffer.alloc(32), 'cercle logbook c1', 32),
    );
    const decipher = createDecipheriv('aes-256-gcm', key, iv);
    decipher.setAAD(Buffer.from(SEALED_PREFIX));
    decipher.setAuthTag(tag);
    expect(Buffer.concat([decipher.update(body), decipher.final()]).toString('utf8')).toBe('note');
  });
});
