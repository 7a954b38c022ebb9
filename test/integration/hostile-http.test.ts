import { randomInt } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../server/src/config.js';
import { createRoom, join, refusedHandshake } from '../support/clients.js';
import { startTestServer, type TestServer } from '../support/testServer.js';

/** An address a client could write in X-Forwarded-For to pass for someone else. */
const spoofed = () => `${randomInt(1, 224)}.${randomInt(256)}.${randomInt(256)}.${randomInt(1, 255)}`;

describe('HTTP and proxy rules', () => {
  let server: TestServer;

  beforeAll(async () => {
    // As behind the shipped nginx: one trusted hop, which appends the address it saw.
    server = await startTestServer({
      TRUST_PROXY: '1',
      ROOMS_API_RATE: '5',
      JOIN_FAILURES_PER_IP: '4',
      LOG_LEVEL: 'info',
    });
  });
  afterAll(() => server.close());

  it('[HT-1] TRUST_PROXY=true is refused; a hop count or a list of ranges is taken', () => {
    expect(() => loadConfig({ TRUST_PROXY: 'true' })).toThrow(ConfigError);
    expect(() => loadConfig({ TRUST_PROXY: 'not-an-address' })).toThrow(ConfigError);
    expect(loadConfig({ TRUST_PROXY: '2' }).TRUST_PROXY).toEqual({ kind: 'hops', hops: 2 });
    expect(loadConfig({ TRUST_PROXY: '10.0.0.0/8, loopback' }).TRUST_PROXY).toEqual({
      kind: 'list',
      list: ['10.0.0.0/8', 'loopback'],
    });
  });

  it('[HT-1] a spoofed leftmost X-Forwarded-For does not escape the room API limit', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 20; i++) {
      const res = await fetch(`${server.url}/api/rooms/ABCDEFG`, {
        headers: { 'x-forwarded-for': `${spoofed()}, 203.0.113.9` },
      });
      statuses.push(res.status);
      if (res.status === 429) {
        // HT-6: its own code, never `internal`.
        expect(await res.json()).toMatchObject({ error: { code: 'rate_limited' } });
      } else await res.body?.cancel();
    }
    expect(statuses.filter((s) => s === 404)).toHaveLength(5);
    expect(statuses.filter((s) => s === 429)).toHaveLength(15);
    // Another client behind the same proxy has its own allowance.
    const other = await fetch(`${server.url}/api/rooms/ABCDEFG`, {
      headers: { 'x-forwarded-for': '203.0.113.10' },
    });
    expect(other.status).toBe(404);
  });

  it('[HT-1] a spoofed leftmost X-Forwarded-For does not escape the wrong-code limit on the socket', async () => {
    const codes: string[] = [];
    for (let i = 0; i < 12; i++) {
      codes.push(
        await refusedHandshake(
          server.url,
          { code: 'ABCDEFG', name: 'Guesser' },
          { extraHeaders: { 'x-forwarded-for': `${spoofed()}, 198.51.100.4` } },
        ),
      );
    }
    expect(codes.filter((c) => c === 'room_not_found')).toHaveLength(4);
    expect(codes.filter((c) => c === 'rate_limited')).toHaveLength(8);
  });

  it('[HT-6] 413, 415 and 404 carry their own codes; refusals are never logged as errors', async () => {
    const tooBig = await fetch(`${server.url}/api/rooms`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': '192.0.2.1' },
      body: JSON.stringify({ template: 'codev', title: 'x'.repeat(100_000) }),
    });
    expect(tooBig.status).toBe(413);
    expect(await tooBig.json()).toMatchObject({ error: { code: 'payload_too_large' } });
    const wrongType = await fetch(`${server.url}/api/rooms`, {
      method: 'POST',
      headers: { 'content-type': 'text/xml', 'x-forwarded-for': '192.0.2.2' },
      body: '<room/>',
    });
    expect(wrongType.status).toBe(415);
    expect(await wrongType.json()).toMatchObject({ error: { code: 'unsupported_media_type' } });
    const missing = await fetch(`${server.url}/api/nothing-here`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ error: { code: 'not_found' } });
    const lines = server.logs.map((l) => JSON.parse(l) as { level: number; event?: string; error?: string });
    expect(lines.filter((l) => l.level >= 50)).toEqual([]);
    const refused = lines.filter((l) => l.event === 'http_refused').map((l) => l.error);
    expect(refused).toEqual(
      expect.arrayContaining(['payload_too_large', 'unsupported_media_type', 'rate_limited']),
    );
  });

  it('[HT-7] over plain http no upgrade-insecure-requests and no HSTS; frame-ancestors from the setting', async () => {
    const res = await fetch(`${server.url}/`);
    await res.body?.cancel();
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('upgrade-insecure-requests');
    expect(res.headers.get('strict-transport-security')).toBeNull();
    const framed = await startTestServer({
      PUBLIC_URL: 'https://cercle.example',
      FRAME_ANCESTORS: "'self' https://meet.example",
    });
    try {
      const page = await fetch(`${framed.url}/`);
      await page.body?.cancel();
      expect(page.headers.get('content-security-policy')).toContain(
        "frame-ancestors 'self' https://meet.example",
      );
      expect(page.headers.get('strict-transport-security')).toMatch(/max-age=\d+/);
    } finally {
      await framed.close();
    }
  });

  it('[HT-6] events named like built-in members are answered bad_request', async () => {
    const room = await createRoom(server.url);
    const person = await join(server.url, { code: room.code, name: 'Ada' }, 'Ada', {
      extraHeaders: { 'x-forwarded-for': '192.0.2.50' },
    });
    const raw = person.socket as unknown as {
      timeout(ms: number): { emitWithAck(event: string, ...args: unknown[]): Promise<unknown> };
    };
    for (const event of ['__proto__', 'toString', 'hasOwnProperty', 'constructor', 'valueOf']) {
      expect(await raw.timeout(5_000).emitWithAck(event, {}), event).toMatchObject({
        ok: false,
        error: { code: 'bad_request' },
      });
    }
    person.close();
  });
});

describe('[HT-6] logs at debug level', () => {
  it('no line ties an anonymous card to its author', async () => {
    const server = await startTestServer({ LOG_LEVEL: 'debug' });
    try {
      const room = await createRoom(server.url, { template: 'codev', allowAnonymousCards: true });
      const f = await join(
        server.url,
        { code: room.code, name: 'Fanny', facilitatorKey: room.facilitatorKey! },
        'f',
      );
      const c = await join(server.url, { code: room.code, name: 'Claire' }, 'c');
      const a = await join(server.url, { code: room.code, name: 'Anne' }, 'a');
      const b = await join(server.url, { code: room.code, name: 'Bruno' }, 'b');
      await f.must({ type: 'assign_role', participantId: c.participantId, role: 'client' });
      await f.must({ type: 'start' });
      await f.must({ type: 'next_phase', from: 0 });
      await a.must({ type: 'post_card', kind: 'question', text: 'Who asked?', anonymous: true });
      const lines = server.logs.filter((l) => l.includes('post_card'));
      expect(lines.length).toBeGreaterThan(0);
      for (const line of lines) expect(line).not.toContain(a.participantId);
      for (const p of [f, c, a, b]) p.close();
    } finally {
      await server.close();
    }
  });
});
