import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { refusedHandshake } from '../support/clients.js';
import { type RedisServer, startRedisServer } from '../support/redisServer.js';
import { startTestServer, type TestServer } from '../support/testServer.js';

describe('per-address limits shared by every node', () => {
  let redis: RedisServer;
  let nodeA: TestServer;
  let nodeB: TestServer;
  const limits = {
    TRUST_PROXY: '1',
    JOIN_FAILURES_PER_IP: '6',
    ROOMS_API_RATE: '8',
    JOIN_RATE_PER_IP: '1000',
    MAX_CONNECTIONS_PER_IP: '100',
  };
  beforeAll(async () => {
    redis = await startRedisServer();
    nodeA = await startTestServer({ REDIS_URL: redis.url, ...limits });
    nodeB = await startTestServer({ REDIS_URL: redis.url, ...limits });
  });
  afterAll(async () => {
    await nodeA?.close();
    await nodeB?.close();
    await redis?.stop();
  });

  it('[HT-2] wrong codes tried on both nodes, 30 in flight at once, stay within one address limit', async () => {
    const from = { extraHeaders: { 'x-forwarded-for': '203.0.113.5' } };
    const answers = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        refusedHandshake(i % 2 ? nodeA.url : nodeB.url, { code: 'ABCDEFG', name: 'Guesser' }, from),
      ),
    );
    // Counted before tried: no race lets more than the limit through, whichever node answers.
    expect(answers.filter((a) => a === 'room_not_found').length).toBeLessThanOrEqual(6);
    expect(answers.filter((a) => a === 'rate_limited').length).toBeGreaterThanOrEqual(24);
  });

  it('[HT-2] the room API limit holds across nodes', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 20; i++) {
      const res = await fetch(`${i % 2 ? nodeA.url : nodeB.url}/api/rooms/ABCDEFG`, {
        headers: { 'x-forwarded-for': '203.0.113.6' },
      });
      await res.body?.cancel();
      statuses.push(res.status);
    }
    expect(statuses.filter((s) => s === 404)).toHaveLength(8);
    expect(statuses.filter((s) => s === 429)).toHaveLength(12);
  });
});
