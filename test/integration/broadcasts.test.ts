import type { RoomPatch } from '@cercle/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRoom, join, type TestParticipant } from '../support/clients.js';
import { type RedisServer, startRedisServer } from '../support/redisServer.js';
import { startTestServer, type TestServer } from '../support/testServer.js';

/**
 * Every stored change reaches the room: each accepted command's version is covered by a `room:patch`
 * (`from` < version <= `to`) that every admitted socket of the room receives, and the patches a socket
 * receives follow one another with no gap (a gap costs that client a `room:sync`: a whole snapshot).
 */
const fast = {
  COMMAND_RATE: '5000',
  COMMAND_BURST: '5000',
  JOIN_RATE_PER_IP: '5000',
  JOIN_RATE_TOTAL: '5000',
  ROOMS_API_RATE: '5000',
  MAX_CONNECTIONS_PER_IP: '5000',
};

type Group = { code: string; everyone: TestParticipant[]; posters: TestParticipant[]; startVersion: number };

async function group(url: string, consultants: number): Promise<Group> {
  const { code, facilitatorKey } = await createRoom(url, { template: 'codev' });
  const facilitator = await join(
    url,
    { code, name: 'Fanny', facilitatorKey: facilitatorKey! },
    'facilitator',
  );
  const client = await join(url, { code, name: 'Claire' }, 'client');
  const posters: TestParticipant[] = [];
  for (let i = 0; i < consultants; i++) posters.push(await join(url, { code, name: `C${i}` }, `C${i}`));
  await facilitator.must({ type: 'assign_role', participantId: client.participantId, role: 'client' });
  await facilitator.must({ type: 'start' });
  const startVersion = await facilitator.must({ type: 'next_phase', from: 0 });
  const everyone = [facilitator, client, ...posters];
  await Promise.all(everyone.map((p) => p.reach(startVersion)));
  return { code, everyone, posters, startVersion };
}

/** The patches one socket received from `after` on, in arrival order. */
const patchesAfter = (p: TestParticipant, after: number): RoomPatch[] =>
  p.patches.filter((x) => x.to > after);

/** Versions in (start, last] not covered by any patch `p` received; and the gaps between its patches. */
function holes(p: TestParticipant, start: number, accepted: number[]) {
  const patches = patchesAfter(p, start);
  const covered = (v: number) => patches.some((x) => x.from < v && v <= x.to);
  const missing = accepted.filter((v) => !covered(v));
  const gaps: string[] = [];
  let at = start;
  for (const x of [...patches].sort((a, b) => a.from - b.from)) {
    if (x.from !== at) gaps.push(`${at}->${x.from}`);
    at = Math.max(at, x.to);
  }
  return { missing, gaps, last: at };
}

describe('broadcasts under load: every stored version reaches every admitted socket', () => {
  let redis: RedisServer;
  let server: TestServer;
  const people: TestParticipant[] = [];
  beforeAll(async () => {
    redis = await startRedisServer();
  });
  afterAll(async () => {
    for (const p of people) p.close();
    await server?.close();
    await redis?.stop();
  });

  it('40 rooms posting at once through one node: every accepted version covered, no gap, for every socket', async () => {
    server = await startTestServer({ REDIS_URL: redis.url, ...fast });
    const groups: Group[] = [];
    for (let i = 0; i < 40; i++) groups.push(await group(server.url, 3));
    for (const g of groups) people.push(...g.everyone);

    // Every consultant of every room posts 12 cards, all sent at once: the store batches them per room.
    const accepted = new Map<string, number[]>();
    await Promise.all(
      groups.flatMap((g) =>
        g.posters.flatMap((p, i) =>
          Array.from({ length: 12 }, async (_, k) => {
            const ack = await p.send({ type: 'post_card', kind: 'question', text: `q ${i}.${k}` });
            if (ack.ok) accepted.set(g.code, [...(accepted.get(g.code) ?? []), ack.version]);
          }),
        ),
      ),
    );
    const total = [...accepted.values()].reduce((n, v) => n + v.length, 0);
    expect(total).toBe(40 * 3 * 12);

    for (const g of groups) {
      const versions = accepted.get(g.code) ?? [];
      const last = Math.max(...versions);
      await Promise.all(g.everyone.map((p) => p.reach(last, 10_000)));
      for (const p of g.everyone) {
        const { missing, gaps } = holes(p, g.startVersion, versions);
        expect({ who: p.label, missing, gaps }).toEqual({ who: p.label, missing: [], gaps: [] });
      }
    }
    await server.close();
  }, 60_000);

  it('a write that lands after its caller was answered store_unavailable is still told to the room', async () => {
    // A short store timeout and a Redis that stops answering for longer: the commands in flight are
    // answered store_unavailable, and their compare-and-set lands when Redis answers again. That change is
    // stored: the room must be told (one patch chain, no gap), not left to find out on its next sync.
    server = await startTestServer({ REDIS_URL: redis.url, STORE_TIMEOUT_MS: '300', ...fast });
    const g = await group(server.url, 4);
    people.push(...g.everyone);
    const observers = g.everyone.slice(0, 2); // facilitator and client: they send nothing themselves

    redis.freeze();
    const during = g.posters.map((p, i) =>
      p.send({ type: 'post_card', kind: 'question', text: `frozen ${i}` }),
    );
    await new Promise((r) => setTimeout(r, 900));
    redis.thaw();
    const acks = await Promise.all(during);
    expect(acks.every((a) => !a.ok && a.error.code === 'store_unavailable')).toBe(true);

    // Redis answers again: one more command, accepted, and the room's state reflects the late writes.
    const version = await g.posters[0]!.must({ type: 'post_card', kind: 'question', text: 'after' });
    await new Promise((r) => setTimeout(r, 300));
    for (const p of observers) {
      const { gaps, last } = holes(p, g.startVersion, [version]);
      expect({ who: p.label, gaps, last }).toEqual({ who: p.label, gaps: [], last: version });
    }
    await server.close();
  }, 30_000);
});
