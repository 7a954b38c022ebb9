import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  type RoomStore,
  type StepDecision,
  type StoredRoom,
  TIMER_LEASE_MS,
} from '../../server/src/store/interface.js';
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

describe('SqliteRoomStore timers across a crash', () => {
  it('[TM-10] a timer claimed and not fired before the process died is claimed again after a restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cercle-lease-'));
    try {
      const first = SqliteRoomStore.open<StoredRoom, StepDecision>(dir, { sweepIntervalMs: 0 });
      await first.create({ code: 'LEASE', version: 0 });
      await first.scheduleTimer('LEASE', 't1', 1_000);
      expect(await first.claimDueTimers(1_000, 10)).toEqual([{ code: 'LEASE', timerId: 't1', at: 1_000 }]);
      // The process dies here, between the claim (committed) and the firing.
      await first.close();
      const second = SqliteRoomStore.open<StoredRoom, StepDecision>(dir, { sweepIntervalMs: 0 });
      try {
        expect(await second.claimDueTimers(1_000 + TIMER_LEASE_MS - 1, 10)).toEqual([]);
        expect(await second.claimDueTimers(1_000 + TIMER_LEASE_MS, 10)).toEqual([
          { code: 'LEASE', timerId: 't1', at: 1_000 + TIMER_LEASE_MS },
        ]);
      } finally {
        await second.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
