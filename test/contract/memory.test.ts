import { MemoryRoomStore } from '../../server/src/store/memory.js';
import { registerRoomStoreContract, type TestDecision, type TestRoom } from './roomStore.contract.js';

registerRoomStoreContract('memory', async () => {
  let now = Date.now();
  const ttlSeconds = 3_600;
  const store = new MemoryRoomStore<TestRoom, TestDecision>({
    ttlSeconds,
    clock: () => now,
    sweepIntervalMs: 0,
  });
  return {
    nodes: 'one',
    ttlSeconds,
    open: async () => store,
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
