import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FanOutStats } from '../../server/src/cluster/adapter.js';
import { seatChannel } from '../../server/src/realtime/channels.js';
import { converged, createRoom, join, type TestParticipant } from '../support/clients.js';
import { fastCommands, oneRedis, type SharedRedis, threePrimaries } from '../support/sharedRedis.js';
import { startTestServer, type TestServer } from '../support/testServer.js';

const fast = fastCommands;

/**
 * SC-1: a room's broadcasts reach only the nodes with someone in that room, and a node drops its own
 * echo undecoded. Three nodes on one Redis; each node's adapter counts what it published, received
 * (decoded) and dropped as its own.
 */
type Shared = SharedRedis;

describe.each([
  ['one Redis', oneRedis],
  ['a three-primary Redis Cluster', threePrimaries],
])('[SC-1] fan-out over three nodes on %s', (_name, startShared) => {
  let shared: Shared;
  const nodes: TestServer[] = [];
  const people: TestParticipant[] = [];
  beforeAll(async () => {
    shared = await startShared();
    for (let i = 0; i < 3; i++) nodes.push(await startTestServer({ ...shared.env, ...fast }));
  }, 30_000);
  afterAll(async () => {
    for (const p of people) p.close();
    for (const node of nodes) await node.close();
    await shared?.stop();
  });

  const stats = (node: TestServer): FanOutStats => node.app.fanOut!.stats();
  type Delta = { published: number; received: number; echoes: number };
  const delta = (before: FanOutStats, after: FanOutStats): Delta => ({
    published: after.published - before.published,
    received: after.received - before.received,
    echoes: after.echoes - before.echoes,
  });

  it("a room's broadcasts reach only the nodes with someone in it; people split over nodes see identical state", async () => {
    const [a, b, c] = nodes as [TestServer, TestServer, TestServer];
    const { code, facilitatorKey } = await createRoom(a.url, { template: 'codev' });
    const facilitator = await join(
      a.url,
      { code, name: 'Fanny', facilitatorKey: facilitatorKey! },
      'facilitator',
    );
    const client = await join(a.url, { code, name: 'Claire' }, 'client');
    const onB = await join(b.url, { code, name: 'Bastien' }, 'consultant-b');
    const onA = await join(a.url, { code, name: 'Aline' }, 'consultant-a');
    people.push(facilitator, client, onB, onA);
    await facilitator.must({ type: 'assign_role', participantId: client.participantId, role: 'client' });
    await facilitator.must({ type: 'start' });
    await facilitator.must({ type: 'next_phase', from: 0 });
    await converged([facilitator, client, onB, onA]);
    expect(stats(c).channels).toBe(0);

    const before = nodes.map(stats);
    const posts = 20;
    for (let i = 0; i < posts; i++) {
      const author = i % 2 === 0 ? onB : onA;
      await author.must({ type: 'post_card', kind: 'question', text: `card ${i}` });
    }
    const version = await converged([facilitator, client, onB, onA]);
    const [da, db, dc] = nodes.map((node, i) => delta(before[i]!, stats(node))) as [Delta, Delta, Delta];
    console.log(
      `fan-out over ${posts} posts: A ${JSON.stringify(da)}, B ${JSON.stringify(db)}, C ${JSON.stringify(dc)}`,
    );

    // Node C has nobody in the room: it received and decoded nothing of it, not even to drop it.
    expect(dc).toEqual({ published: 0, received: 0, echoes: 0 });
    // A and B each publish the patches of the commands they stored and receive the other's.
    expect(da.published).toBeGreaterThanOrEqual(posts / 2);
    expect(db.published).toBeGreaterThanOrEqual(posts / 2);
    expect(db.received).toBeGreaterThanOrEqual(da.published);
    expect(da.received).toBeGreaterThanOrEqual(db.published);
    // Their own broadcasts came back on the room's channel and were dropped by the header.
    expect(da.echoes).toBeGreaterThanOrEqual(posts / 2);
    expect(db.echoes).toBeGreaterThanOrEqual(posts / 2);

    // A question for every node (is this person still connected anywhere?) reaches the other nodes.
    const seen = await a.app.io.in(seatChannel(code, onB.participantId)).fetchSockets();
    expect(seen).toHaveLength(1);

    // Someone joins through C: C listens to the room from then on, and sees what the others see.
    const onC = await join(c.url, { code, name: 'Chloé' }, 'consultant-c');
    people.push(onC);
    expect(stats(c).channels).toBe(1);
    await onC.reach(version);
    const beforeLast = stats(c);
    const last = await onB.must({ type: 'post_card', kind: 'question', text: 'last' });
    const everyone = [facilitator, client, onB, onA, onC];
    for (const p of everyone) await p.reach(last);
    expect(await converged(everyone)).toBe(last);
    expect(stats(c).received).toBeGreaterThan(beforeLast.received);

    // When C's last person leaves, C stops listening to the room.
    onC.close();
    await expect.poll(() => stats(c).channels, { timeout: 5_000, interval: 20 }).toBe(0);
  });
});
