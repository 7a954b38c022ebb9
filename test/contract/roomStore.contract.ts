import { createRoom, type Decision, decide, type EngineCommand, type Room } from '@cercle/shared';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type DueTimer,
  type RoomStore,
  type StepDecision,
  type StoredRoom,
  StoreUnavailableError,
  TIMER_LEASE_MS,
} from '../../server/src/store/interface.js';
import { TimerPoller } from '../../server/src/store/timers.js';
import { sealedOf } from '../support/sealed.js';

/**
 * One suite for every RoomStore (after tldraw's storage contract tests and Colyseus' Presence tests):
 * memory.test.ts and redis.test.ts run it with their own harness.
 *
 * Most cases store a stand-in room with the only fields the store relies on (`code`, `version`) plus a
 * list the steps append to, so each case says exactly what it tests; the engine's own rooms, commands and
 * timers go through the store in the "engine" cases.
 */
export type TestRoom = { code: string; version: number; items: string[] };
export type TestDecision = StepDecision<TestRoom>;
export type TestStore = RoomStore<TestRoom, TestDecision>;

export type StoreHarness = {
  /**
   * A store over the harness's backend. With `nodes: 'many'` each call is another node sharing the
   * backend (Redis); with `nodes: 'one'` it is always the same store (memory).
   */
  open<R extends StoredRoom = TestRoom, D extends StepDecision = TestDecision>(): Promise<RoomStore<R, D>>;
  nodes: 'one' | 'many';
  ttlSeconds: number;
  /** What remains of the room's TTL, in ms; null when the room has no key left. */
  remainingTtlMs(code: string): Promise<number | null>;
  /** Lets `ms` of inactivity pass as far as expiry is concerned (fake clock, or shortened TTLs). */
  elapse(ms: number): Promise<void>;
  /** Every key the backend still holds for the room (Redis: SCAN); memory has none to show. */
  keysOf?(code: string): Promise<{ key: string; pttl: number }[]>;
  /** The names of the fields the backend holds for the room (Redis: HKEYS of its hash; SR-6). */
  fieldsOf?(code: string): Promise<string[]>;
  /** Bytes the backend has received so far, every client together (Redis: `total_net_input_bytes`). */
  bytesReceived?(): Promise<number>;
  /** Bytes the backend has sent so far, every client together (Redis: `total_net_output_bytes`). */
  bytesSent?(): Promise<number>;
  /** Members of the timers set (Redis), to check that purge leaves none of the room behind. */
  timerMembers?(): Promise<string[]>;
  /** Crash, freeze and bring back the backend (Redis), for the outage cases. */
  outage?: {
    kill(): Promise<void>;
    restart(): Promise<void>;
    /** The process stops answering but keeps its connections (SIGSTOP); `thaw` resumes it. */
    freeze(): Promise<void>;
    thaw(): Promise<void>;
  };
  /** Closes every store it opened and empties the backend. */
  cleanup(): Promise<void>;
};

let serial = 0;
const newCode = () => `T${process.pid.toString(36)}${(serial++).toString(36)}X`.toUpperCase();
const room = (code: string): TestRoom => ({ code, version: 0, items: [] });

const append =
  (item: string) =>
  (r: TestRoom): TestDecision => ({
    ok: true,
    room: { ...r, version: r.version + 1, items: [...r.items, item] },
    effects: [],
  });
const refuse = (r: TestRoom): TestDecision => ({ ok: false, code: 'invalid', message: `no (${r.version})` });
/** Refused unless the room already holds an item: its answer depends on the current state. */
const appendIfNotEmpty =
  (item: string) =>
  (r: TestRoom): TestDecision =>
    r.items.length > 0 ? append(item)(r) : { ok: false, code: 'wrong_status', message: 'empty' };
const withCancel =
  (timerId: string) =>
  (r: TestRoom): TestDecision => ({
    ok: true,
    room: { ...r, version: r.version + 1 },
    effects: [{ type: 'cancel_timer', timerId } as { type: string }],
  });
const withTimer =
  (timerId: string, at: number) =>
  (r: TestRoom): TestDecision => ({
    ok: true,
    room: { ...r, version: r.version + 1 },
    effects: [{ type: 'schedule_timer', timerId, at } as { type: string }],
  });

/** Rejects with a plain Error if `promise` has not settled within `ms`. */
function within<T>(ms: number, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`did not settle within ${ms} ms`)), ms);
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

