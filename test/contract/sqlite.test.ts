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
import { openDatabase } from '../../server/src/store/sqlite/database.js';
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
  // A connection of the test's own to the same file, to look at the rows the store wrote.
  const inspect = openDatabase(dir);
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
    fieldsOf: async (code) =>
      inspect
        .prepare<[string], { field: string }>('SELECT field FROM room_fields WHERE code = ?')
        .all(code)
        .map((row) => row.field),
    cleanup: async () => {
      inspect.close();
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

describe('SqliteRoomStore layout', () => {
  it('[SR-6] a file holding the whole-document layout opens: its room tables are dropped, rooms are fields', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cercle-layout-'));
    try {
      const old = openDatabase(dir);
      old.exec(
        "CREATE TABLE rooms (code TEXT PRIMARY KEY, version INTEGER NOT NULL, json TEXT NOT NULL, recent TEXT NOT NULL, expires_at INTEGER NOT NULL) WITHOUT ROWID; INSERT INTO rooms VALUES ('OLD', 3, '{}', '[]', 9999999999999);",
      );
      old.close();
      const store = SqliteRoomStore.open<StoredRoom & { items: string[] }, StepDecision>(dir, {
        sweepIntervalMs: 0,
      });
      try {
        expect(await store.load('OLD')).toBeNull();
        expect(await store.create({ code: 'NEW', version: 0, items: ['a'] })).toBe(true);
        expect(await store.load('NEW')).toEqual({ code: 'NEW', version: 0, items: ['a'] });
        expect(await store.header('NEW')).toEqual({ version: 0, status: null, locked: false });
      } finally {
        await store.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
