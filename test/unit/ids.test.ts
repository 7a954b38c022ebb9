import { ID_PATTERN, isWireId } from '@cercle/shared';
import { describe, expect, it } from 'vitest';
import { newId, newParticipantId, newSecret } from '../../server/src/rooms/secrets.js';

describe('ids drawn from the pooled random source', () => {
  it('[EN-6][EN-8] every id is 72 bits in base64url: 12 characters of ID_PATTERN, never a built-in name', () => {
    for (let i = 0; i < 3_000; i++) {
      const id = newId();
      expect(id).toHaveLength(12);
      expect(ID_PATTERN.test(id)).toBe(true);
      expect(isWireId(id)).toBe(true);
      expect(isWireId(newParticipantId())).toBe(true);
    }
  });

  it('[EN-8] ids do not repeat across several refills of the pool, and their bytes are spread evenly', () => {
    // 5,000 ids span five refills of the 1,024-id pool: a byte handed out twice would repeat an id.
    const ids = Array.from({ length: 5_000 }, () => newId());
    expect(new Set(ids).size).toBe(ids.length);
    // Each base64url character carries 6 random bits: 60,000 of them put about 937 on each of the 64
    // symbols; a pool handed out twice, or left unfilled (zeros: 'A'), would skew this far more.
    const counts = new Map<string, number>();
    for (const id of ids) for (const c of id) counts.set(c, (counts.get(c) ?? 0) + 1);
    expect(counts.size).toBe(64);
    for (const count of counts.values()) expect(count).toBeGreaterThan(700);
  });

  it('[CI-2] secrets (resume tokens, keys) are 192 bits, base64url, drawn from their own pool and never repeated', () => {
    // 3,000 secrets span three refills of the 1,024-secret pool; no byte is handed out twice.
    const secrets = Array.from({ length: 3_000 }, () => newSecret());
    for (const secret of secrets) expect(secret).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(new Set(secrets).size).toBe(secrets.length);
    // 96,000 base64url characters: about 1,500 on each of the 64 symbols when the bytes are random.
    const counts = new Map<string, number>();
    for (const secret of secrets) for (const c of secret) counts.set(c, (counts.get(c) ?? 0) + 1);
    expect(counts.size).toBe(64);
    for (const count of counts.values()) expect(count).toBeGreaterThan(1_200);
  });
});
