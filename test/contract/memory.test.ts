import type { RoomStore, StepDecision, StoredRoom } from '../../server/src/store/interface.js';
import { MemoryRoomStore } from '../../server/src/store/memory.js';
import { registerRoomStoreContract } from './roomStore.contract.js';

registerRoomStoreContract('memory', async () => {
  let now = Date.now();
  const ttlSeconds = 3_600;
  // One node: every `open` gives this same store, whatever room type the case puts in it.
  const store = new MemoryRoomStore<StoredRoom, StepDecision>({
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
    cleanup: () => store.close(),
  };
});
