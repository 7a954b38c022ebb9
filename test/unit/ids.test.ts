import { ID_PATTERN, isWireId } from '@cercle/shared';
import { describe, expect, it } from 'vitest';
import { newId, newParticipantId } from '../../server/src/rooms/secrets.js';

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
});
