import type { Snapshot } from '@cercle/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keyNames, slotOf } from '../../server/src/cluster/keys.js';
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
    await node?.close();
    await cluster?.stop();
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
