import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join as joinPath } from 'node:path';
import { SEALED_MAX_CHARS } from '@cercle/shared';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { newLogbookSecret } from '../../client/src/logbook/crypto.js';
import { createCircle, enterSession, joinCircle, openSession, viewAs } from '../support/circles.js';
import type { TestParticipant } from '../support/clients.js';
import { type RedisServer, startRedisServer } from '../support/redisServer.js';
import { open, seal } from '../support/sealed.js';
import { type ServerProcess, startServerProcess, tempDataDir } from '../support/serverProcess.js';

/**
 * LG-5, LG-6, LG-7 over real stores and a real server process: a canary written in a circle member's
 * logbook is sealed with the page's own code (client/src/logbook/crypto.ts, Web Crypto in Node) and then
 * looked for everywhere the server could have put it: every Redis key and the append-only files, every
 * file of the embedded database (WAL included), every log line at debug level, and every message the
 * other people's sockets received. The ciphertext itself is found in the stores (so the search looks in
 * the right places); its text nowhere.
 */

const canary = `CanaryLogbook${randomUUID().slice(0, 8)}`;

/** Every file under a folder, read whole. */
function filesUnder(dir: string): { path: string; bytes: Buffer }[] {
  const out: { path: string; bytes: Buffer }[] = [];
  for (const name of readdirSync(dir)) {
    const path = joinPath(dir, name);
    if (statSync(path).isDirectory()) out.push(...filesUnder(path));
    else out.push({ path, bytes: readFileSync(path) });
  }
  return out;
}

/** Every value of every key, as text (strings, hashes, sets, sorted sets, lists). */
async function redisDump(url: string): Promise<string> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect();
  const parts: string[] = [];
  try {
    for (const key of await redis.keys('*')) {
      const type = await redis.type(key);
      parts.push(key);
      if (type === 'string') parts.push((await redis.get(key)) ?? '');
      if (type === 'hash') parts.push(JSON.stringify(await redis.hgetall(key)));
      if (type === 'set') parts.push(JSON.stringify(await redis.smembers(key)));
      if (type === 'zset') parts.push(JSON.stringify(await redis.zrange(key, 0, -1)));
      if (type === 'list') parts.push(JSON.stringify(await redis.lrange(key, 0, -1)));
    }
  } finally {
    redis.disconnect();
  }
  return parts.join('\n');
}

/** Records every message a socket receives, to look for the canary in what others were sent. */
function recordAll(p: TestParticipant): string[] {
  const seen: string[] = [];
  p.socket.onAny((event: string, payload: unknown) => seen.push(`${event} ${JSON.stringify(payload)}`));
  return seen;
}

type Store = 'sqlite' | 'redis';

