import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join as joinPath } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createRoom, join, type TestParticipant } from '../support/clients.js';
import { type RedisServer, startRedisServer } from '../support/redisServer.js';
import type { ServerProcess } from '../support/serverProcess.js';
import { startedPair, startNode, stopNode, until } from './cluster.js';

/** Every file under `dir`, read whole (Redis 7 keeps its append-only files in `appendonlydir/`). */
function diskText(dir: string): string {
  let text = '';
  for (const name of readdirSync(dir)) {
    const path = joinPath(dir, name);
    text += statSync(path).isDirectory() ? diskText(path) : readFileSync(path, 'latin1');
  }
  return text;
}

/** SR-1, SR-4: retries applied once whatever the delay; a purged text leaves Redis's disk. */
describe('faults: commands', () => {
  let redis: RedisServer;
  const nodes: ServerProcess[] = [];
  const people: TestParticipant[] = [];

  beforeAll(async () => {
    redis = await startRedisServer({ durable: true });
  });
  afterEach(async () => {
    for (const p of people.splice(0)) p.close();
    await Promise.all(nodes.splice(0).map(stopNode));
  });
  afterAll(async () => {
    await redis?.stop();
  });

  it('[SR-1] a retry after 1,000 other commands is applied once; a reused id with another payload or sender is refused', async () => {
    const a = await startNode({ REDIS_URL: redis.url });
    const b = await startNode({ REDIS_URL: redis.url });
    nodes.push(a, b);
    const { eve, olga } = await startedPair(a.url, b.url);
    people.push(eve, olga);
    const id = randomUUID();
    const first = await eve.send({ type: 'add_time', ms: 60_000 }, id);
    expect(first.ok).toBe(true);
    const durationAfterFirst = eve.view!.timer!.durationMs;
    // 1,000 other commands (time added and taken back), in batches.
    for (let i = 0; i < 1_000; i += 100) {
      const acks = await Promise.all(
        Array.from({ length: 100 }, (_, k) =>
          eve.send({ type: 'add_time', ms: (i + k) % 2 ? -1_000 : 1_000 }),
        ),
      );
      expect(acks.every((ack) => ack.ok)).toBe(true);
    }
    // The retry, through the other node: answered ok with the current version, not applied again.
    const tab = await join(b.url, { code: eve.view!.code, resumeToken: eve.resumeToken }, 'Eve on B');
    people.push(tab);
    const version = tab.version;
    const retry = await tab.send({ type: 'add_time', ms: 60_000 }, id);
    expect(retry).toEqual({ ok: true, version });
    await tab.sync();
    expect(tab.version).toBe(version);
    expect(tab.view!.timer!.durationMs).toBe(durationAfterFirst);

    // The same id with another payload, or from another participant: refused, nothing stored.
    expect(await tab.send({ type: 'add_time', ms: 120_000 }, id)).toMatchObject({
      ok: false,
      error: { code: 'id_reused' },
    });
    expect(await olga.send({ type: 'add_time', ms: 60_000 }, id)).toMatchObject({
      ok: false,
      error: { code: 'id_reused' },
    });
    await tab.sync();
    expect(tab.version).toBe(version);
  });

  it('[SR-4] a purged canary leaves the append-only file within the documented time (60 s; the first purge at once)', async () => {
    const a = await startNode({ REDIS_URL: redis.url });
    nodes.push(a);
    const canary = `canary${randomUUID().replaceAll('-', '')}`;
    const { code, facilitatorKey } = await createRoom(a.url, { template: 'codev', title: canary });
    const f = await join(a.url, { code, name: 'F', facilitatorKey: facilitatorKey! }, 'F');
    people.push(f);
    await until(() => diskText(redis.dir).includes(canary), 5_000, 'the canary on disk');
    expect(await f.send({ type: 'end', purge: true })).toMatchObject({ ok: true });
    const purgedAt = Date.now();
    await until(() => !diskText(redis.dir).includes(canary), 65_000, 'the canary gone from the disk');
    console.log(
      `purged canary gone from Redis's append-only file ${Date.now() - purgedAt} ms after the purge`,
    );
  }, 90_000);
});
