import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join as joinPath } from 'node:path';
import type { CommandAck } from '@cercle/shared';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createRoom, join, type TestParticipant } from '../support/clients.js';
import { type RedisServer, startRedisServer } from '../support/redisServer.js';
import type { ServerProcess } from '../support/serverProcess.js';
import { startedPair, startNode, stopNode, until } from './cluster.js';

/**
 * Every file under `dir`, read whole (Redis 7 keeps its append-only files in `appendonlydir/`), or null
 * when a file vanished while being read (a rewrite renames and deletes them): the caller looks again,
 * since a listing taken mid-rewrite may miss the file that replaced it.
 */
function diskText(dir: string): string | null {
  let text = '';
  try {
    for (const name of readdirSync(dir)) {
      const path = joinPath(dir, name);
      if (statSync(path).isDirectory()) {
        const inner = diskText(path);
        if (inner === null) return null;
        text += inner;
      } else text += readFileSync(path, 'latin1');
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
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
    // Eve's seat opened on B too: the 1,000 other commands go through both nodes (each node holds a
    // room to 20 commands a second, HT-3).
    const tab = await join(b.url, { code: eve.view!.code, resumeToken: eve.resumeToken }, 'Eve on B');
    people.push(tab);
    // 1,000 other commands (time added and taken back). A client waits and retries with the same id
    // what is refused for its rate or came back store_unavailable.
    const sendSure = async (who: TestParticipant, command: { type: 'add_time'; ms: number }) => {
      const commandId = randomUUID();
      for (let attempt = 0; attempt < 200; attempt++) {
        const ack = await who.send(command, commandId);
        if (ack.ok || !['store_unavailable', 'rate_limited'].includes(ack.error.code)) return ack;
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error('never accepted');
    };
    // Paced under the rooms' budgets (19 a second per node), so that the client is not cut off for
    // sending past them.
    const sent: Promise<CommandAck>[] = [];
    const pacedFrom = Date.now();
    for (let k = 0; k < 1_000; k++) {
      const wait = pacedFrom + k * 26 - Date.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      sent.push(sendSure(k % 2 ? eve : tab, { type: 'add_time', ms: k % 4 < 2 ? 1_000 : -1_000 }));
    }
    const acks = await Promise.all(sent);
    expect(acks.filter((ack) => !ack.ok)).toEqual([]);
    // The retry, through the other node: answered ok with the current version, not applied again. The
    // timer is the witness: the 1,000 commands added and took back as much, and whatever else is written
    // meanwhile (on a loaded machine a seat may be marked away and back, a write of its own, so the version
    // may move past the sync's) leaves it alone.
    await tab.sync();
    const version = tab.version;
    const retry = await tab.send({ type: 'add_time', ms: 60_000 }, id);
    expect(retry).toMatchObject({ ok: true });
    expect(Object.keys(retry).sort()).toEqual(['ok', 'version']);
    const retryVersion = (retry as { version: number }).version;
    expect(retryVersion).toBeGreaterThanOrEqual(version);
    await tab.sync();
    expect(tab.version).toBeGreaterThanOrEqual(retryVersion);
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
    expect(tab.view!.timer!.durationMs).toBe(durationAfterFirst);

    // SR-5: a page that gave up on commands asks which were stored; a check applies nothing.
    // (Syncs are held to one a second per seat, HT-3: a refusal for the rate is waited out.)
    const ask = () =>
      tab.socket.timeout(5_000).emitWithAck('room:sync', {
        check: [
          { id, command: { type: 'add_time', ms: 60_000 } },
          { id, command: { type: 'add_time', ms: 120_000 } },
          { id: randomUUID(), command: { type: 'add_time', ms: 60_000 } },
        ],
      });
    let check = await ask();
    for (let wait = 0; !check.ok && check.error.code === 'rate_limited' && wait < 10; wait++) {
      await new Promise((r) => setTimeout(r, 1_000));
      check = await ask();
    }
    expect(check).toMatchObject({ ok: true, stored: [id] });
    await tab.sync();
    expect(tab.view!.timer!.durationMs).toBe(durationAfterFirst);
  }, 120_000);

  it('[SR-4] a purged canary leaves the append-only file within the documented time (60 s; the first purge at once)', async () => {
    const a = await startNode({ REDIS_URL: redis.url });
    nodes.push(a);
    const canary = `canary${randomUUID().replaceAll('-', '')}`;
    const { code, facilitatorKey } = await createRoom(a.url, { template: 'codev', title: canary });
    const f = await join(a.url, { code, name: 'F', facilitatorKey: facilitatorKey! }, 'F');
    people.push(f);
    await until(() => diskText(redis.dir)?.includes(canary) === true, 5_000, 'the canary on disk');
    expect(await f.send({ type: 'end', purge: true })).toMatchObject({ ok: true });
    const purgedAt = Date.now();
    await until(
      () => diskText(redis.dir)?.includes(canary) === false,
      65_000,
      'the canary gone from the disk',
    );
    console.log(
      `purged canary gone from Redis's append-only file ${Date.now() - purgedAt} ms after the purge`,
    );
  }, 90_000);
});
