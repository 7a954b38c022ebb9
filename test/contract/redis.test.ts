import { Redis } from 'ioredis';
import { afterAll, beforeAll } from 'vitest';
import type { StepDecision, StoredRoom } from '../../server/src/store/interface.js';
import { RedisRoomStore } from '../../server/src/store/redis.js';
import { type RedisServer, startRedisServer } from '../support/redisServer.js';
import { registerRoomStoreContract } from './roomStore.contract.js';

let server: RedisServer;
beforeAll(async () => {
  server = await startRedisServer();
});
afterAll(async () => {
  await server?.stop();
});

registerRoomStoreContract('redis', async () => {
  const ttlSeconds = 3_600;
  const admin = new Redis(server.url, { maxRetriesPerRequest: 1 });
  const opened: { close(): Promise<void> }[] = [];
  let down = false;
  let frozen = false;
  const roomKeys = async (match: string) => {
    const keys: string[] = [];
    let cursor = '0';
    do {
      const [next, batch] = await admin.scan(cursor, 'MATCH', match, 'COUNT', 1000);
      cursor = next;
      keys.push(...batch);
    } while (cursor !== '0');
    return keys;
  };
  return {
    nodes: 'many',
    ttlSeconds,
    open: async <R extends StoredRoom, D extends StepDecision>() => {
      const store = await RedisRoomStore.connect<R, D>(server.url, { ttlSeconds });
      opened.push(store);
      return store;
    },
    remainingTtlMs: async (code) => {
      const pttl = await admin.pttl(`cercle:room:${code}`);
      return pttl === -2 ? null : pttl;
    },
    elapse: async (ms) => {
      for (const key of await roomKeys('cercle:room:*')) {
        const left = (await admin.pttl(key)) - ms;
        if (left > 0) await admin.pexpire(key, left);
        else await admin.del(key);
      }
    },
    keysOf: async (code) => {
      const keys = await roomKeys(`*${code}*`);
      return Promise.all(keys.map(async (key) => ({ key, pttl: await admin.pttl(key) })));
    },
    timerMembers: () => admin.zrange('cercle:timers', 0, -1),
    outage: {
      kill: async () => {
        down = true;
        await server.kill();
      },
      restart: async () => {
        await server.restart();
        down = false;
      },
      freeze: async () => {
        frozen = true;
        server.freeze();
      },
      thaw: async () => {
        server.thaw();
        frozen = false;
      },
    },
    cleanup: async () => {
      await Promise.all(opened.map((store) => store.close()));
      if (frozen) server.thaw();
      if (down) await server.restart();
      await admin.flushall();
      admin.disconnect();
    },
  };
});
