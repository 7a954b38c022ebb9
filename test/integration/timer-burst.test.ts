import { Writable } from 'node:stream';
import { type Command, type RoomPatch, timerDeadline } from '@cercle/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../server/src/log.js';
import { combineObservers } from '../../server/src/observe/observer.js';
import { silentPublisher } from '../../server/src/rooms/publisher.js';
import { type EngineStore, RoomService } from '../../server/src/rooms/roomService.js';
import { RedisRoomStore } from '../../server/src/store/redis.js';
import { TimerPoller } from '../../server/src/store/timers.js';
import { type RedisServer, startRedisServer } from '../support/redisServer.js';

const ROOMS = 1_000;

/** The store's call timeout as a deployment has it by default (STORE_TIMEOUT_MS). */
const STORE_TIMEOUT_MS = 1_000;

/**
 * TM-11: a thousand deadlines due at the same moment, on one node over a real Redis, as the bench's
 * timers scenario: every room gets "time is up" once, and no caller is answered store_unavailable.
 * (The watchdog's own case, a node blocked for longer than the call timeout again and again, is
 * test/integration/redisStore.test.ts's; the firings' slices are timer-poller.test.ts's.)
 */
describe('a thousand deadlines at once', () => {
  let redis: RedisServer;
  let store: RedisRoomStore;
  let rooms: RoomService;
  let poller: TimerPoller;
  const logged: string[] = [];
  let storeUnavailable = 0;
  const fired: string[] = [];
  /** Per room: the "time is up" events its patches carried, and the versions they told. */
  const timeUps = new Map<string, number>();
  const versions = new Map<string, number>();

  beforeAll(async () => {
    redis = await startRedisServer();
    store = await RedisRoomStore.connect(redis.url, { callTimeoutMs: STORE_TIMEOUT_MS });
    const logger = createLogger(
      'warn',
      new Writable({
        write(chunk, _encoding, done) {
          logged.push(String(chunk));
          done();
        },
      }),
    );
    rooms = new RoomService({
      store: store as unknown as EngineStore,
      logger,
      storeTimeoutMs: STORE_TIMEOUT_MS,
      observer: combineObservers([
        {
          storeUnavailable: () => storeUnavailable++,
          timerFired: (outcome) => fired.push(outcome),
        },
      ]),
    });
    rooms.publisher = {
      ...silentPublisher,
      patch: (code: string, message: RoomPatch) => {
        versions.set(code, message.to);
        const ups = message.events.filter((e) => e.type === 'time_up').length;
        if (ups > 0) timeUps.set(code, (timeUps.get(code) ?? 0) + ups);
      },
    };
    poller = new TimerPoller(store, { intervalMs: 50 });
  });

  afterAll(async () => {
    await poller?.stop();
    rooms?.stop();
    await store?.close();
    await redis?.stop();
  });

  it('[TM-11][TM-10][TM-5] fire once each, none answered store_unavailable', async () => {
    const ok = async (code: string, actor: string, id: string, command: Command) => {
      const ack = await rooms.command(code, actor, id, command);
      if (!ack.ok) throw new Error(`${command.type} refused: ${ack.error.code}`);
    };
    // A thousand running peer-coaching rooms of two, each with its phase timer.
    const codes = await Promise.all(
      Array.from({ length: ROOMS }, async (_, i) => {
        const opened = await rooms.createRoom({ templateId: 'peer-coaching' });
        if (!opened.ok) throw new Error('room refused');
        const eve = await rooms.join(opened.code, { name: `Eve ${i}` });
        const olga = await rooms.join(opened.code, { name: `Olga ${i}` });
        if (!eve.ok || !olga.ok) throw new Error('join refused');
        await ok(opened.code, eve.value.participantId, 'start', { type: 'start' });
        return { code: opened.code, driver: eve.value.participantId };
      }),
    );
    poller.start((due) => rooms.fireTimer(due.code, due.timerId, due.at));

    // Every deadline moved to the same moment, once all are set.
    const at = Date.now() + 5_000;
    await Promise.all(
      codes.map(async ({ code, driver }) => {
        const timer = (await store.load(code))!.timer!;
        await ok(code, driver, 'deadline', { type: 'add_time', ms: at - timerDeadline(timer) });
      }),
    );
    expect(Date.now()).toBeLessThan(at); // the deadlines are due together, not one by one as set
    const before = new Map(codes.map(({ code }) => [code, versions.get(code)!]));

    await expect.poll(() => timeUps.size, { timeout: 30_000, interval: 50 }).toBe(ROOMS);
    // Two lease periods more (TM-10): a timer fired twice would have been by now.
    await new Promise((r) => setTimeout(r, 2_500));

    expect(storeUnavailable).toBe(0);
    expect(logged.filter((line) => line.includes('store_unavailable'))).toEqual([]);
    // Each fired and stored once; a timer claimed again after its lease (a slow node) may only be
    // refused as stale, never stored twice nor refused store_unavailable.
    expect(fired.filter((outcome) => outcome === 'ok')).toHaveLength(ROOMS);
    expect(fired.filter((outcome) => outcome !== 'ok' && outcome !== 'stale_timer')).toEqual([]);
    for (const { code } of codes) {
      expect(timeUps.get(code)).toBe(1);
      // One version on: "time is up", stored once.
      expect(versions.get(code)).toBe(before.get(code)! + 1);
      const room = (await store.load(code))!;
      expect(room.timer!.expiredAt).not.toBeNull();
    }
  });
});