/** Polls `check` until it returns true, failing after `ms`. */
async function until(check: () => Promise<boolean> | boolean, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export function registerRoomStoreContract(name: string, create: () => Promise<StoreHarness>): void {
  describe(`RoomStore contract: ${name}`, () => {
    let harness: StoreHarness;
    let store: TestStore;

    beforeEach(async () => {
      harness = await create();
      store = await harness.open();
    });
    afterEach(async () => {
      await harness.cleanup();
    });

    describe('create and load', () => {
      it('stores a room and loads an equal copy', async () => {
        const code = newCode();
        expect(await store.create(room(code))).toBe(true);
        expect(await store.load(code)).toEqual(room(code));
      });

      it('refuses a code that is taken, from any node', async () => {
        const code = newCode();
        const other = await harness.open();
        expect(await store.create(room(code))).toBe(true);
        expect(await other.create({ ...room(code), items: ['intruder'] })).toBe(false);
        expect(await store.load(code)).toEqual(room(code));
      });

      it('loads null for an unknown code, and apply answers not_found', async () => {
        const code = newCode();
        expect(await store.load(code)).toBeNull();
        expect(await store.apply(code, 'c1', append('x'))).toEqual({ status: 'not_found' });
      });
    });

    describe('apply', () => {
      it('an accepted step bumps the version by one and returns before and the decision', async () => {
        const code = newCode();
        await store.create(room(code));
        const result = await store.apply(code, 'c1', append('a'));
        expect(result.status).toBe('applied');
        if (result.status !== 'applied') return;
        expect(result.before).toEqual(room(code));
        expect(result.decision.room).toEqual({ code, version: 1, items: ['a'] });
        expect(await store.load(code)).toEqual({ code, version: 1, items: ['a'] });
      });

      it('a refused step changes nothing and reports the refusal', async () => {
        const code = newCode();
        await store.create(room(code));
        await store.apply(code, 'c1', append('a'));
        expect(await store.apply(code, 'c2', refuse)).toEqual({
          status: 'refused',
          code: 'invalid',
          message: 'no (1)',
        });
        expect(await store.load(code)).toEqual({ code, version: 1, items: ['a'] });
        // A refused command id is not remembered: the same id may be sent again and be accepted.
        expect((await store.apply(code, 'c2', append('b'))).status).toBe('applied');
      });

      it('a step that breaks the version rule is a bug: it throws and stores nothing', async () => {
        const code = newCode();
        await store.create(room(code));
        const skip = (r: TestRoom): TestDecision => ({
          ok: true,
          room: { ...r, version: r.version + 2 },
          effects: [],
        });
        await expect(store.apply(code, 'c1', skip)).rejects.toThrow(/version/);
        expect((await store.load(code))!.version).toBe(0);
      });

      it('a repeated command id is applied once and answers duplicate with the version', async () => {
        const code = newCode();
        await store.create(room(code));
        expect((await store.apply(code, 'same', append('a'))).status).toBe('applied');
        expect(await store.apply(code, 'same', append('a'))).toEqual({ status: 'duplicate', version: 1 });
        await store.apply(code, 'other', append('b'));
        expect(await store.apply(code, 'same', append('a'))).toEqual({ status: 'duplicate', version: 2 });
        expect((await store.load(code))!.items).toEqual(['a', 'b']);
      });

      it('a command id applied on one node is a duplicate on another', async () => {
        const code = newCode();
        const other = await harness.open();
        await store.create(room(code));
        await other.load(code); // the other node now holds a copy that is about to be stale
        await store.apply(code, 'once', append('a'));
        expect(await other.apply(code, 'once', append('a'))).toEqual({ status: 'duplicate', version: 1 });
        expect((await other.load(code))!.items).toEqual(['a']);
      });

      it('[SR-1] a retry after 1,000 other commands, on another node, is still a duplicate', async () => {
        const code = newCode();
        const other = await harness.open();
        await store.create(room(code));
        expect((await store.apply(code, 'first', append('first'), 'fp-1')).status).toBe('applied');
        const others = await Promise.all(
          Array.from({ length: 1_000 }, (_, i) => store.apply(code, `o${i}`, append(`o${i}`), `fp-o${i}`)),
        );
        expect(others.every((r) => r.status === 'applied')).toBe(true);
        expect(await other.apply(code, 'first', append('first'), 'fp-1')).toEqual({
          status: 'duplicate',
          version: 1_001,
        });
        expect(await store.apply(code, 'first', append('first'), 'fp-1')).toEqual({
          status: 'duplicate',
          version: 1_001,
        });
        expect((await store.load(code))!.items.filter((item) => item === 'first')).toHaveLength(1);
      });

      it('[SR-1] the same id with another fingerprint (payload, sender) is refused as reused, on any node', async () => {
        const code = newCode();
        const other = await harness.open();
        await store.create(room(code));
        await other.load(code);
        expect((await store.apply(code, 'id-1', append('a'), 'alice:post a')).status).toBe('applied');
        expect(await other.apply(code, 'id-1', append('b'), 'alice:post b')).toEqual({ status: 'reused' });
        expect(await store.apply(code, 'id-1', append('a'), 'bob:post a')).toEqual({ status: 'reused' });
        // In one batch too: the second of two commands with one id is refused.
        const [x, y] = await Promise.all([
          store.apply(code, 'id-2', append('x'), 'fp-x'),
          store.apply(code, 'id-2', append('y'), 'fp-y'),
        ]);
        expect([x!.status, y!.status]).toEqual(['applied', 'reused']);
        expect((await other.load(code))!.items).toEqual(['a', 'x']);
      });

      it('commands without an id are never taken for duplicates', async () => {
        const code = newCode();
        await store.create(room(code));
        await store.apply(code, null, append('a'));
        await store.apply(code, null, append('a'));
        expect((await store.load(code))!.items).toEqual(['a', 'a']);
      });

      it('a step is decided on the current room, even when this node last saw an older one', async () => {
        const code = newCode();
        const other = await harness.open();
        await store.create(room(code));
        await other.load(code);
        await store.apply(code, 'first', append('a'));
        // On the other node's old copy the room is empty and the step would refuse.
        const result = await other.apply(code, 'second', appendIfNotEmpty('b'));
        expect(result.status).toBe('applied');
        expect((await store.load(code))!.items).toEqual(['a', 'b']);
        // And a refusal computed on an old copy is confirmed against the current room.
        await store.apply(code, 'third', append('c'));
        expect((await other.apply(code, 'fourth', refuse)).status).toBe('refused');
      });

      it('1,000 commands at once from two nodes are all stored: no update is lost', async () => {
        const code = newCode();
        const other = await harness.open();
        await store.create(room(code));
        const sends: Promise<{ status: string }>[] = [];
        for (let i = 0; i < 500; i++) {
          sends.push(store.apply(code, `a${i}`, append(`a${i}`)));
          sends.push(other.apply(code, `b${i}`, append(`b${i}`)));
        }
        const results = await Promise.all(sends);
        expect(results.every((r) => r.status === 'applied')).toBe(true);
        const final = (await store.load(code))!;
        expect(final.version).toBe(1000);
        expect(final.items).toHaveLength(1000);
        expect(new Set(final.items).size).toBe(1000);
      });

      it('[SR-9] commands on 40 rooms at once from two nodes, each room with timers: all stored, none lost', async () => {
        // Rooms spread over every shard (on a cluster: over every primary), written together by both
        // nodes, so that their writes share calls and race each other.
        const codes = Array.from({ length: 40 }, () => newCode());
        const other = await harness.open();
        for (const code of codes) await store.create(room(code));
        const sends: Promise<{ status: string }>[] = [];
        for (let i = 0; i < 5; i++) {
          for (const [k, code] of codes.entries()) {
            sends.push(store.apply(code, `a${i}`, append(`a${i}`)));
            sends.push(other.apply(code, `b${i}`, append(`b${i}`)));
            if (i === 4) sends.push(store.apply(code, 't', withTimer('due', 1_000 + k)));
          }
        }
        const results = await Promise.all(sends);
        expect(results.every((r) => r.status === 'applied')).toBe(true);
        for (const code of codes) {
          const final = (await other.load(code))!;
          expect(final.version).toBe(11);
          expect(new Set(final.items).size).toBe(10);
        }
        const due = await store.claimDueTimers(2_000, 100);
        expect(due.map((t) => t.code).sort()).toEqual([...codes].sort());
      });

      it('commands retried on the other node while the originals are in flight are stored once', async () => {
        // The retry must come within the room's dedup window (its last 256 commands), as after a lost ack.
        const code = newCode();
        const other = await harness.open();
        await store.create(room(code));
        const sends: Promise<{ status: string }>[] = [];
        for (let i = 0; i < 100; i++) {
          sends.push(store.apply(code, `a${i}`, append(`a${i}`)));
          sends.push(other.apply(code, `b${i}`, append(`b${i}`)));
          const j = i - 3;
          if (j >= 0 && j % 10 === 0) {
            sends.push(other.apply(code, `a${j}`, append(`a${j}`)));
            sends.push(store.apply(code, `b${j}`, append(`b${j}`)));
          }
        }
        const results = await Promise.all(sends);
        expect(results.filter((r) => r.status === 'applied')).toHaveLength(200);
        expect(results.filter((r) => r.status === 'duplicate')).toHaveLength(20);
        const final = (await store.load(code))!;
        expect(final.version).toBe(200);
        expect(new Set(final.items).size).toBe(200);
        expect(final.items).toHaveLength(200);
      });

      it('commands sent at once to one node are applied in the order it received them', async () => {
        const code = newCode();
        const other = await harness.open();
        await store.create(room(code));
        const sends: Promise<unknown>[] = [];
        for (let i = 0; i < 200; i++) {
          sends.push(store.apply(code, `a${i}`, append(`a${i}`)));
          sends.push(other.apply(code, `b${i}`, append(`b${i}`)));
        }
        await Promise.all(sends);
        const items = (await store.load(code))!.items;
        expect(items.filter((x) => x.startsWith('a'))).toEqual(
          Array.from({ length: 200 }, (_, i) => `a${i}`),
        );
        expect(items.filter((x) => x.startsWith('b'))).toEqual(
          Array.from({ length: 200 }, (_, i) => `b${i}`),
        );
      });
    });

    describe('retention', () => {
      it('a room expires after the TTL without writes, and every write refreshes the TTL', async () => {
        const code = newCode();
        const ttlMs = harness.ttlSeconds * 1000;
        await store.create(room(code));
        const fresh = (await harness.remainingTtlMs(code))!;
        expect(fresh).toBeGreaterThan(ttlMs - 5_000);
        expect(fresh).toBeLessThanOrEqual(ttlMs);

        await harness.elapse(ttlMs - 10_000);
        expect(await harness.remainingTtlMs(code)).toBeLessThanOrEqual(10_000);
        expect((await store.apply(code, 'c1', append('a'))).status).toBe('applied');
        expect(await harness.remainingTtlMs(code)).toBeGreaterThan(ttlMs - 5_000);

        await harness.elapse(ttlMs - 10_000);
        expect(await store.touch(code)).toBe(true);
        expect(await harness.remainingTtlMs(code)).toBeGreaterThan(ttlMs - 5_000);

        await harness.elapse(ttlMs + 1_000);
        expect(await store.load(code)).toBeNull();
        expect(await store.apply(code, 'c2', append('b'))).toEqual({ status: 'not_found' });
        expect(await store.touch(code)).toBe(false);
        expect(await harness.remainingTtlMs(code)).toBeNull();
      });

      it('every key of a room carries a TTL', async ({ skip }) => {
        if (!harness.keysOf) return skip('this store has no keys');
        const code = newCode();
        await store.create(room(code));
        await store.apply(code, 'c1', withTimer('t1', Date.now() + 60_000));
        const keys = await harness.keysOf(code);
        expect(keys.length).toBeGreaterThan(0);
        for (const { pttl } of keys) {
          expect(pttl).toBeGreaterThan(0);
          expect(pttl).toBeLessThanOrEqual(harness.ttlSeconds * 1000);
        }
      });

      it('purge deletes the room and its pending timers, and leaves no key of it', async () => {
        const code = newCode();
        const keep = newCode();
        const other = await harness.open();
        await store.create(room(code));
        await store.create(room(keep));
        await store.apply(code, 'c1', withTimer('t1', 1_000));
        await store.scheduleTimer(code, 't2', 2_000);
        await store.scheduleTimer(keep, 'k1', 2_000);
        await other.load(code);

        await store.purge(code);
        expect(await store.load(code)).toBeNull();
        expect(await other.load(code)).toBeNull();
        expect(await other.apply(code, 'c2', append('x'))).toEqual({ status: 'not_found' });
        if (harness.keysOf) expect(await harness.keysOf(code)).toEqual([]);
        if (harness.timerMembers) {
          expect((await harness.timerMembers()).filter((m) => m.startsWith(`${code}|`))).toEqual([]);
        }
        expect(await store.claimDueTimers(10_000, 100)).toEqual([{ code: keep, timerId: 'k1', at: 2_000 }]);
        expect(await store.load(keep)).toEqual(room(keep));
      });

      it('a code purged and created again is a new room, even to a node that saw the old one', async () => {
        const code = newCode();
        const other = await harness.open();
        await store.create(room(code));
        await store.apply(code, 'old', append('old'));
        await other.load(code);
        await store.purge(code);
        await store.create(room(code));
        await store.apply(code, null, append('new'));
        expect((await other.apply(code, 'next', append('next'))).status).toBe('applied');
        expect((await store.load(code))!.items).toEqual(['new', 'next']);
      });
    });

    it("[SR-2] the versions of many rooms at once: each room's stored version in order, null for none", async () => {
      // Enough rooms to spread over every shard of a Redis Cluster (each read in its slot).
      const codes = Array.from({ length: 40 }, () => newCode());
      for (const [i, code] of codes.entries()) {
        await store.create(room(code));
        for (let k = 0; k < i % 3; k++) await store.apply(code, `v${k}`, append(`v${k}`));
      }
      const missing = newCode();
      const asked = [codes[5]!, missing, ...codes];
      const versions = await store.versions(asked);
      expect(versions).toEqual([5 % 3, null, ...codes.map((_, i) => i % 3)]);
      expect(await store.versions([])).toEqual([]);
    });

    describe('timers', () => {
      it('[TM-10] a due timer is leased to one claimer; not fired within the lease, it is claimed again', async () => {
        const code = newCode();
        const other = await harness.open();
        await store.create(room(code));
        await store.scheduleTimer(code, 't1', 1_000);
        expect(await store.claimDueTimers(999, 10)).toEqual([]);
        expect(await store.claimDueTimers(1_000, 10)).toEqual([{ code, timerId: 't1', at: 1_000 }]);
        // Leased until 1,000 + TIMER_LEASE_MS: nobody else gets it meanwhile.
        expect(await other.claimDueTimers(1_000 + TIMER_LEASE_MS - 1, 10)).toEqual([]);
        // Its firing was never stored (the claimer died, the store stalled): claimable again, once.
        expect(await other.claimDueTimers(1_000 + TIMER_LEASE_MS, 10)).toEqual([
          { code, timerId: 't1', at: 1_000 + TIMER_LEASE_MS },
        ]);
        expect(await store.claimDueTimers(1_000 + TIMER_LEASE_MS, 10)).toEqual([]);
      });

      it('[TM-9] a write that cancels a claimed timer (its firing) removes it for good', async () => {
        const code = newCode();
        await store.create(room(code));
        await store.apply(code, 'arm', withTimer('t1', 1_000));
        expect(await store.claimDueTimers(1_000, 10)).toHaveLength(1);
        await store.apply(code, 'fire', withCancel('t1'));
        expect(await store.claimDueTimers(1_000_000, 10)).toEqual([]);
        if (harness.timerMembers) expect(await harness.timerMembers()).not.toContain(`${code}|t1`);
      });

      it('[TM-9] in one batch, a timer scheduled then cancelled is gone; cancelTimer forgets one', async () => {
        const code = newCode();
        await store.create(room(code));
        await Promise.all([
          store.apply(code, 'a', withTimer('t1', 1_000)),
          store.apply(code, 'b', withCancel('t1')),
          store.apply(code, 'c', withTimer('t2', 2_000)),
          store.apply(code, 'd', withTimer('t3', 3_000)),
        ]);
        await store.cancelTimer(code, 't3');
        expect(await store.claimDueTimers(10_000, 10)).toEqual([{ code, timerId: 't2', at: 2_000 }]);
      });

      it('[TM-9] the timers of a room that expired are dropped, not fired', async () => {
        const code = newCode();
        await store.create(room(code));
        await store.apply(code, 'arm', withTimer('t1', 1_000));
        await harness.elapse(harness.ttlSeconds * 1000 + 1_000);
        expect(await store.load(code)).toBeNull();
        expect(await store.claimDueTimers(Date.now() + harness.ttlSeconds * 1000 + 10_000, 10)).toEqual([]);
        if (harness.timerMembers) expect(await harness.timerMembers()).not.toContain(`${code}|t1`);
      });

      it('schedule_timer effects are scheduled by the apply that decided them', async () => {
        const code = newCode();
        await store.create(room(code));
        const seen: number[] = [];
        const stop = store.onTimerScheduled((at) => seen.push(at));
        await store.apply(code, 'c1', withTimer('t1', 1_500));
        await store.scheduleTimer(code, 't1', 1_500); // the host may schedule it again: harmless
        stop();
        expect(seen).toContain(1_500);
        expect(await store.claimDueTimers(2_000, 10)).toEqual([{ code, timerId: 't1', at: 1_500 }]);
        expect(await store.claimDueTimers(2_000, 10)).toEqual([]);
      });

      it('scheduling again moves the deadline; a timer for a missing room is not scheduled', async () => {
        const code = newCode();
        await store.create(room(code));
        await store.scheduleTimer(code, 't1', 1_000);
        await store.scheduleTimer(code, 't1', 3_000);
        await store.scheduleTimer(newCode(), 'ghost', 1_000);
        expect(await store.claimDueTimers(2_000, 10)).toEqual([]);
        expect(await store.claimDueTimers(3_000, 10)).toEqual([{ code, timerId: 't1', at: 3_000 }]);
      });

      it('claims in deadline order, at most `limit` at a time', async () => {
        const code = newCode();
        await store.create(room(code));
        for (const [id, at] of [
          ['c', 3_000],
          ['a', 1_000],
          ['b', 2_000],
        ] as const) {
          await store.scheduleTimer(code, id, at);
        }
        expect((await store.claimDueTimers(5_000, 2)).map((t) => t.timerId)).toEqual(['a', 'b']);
        expect((await store.claimDueTimers(5_000, 2)).map((t) => t.timerId)).toEqual(['c']);
      });

      it('200 due timers claimed by two nodes at once: each goes to exactly one', async () => {
        const code = newCode();
        const other = await harness.open();
        await store.create(room(code));
        for (let i = 0; i < 200; i++) await store.scheduleTimer(code, `t${i}`, 1_000 + i);
        const claimed: DueTimer[] = [];
        const drain = async (node: TestStore) => {
          for (;;) {
            const batch = await node.claimDueTimers(10_000, 7);
            if (batch.length === 0) return;
            claimed.push(...batch);
          }
        };
        await Promise.all([drain(store), drain(other), drain(store), drain(other)]);
        expect(claimed).toHaveLength(200);
        expect(new Set(claimed.map((t) => t.timerId)).size).toBe(200);
      });

      it('a TimerPoller fires a deadline once across nodes, within a few polling rounds', async () => {
        const code = newCode();
        const other = await harness.open();
        await store.create(room(code));
        const fired: { node: string; timer: DueTimer; late: number }[] = [];
        const pollers = [new TimerPoller(store), new TimerPoller(other)];
        pollers[0]!.start((timer) => void fired.push({ node: 'A', timer, late: Date.now() - timer.at }));
        pollers[1]!.start((timer) => void fired.push({ node: 'B', timer, late: Date.now() - timer.at }));
        try {
          const at = Date.now() + 150;
          await store.apply(code, 'start', withTimer('t1', at));
          await until(() => fired.length > 0, 2_000);
          // Give a second claim every chance to happen (several polling rounds), then check there was none.
          await until(() => Date.now() > at + 300, 1_000);
          expect(fired).toHaveLength(1);
          expect(fired[0]!.timer).toEqual({ code, timerId: 't1', at });
          // A poll every 50 ms: a few polling rounds at most, even on a loaded machine (a lease ends after
          // TIMER_LEASE_MS, a second).
          expect(fired[0]!.late).toBeLessThan(500);
        } finally {
          await Promise.all(pollers.map((p) => p.stop()));
        }
      });

      it('a timer still fires when the node that armed it has closed', async ({ skip }) => {
        if (harness.nodes === 'one') return skip('one node only');
        const code = newCode();
        const armer = await harness.open();
        await armer.create(room(code));
        const at = Date.now() + 200;
        await armer.apply(code, 'start', withTimer('t1', at));
        const armerPoller = new TimerPoller(armer);
        armerPoller.start(() => {
          throw new Error('the closed node must not fire');
        });
        await armerPoller.stop();
        await armer.close();

        const poller = new TimerPoller(store);
        const fired = new Promise<{ timer: DueTimer; late: number }>((resolve) =>
          poller.start((timer) => resolve({ timer, late: Date.now() - timer.at })),
        );
        try {
          const { timer, late } = await within(2_000, fired);
          expect(timer).toEqual({ code, timerId: 't1', at });
          // Fired by the surviving node's polling (every 50 ms), not after a lease ends (a second).
          expect(late).toBeLessThan(500);
        } finally {
          await poller.stop();
        }
      });

      it('[TM-10] a timer whose handler fails (not stored) is fired again once its lease ends', async () => {
        const code = newCode();
        await store.create(room(code));
        let calls = 0;
        const poller = new TimerPoller(store);
        const second = new Promise<DueTimer>((resolve) =>
          poller.start((timer) => {
            calls++;
            if (calls === 1) throw new StoreUnavailableError('not stored');
            resolve(timer);
          }),
        );
        try {
          await store.scheduleTimer(code, 't1', Date.now());
          expect(await within(2_000, second)).toMatchObject({ code, timerId: 't1' });
          expect(calls).toBe(2);
        } finally {
          await poller.stop();
        }
      });
    });

    describe('availability', () => {
      it('ping answers true while the backend answers', async () => {
        expect(await store.ping()).toBe(true);
      });

      it('when the backend dies every call rejects with StoreUnavailableError within 2 s; it recovers', async ({
        skip,
      }) => {
        const outage = harness.outage;
        if (!outage) return skip('this store has no backend to lose');
        const code = newCode();
        await store.create(room(code));
        await store.apply(code, 'c1', append('a'));

        await outage.kill();
        const unavailable = async (call: Promise<unknown>) => {
          await expect(within(2_000, call)).rejects.toBeInstanceOf(StoreUnavailableError);
        };
        // Many commands queued on one room: each must still be answered within 2 s.
        await Promise.all([
          ...Array.from({ length: 20 }, (_, i) =>
            unavailable(store.apply(code, `down${i}`, append(`x${i}`))),
          ),
          unavailable(store.load(code)),
          unavailable(store.create(room(newCode()))),
          unavailable(store.touch(code)),
          unavailable(store.purge(newCode())),
          unavailable(store.scheduleTimer(code, 't', 1)),
          unavailable(store.claimDueTimers(Date.now(), 10)),
        ]);
        expect(await within(2_000, store.ping())).toBe(false);

        await outage.restart();
        await until(() => store.ping(), 5_000);
        // The throwaway Redis keeps nothing across a restart: the store works again from scratch.
        const again = newCode();
        expect(await store.create(room(again))).toBe(true);
        expect((await store.apply(again, 'c1', append('a'))).status).toBe('applied');
        expect(await store.apply(code, 'c2', append('b'))).toEqual({ status: 'not_found' });
      });

      it('a backend that stops answering (no crash) still gets answers within 2 s', async ({ skip }) => {
        const freezable = harness.outage;
        if (!freezable) return skip('this store has no backend to lose');
        const code = newCode();
        await store.create(room(code));
        await freezable.freeze();
        try {
          await Promise.all(
            Array.from({ length: 10 }, (_, i) =>
              expect(within(2_000, store.apply(code, `f${i}`, append(`f${i}`)))).rejects.toBeInstanceOf(
                StoreUnavailableError,
              ),
            ),
          );
        } finally {
          await freezable.thaw();
        }
        // Late writes may land after the timeout (a false failure, never a false success): a retry
        // with the same id is then answered duplicate, not applied twice.
        await until(() => store.ping(), 5_000);
        for (let i = 0; i < 10; i++) {
          expect(['applied', 'duplicate']).toContain(
            (await store.apply(code, `f${i}`, append(`f${i}`))).status,
          );
        }
        const items = (await store.load(code))!.items;
        expect(new Set(items).size).toBe(items.length);
        expect(items).toHaveLength(10);
      });
    });

    describe('layout (SR-6)', () => {
      type Board = { code: string; version: number; title: string; cards: Record<string, { text: string }> };
      type BoardStore = RoomStore<Board, StepDecision<Board>>;
      const board = (code: string, cards: number): Board => ({
        code,
        version: 0,
        title: 'T'.repeat(5_000), // the phases' texts of a real room: written once, never again
        cards: Object.fromEntries(
          Array.from({ length: cards }, (_, i) => [
            `k${(i * 7919) % cards}`,
            { text: `card ${i} `.repeat(20) },
          ]),
        ),
      });
      const editCards =
        (edit: (cards: Board['cards']) => Board['cards']) =>
        (r: Board): StepDecision<Board> => ({
          ok: true,
          room: { ...r, version: r.version + 1, cards: edit(r.cards) },
          effects: [],
        });
      const withCard = (id: string, text: string) => editCards((cards) => ({ ...cards, [id]: { text } }));
      const withoutCard = (id: string) =>
        editCards((cards) => Object.fromEntries(Object.entries(cards).filter(([key]) => key !== id)));

      it('[SR-6] entries added, changed and removed read back in order, on another node, deep-equal', async () => {
        const nodeA = await harness.open<Board, StepDecision<Board>>();
        const nodeB = await harness.open<Board, StepDecision<Board>>();
        const code = newCode();
        await nodeA.create(board(code, 5));
        const steps = [
          withCard('new-1', 'one'),
          withCard('k3', 'changed'),
          withoutCard('k0'),
          withCard('k0', 'back, last now'),
          editCards((cards) => ({ front: { text: 'put first' }, ...cards })),
        ];
        let written: Board | null = null;
        for (const [i, s] of steps.entries()) {
          const node: BoardStore = i % 2 === 0 ? nodeA : nodeB;
          const result = await node.apply(code, `s${i}`, s);
          if (result.status !== 'applied') throw new Error(result.status);
          written = result.decision.room;
        }
        const expected = written as unknown as Board;
        // [SR-7] one map's entries alone, on any node; null without a room.
        expect(await nodeB.entries(code, 'cards')).toEqual(expected.cards);
        expect(await nodeB.entries(newCode(), 'cards')).toBeNull();
        for (const node of [nodeA, nodeB, await harness.open<Board, StepDecision<Board>>()]) {
          const read = (await node.load(code))!;
          expect(read).toEqual(expected);
          expect(Object.keys(read.cards)).toEqual(['front', 'k4', 'k3', 'k2', 'k1', 'new-1', 'k0']);
          expect(Object.keys(read.cards)).toEqual(Object.keys(expected.cards));
        }
      });

      it('[SR-6] a removed entry leaves no field behind; a write holds only the fields it changed', async ({
        skip,
      }) => {
        if (!harness.fieldsOf) return skip('this store keeps whole rooms');
        const node = await harness.open<Board, StepDecision<Board>>();
        const code = newCode();
        await node.create(board(code, 3));
        const before = await harness.fieldsOf(code);
        expect(before).toEqual(expect.arrayContaining(['h:keys', 'f:title', 'e:cards:k1', 'o:cards:k1']));
        await node.apply(code, 'rm', withoutCard('k1'));
        const after = await harness.fieldsOf(code);
        expect(after.filter((f) => f.includes(':k1'))).toEqual([]);
        expect(new Set(after)).toEqual(new Set(before.filter((f) => !f.includes(':k1'))));
        // An id that looks like a header field is an entry all the same.
        await node.apply(code, 'odd', withCard('h:version', 'only a card'));
        expect((await node.load(code))!.cards['h:version']).toEqual({ text: 'only a card' });
        expect((await node.load(code))!.version).toBe(2);
      });

      it('[SR-6] a write to a 1,000-card room sends about what a write to a 10-card room sends', async ({
        skip,
      }) => {
        if (!harness.bytesReceived) return skip('this store has no wire to count');
        const node = await harness.open<Board, StepDecision<Board>>();
        const sent: Record<string, number> = {};
        for (const size of [10, 1_000]) {
          const code = newCode();
          await node.create(board(code, size));
          await node.apply(code, 'warm', withCard('w', 'warm-up')); // scripts loaded, copy cached
          const start = await harness.bytesReceived();
          for (let i = 0; i < 20; i++) await node.apply(code, `c${i}`, withCard(`n${i}`, `new card ${i}`));
          sent[size] = ((await harness.bytesReceived()) - start) / 20;
        }
        // The whole 1,000-card room is over 200 KB: a write carries the new card and the header.
        expect(sent[1_000]!).toBeLessThan(1_500);
        expect(sent[1_000]! / sent[10]!).toBeLessThan(1.2);
      });

      it("[SR-8] a node holding a copy sees the next load of another node's write, and of a room made again", async () => {
        const nodeA = await harness.open<Board, StepDecision<Board>>();
        const nodeB = await harness.open<Board, StepDecision<Board>>();
        const code = newCode();
        await nodeA.create(board(code, 3));
        await nodeA.apply(code, 'a1', withCard('a', 'from A')); // A's copy: version 1, built
        expect((await nodeA.load(code))!.cards.a).toEqual({ text: 'from A' });
        await nodeB.apply(code, 'b1', withCard('b', 'from B'));
        const seen = (await nodeA.load(code))!;
        expect([seen.version, seen.cards.b]).toEqual([2, { text: 'from B' }]);
        expect(await nodeA.apply(code, 'a2', withoutCard('b'))).toMatchObject({ status: 'applied' });
        // Purged and made again under the same code at the same version: the copy is not that room.
        expect((await nodeA.load(code))!.cards.b).toBeUndefined();
        await nodeB.purge(code);
        await nodeB.create({ ...board(code, 0), version: 3, title: 'again' });
        const again = (await nodeA.load(code))!;
        expect([again.version, again.title, again.cards]).toEqual([3, 'again', {}]);
        expect(await nodeA.load(code)).toEqual(await nodeB.load(code));
        await nodeB.purge(code);
        expect(await nodeA.load(code)).toBeNull();
      });

      it('[SR-8] a load of the room this node just wrote reads its header, not the room', async ({
        skip,
      }) => {
        if (!harness.bytesSent) return skip('this store has no wire to count');
        const node = await harness.open<Board, StepDecision<Board>>();
        const other = await harness.open<Board, StepDecision<Board>>();
        const code = newCode();
        await node.create(board(code, 1_000));
        await node.apply(code, 'w', withCard('w', 'written here'));
        await node.load(code); // scripts loaded
        // What reading the count costs (the INFO answers themselves) is taken off.
        const info = -((await harness.bytesSent()) - (await harness.bytesSent()));
        const start = await harness.bytesSent();
        const current = (await node.load(code))!;
        const fromCopy = (await harness.bytesSent()) - start - info;
        await other.apply(code, 'o', withCard('o', 'written elsewhere'));
        const before = await harness.bytesSent();
        const changed = (await node.load(code))!;
        const fromStore = (await harness.bytesSent()) - before - info;
        expect([current.cards.w, changed.cards.o]).toEqual([
          { text: 'written here' },
          { text: 'written elsewhere' },
        ]);
        // The room is over 200 KB; the answer to a copy's check is a few bytes.
        expect(fromStore).toBeGreaterThan(200_000);
        expect(fromCopy).toBeLessThan(200);
      });
    });

    describe('engine', () => {
      const t0 = 1_700_000_000_000;
      let ids = 0;
      const ctx = (actor: string | null, now = t0) => ({ actor, now, newId: () => `e${++ids}` });
      const step =
        (actor: string | null, command: EngineCommand, now = t0) =>
        (r: Room) =>
          decide(r, command, ctx(actor, now));
      const join = (participantId: string, withKey = false): EngineCommand => ({
        type: 'join',
        participantId,
        displayName: participantId.toUpperCase(),
        tokenHash: `token-${participantId}`,
        ...(withKey ? { facilitatorKeyHash: 'key-hash' } : {}),
      });

      it('a codev room runs through two nodes: joins, start, time up once, a stale timer changes nothing', async () => {
        const nodeA = await harness.open<Room, Decision>();
        const nodeB = await harness.open<Room, Decision>();
        const code = newCode();
        expect(
          await nodeA.create(createRoom({ code, templateId: 'codev', facilitatorKeyHash: 'key-hash' }, t0)),
        ).toBe(true);
        expect((await nodeA.apply(code, 'j-f', step(null, join('f', true)))).status).toBe('applied');
        for (const id of ['c', 'a', 'b']) {
          expect((await nodeB.apply(code, `j-${id}`, step(null, join(id)))).status).toBe('applied');
        }
        expect(
          (
            await nodeA.apply(
              code,
              'role',
              step('f', { type: 'assign_role', participantId: 'c', role: 'client' }),
            )
          ).status,
        ).toBe('applied');
        const started = await nodeB.apply(code, 'start', step('f', { type: 'start' }));
        if (started.status !== 'applied') throw new Error(`start: ${started.status}`);
        const timer = started.decision.effects.find((e) => e.type === 'schedule_timer');
        if (timer?.type !== 'schedule_timer') throw new Error('start scheduled no timer');

        // The apply scheduled it: it is due at its deadline, on any node, once.
        expect(await nodeA.claimDueTimers(timer.at - 1, 10)).toEqual([]);
        expect(await nodeA.claimDueTimers(timer.at, 10)).toEqual([
          { code, timerId: timer.timerId, at: timer.at },
        ]);
        expect(await nodeB.claimDueTimers(timer.at, 10)).toEqual([]);

        const timeUp: EngineCommand = { type: 'time_up', timerId: timer.timerId };
        const fired = await nodeA.apply(code, null, step(null, timeUp, timer.at));
        expect(fired.status).toBe('applied');
        const version = (await nodeB.load(code))!.version;
        expect(version).toBe(7);
        expect(await nodeB.apply(code, null, step(null, timeUp, timer.at + 10))).toMatchObject({
          status: 'refused',
          code: 'stale_timer',
        });
        expect((await nodeA.load(code))!.version).toBe(version);
      });

      it('[SR-6] an engine room read back on another node equals the room written, its maps in the same order', async () => {
        const nodeA = await harness.open<Room, Decision>();
        const nodeB = await harness.open<Room, Decision>();
        const code = newCode();
        await nodeA.create(createRoom({ code, templateId: 'codev', facilitatorKeyHash: 'key-hash' }, t0));
        let last: Room | null = null;
        const must = async (
          store: RoomStore<Room, Decision>,
          actor: string | null,
          command: EngineCommand,
        ) => {
          const result = await store.apply(code, null, step(actor, command));
          if (result.status !== 'applied') throw new Error(`${command.type}: ${result.status}`);
          last = result.decision.room;
        };
        await must(nodeA, null, join('f', true));
        for (const id of ['zed', 'amy', 'bob', 'cat']) await must(nodeB, null, join(id));
        await must(nodeA, 'f', { type: 'remove_participant', participantId: 'amy' });
        await must(nodeB, 'bob', { type: 'logbook_add', sealed: sealedOf('a note') });
        await must(nodeA, 'f', { type: 'lock_room' });
        const read = (await nodeB.load(code))!;
        const written = last as unknown as Room;
        expect(read).toEqual(written);
        expect(Object.keys(read)).toEqual(Object.keys(written));
        expect(Object.keys(read.participants)).toEqual(['f', 'zed', 'bob', 'cat']);
        expect(Object.keys(read.logbooks)).toEqual(Object.keys(written.logbooks));
        expect(await nodeA.load(code)).toEqual(written);
      });

      it('[SR-7] the header tells version, status and lock without the room; null for an unknown code', async () => {
        const code = newCode();
        const node = await harness.open<Room, Decision>();
        expect(await node.header(code)).toBeNull();
        await node.create(createRoom({ code, templateId: 'codev', facilitatorKeyHash: 'key-hash' }, t0));
        expect(await node.header(code)).toEqual({ version: 0, status: 'lobby', locked: false });
        await node.apply(code, null, step(null, join('f', true)));
        await node.apply(code, null, step('f', { type: 'lock_room' }));
        expect(await store.header(code)).toEqual({ version: 2, status: 'lobby', locked: true });
        await node.apply(code, null, step('f', { type: 'end', purge: false }));
        expect(await store.header(code)).toEqual({ version: 3, status: 'ended', locked: true });
        await node.purge(code);
        expect(await store.header(code)).toBeNull();
      });

      it('notes written at once on two nodes by two people are all kept', async () => {
        const nodeA = await harness.open<Room, Decision>();
        const nodeB = await harness.open<Room, Decision>();
        const code = newCode();
        await nodeA.create(createRoom({ code, templateId: 'codev', facilitatorKeyHash: 'key-hash' }, t0));
        await nodeA.apply(code, 'j-a', step(null, join('a')));
        await nodeB.apply(code, 'j-b', step(null, join('b')));
        const writes: Promise<{ status: string }>[] = [];
        for (let i = 0; i < 100; i++) {
          writes.push(
            nodeA.apply(code, `a-${i}`, step('a', { type: 'logbook_add', sealed: sealedOf(`note a${i}`) })),
          );
          writes.push(
            nodeB.apply(code, `b-${i}`, step('b', { type: 'logbook_add', sealed: sealedOf(`note b${i}`) })),
          );
        }
        expect((await Promise.all(writes)).every((r) => r.status === 'applied')).toBe(true);
        const final = (await nodeB.load(code))!;
        expect(final.version).toBe(202);
        expect(Object.keys(final.logbooks.a ?? {})).toHaveLength(100);
        expect(Object.keys(final.logbooks.b ?? {})).toHaveLength(100);
      });
    });
  });
}