describe.each<Store>(['sqlite', 'redis'])('sealed logbook, %s store', (store) => {
  let redis: RedisServer | null = null;
  let server: ServerProcess | null = null;
  const people: TestParticipant[] = [];
  const dataDir = tempDataDir();

  afterAll(async () => {
    for (const p of people) p.close();
    server?.child.kill('SIGKILL');
    await server?.exited;
    await redis?.stop();
  });

  it('[LG-5][LG-6][LG-7] a canary is in no store file, key, log line or other socket; its owner opens it on a second device; forged or oversized ciphertext changes nothing', async () => {
    if (store === 'redis') redis = await startRedisServer({ durable: true });
    server = await startServerProcess({
      LOG_LEVEL: 'debug',
      DATA_DIR: dataDir,
      ...(redis ? { REDIS_URL: redis.url } : {}),
    });
    const circle = await createCircle(server.url, { kind: 'codev', title: 'Cercle chiffré' });
    const anne = await joinCircle(circle, 'Anne');
    const bruno = await joinCircle(circle, 'Bruno');
    await joinCircle(circle, 'Chloé');
    // Anne's page makes her logbook secret and keeps it in her link's fragment (`&lk=`): never sent.
    const anneLogbookSecret = newLogbookSecret();
    const s1 = await openSession(circle);
    expect(s1.number).toBe(1);
    const facilitator = await enterSession(circle, 1, circle.facilitatorKey, 'facilitator');
    const anneRoom = await enterSession(circle, 1, anne.secret, 'Anne');
    const brunoRoom = await enterSession(circle, 1, bruno.secret, 'Bruno');
    people.push(facilitator, anneRoom, brunoRoom);
    const othersSaw = [recordAll(facilitator), recordAll(brunoRoom)];

    const sealed = await seal(anneLogbookSecret, `Ce que je ressens : ${canary}`);
    expect(sealed).not.toContain(canary);
    const version = await anneRoom.must({ type: 'logbook_add', sealed });
    await facilitator.reach(version);
    await brunoRoom.reach(version);
    const entries = Object.values(anneRoom.mine!.logbook);
    expect(entries.map((e) => e.sealed)).toEqual([sealed]);
    expect(await open([anneLogbookSecret], sealed)).toBe(`Ce que je ressens : ${canary}`);
    // Nobody else's secret opens it.
    expect(await open([newLogbookSecret()], sealed)).toBeNull();

    // A forged ciphertext, one too large, and text in clear: refused, the room's version unchanged.
    const forged = await anneRoom.send({ type: 'logbook_add', sealed: 'c1.not*base64url' });
    expect(forged).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    const tooLarge = await anneRoom.send({
      type: 'logbook_add',
      sealed: `c1.${'A'.repeat(SEALED_MAX_CHARS)}`,
    });
    expect(tooLarge.ok).toBe(false);
    const clear = await anneRoom.send({ type: 'logbook_add', text: canary } as Record<string, unknown>);
    expect(clear).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    await anneRoom.sync();
    expect(anneRoom.version).toBe(version);

    // The circle brings Anne's logbook back (as ciphertext) with the session's record.
    await expect
      .poll(async () => (await viewAs(circle, anne.secret)).viewer)
      .toMatchObject({ role: 'member', logbook: [{ sealed, session: 1 }] });
    expect(JSON.stringify(await viewAs(circle, bruno.secret))).not.toContain(sealed);

    // A second device opened from Anne's personal link: the same seat, the same sealed entry, opened
    // there with the secret the link carries.
    const secondDevice = await enterSession(circle, 1, anne.secret, 'Anne, phone');
    people.push(secondDevice);
    expect(secondDevice.participantId).toBe(anneRoom.participantId);
    const [onPhone] = Object.values(secondDevice.mine!.logbook);
    expect(await open([anneLogbookSecret], onPhone!.sealed)).toBe(`Ce que je ressens : ${canary}`);
    // And in the next session, carried in from the circle.
    const s2 = await openSession(circle);
    const anne2 = await enterSession(circle, s2.number, anne.secret, 'Anne 2');
    people.push(anne2);
    const carried = Object.values(anne2.mine!.logbook).map((e) => e.sealed);
    expect(carried).toEqual([sealed]);

    // Nothing of it reached another socket.
    for (const seen of othersSaw) {
      const all = seen.join('\n');
      // They were told the room changed (the patch of Anne's write), and nothing of what she wrote.
      expect(all).toContain(`"to":${version}`);
      expect(all).not.toContain(canary);
      expect(all).not.toContain(sealed);
    }

    // Nor a store: the ciphertext is there, the canary is not.
    if (redis) {
      const dump = await redisDump(redis.url);
      expect(dump).toContain(sealed);
      expect(dump).not.toContain(canary);
      const aof = filesUnder(redis.dir);
      expect(aof.some((f) => f.bytes.includes(sealed))).toBe(true);
      for (const file of aof) expect(file.bytes.includes(canary), file.path).toBe(false);
    }
    // The embedded database's files, WAL included, while it runs and after a clean stop (checkpoint).
    const look = () => {
      const files = filesUnder(dataDir);
      for (const file of files) expect(file.bytes.includes(canary), file.path).toBe(false);
      return files;
    };
    const running = look();
    if (store === 'sqlite') {
      expect(running.some((f) => f.path.endsWith('-wal'))).toBe(true);
      expect(running.some((f) => f.bytes.includes(sealed))).toBe(true);
    }
    for (const p of people) p.close();
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
    look();

    // No log line, at debug level.
    const logs = `${server.stdout()}\n${server.stderr()}`;
    expect(logs.split('\n').length).toBeGreaterThan(10);
    expect(logs).not.toContain(canary);
    expect(logs).not.toContain(sealed);
  });
});
