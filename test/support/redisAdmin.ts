import { Cluster, Redis } from 'ioredis';
import type { RedisCluster } from './redisCluster.js';
import type { RedisServer } from './redisServer.js';

/**
 * What the store tests need of a Redis backend, the same for one server and for a cluster: the target
 * a store connects to, an inspecting client, every key (SCAN on each primary), and crashes.
 */
export type RedisBackend = {
  /** For RedisRoomStore.connect / RedisCircleStore.connect. */
  readonly target: string | { cluster: { host: string; port: number }[] };
  /** A client that routes each key to its node (a cluster client on a cluster). */
  readonly admin: Redis;
  keys(match: string): Promise<string[]>;
  /** Bytes received by every primary so far (`INFO stats` total_net_input_bytes, summed). */
  bytesReceived(): Promise<number>;
  /** Bytes sent by every primary so far (`INFO stats` total_net_output_bytes, summed). */
  bytesSent(): Promise<number>;
  flushAll(): Promise<void>;
  kill(): Promise<void>;
  restart(): Promise<void>;
  freeze(): void;
  thaw(): void;
  close(): void;
};

async function netInput(client: Redis): Promise<number> {
  return statOf(client, 'total_net_input_bytes');
}

async function statOf(client: Redis, name: string): Promise<number> {
  const match = new RegExp(`^${name}:(\\d+)`, 'm').exec(await client.info('stats'));
  if (!match) throw new Error(`no ${name} in INFO stats`);
  return Number(match[1]);
}

async function scanAll(client: Redis, match: string): Promise<string[]> {
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, batch] = await client.scan(cursor, 'MATCH', match, 'COUNT', 1000);
    cursor = next;
    keys.push(...batch);
  } while (cursor !== '0');
  return keys;
}

export function singleBackend(server: RedisServer): RedisBackend {
  const admin = new Redis(server.url, { maxRetriesPerRequest: 1 });
  return {
    target: server.url,
    admin,
    keys: (match) => scanAll(admin, match),
    bytesReceived: () => netInput(admin),
    bytesSent: () => statOf(admin, 'total_net_output_bytes'),
    flushAll: async () => {
      await admin.flushall();
    },
    kill: () => server.kill(),
    restart: () => server.restart(),
    freeze: () => server.freeze(),
    thaw: () => server.thaw(),
    close: () => admin.disconnect(),
  };
}

export function clusterBackend(cluster: RedisCluster): RedisBackend {
  const nodes = cluster.nodes.map((n) => ({ host: '127.0.0.1', port: n.port }));
  const admin = new Cluster(nodes, { redisOptions: { maxRetriesPerRequest: 1 } });
  admin.on('error', () => {});
  return {
    target: { cluster: nodes },
    admin: admin as unknown as Redis,
    keys: async (match) => (await Promise.all(admin.nodes('master').map((n) => scanAll(n, match)))).flat(),
    bytesReceived: async () =>
      (await Promise.all(admin.nodes('master').map((n) => netInput(n)))).reduce((a, b) => a + b, 0),
    bytesSent: async () =>
      (await Promise.all(admin.nodes('master').map((n) => statOf(n, 'total_net_output_bytes')))).reduce(
        (a, b) => a + b,
        0,
      ),
    flushAll: async () => {
      await Promise.all(admin.nodes('master').map((n) => n.flushall()));
    },
    kill: async () => {
      await Promise.all(cluster.nodes.map((n) => n.kill()));
    },
    restart: async () => {
      await Promise.all(cluster.nodes.map((n) => n.restart()));
      await cluster.ready();
    },
    freeze: () => {
      for (const n of cluster.nodes) n.freeze();
    },
    thaw: () => {
      for (const n of cluster.nodes) n.thaw();
    },
    close: () => admin.disconnect(),
  };
}
