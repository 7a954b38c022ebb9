import type { RoomPatch } from '@cercle/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FanOutStats, HELLO_TIMEOUT_MS } from '../../server/src/cluster/adapter.js';
import { converged, createRoom, join, type TestParticipant } from '../support/clients.js';
import { startRedisServer } from '../support/redisServer.js';
import { fastCommands, oneRedis, type SharedRedis, threePrimaries } from '../support/sharedRedis.js';
import { startTestServer, type TestServer } from '../support/testServer.js';

const fast = fastCommands;

/**
 * SC-6: a node alone in a room sends nothing to the room's channel; a node that starts listening says
 * hello and reads the room only once every other listener acked, so its people miss no version.
 */
type Shared = SharedRedis;

/** The highest version reached by a chain of patches starting at `from`, each one starting where the last ended. */
function chainEnd(patches: RoomPatch[], from: number): { end: number; gap: string | null } {
  let end = from;
  for (const patch of [...patches].sort((a, b) => a.from - b.from)) {
    if (patch.to <= end) continue;
    if (patch.from > end) return { end, gap: `${end} -> ${patch.from}` };
    end = patch.to;
  }
  return { end, gap: null };
}

describe.each([
  ['one Redis', oneRedis],
  ['a three-primary Redis Cluster', threePrimaries],
])('[SC-6] a node alone in a room on %s', (_name, startShared) => {
  let shared: Shared;
  let a: TestServer;
  let b: TestServer;
  const people: TestParticipant[] = [];
  beforeAll(async () => {
    shared = await startShared();
    a = await startTestServer({ ...shared.env, ...fast });
    b = await startTestServer({ ...shared.env, ...fast });
  }, 30_000);
  afterAll(async () => {
    for (const p of people) p.close();
    await a?.close();
    await b?.close();
    await shared?.stop();
  });

  const stats = (node: TestServer): FanOutStats => node.app.fanOut!.stats();

  it('publishes nothing to the room channel after the first reply; a node joining during a stream of commands misses no version; alone again once it left', async () => {
    const { code, facilitatorKey } = await createRoom(a.url, { template: 'codev' });
    const facilitator = await join(
      a.url,
      { code, name: 'Fanny', facilitatorKey: facilitatorKey! },
      'facilitator',
    );
    const client = await join(a.url, { code, name: 'Claire' }, 'client');
    const writer = await join(a.url, { code, name: 'Wanda' }, 'writer');
    const other = await join(a.url, { code, name: 'Odile' }, 'other');
    people.push(facilitator, client, writer, other);
    await facilitator.must({ type: 'assign_role', participantId: client.participantId, role: 'client' });
    await facilitator.must({ type: 'start' });
    await facilitator.must({ type: 'next_phase', from: 0 });
    await converged([facilitator, writer]);

    // (1) Alone: after at most one publish (whose reply says only this node listens), nothing is sent.
    await writer.must({ type: 'post_card', kind: 'question', text: 'first' });
    const before = stats(a);
    for (let i = 0; i < 10; i++)
      await writer.must({ type: 'post_card', kind: 'question', text: `alone ${i}` });
    await converged([facilitator, writer]);
    const after = stats(a);
    expect(after.published - before.published).toBe(0);
    expect(after.echoes - before.echoes).toBe(0);
    expect(after.skipped - before.skipped).toBeGreaterThanOrEqual(10);
    expect(stats(b).received).toBe(0);

    // (2) A steady stream of commands on A; people join through B, one after another, each while A is
    // alone (its skipped count grows just before): each must see every version after its welcome, in
    // order, from patches alone (no snapshot filling a gap).
    let streaming = true;
    let posted = 0;
    const stream = (async () => {
      while (streaming)
        await writer.must({ type: 'post_card', kind: 'question', text: `stream ${posted++}` });
    })();
    try {
      for (let round = 0; round < 6; round++) {
        const skipped = stats(a).skipped;
        await expect.poll(() => stats(a).skipped, { timeout: 5_000, interval: 5 }).toBeGreaterThan(skipped);
        const joiner = await join(b.url, { code, name: `Bea ${round}` }, `joiner ${round}`);
        people.push(joiner);
        const welcomed = joiner.version;
        const seen = posted;
        await expect.poll(() => posted, { timeout: 5_000, interval: 5 }).toBeGreaterThan(seen + 3 + round);
        const last = await writer.must({ type: 'post_card', kind: 'question', text: `mark ${round}` });
        await expect
          .poll(() => chainEnd(joiner.patches, welcomed).end, { timeout: 5_000, interval: 10 })
          .toBeGreaterThanOrEqual(last);
        expect(chainEnd(joiner.patches, welcomed).gap).toBeNull();
        // (3) The joiner leaves: B stops listening, and A goes back to alone (checked by the next round's wait).
        joiner.close();
        await expect.poll(() => stats(b).channels, { timeout: 5_000, interval: 10 }).toBe(0);
      }
    } finally {
      streaming = false;
      await stream;
    }
    const skipped = stats(a).skipped;
    await writer.must({ type: 'post_card', kind: 'question', text: 'after' });
    await writer.must({ type: 'post_card', kind: 'question', text: 'after 2' });
    expect(stats(a).skipped).toBeGreaterThan(skipped);
    console.log(
      `SC-6: ${posted} commands streamed on A while 6 people joined through B; A ${JSON.stringify(stats(a))}`,
    );
  }, 60_000);
});

