import { Redis } from 'ioredis';
import { afterAll, beforeAll } from 'vitest';
import { RedisCircleStore } from '../../server/src/store/redisCircles.js';
import { type RedisServer, startRedisServer } from '../support/redisServer.js';
import { registerCircleStoreContract } from './circleStore.contract.js';

let server: RedisServer;
beforeAll(async () => {
  server = await startRedisServer();
});
afterAll(async () => {
  await server?.stop();
});

registerCircleStoreContract('redis', async () => {
  const retentionMs = 365 * 86_400_000;
  const admin = new Redis(server.url, { maxRetriesPerRequest: 1 });
  const opened: RedisCircleStore[] = [];
  const allKeys = async () => {
    const keys: string[] = [];
    let cursor = '0';
    do {
      const [next, batch] = await admin.scan(cursor, 'MATCH', '*', 'COUNT', 1000);
      cursor = next;
      keys.push(...batch);
    } while (cursor !== '0');
    return keys;
  };
  return {
    retentionMs,
    open: async () => {
      const store = await RedisCircleStore.connect(server.url, { retentionMs });
      opened.push(store);
      return store;
    },
    elapse: async (ms) => {
      for (const key of await allKeys()) {
        const left = (await admin.pttl(key)) - ms;
        if (left > 0) await admin.pexpire(key, left);
        else await admin.del(key);
      }
    },
    traces: async (text) => {
      const found: string[] = [];
      for (const key of await allKeys()) {
        if (key.includes(text)) {
          found.push(key);
          continue;
        }
        const type = await admin.type(key);
        const content =
          type === 'hash'
            ? JSON.stringify(await admin.hgetall(key))
            : type === 'set'
              ? JSON.stringify(await admin.smembers(key))
              : type === 'string'
                ? String(await admin.get(key))
                : '';
        if (content.includes(text)) found.push(key);
      }
      return found;
    },
    cleanup: async () => {
      for (const store of opened) await store.close();
      await admin.flushall();
      admin.disconnect();
    },
  };
});
