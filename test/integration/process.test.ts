import { io } from 'socket.io-client';
import { describe, expect, it } from 'vitest';
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

  it('shuts down on SIGTERM: tells connected clients, closes their sockets, exits 0 within seconds', async () => {
    const server = await startServerProcess();
    const socket = io(server.url, { transports: ['websocket'], reconnection: false });
    // The shutdown notice must arrive whether or not the connection was admitted into a room.
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', () => resolve());
      setTimeout(() => reject(new Error('no connection')), 5_000);
    });
    const closed = new Promise<string>((resolve) => socket.once('disconnect', (reason) => resolve(reason)));
    const started = Date.now();
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
    expect(Date.now() - started).toBeLessThan(5_000);
    if (socket.connected || socket.active) expect(await closed).toBeTruthy();
    socket.close();
    expect(server.stdout()).toContain('"event":"stopped"');
  });
});
