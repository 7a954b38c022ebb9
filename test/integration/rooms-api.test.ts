import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRoom, join } from '../support/clients.js';
import { startTestServer, type TestServer } from '../support/testServer.js';

describe('the rooms API', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ ROOMS_API_RATE: '20' });
  });
  afterAll(async () => {
    await server.close();
  });

  it('opens a room per template: a code without look-alikes, a join link, a key only where a seat needs it', async () => {
    const codes = new Set<string>();
    for (const template of ['codev', 'peer-coaching', 'tripartite-framing', 'tripartite-closing', 'custom']) {
      const res = await fetch(`${server.url}/api/rooms`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ template, locale: 'fr' }),
      });
      expect(res.status).toBe(201);
      const body = (await res.json()) as { code: string; joinUrl: string; facilitatorKey: string | null };
      expect(body.code).toMatch(/^[A-HJKMNP-Z2-9]{7}$/);
      expect(body.joinUrl).toBe(`${server.url}/r/${body.code}`);
      if (template === 'peer-coaching') expect(body.facilitatorKey).toBeNull();
      else expect(body.facilitatorKey).toMatch(/^[A-Za-z0-9_-]{32}$/);
      codes.add(body.code);
    }
    expect(codes.size).toBe(5);
  });

  it('tells the public facts of an open room, and the same 404 for a wrong, ended or locked code', async () => {
    const { code, facilitatorKey } = await createRoom(server.url, { template: 'codev' });
    const facts = await fetch(`${server.url}/api/rooms/${code.toLowerCase()}`);
    expect(facts.status).toBe(200);
    expect(await facts.json()).toEqual({
      template: 'codev',
      title: null,
      locale: 'fr',
      status: 'lobby',
      people: 0,
    });

    const facilitator = await join(server.url, { code, name: 'Fanny', facilitatorKey: facilitatorKey! });
    expect(await (await fetch(`${server.url}/api/rooms/${code}`)).json()).toMatchObject({ people: 1 });

    const wrong = await fetch(`${server.url}/api/rooms/ABCDEFG`);
    const malformed = await fetch(`${server.url}/api/rooms/not-a-code-at-all`);
    await facilitator.must({ type: 'lock_room' });
    const locked = await fetch(`${server.url}/api/rooms/${code}`);
    await facilitator.must({ type: 'unlock_room' });
    await facilitator.must({ type: 'end', purge: false });
    const ended = await fetch(`${server.url}/api/rooms/${code}`);
    const bodies = await Promise.all([wrong, malformed, locked, ended].map((r) => r.text()));
    for (const r of [wrong, malformed, locked, ended]) expect(r.status).toBe(404);
    expect(new Set(bodies).size).toBe(1);
    facilitator.close();
  });

  it('refuses a malformed body', async () => {
    for (const body of ['{}', '{"template":"poker"}', '{"template":"codev","admin":true}', 'not json']) {
      const res = await fetch(`${server.url}/api/rooms`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      });
      expect(res.status).toBe(400);
    }
  });

  it('sends a Content-Security-Policy that a Vite-built page passes', async () => {
    const res = await fetch(`${server.url}/`);
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("style-src 'self'");
    expect(csp).toContain("img-src 'self' data:");
    expect(csp).toMatch(
      new RegExp(
        `connect-src 'self' ws://127\\.0\\.0\\.1:${server.port} wss://127\\.0\\.0\\.1:${server.port}`,
      ),
    );
    expect(csp).not.toContain('unsafe-inline');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('limits requests per client address', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 25; i++) statuses.push((await fetch(`${server.url}/api/rooms/ABCDEFG`)).status);
    expect(statuses).toContain(429);
    expect(statuses.filter((s) => s === 404).length).toBeLessThanOrEqual(20);
  });
});
