import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { createRoom, disconnected, join, nextEvent } from '../support/clients.js';
import { exitOf, spawnServer, startServerProcess } from '../support/serverProcess.js';

describe('the server process', () => {
  it('refuses a bad setting with one line naming the variable, and a non-zero exit', async () => {
    const child = spawnServer({ PORT: 'not-a-port' });
    const code = await exitOf(child);
    expect(code).not.toBe(0);
    const lines = child.output.err.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('PORT');
  });

  it('refuses a REDIS_URL that is not a redis URL', async () => {
    const child = spawnServer({ REDIS_URL: 'http://example' });
    expect(await exitOf(child)).toBe(1);
    expect(child.output.err).toContain('REDIS_URL');
  });

  it('logs one JSON line per request', async () => {
    const server = await startServerProcess();
    await fetch(`${server.url}/healthz`);
    server.child.kill('SIGTERM');
    await server.exited;
    const requestLines = server
      .stdout()
      .split('\n')
      .filter((l) => l.includes('"event":"http"'));
    expect(requestLines).toHaveLength(1);
    expect(JSON.parse(requestLines[0]!)).toMatchObject({ method: 'GET', route: '/healthz', status: 200 });
  });

  it('shuts down on SIGTERM: tells people in a room, closes their sockets, exits 0 within seconds', async () => {
    const server = await startServerProcess();
    const { code, facilitatorKey } = await createRoom(server.url, { template: 'codev' });
    const facilitator = await join(server.url, { code, name: 'Fanny', facilitatorKey: facilitatorKey! });
    const notice = nextEvent(facilitator.socket, 'server:shutdown');
    const closed = disconnected(facilitator.socket);
    const started = Date.now();
    server.child.kill('SIGTERM');
    expect(await notice).toEqual({});
    expect(['io server disconnect', 'transport close']).toContain(await closed);
    expect(await server.exited).toBe(0);
    expect(Date.now() - started).toBeLessThan(5_000);
    facilitator.close();
    expect(server.stdout()).toContain('"event":"stopped"');
  });

  for (const crash of ['exception', 'rejection'] as const) {
    it(`[OP-4] an uncaught ${crash} is logged, tells people server:shutdown, closes and exits non-zero`, async () => {
      const server = await startServerProcess(
        { CRASH_WITH: crash, SHUTDOWN_TIMEOUT_MS: '3000' },
        { preload: ['test/support/crashOnSignal.mjs'] },
      );
      const { code, facilitatorKey } = await createRoom(server.url, { template: 'codev' });
      const facilitator = await join(server.url, { code, name: 'Fanny', facilitatorKey: facilitatorKey! });
      const notice = nextEvent(facilitator.socket, 'server:shutdown');
      const closed = disconnected(facilitator.socket);
      server.child.kill('SIGWINCH');
      expect(await notice).toEqual({});
      expect(['io server disconnect', 'transport close']).toContain(await closed);
      expect(await server.exited).toBe(1);
      facilitator.close();
      const lines = server
        .stdout()
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Record<string, unknown>);
      const crashLine = lines.find((l) => l.event === 'crash');
      expect(crashLine).toMatchObject({
        level: 60,
        error: crash === 'exception' ? 'RangeError' : 'TypeError',
      });
      // The class and the frames, not the message (a message may quote stored data).
      expect(JSON.stringify(crashLine)).not.toContain('nobody');
      expect(lines.find((l) => l.event === 'stopped')).toMatchObject({ exitCode: 1 });
    });
  }

  it('[OP-4] a shutdown that cannot finish within SHUTDOWN_TIMEOUT_MS exits non-zero anyway', async () => {
    const server = await startServerProcess({ SHUTDOWN_TIMEOUT_MS: '300' });
    // A client in the middle of sending a request: the HTTP server waits for it to finish.
    const { port } = new URL(server.url);
    const slow = connect(Number(port), '127.0.0.1');
    await new Promise<void>((resolve) => slow.once('connect', () => resolve()));
    const head = 'POST /api/rooms HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100\r\n\r\n{';
    await new Promise((resolve) => slow.write(head, resolve));
    const started = Date.now();
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(1);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(server.stdout()).toContain('"event":"shutdown_timeout"');
    slow.destroy();
  });
});
