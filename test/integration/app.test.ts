import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RedisServerHandle, startRedisServer } from '../support/redisServer.js';
import { startTestServer, type TestServer } from '../support/testServer.js';

describe('the app on the memory store', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server.close();
  });

  it('answers /healthz with the store kind', async () => {
    const res = await fetch(`${server.url}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok', store: 'sqlite' });
  });

  it('is ready', async () => {
    const res = await fetch(`${server.url}/readyz`);
    expect(res.status).toBe(200);
  });

  it('serves the built page at / and the same page at /r/<code>', async () => {
    const home = await fetch(`${server.url}/`);
    expect(home.status).toBe(200);
    expect(home.headers.get('content-type')).toContain('text/html');
    const html = await home.text();
    expect(html).toContain('<div id="app">');
    const join = await fetch(`${server.url}/r/ABCDEF`);
    expect(join.status).toBe(200);
    expect(await join.text()).toBe(html);
  });

  it('answers 404 for an unknown path', async () => {
    const res = await fetch(`${server.url}/nothing-here`);
    expect(res.status).toBe(404);
  });

  it('caches the hashed assets for a year and the page never (a deploy is picked up at the next load)', async () => {
    const home = await fetch(`${server.url}/`);
    expect(home.headers.get('cache-control')).toBe('no-cache');
    const script = /<script[^>]+src="(\/assets\/[^"]+\.js)"/.exec(await home.text())?.[1];
    expect(script).toBeDefined();
    const asset = await fetch(`${server.url}${script}`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('content-type')).toMatch(/javascript/);
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect((await asset.text()).length).toBeGreaterThan(0); // read to the end: no response left open
    const missing = await fetch(`${server.url}/assets/nothing.js`);
    expect(missing.status).toBe(404);
    await missing.text();
  });
});

describe('the app on the Redis store', () => {
  let redis: RedisServerHandle;
  let server: TestServer;
  beforeAll(async () => {
    redis = await startRedisServer();
    server = await startTestServer({ REDIS_URL: redis.url });
  });
  afterAll(async () => {
    await server?.close();
    await redis?.stop();
  });

  it('answers /healthz with store redis', async () => {
    const res = await fetch(`${server.url}/healthz`);
    expect(await res.json()).toEqual({ status: 'ok', store: 'redis' });
  });

  it('is not ready while Redis is down, and ready again once it is back', async () => {
    expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
    await redis.kill();
    const down = await fetch(`${server.url}/readyz`);
    expect(down.status).toBe(503);
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    await redis.restart();
    await expect
      .poll(async () => (await fetch(`${server.url}/readyz`)).status, { timeout: 10_000 })
      .toBe(200);
  });
});
