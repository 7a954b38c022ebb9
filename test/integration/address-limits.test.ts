import { Redis } from 'ioredis';
import { RateLimiterRedis } from 'rate-limiter-flexible';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectClient, redisClient } from '../../server/src/cluster/connection.js';
import { AddressLimits, FORGIVE_WITHIN_MS } from '../../server/src/http/addressLimits.js';
import { type RedisServer, startRedisServer } from '../support/redisServer.js';
import { countWrites } from '../support/redisWrites.js';

/** Client writes Redis has read so far (`INFO stats` total_reads_processed): round trips, near enough. */
async function readsProcessed(admin: Redis): Promise<number> {
  const match = /^total_reads_processed:(\d+)/m.exec(await admin.info('stats'));
  if (!match) throw new Error('no total_reads_processed in INFO stats');
  return Number(match[1]);
}

describe('a handshake asks its per-address counts together', () => {
  let redis: RedisServer;
  let admin: Redis;
  let client: Redis;
  let limits: AddressLimits;
  beforeAll(async () => {
    redis = await startRedisServer();
    admin = new Redis(redis.url, { maxRetriesPerRequest: 1 });
    // The client app.ts gives the limits (cluster/seam.ts): pipelined.
    client = redisClient(redis.url, { autoPipelining: true });
    await connectClient(client);
    limits = new AddressLimits(
      { joinsPerMinute: 2, failuresPerMinute: 5, apiPerMinute: 100, removalBarSeconds: 60 },
      client,
    );
  });
  afterAll(async () => {
    client?.disconnect();
    admin?.disconnect();
    await redis?.stop();
  });

  it("[HT-2] a handshake's join, its guess and the bar of its room leave in one write to Redis", async () => {
    await limits.handshake('198.51.100.1', 'ABCDEFG'); // loads the scripts
    // Writes on the client's socket: one per round trip sent (the client pipelines one turn's commands).
    const counter = countWrites(client);
    const before = await readsProcessed(admin);
    try {
      expect(await limits.handshake('198.51.100.2', 'ABCDEFG')).toBe('ok');
    } finally {
      counter.stop();
    }
    expect(counter.writes).toBe(1);
    // The INFO call that reads the count is one read of its own.
    expect((await readsProcessed(admin)) - before - 1).toBe(1);
  });

  it("[HT-2] a login's guess given back leaves with the next handshake's counts, in the same write, ahead of them", async () => {
    const logins = new AddressLimits(
      { joinsPerMinute: 100, failuresPerMinute: 3, apiPerMinute: 100, removalBarSeconds: 60 },
      client,
    );
    const address = '198.51.100.7';
    const counter = countWrites(client);
    const answers = [];
    try {
      // Three guesses allowed; five logins one after the other: each gives its guess back before the
      // next one's counts (else the fourth would be refused).
      for (let i = 0; i < 5; i++) {
        answers.push(await logins.handshake(address, null));
        logins.forgiveSoon(address);
      }
    } finally {
      counter.stop();
    }
    expect(answers).toEqual(['ok', 'ok', 'ok', 'ok', 'ok']);
    // One write per handshake: the guesses given back went with the next one's counts.
    expect(counter.writes).toBe(5);
    // The last login's guess, with no handshake after it, is given back within FORGIVE_WITHIN_MS.
    await new Promise((r) => setTimeout(r, FORGIVE_WITHIN_MS + 50));
    const left = [];
    for (let i = 0; i < 4; i++) left.push(await logins.guess(address));
    expect(left).toEqual([true, true, true, false]);
  });

  it('[HT-2][OP-7] a node that stops right after logins gives their guesses back before it closes', async () => {
    const settings = { joinsPerMinute: 100, failuresPerMinute: 3, apiPerMinute: 100, removalBarSeconds: 60 };
    const stopping = new AddressLimits(settings, client);
    const address = '198.51.100.8';
    for (let i = 0; i < 3; i++) {
      expect(await stopping.handshake(address, null)).toBe('ok');
      stopping.forgiveSoon(address);
    }
    await stopping.close();
    // Another node, at once (well within FORGIVE_WITHIN_MS): all three guesses are there again.
    const next = new AddressLimits(settings, client);
    const left = [];
    for (let i = 0; i < 4; i++) left.push(await next.guess(address));
    expect(left).toEqual([true, true, true, false]);
  });

  it('[HT-2] a handshake over its join allowance is refused and costs no guess', async () => {
    const address = '198.51.100.3';
    expect(await limits.handshake(address, null)).toBe('ok');
    expect(await limits.handshake(address, null)).toBe('ok');
    expect(await limits.handshake(address, null)).toBe('rate_limited');
    expect(await limits.handshake(address, null)).toBe('rate_limited');
    // Two guesses taken (never given back here), five allowed: three left, whatever the refusals.
    const left = [];
    for (let i = 0; i < 5; i++) left.push(await limits.guess(address));
    expect(left).toEqual([true, true, true, false, false]);
  });

  it('[RM-10] a removed address is barred from its room only, and a handshake without a room is not', async () => {
    const address = '198.51.100.5';
    await limits.bar('HIJKLMN', address);
    const answers = [await limits.handshake(address, 'HIJKLMN'), await limits.handshake(address, 'OPQRSTU')];
    expect(answers).toEqual(['barred', 'ok']);
  });

  it("[HT-2][RM-10] Redis unreachable: the counts and the bar hold in this node's memory", async () => {
    const gone = redisClient(redis.url, { autoPipelining: true });
    await connectClient(gone);
    const alone = new AddressLimits(
      { joinsPerMinute: 2, failuresPerMinute: 5, apiPerMinute: 100, removalBarSeconds: 60 },
      gone,
    );
    gone.disconnect();
    const address = '198.51.100.6';
    await alone.bar('VWXYZAB', address);
    const answers = [];
    for (const room of ['VWXYZAB', 'CDEFGHI', 'CDEFGHI']) answers.push(await alone.handshake(address, room));
    expect(answers).toEqual(['barred', 'ok', 'rate_limited']); // two joins a minute
  });

  it("[HT-2] a handshake's counts are rate-limiter-flexible's: same keys, values and window, added to the library's own", async () => {
    const settings = { joinsPerMinute: 100, failuresPerMinute: 3, apiPerMinute: 100, removalBarSeconds: 60 };
    const shared = new AddressLimits(settings, client);
    const address = '198.51.100.10';
    // A guess of an HTTP route (the library's count) and the handshakes' (this module's) on one key.
    expect(await shared.guess(address)).toBe(true);
    expect(await shared.handshake(address, null)).toBe('ok');
    expect(await shared.guess(address)).toBe(true);
    expect(await shared.handshake(address, null)).toBe('rate_limited'); // the fourth guess of three
    // The library reads the counts as its own: two handshakes, four guesses, within one minute.
    const read = (prefix: string) =>
      new RateLimiterRedis({
        storeClient: admin,
        keyPrefix: `cercle:limit:${prefix}`,
        points: 1,
        duration: 60,
      }).get(address);
    const [joins, guesses] = await Promise.all([read('join'), read('fail')]);
    expect(joins?.consumedPoints).toBe(2);
    expect(guesses?.consumedPoints).toBe(4);
    for (const count of [joins, guesses]) {
      expect(count?.msBeforeNext).toBeGreaterThan(50_000);
      expect(count?.msBeforeNext).toBeLessThanOrEqual(60_000);
    }
  });

  it("[HT-2] Redis too slow: a handshake's counts are taken in this node's memory, within the bound", async () => {
    const slow = redisClient(redis.url, { autoPipelining: true });
    await connectClient(slow);
    const settings = { joinsPerMinute: 2, failuresPerMinute: 5, apiPerMinute: 100, removalBarSeconds: 60 };
    const paused = new AddressLimits(settings, slow);
    const address = '198.51.100.9';
    expect(await paused.handshake(address, null)).toBe('ok'); // one join counted in Redis
    // Redis holds every write (the counts) until unpaused: each handshake's counts are given up.
    await admin.client('PAUSE', 5_000, 'WRITE');
    const answers = [];
    const started = Date.now();
    try {
      for (let i = 0; i < 3; i++) answers.push(await paused.handshake(address, null));
    } finally {
      await admin.client('UNPAUSE');
      slow.disconnect();
    }
    // This node's own count: two joins a minute, whatever Redis held (one) or will count late.
    expect(answers).toEqual(['ok', 'ok', 'rate_limited']);
    expect(Date.now() - started).toBeLessThan(3 * 1_000); // three bounds of 200 ms, not Redis's pause
  });
});
