import type { Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectClient, type RedisClient, redisClient } from '../../server/src/cluster/connection.js';
import { type RedisServer, startRedisServer } from '../support/redisServer.js';
import { countWrites } from '../support/redisWrites.js';

/** A script that keeps Redis busy for `ms`: its reply comes that long after it was read. */
const busyScript = `local t = redis.call('TIME') local start = t[1] * 1e6 + t[2]
while true do t = redis.call('TIME') if t[1] * 1e6 + t[2] - start > tonumber(ARGV[1]) * 1000 then break end end
return 1`;

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('the store connection writes each turn of calls at once (SR-10)', () => {
  let server: RedisServer;
  const clients: RedisClient[] = [];
  const open = async (options: Parameters<typeof redisClient>[1]) => {
    const client = redisClient(server.url, options);
    clients.push(client);
    await connectClient(client);
    return client;
  };

  beforeAll(async () => {
    server = await startRedisServer();
  });
  afterAll(async () => {
    for (const client of clients) client.disconnect();
    await server?.stop();
  });

  it('[SR-10] the calls of one turn of the event loop leave in one write, each answered', async () => {
    const client = await open({ batchWrites: true });
    await client.set('k', 'v');
    const counter = countWrites(client);
    const replies = await Promise.all(Array.from({ length: 20 }, () => client.get('k')));
    expect(replies).toEqual(Array(20).fill('v'));
    expect(counter.writes).toBe(1);
  });

  it('[SR-10] a call of a later turn leaves at once, while an earlier call is still unanswered', async () => {
    const client = await open({ batchWrites: true });
    const socket = (client as unknown as { stream: Socket }).stream;
    const busy = client.eval(busyScript, 0, '300');
    let busyAnswered = false;
    void busy.then(() => {
      busyAnswered = true;
    });
    await nextTurn();
    const before = socket.bytesWritten;
    const get = client.get('absent');
    await nextTurn();
    // Written while Redis still runs the script: not held until the script's reply is in.
    expect(socket.bytesWritten).toBeGreaterThan(before);
    expect(busyAnswered).toBe(false);
    await expect(busy).resolves.toBe(1);
    await expect(get).resolves.toBeNull();
  });

  it("[SR-10] ioredis's auto-pipelining, for comparison, holds that call until the earlier reply is in", async () => {
    const client = await open({ autoPipelining: true });
    const socket = (client as unknown as { stream: Socket }).stream;
    const busy = client.eval(busyScript, 0, '300');
    await nextTurn();
    const before = socket.bytesWritten;
    const get = client.get('absent');
    await nextTurn();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(socket.bytesWritten).toBe(before);
    await busy;
    await get;
    expect(socket.bytesWritten).toBeGreaterThan(before);
  });

  it('[SR-10] the calls made before a goodbye (QUIT) leave before it and are answered', async () => {
    const client = await open({ batchWrites: true });
    const first = client.eval(busyScript, 0, '100');
    await nextTurn();
    const second = client.get('absent'); // while the first is still unanswered
    const quit = client.quit();
    await expect(first).resolves.toBe(1);
    await expect(second).resolves.toBeNull();
    await quit;
  });

  it('[SR-10] with auto-pipelining, for comparison, such a call goes after the goodbye and fails', async () => {
    const client = await open({ autoPipelining: true });
    const first = client.eval(busyScript, 0, '100');
    await nextTurn();
    const second = client.get('absent');
    const quit = client.quit();
    await expect(first).resolves.toBe(1);
    await expect(second).rejects.toThrow();
    await quit;
  });
});
