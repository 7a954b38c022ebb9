import { randomUUID } from 'node:crypto';
import { timerDeadline } from '@cercle/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { converged, createRoom, join, type TestParticipant } from '../support/clients.js';
import { type RedisServer, startRedisServer } from '../support/redisServer.js';
import { type ServerProcess, startServerProcess } from '../support/serverProcess.js';
import { startTestServer, type TestServer } from '../support/testServer.js';

const fastCommands = { COMMAND_RATE: '5000', COMMAND_BURST: '5000', JOIN_RATE_PER_IP: '1000' };

describe('two nodes on one Redis', () => {
  let redis: RedisServer;
  let nodeA: TestServer;
  let nodeB: TestServer;
  const people: TestParticipant[] = [];
  beforeAll(async () => {
    redis = await startRedisServer();
    nodeA = await startTestServer({ REDIS_URL: redis.url, ...fastCommands });
    nodeB = await startTestServer({ REDIS_URL: redis.url, ...fastCommands });
  });
  afterAll(async () => {
    for (const p of people) p.close();
    await nodeA?.close();
    await nodeB?.close();
    await redis?.stop();
  });

  /** A started codev room in clarification: facilitator and client on `home`, consultants split. */
  async function room(home: string, consultantUrls: string[]) {
    const { code, facilitatorKey } = await createRoom(home, { template: 'codev' });
    const facilitator = await join(
      home,
      { code, name: 'Fanny', facilitatorKey: facilitatorKey! },
      'facilitator',
    );
    const client = await join(home, { code, name: 'Claire' }, 'client');
    const consultants: TestParticipant[] = [];
    for (const [i, url] of consultantUrls.entries())
      consultants.push(await join(url, { code, name: `C${i}` }, `C${i}`));
    people.push(facilitator, client, ...consultants);
    await facilitator.must({ type: 'assign_role', participantId: client.participantId, role: 'client' });
    await facilitator.must({ type: 'start' });
    await facilitator.must({ type: 'next_phase' });
    return { code, facilitator, client, consultants, everyone: [facilitator, client, ...consultants] };
  }

  /** Moves the phase deadline to about `inMs` from now; returns the deadline (server clock = this clock). */
  async function deadlineIn(facilitator: TestParticipant, inMs: number): Promise<number> {
    const remaining = timerDeadline(facilitator.view!.timer!) - Date.now();
    const version = await facilitator.must({ type: 'add_time', ms: -Math.round(remaining - inMs) });
    await facilitator.reach(version);
    return timerDeadline(facilitator.view!.timer!);
  }

  const timeUps = (p: TestParticipant) =>
    p.patches.filter((patch) => patch.events.some((e) => e.type === 'time_up'));

  it('people split over both nodes see identical state, and 2 x 500 cards posted at once are all there', async () => {
    // MAX_CARDS is 300 a room: 4 rooms of 250 cards, each receiving from both nodes at once.
    const rooms = await Promise.all(
      [0, 1, 2, 3].map(() => room(nodeA.url, [nodeA.url, nodeA.url, nodeB.url, nodeB.url])),
    );
    // Every card is sent at once. As the page does, a card answered `store_unavailable` (its node's queue
    // for the room was longer than the 2 s budget) is sent again with the same id: stored once either way.
    const started = Date.now();
    let firstTry = 0;
    let retries = 0;
    const posts: Promise<{ ok: boolean; node: string }>[] = [];
    for (const [r, { consultants }] of rooms.entries()) {
      for (let i = 0; i < 250; i++) {
        // Cards 0-124 from the two consultants on node A, 125-249 from the two on node B.
        const author = consultants[(i < 125 ? 0 : 2) + (i % 2)]!;
        const node = i < 125 ? 'A' : 'B';
        const id = randomUUID();
        const command = { type: 'post_card', kind: 'question', text: `room ${r} card ${i}` } as const;
        posts.push(
          (async () => {
            for (let attempt = 1; attempt <= 5; attempt++) {
              const ack = await author.send(command, id);
              if (ack.ok) {
                if (attempt === 1) firstTry++;
                return { ok: true, node };
              }
              if (ack.error.code !== 'store_unavailable') return { ok: false, node };
              retries++;
              await new Promise((r) => setTimeout(r, 100 + Math.random() * 400)); // the page's back-off
            }
            return { ok: false, node };
          })(),
        );
      }
    }
    const acks = await Promise.all(posts);
    console.log(
      `1000 cards over 4 rooms from 2 nodes in one process: ${Date.now() - started} ms, ${firstTry} stored at the first try, ${retries} retries`,
    );
    expect(acks.filter((a) => a.node === 'A' && a.ok)).toHaveLength(500);
    expect(acks.filter((a) => a.node === 'B' && a.ok)).toHaveLength(500);
    for (const [r, { everyone }] of rooms.entries()) {
      await converged(everyone, 20_000);
      const texts = new Set(Object.values(everyone[0]!.view!.cards).map((c) => c.text));
      expect(texts.size).toBe(250);
      for (let i = 0; i < 250; i++) expect(texts.has(`room ${r} card ${i}`)).toBe(true);
    }
  });

  it('[TM-1] a timer started on node A fires once, on time, seen on both nodes', async () => {
    const { facilitator, consultants, everyone } = await room(nodeA.url, [nodeA.url, nodeB.url]);
    const deadline = await deadlineIn(facilitator, 800);
    const onB = consultants[1]!;
    await expect.poll(() => timeUps(onB).length, { timeout: 5_000, interval: 10 }).toBe(1);
    const expiredAt = onB.view!.timer!.expiredAt!;
    const lateMs = expiredAt - deadline;
    console.log(`timer on a live node: time_up applied ${lateMs} ms after the deadline`);
    expect(lateMs).toBeGreaterThanOrEqual(0);
    expect(lateMs).toBeLessThan(250);
    // Once: one more change later, still a single time_up everywhere.
    await facilitator.must({ type: 'raise_hand' }).catch(() => facilitator.must({ type: 'pause_timer' }));
    await converged(everyone);
    for (const p of everyone) expect(timeUps(p)).toHaveLength(1);
  });

  it('[TM-1] a timer started on a node that is killed before the deadline still fires once, on time', async () => {
    let doomed: ServerProcess | null = await startServerProcess({ REDIS_URL: redis.url, LOG_LEVEL: 'info' });
    try {
      const { facilitator, consultants } = await room(doomed.url, [doomed.url, nodeB.url, nodeB.url]);
      const watchers = consultants.slice(1);
      const deadline = await deadlineIn(facilitator, 700);
      doomed.child.kill('SIGKILL');
      await doomed.exited;
      doomed = null;
      for (const w of watchers)
        await expect.poll(() => timeUps(w).length, { timeout: 5_000, interval: 10 }).toBe(1);
      const lateMs = watchers[0]!.view!.timer!.expiredAt! - deadline;
      console.log(`timer after its node was killed: time_up applied ${lateMs} ms after the deadline`);
      expect(lateMs).toBeGreaterThanOrEqual(0);
      expect(lateMs).toBeLessThan(250);
      await watchers[0]!.must({ type: 'raise_hand' });
      await converged(watchers);
      for (const w of watchers) expect(timeUps(w)).toHaveLength(1);
    } finally {
      doomed?.child.kill('SIGKILL');
    }
  });
});
