import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { join, nextEvent, type TestParticipant } from '../support/clients.js';
import { type RedisServer, startRedisServer } from '../support/redisServer.js';
import { sealedOf } from '../support/sealed.js';
import type { ServerProcess } from '../support/serverProcess.js';
import { startedPair, startNode, stopNode, until } from './cluster.js';

/** SR-2, SR-3: every stored change reaches every client; a lost store is said, not hidden. */
describe('faults: delivery', () => {
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

  it('[SR-2] SIGTERM of a node with a burst in flight: no client on the other node is behind 2 s later', async () => {
    const a = await startNode({ REDIS_URL: redis.url });
    const b = await startNode({ REDIS_URL: redis.url });
    nodes.push(a, b);
    const { code, eve, olga } = await startedPair(a.url, b.url);
    people.push(eve, olga);
    // Eve (on A) posts 90 cards at once; A is stopped while they are in flight.
    const sent = Array.from({ length: 90 }, (_, i) =>
      eve.send({ type: 'logbook_add', sealed: sealedOf(`note ${i}`) }).catch(() => null),
    );
    await new Promise((r) => setTimeout(r, 15));
    a.child.kill('SIGTERM');
    await a.exited;
    await Promise.all(sent);
    const stoppedAt = Date.now();
    // What the store holds, read through B (Eve's seat opened again there).
    const reader = await join(b.url, { code, resumeToken: eve.resumeToken }, 'Eve on B');
    people.push(reader);
    const stored = reader.version;
    await until(
      () => olga.version >= stored,
      2_000 - (Date.now() - stoppedAt),
      'Olga caught up with the store',
    );
    console.log(
      `burst cut by SIGTERM: ${stored} versions stored, Olga (other node) at ${olga.version} ${Date.now() - stoppedAt} ms after the stop`,
    );
    expect(olga.version).toBeGreaterThanOrEqual(stored);
  });

  it('[SR-5] a frozen node: its clients learn it within 10 s (heartbeat), and reach the room through another node', async () => {
    const a = await startNode({ REDIS_URL: redis.url });
    const b = await startNode({ REDIS_URL: redis.url });
    nodes.push(a, b);
    const { code, eve, olga } = await startedPair(a.url, b.url);
    people.push(eve, olga);
    const dropped = new Promise<string>((resolve) => eve.socket.once('disconnect', resolve));
    a.child.kill('SIGSTOP');
    const frozenAt = Date.now();
    try {
      const reason = await dropped;
      const ms = Date.now() - frozenAt;
      console.log(`frozen node: its client dropped it after ${ms} ms (${reason})`);
      expect(reason).toBe('ping timeout');
      expect(ms).toBeLessThan(10_000);
      // Back through the other node with the same seat, and a command goes through.
      const back = await join(b.url, { code, resumeToken: eve.resumeToken }, 'Eve on B');
      people.push(back);
      expect((await back.send({ type: 'add_time', ms: 60_000 })).ok).toBe(true);
    } finally {
      a.child.kill('SIGCONT');
    }
  }, 60_000);

  it('[SR-3] Redis restarted empty: every connected client is told the room is lost; /readyz and the log say it', async () => {
    const a = await startNode({ REDIS_URL: redis.url });
    const b = await startNode({ REDIS_URL: redis.url });
    nodes.push(a, b);
    const { code, eve, olga } = await startedPair(a.url, b.url);
    people.push(eve, olga);
    await eve.must({ type: 'logbook_add', sealed: sealedOf('a note nobody will see again') });
    const told = [eve, olga].map((p) =>
      nextEvent(p.socket, 'session:ended', (e) => e.reason === 'lost', 10_000),
    );
    await redis.kill();
    await redis.restart(); // no persistence: it comes back empty
    const reasons = await Promise.all(told);
    expect(reasons).toEqual([{ reason: 'lost' }, { reason: 'lost' }]);
    for (const node of [a, b]) {
      const ready = await fetch(`${node.url}/readyz`);
      expect(ready.status).toBe(503);
      expect(await ready.json()).toMatchObject({ reason: 'store_lost' });
    }
    await until(() => /"rooms_lost"/.test(a.stdout() + b.stdout()), 2_000, 'an error line');
    const lines = (a.stdout() + b.stdout()).split('\n').filter((l) => l.includes('"rooms_lost"'));
    expect(lines.every((l) => l.includes('"level":50'))).toBe(true);
    expect(lines.join('\n')).not.toContain(code);
  });
});
