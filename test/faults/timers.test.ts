import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { join, type TestParticipant } from '../support/clients.js';
import { type RedisServer, startRedisServer } from '../support/redisServer.js';
import type { ServerProcess } from '../support/serverProcess.js';
import { deadlineIn, startedPair, startNode, stopNode, timeUps, until } from './cluster.js';

/** TM-10: a due timer is never lost to a Redis stall or to the death of the node that claimed it. */
describe('faults: timers', () => {
  let redis: RedisServer;
  const nodes: ServerProcess[] = [];
  const people: TestParticipant[] = [];

  beforeAll(async () => {
    redis = await startRedisServer();
  });
  afterEach(async () => {
    for (const p of people.splice(0)) p.close();
    await Promise.all(nodes.splice(0).map(stopNode));
  });
  afterAll(async () => {
    await redis?.stop();
  });

  it('[TM-10][TM-5] a timer due during a 1.5 s Redis freeze fires once, soon after the thaw', async () => {
    const a = await startNode({ REDIS_URL: redis.url, TIMER_POLL_MS: '50' });
    const b = await startNode({ REDIS_URL: redis.url, TIMER_POLL_MS: '50' });
    nodes.push(a, b);
    const { eve, olga } = await startedPair(a.url, b.url);
    people.push(eve, olga);
    const due = await deadlineIn(eve, 600);
    await olga.reach(eve.version);
    const before = eve.version;
    // Frozen from before the deadline to 1.5 s later: every claim and firing meanwhile waits in Redis.
    await new Promise((r) => setTimeout(r, Math.max(0, due - 300 - Date.now())));
    redis.freeze();
    await new Promise((r) => setTimeout(r, 1_500));
    redis.thaw();
    const thawedAt = Date.now();
    // Read from the store (a snapshot): a patch may have been lost with the freeze.
    await until(
      async () => {
        await olga.sync().catch(() => {});
        return olga.view?.timer?.expiredAt != null;
      },
      5_000,
      'time is up after the thaw',
    );
    const firedAfterThawMs = Date.now() - thawedAt;
    console.log(`timer due during a 1.5 s freeze: applied ${firedAfterThawMs} ms after the thaw`);
    // Several lease periods more: a second firing would have happened by now.
    await new Promise((r) => setTimeout(r, 2_500));
    await eve.sync();
    await olga.sync();
    expect(eve.view!.timer!.expiredAt).toBe(olga.view!.timer!.expiredAt);
    expect(timeUps(eve).length).toBeLessThanOrEqual(1);
    expect(timeUps(olga).length).toBeLessThanOrEqual(1);
    // Once: the room went exactly one version on ("time is up"), whatever the leases did meanwhile.
    expect([eve.version, olga.version]).toEqual([before + 1, before + 1]);
    expect(firedAfterThawMs).toBeLessThan(3_000);
  });

  it('[TM-10] a node killed right after claiming due timers loses none: another node fires each once', async () => {
    // Node A dies (SIGKILL, from inside) as soon as a claim of due timers returns some.
    const a = await startNode({ REDIS_URL: redis.url, TIMER_POLL_MS: '50' }, [
      'test/faults/killAfterClaim.ts',
    ]);
    nodes.push(a);
    const rooms: { code: string; eve: TestParticipant; version: number }[] = [];
    for (let i = 0; i < 8; i++) {
      const { code, eve, olga } = await startedPair(a.url);
      people.push(eve, olga);
      rooms.push({ code, eve, version: 0 });
    }
    // Every deadline at the same moment, 1.5 s from now.
    const at = Date.now() + 1_500;
    for (const room of rooms) {
      await deadlineIn(room.eve, at - Date.now());
      room.version = room.eve.version;
    }
    const exit = await a.exited.then(() => a.child.signalCode);
    expect(exit).toBe('SIGKILL');
    const diedAt = Date.now();

    // Node B comes up after A died: it finds the claimed timers once their lease ends.
    const b = await startNode({ REDIS_URL: redis.url, TIMER_POLL_MS: '50' });
    nodes.push(b);
    const back = await Promise.all(
      rooms.map((room) => join(b.url, { code: room.code, resumeToken: room.eve.resumeToken }, 'Eve on B')),
    );
    people.push(...back);
    await until(
      async () => {
        await Promise.all(back.map((p) => p.sync().catch(() => {})));
        return back.every((p) => p.view?.timer?.expiredAt != null);
      },
      10_000,
      'every timer fired on node B',
    );
    console.log(
      `timers claimed by a node killed at once: all ${rooms.length} fired ${Date.now() - diedAt} ms later`,
    );
    await new Promise((r) => setTimeout(r, 2_000));
    await Promise.all(back.map((p) => p.sync()));
    // Once each: "time is up" (+1) and nothing more, whatever the leases did meanwhile.
    expect(back.map((p) => p.version)).toEqual(rooms.map((room) => room.version + 1));
  });
});
