import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keyNames } from '../../server/src/cluster/keys.js';
import { createRoom, disconnected, join, nextEvent, refusedHandshake } from '../support/clients.js';
import { type RedisServer, startRedisServer } from '../support/redisServer.js';
import { sealedOf } from '../support/sealed.js';
import { startTestServer, type TestServer } from '../support/testServer.js';

const names = keyNames();

describe('logs and retention on the Redis store', () => {
  let redis: RedisServer;
  let server: TestServer;
  let inspect: Redis;
  beforeAll(async () => {
    redis = await startRedisServer();
    server = await startTestServer({ REDIS_URL: redis.url, LOG_LEVEL: 'trace', ROOM_TTL_SECONDS: '3600' });
    inspect = new Redis(redis.url);
  });
  afterAll(async () => {
    inspect?.disconnect();
    await server?.close();
    await redis?.stop();
  });

  it('a session at the most verbose level leaves no name, text, note, code or token in any log line', async () => {
    const canary = (what: string) => `Canary${what}Xq7`;
    const { code, facilitatorKey } = await createRoom(server.url, {
      template: 'codev',
      title: canary('Title'),
    });
    const facilitator = await join(server.url, {
      code,
      name: canary('Facilitator'),
      facilitatorKey: facilitatorKey!,
    });
    const client = await join(server.url, { code, name: canary('Client') });
    const a = await join(server.url, { code, name: canary('ConsultantA') });
    const b = await join(server.url, { code, name: canary('ConsultantB') });
    await facilitator.must({ type: 'assign_role', participantId: client.participantId, role: 'client' });
    await facilitator.must({ type: 'start' });
    await facilitator.must({ type: 'next_phase', from: 0 });
    await a.must({ type: 'post_card', kind: 'question', text: canary('Card') });
    await client.send({ type: 'post_card', kind: 'question', text: canary('RefusedCard') });
    await a.send({ type: 'post_card', kind: 'question', text: `${canary('LongCard')}${'x'.repeat(600)}` });
    await a.socket
      .timeout(5_000)
      .emitWithAck('room:command', { id: 'bad', command: { text: canary('BadPayload') } } as never);
    await client.must({ type: 'logbook_add', sealed: sealedOf(canary('Logbook')) });
    await facilitator.must({ type: 'next_phase', from: 1 });
    await client.must({ type: 'set_statement', kind: 'client_request', text: canary('Request') });
    await fetch(`${server.url}/api/rooms/${code}`);
    await fetch(`${server.url}/api/rooms/${canary('Path')}`);
    await refusedHandshake(server.url, { code, resumeToken: `${canary('Token')}AAAAAAAAAAAAAAAA` });
    await refusedHandshake(server.url, {
      code,
      name: canary('Eve'),
      facilitatorKey: `${canary('Key')}AAAAAAAAAAAAAAAA`,
    });
    a.socket.io.engine.close();
    const back = await join(server.url, { code, resumeToken: a.resumeToken });
    await facilitator.must({ type: 'end', purge: true });
    for (const p of [facilitator, client, b, back]) p.close();
    await expect.poll(() => server.logs.some((l) => l.includes('"event":"command"'))).toBe(true);

    const secrets = [
      code,
      facilitatorKey!,
      facilitator.resumeToken,
      client.resumeToken,
      a.resumeToken,
      b.resumeToken,
    ];
    const lines = server.logs;
    expect(lines.length).toBeGreaterThan(20);
    for (const line of lines) {
      expect(line).not.toMatch(/Canary/);
      for (const secret of secrets) expect(line).not.toContain(secret);
    }
  });

  it('every key of a room carries a TTL; purge leaves no key and disconnects everyone', async () => {
    const { code, facilitatorKey } = await createRoom(server.url, { template: 'codev' });
    const facilitator = await join(server.url, { code, name: 'Fanny', facilitatorKey: facilitatorKey! });
    const client = await join(server.url, { code, name: 'Claire' });
    const c1 = await join(server.url, { code, name: 'Anne' });
    const c2 = await join(server.url, { code, name: 'Bruno' });
    await facilitator.must({ type: 'assign_role', participantId: client.participantId, role: 'client' });
    await facilitator.must({ type: 'start' }); // schedules the phase timer

    const keys = await inspect.keys(`*${code}*`);
    expect(keys.length).toBeGreaterThan(0);
    for (const key of keys) {
      const ttl = await inspect.ttl(key);
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(3600);
    }
    const timers = await inspect.zrange(names.timersOf(code), 0, -1);
    expect(timers.some((m) => m.startsWith(`${code}|`))).toBe(true);

    const others = [client, c1, c2];
    const ended = others.map((p) => nextEvent(p.socket, 'session:ended'));
    const gone = others.map((p) => disconnected(p.socket));
    await facilitator.must({ type: 'end', purge: true });
    for (const e of await Promise.all(ended)) expect(e).toEqual({ reason: 'purged' });
    await Promise.all(gone);

    expect(await inspect.keys(`*${code}*`)).toEqual([]);
    expect(
      (await inspect.zrange(names.timersOf(code), '0', '-1')).some((m) => m.startsWith(`${code}|`)),
    ).toBe(false);
    expect((await fetch(`${server.url}/api/rooms/${code}`)).status).toBe(404);
    expect(await refusedHandshake(server.url, { code, resumeToken: client.resumeToken })).toBe(
      'room_not_found',
    );
    facilitator.close();
  });
});
