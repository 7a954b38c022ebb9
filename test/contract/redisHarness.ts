import { keyNames } from '../../server/src/cluster/keys.js';
import type { StepDecision, StoredRoom } from '../../server/src/store/interface.js';
import { RedisRoomStore } from '../../server/src/store/redis.js';
import { RedisCircleStore } from '../../server/src/store/redisCircles.js';
import type { RedisBackend } from '../support/redisAdmin.js';
import type { CircleStoreHarness } from './circleStore.contract.js';
import type { StoreHarness } from './roomStore.contract.js';

const keys = keyNames();

/** The room store contract's harness over one Redis or a cluster (redis.test.ts, redisCluster.test.ts). */
export function redisRoomHarness(backend: RedisBackend): StoreHarness {
  const ttlSeconds = 3_600;
  const { admin } = backend;
  const opened: { close(): Promise<void> }[] = [];
  let down = false;
  let frozen = false;
  return {
    nodes: 'many',
    ttlSeconds,
    open: async <R extends StoredRoom, D extends StepDecision>() => {
      const store = await RedisRoomStore.connect<R, D>(backend.target, { ttlSeconds });
      opened.push(store);
      return store;
    },
    remainingTtlMs: async (code) => {
      const pttl = await admin.pttl(keys.room(code));
      return pttl === -2 ? null : pttl;
    },
    elapse: async (ms) => {
      for (const key of await backend.keys('cercle:*:room:*')) {
        const left = (await admin.pttl(key)) - ms;
        if (left > 0) await admin.pexpire(key, left);
        else await admin.del(key);
      }
    },
    keysOf: async (code) => {
      const found = await backend.keys(`*${code}*`);
      return Promise.all(found.map(async (key) => ({ key, pttl: await admin.pttl(key) })));
    },
    fieldsOf: (code) => admin.hkeys(keys.room(code)),
    bytesReceived: () => backend.bytesReceived(),
    bytesSent: () => backend.bytesSent(),
    timerMembers: async () =>
      (await Promise.all(keys.timerSets().map((set) => admin.zrange(set, 0, -1)))).flat(),
    outage: {
      kill: async () => {
        down = true;
        await backend.kill();
      },
      restart: async () => {
        await backend.restart();
        down = false;
      },
      freeze: async () => {
        frozen = true;
        backend.freeze();
      },
      thaw: async () => {
        backend.thaw();
        frozen = false;
      },
    },
    cleanup: async () => {
      await Promise.all(opened.map((store) => store.close()));
      if (frozen) backend.thaw();
      if (down) await backend.restart();
      await backend.flushAll();
    },
  };
}

/** The circle store contract's harness over one Redis or a cluster. */
export function redisCircleHarness(backend: RedisBackend): CircleStoreHarness {
  const retentionMs = 365 * 86_400_000;
  const { admin } = backend;
  const opened: RedisCircleStore[] = [];
  const allKeys = () => backend.keys('*');
  return {
    retentionMs,
    open: async () => {
      const store = await RedisCircleStore.connect(backend.target, { retentionMs });
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
      await backend.flushAll();
    },
  };
}