describe('[SC-6] a newcomer waits for the ack of a listener that is slow to hear its hello (one Redis)', () => {
  let redis: Awaited<ReturnType<typeof startRedisServer>>;
  let a: TestServer;
  let b: TestServer;
  const people: TestParticipant[] = [];
  beforeAll(async () => {
    redis = await startRedisServer();
    a = await startTestServer({ REDIS_URL: redis.url, ...fast });
    b = await startTestServer({ REDIS_URL: redis.url, ...fast });
  }, 30_000);
  afterAll(async () => {
    for (const p of people) p.close();
    await a?.close();
    await b?.close();
    await redis?.stop();
  });

  const stats = (node: TestServer): FanOutStats => node.app.fanOut!.stats();
  const subscriberOf = (node: TestServer) =>
    (node.app.io.of('/').adapter as unknown as { sub: { stream: { pause(): void; resume(): void } } }).sub
      .stream;

  /** A started room on A, A alone in it (its skipped count grew). */
  async function aloneOnA() {
    const { code, facilitatorKey } = await createRoom(a.url, { template: 'codev' });
    const facilitator = await join(
      a.url,
      { code, name: 'Fanny', facilitatorKey: facilitatorKey! },
      'facilitator',
    );
    const client = await join(a.url, { code, name: 'Claire' }, 'client');
    const writer = await join(a.url, { code, name: 'Wanda' }, 'writer');
    const other = await join(a.url, { code, name: 'Odile' }, 'other');
    people.push(facilitator, client, writer, other);
    await facilitator.must({ type: 'assign_role', participantId: client.participantId, role: 'client' });
    await facilitator.must({ type: 'start' });
    await facilitator.must({ type: 'next_phase', from: 0 });
    const skipped = stats(a).skipped;
    await expect
      .poll(async () => {
        await writer.must({ type: 'post_card', kind: 'question', text: 'until alone' });
        return stats(a).skipped;
      })
      .toBeGreaterThan(skipped);

    return { code, writer };
  }

  it('a version stored and not published while the hello waits unread is in the newcomer welcome', async () => {
    const { code, writer } = await aloneOnA();
    // A's subscriber stops reading: B's hello waits, unread, in A's socket.
    const aSub = subscriberOf(a);
    aSub.pause();
    try {
      const published = stats(b).published;
      const joining = join(b.url, { code, name: 'Bea' }, 'joiner');
      await expect.poll(() => stats(b).published, { timeout: 5_000, interval: 5 }).toBeGreaterThan(published);
      // B said hello; A, still alone for all it knows, stores a card and sends nobody its patch.
      const before = stats(a).skipped;
      const hidden = await writer.must({ type: 'post_card', kind: 'question', text: 'while unheard' });
      expect(stats(a).skipped).toBeGreaterThan(before);
      aSub.resume();
      const joiner = await joining;
      people.push(joiner);
      const welcomed = joiner.version;
      expect(welcomed).toBeGreaterThanOrEqual(hidden);
      const last = await writer.must({ type: 'post_card', kind: 'question', text: 'after the ack' });
      await expect
        .poll(() => chainEnd(joiner.patches, welcomed).end, { timeout: 5_000, interval: 10 })
        .toBeGreaterThanOrEqual(last);
      expect(chainEnd(joiner.patches, welcomed).gap).toBeNull();
    } finally {
      aSub.resume();
    }
  }, 30_000);

  it(`a listener that never acks holds a newcomer's join ${HELLO_TIMEOUT_MS} ms at most; once it hears the hello it publishes again`, async () => {
    const { code, writer } = await aloneOnA();
    const aSub = subscriberOf(a);
    const heard = stats(a).received;
    aSub.pause();
    let joiner: TestParticipant;
    try {
      // A hears nothing, so never acks: the join still completes, with A's subscriber still paused.
      joiner = await join(b.url, { code, name: 'Bob' }, 'late joiner', {
        timeoutMs: HELLO_TIMEOUT_MS + 5_000,
      });
      people.push(joiner);
    } finally {
      aSub.resume();
    }
    const welcomed = joiner.version;
    // Once A has read the hello it publishes: a card stored after that reaches the joiner as a patch.
    await expect.poll(() => stats(a).received, { timeout: 5_000, interval: 10 }).toBeGreaterThan(heard);
    const last = await writer.must({ type: 'post_card', kind: 'question', text: 'heard at last' });
    await expect
      .poll(() => joiner.patches.some((patch) => patch.to === last), { timeout: 5_000, interval: 10 })
      .toBe(true);
    expect(welcomed).toBeLessThan(last);
  }, 30_000);
});
