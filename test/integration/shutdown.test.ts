import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRoom, disconnected, join, type TestParticipant } from '../support/clients.js';
import { type RedisServer, startRedisServer } from '../support/redisServer.js';
import { type ServerProcess, startServerProcess } from '../support/serverProcess.js';
import { startTestServer, type TestServer } from '../support/testServer.js';

const fastJoins = { JOIN_RATE_PER_IP: '1000', COMMAND_RATE: '1000', COMMAND_BURST: '1000' };

/**
 * OP-7, OP-4, RM-7: a node stopped with SIGTERM while people are connected to it (and some leaving, some
 * commands in flight) closes its store only after the writes their disconnections start: no caller is
 * answered `store_unavailable`, and every seat of that node shows away to the people on the other node.
 */
describe('a node stopped with people connected (one Redis, two nodes)', () => {
  let redis: RedisServer;
  let nodeB: TestServer;
  let nodeA: ServerProcess | undefined;
  const people: TestParticipant[] = [];
  beforeAll(async () => {
    redis = await startRedisServer();
    nodeB = await startTestServer({ REDIS_URL: redis.url, ...fastJoins });
  }, 30_000);
  afterAll(async () => {
    for (const p of people) p.close();
    if (nodeA && nodeA.child.exitCode === null) nodeA.child.kill('SIGKILL');
    await nodeB?.close();
    await redis?.stop();
  });

  it('[OP-7][OP-4][RM-7] closes its store after its people are marked away: no store_unavailable line', async () => {
    nodeA = await startServerProcess({ REDIS_URL: redis.url, ...fastJoins });
    const { code, facilitatorKey } = await createRoom(nodeB.url, { template: 'codev' });
    const facilitator = await join(nodeB.url, { code, name: 'Fanny', facilitatorKey: facilitatorKey! }, 'F');
    people.push(facilitator);
    // A codev room seats ten: the facilitator on node B, nine people on node A.
    const onA: TestParticipant[] = [];
    for (let i = 0; i < 9; i++) onA.push(await join(nodeA.url, { code, name: `P${i}` }, `P${i}`));
    people.push(...onA);
    await facilitator.must({ type: 'assign_role', participantId: onA[0]!.participantId, role: 'client' });
    await facilitator.must({ type: 'start' });
    await facilitator.must({ type: 'next_phase', from: 0 });
    const last = await onA[8]!.must({ type: 'post_card', kind: 'question', text: 'before' });
    await facilitator.reach(last, 10_000);
    for (const p of onA) expect(facilitator.view!.participants[p.participantId]?.presence).toBe('connected');

    // Three leave on their own just before the signal (their aways start before the shutdown), three send
    // a command that is in flight when it comes, the rest are disconnected by the shutdown itself.
    for (const p of onA.slice(0, 3)) p.close();
    const inFlight = onA
      .slice(3, 6)
      .map((p) => p.send({ type: 'post_card', kind: 'question', text: 'in flight' }).catch(() => null));
    const dropped = onA.slice(6).map((p) => disconnected(p.socket));
    nodeA.child.kill('SIGTERM');
    expect(await nodeA.exited).toBe(0);
    await Promise.all(dropped);
    const acks = await Promise.all(inFlight);

    const log = nodeA.stdout();
    expect(log).toContain('"event":"stopped"');
    expect(log).not.toContain('store_unavailable');
    // Nor does its fan-out cut off the broadcasts of those last writes (OP-7).
    expect(log).not.toContain('adapter_redis_error');
    // An in-flight command was either stored (acknowledged ok) or never answered (its socket closed):
    // never refused because the store had closed under it.
    for (const ack of acks) if (ack) expect(ack.ok).toBe(true);

    // Every seat of node A is away, told to the facilitator on node B; the writes were done by node A
    // before it closed (node B's own people did not move).
    const deadline = Date.now() + 5_000;
    const away = () =>
      onA.filter((p) => facilitator.view!.participants[p.participantId]?.presence === 'away');
    while (away().length < onA.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(away().map((p) => p.label)).toEqual(onA.map((p) => p.label));
    expect(facilitator.view!.participants[facilitator.participantId]?.presence).toBe('connected');
    const stored = await nodeB.app.rooms.snapshot(code, facilitator.participantId);
    expect(stored.ok && stored.value.version).toBe(facilitator.version);
  }, 30_000);
});
