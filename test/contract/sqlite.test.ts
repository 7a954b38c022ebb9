import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RoomStore, StepDecision, StoredRoom } from '../../server/src/store/interface.js';
import { SqliteRoomStore } from '../../server/src/store/sqlite/roomStore.js';
import { registerRoomStoreContract } from './roomStore.contract.js';

registerRoomStoreContract('sqlite', async () => {
  let now = Date.now();
  const ttlSeconds = 3_600;
  const dir = mkdtempSync(join(tmpdir(), 'cercle-contract-'));
  // One node: every `open` gives this same store, whatever room type the case puts in it.
  const store = SqliteRoomStore.open<StoredRoom, StepDecision>(dir, {
    ttlSeconds,
    clock: () => now,
    sweepIntervalMs: 0,
  });
  return {
    nodes: 'one',
    ttlSeconds,
    open: async <R extends StoredRoom, D extends StepDecision>() => store as unknown as RoomStore<R, D>,
    remainingTtlMs: async (code) => {
      const expiresAt = store.expiresAt(code);
      return expiresAt === null ? null : expiresAt - now;
    },
    elapse: async (ms) => {
      now += ms;
    },
    cleanup: async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});
