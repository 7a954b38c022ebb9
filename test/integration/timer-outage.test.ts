import { Writable } from 'node:stream';
import type { RoomEvent } from '@cercle/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type App, buildApp } from '../../server/src/app.js';
import { clusterSeam } from '../../server/src/cluster/seam.js';
import { loadConfig } from '../../server/src/config.js';
import { createLogger } from '../../server/src/log.js';
import type { DueTimer } from '../../server/src/store/interface.js';
import { createRoom, join, type TestParticipant } from '../support/clients.js';
import { type RedisServer, startRedisServer } from '../support/redisServer.js';

/**
 * A timer claimed from Redis just before Redis dies must not be lost: its `time_up` was not stored, so
 * its lease lapses and it is claimed again once Redis is back (TM-10; TM-5: applied once).
 */
describe('a timer due while Redis dies', () => {
  let redis: RedisServer;
  let app: App;
  let url: string;
  /** Runs once, between the claim of a due timer and its firing. */
  let onClaim: ((due: DueTimer[]) => Promise<void>) | null = null;
  const people: TestParticipant[] = [];

  beforeAll(async () => {
    redis = await startRedisServer({ durable: true });
    const config = loadConfig({
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      REDIS_URL: redis.url,
      STORE_TIMEOUT_MS: '300',
      TIMER_POLL_MS: '50',
    });
    const logger = createLogger(config.LOG_LEVEL, new Writable({ write: (_c, _e, done) => done() }));
    const store = await clusterSeam(config).openStore(logger);
    // The real store, with a hook right after a claim returned due timers.
    const hooked = new Proxy(store, {
      get(target, prop) {
        if (prop === 'claimDueTimers') {
          return async (now: number, limit: number) => {
            const due = await target.claimDueTimers(now, limit);
            const hook = onClaim;
            if (due.length > 0 && hook) {
              onClaim = null;
              await hook(due);
            }
            return due;
          };
        }
        const value = Reflect.get(target, prop, target);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    app = await buildApp({ config, store: hooked, logger });
    await app.http.listen({ port: 0, host: '127.0.0.1' });
    const address = app.http.server.address();
    url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  });
  afterAll(async () => {
    for (const p of people) p.close();
    await app?.close();
    await redis?.stop();
  });

  it('[TM-5][TM-10] Redis killed right after the claim, restarted: "time is up" is still applied, once', async () => {
    const { code } = await createRoom(url, { template: 'peer-coaching' });
    const eve = await join(url, { code, name: 'Eve' }, 'Eve');
    const olga = await join(url, { code, name: 'Olga' }, 'Olga');
    people.push(eve, olga);
    await eve.must({ type: 'start' });
    const claimed = new Promise<DueTimer[]>((resolve) => {
      onClaim = async (due) => {
        // The timer is out of the shared set; Redis dies before "time is up" can be stored.
        await redis.kill();
        resolve(due);
      };
    });
    // Bring the phase's deadline to ~1 s from now.
    const timer = eve.view!.timer!;
    await eve.must({ type: 'add_time', ms: -(timer.durationMs - 1_000) });
    const due = await claimed;
    expect(due.map((t) => t.code)).toContain(code);
    expect(eve.view!.timer!.expiredAt).toBeNull();

    await new Promise((r) => setTimeout(r, 1_500));
    await redis.restart();
    // Read from the store (a snapshot), not only from the broadcasts, which may have been lost meanwhile.
    const expiredAt = async () => {
      await eve.sync().catch(() => {});
      return eve.view?.timer?.expiredAt ?? null;
    };
    await expect.poll(expiredAt, { timeout: 15_000, interval: 250 }).not.toBeNull();
    // Every retry after that is stale: exactly one "time is up".
    await new Promise((r) => setTimeout(r, 1_000));
    const timeUps = (p: TestParticipant) =>
      p.patches.flatMap((patch) => patch.events).filter((e: RoomEvent) => e.type === 'time_up');
    expect(timeUps(eve)).toEqual([{ type: 'time_up', scope: 'phase' }]);
    expect(timeUps(olga)).toHaveLength(1);
  });
});
