import type { Snapshot } from '@cercle/shared';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keyNames, slotOf } from '../../server/src/cluster/keys.js';
import { StoreUnavailableError } from '../../server/src/store/interface.js';
import { RedisRoomStore } from '../../server/src/store/redis.js';
import { createRoom, join, type TestParticipant } from '../support/clients.js';
import { type RedisCluster, startRedisCluster } from '../support/redisCluster.js';
import { startTestServer, type TestServer } from '../support/testServer.js';

const fast = {
  COMMAND_RATE: '5000',
  COMMAND_BURST: '5000',
  JOIN_RATE_PER_IP: '1000',
  STORE_TIMEOUT_MS: '500',
};

/**
 * SC-4: an acknowledgement means stored, on a cluster too. The primary holding a room is killed while
 * cards are being posted, then restarted from its append-only file (`appendfsync always`): every card
 * that was acknowledged is in the room afterwards.
 */
describe('[SC-4] a Redis Cluster primary killed and restarted from its append-only file', () => {
  let cluster: RedisCluster;
  let node: TestServer;
  const people: TestParticipant[] = [];
  beforeAll(async () => {
    cluster = await startRedisCluster({ primaries: 3, durable: true });
    node = await startTestServer({ REDIS_CLUSTER_NODES: cluster.nodesSetting, ...fast });
  }, 30_000);
  afterAll(async () => {
    for (const p of people) p.close();
    try {
      await node?.close();
    } finally {
      await cluster?.stop();
    }
  });

  it('loses no acknowledged card', async () => {
    const { code, facilitatorKey } = await createRoom(node.url, { template: 'codev' });
    const facilitator = await join(node.url, { code, name: 'Fanny', facilitatorKey: facilitatorKey! }, 'f');
    const client = await join(node.url, { code, name: 'Claire' }, 'client');
    const consultant = await join(node.url, { code, name: 'Camille' }, 'c1');
    const other = await join(node.url, { code, name: 'Côme' }, 'c2');
    people.push(facilitator, client, consultant, other);
    await facilitator.must({ type: 'assign_role', participantId: client.participantId, role: 'client' });
    await facilitator.must({ type: 'start' });
    await facilitator.must({ type: 'next_phase', from: 0 });

    const primary = await cluster.primaryOf(slotOf(keyNames().room(code)));
    const acknowledged: string[] = [];
    const post = async (text: string) => {
      const ack = await consultant.send({ type: 'post_card', kind: 'question', text });
      if (ack.ok) acknowledged.push(text);
    };
    for (let i = 0; i < 20; i++) await post(`before ${i}`);
    // Cards in flight while the room's primary dies: some are refused, none acknowledged and lost.
    const during = Array.from({ length: 20 }, (_, i) => post(`during ${i}`));
    await primary.kill();
    await Promise.all(during);
    await primary.restart();
    await cluster.ready();
    // Posting again works once the cluster is whole: the node reconnects by itself.
    await expect
      .poll(async () => (await consultant.send({ type: 'post_card', kind: 'question', text: 'after' })).ok, {
        timeout: 15_000,
        interval: 200,
      })
      .toBe(true);
    acknowledged.push('after');

    const snapshot = await node.app.rooms.snapshot(code, facilitator.participantId);
    expect(snapshot.ok).toBe(true);
    if (!snapshot.ok) return;
    const stored = new Set(
      Object.values((JSON.parse(snapshot.value.json.text) as Snapshot).view.cards).map((card) => card.text),
    );
    console.log(
      `room's primary killed mid-posting: ${acknowledged.length} cards acknowledged, ${stored.size} stored`,
    );
    expect(acknowledged.length).toBeGreaterThanOrEqual(21);
    for (const text of acknowledged) expect(stored.has(text), text).toBe(true);
  });
});

/**
 * OP-7: a node's shutdown ends whatever Redis does. A new connection to a Redis Cluster whose state is
 * `fail` (a primary down) fails its ready check and reconnects by itself, and the promise of its
 * opening was never settled: the room watch's first look (SR-3) opening its connection then, and the
 * shutdown awaiting that look, waited for good (a CI run's node never closed). The opening now gives up
 * within the store's timeout, is tried again by the next look, and the store closes.
 */
describe('[OP-7][SR-3] room versions read while a Redis Cluster primary is down', () => {
  let cluster: RedisCluster;
  beforeAll(async () => {
    cluster = await startRedisCluster({ primaries: 3 });
  }, 30_000);
  afterAll(async () => {
    await cluster?.stop();
  });

  it('the watch connection opening then gives up, opens once the cluster is whole, and the store closes', async () => {
    const store = await RedisRoomStore.connect(
      { cluster: cluster.nodes.map((n) => ({ host: '127.0.0.1', port: n.port })) },
      { callTimeoutMs: 500 },
    );
    try {
      const [down, up] = cluster.nodes;
      await down!.kill();
      // The other primaries mark it failed (cluster-node-timeout 2 s): a new connection's ready check fails.
      await expect
        .poll(async () => (await clusterInfo(up!.port)).includes('cluster_state:fail'), {
          timeout: 20_000,
          interval: 100,
        })
        .toBe(true);
      await expect(store.versions(['ABCDEF'])).rejects.toBeInstanceOf(StoreUnavailableError);

      await down!.restart();
      await cluster.ready();
      await expect
        .poll(() => store.versions(['ABCDEF']).catch((error: unknown) => String(error)), {
          timeout: 15_000,
          interval: 200,
        })
        .toEqual([null]);
    } finally {
      await store.close();
    }
  });
});

async function clusterInfo(port: number): Promise<string> {
  const client = new Redis(port, { lazyConnect: true, maxRetriesPerRequest: 0 });
  try {
    await client.connect();
    return await client.cluster('INFO');
  } catch {
    return '';
  } finally {
    client.disconnect();
  }
}
