import type { Decision, Room } from '@cercle/shared';
import type { FastifyBaseLogger } from 'fastify';
import type { CircleStore } from '../circles/store.js';
import type { Config } from '../config.js';
import type { CercleServer } from '../realtime/channels.js';
import { codeOfRoom } from '../realtime/channels.js';
import type { EngineStore } from '../rooms/roomService.js';
import { StoreUnavailableError } from '../store/interface.js';
import { RedisRoomStore } from '../store/redis.js';
import { RedisCircleStore } from '../store/redisCircles.js';
import { markSeatsAwayOnStart } from '../store/sqlite/awayOnStart.js';
import { SqliteCircleStore } from '../store/sqlite/circleStore.js';
import { SqliteRoomStore } from '../store/sqlite/roomStore.js';
import { CercleAdapter, type FanOutStats } from './adapter.js';
import { connectClient, quitWithin, type RedisClient, type RedisTarget, redisClient } from './connection.js';
import { keyNames } from './keys.js';

/** The fan-out between nodes of one process: its counters, and its connections to close. */
export type FanOut = { stats: () => FanOutStats; close: () => Promise<void> };

/**
 * Single node or several (SC-2): the one place that decides, from the configuration read once, where
 * rooms and circles are stored and how broadcasts reach the other nodes, together.
 * - `single`: the embedded SQLite database in DATA_DIR, no fan-out (one process).
 * - `redis` (REDIS_URL): one Redis holds rooms and circles and carries the fan-out.
 * - `redis-cluster` (REDIS_CLUSTER_NODES): the same over a Redis Cluster: keys and channels carry hash tags
 *   (cluster/keys.ts), the fan-out uses sharded pub/sub on the primary holding each room.
 * The key layout and the fan-out are the same in both Redis modes.
 */
export type ClusterSeam = {
  readonly mode: 'single' | 'redis' | 'redis-cluster';
  openStore(logger: FastifyBaseLogger): Promise<EngineStore>;
  openCircleStore(): Promise<CircleStore>;
  /** A connection for the per-address limits shared by the nodes (HT-2); null on a single node. */
  limitsClient(): RedisClient | null;
  /** Installs the nodes' fan-out on `io`; null on a single node. */
  fanOut(io: CercleServer, logger: FastifyBaseLogger): Promise<FanOut | null>;
};

export function clusterSeam(config: Config): ClusterSeam {
  const target: RedisTarget | null = config.REDIS_CLUSTER_NODES
    ? { cluster: config.REDIS_CLUSTER_NODES, password: config.REDIS_CLUSTER_PASSWORD }
    : (config.REDIS_URL ?? null);
  if (target === null) return singleNode(config);
  const mode = typeof target === 'string' ? 'redis' : 'redis-cluster';
  return {
    mode,
    openStore: (logger) =>
      RedisRoomStore.connect<Room, Decision>(target, {
        ttlSeconds: config.ROOM_TTL_SECONDS,
        callTimeoutMs: config.STORE_TIMEOUT_MS,
        logger: logger.child({ component: 'store' }),
      }),
    openCircleStore: () =>
      RedisCircleStore.connect(target, {
        retentionMs: config.CIRCLE_RETENTION_DAYS * 86_400_000,
        callTimeoutMs: config.STORE_TIMEOUT_MS,
      }),
    limitsClient: () => {
      // Pipelined: a handshake's counts, asked in one turn, leave in one write (addressLimits.ts).
      const client = redisClient(target, { autoPipelining: true });
      void client.connect().catch(() => {}); // the limits fall back to memory until it answers
      return client;
    },
    fanOut: (io, logger) => redisFanOut(target, io, logger),
  };
}

function singleNode(config: Config): ClusterSeam {
  return {
    mode: 'single',
    async openStore(logger) {
      const store = SqliteRoomStore.open<Room, Decision>(config.DATA_DIR, {
        ttlSeconds: config.ROOM_TTL_SECONDS,
      });
      // Nobody is connected to a process that is just starting: seats left connected by a kill go away.
      const away = await markSeatsAwayOnStart(store, { seatGraceMs: config.SEAT_GRACE_SECONDS * 1000 });
      if (away > 0) logger.info({ event: 'seats_away_on_start', seats: away }, 'seats marked away');
      return store;
    },
    openCircleStore: async () =>
      SqliteCircleStore.open(config.DATA_DIR, { retentionMs: config.CIRCLE_RETENTION_DAYS * 86_400_000 }),
    limitsClient: () => null,
    fanOut: async () => null,
  };
}

/**
 * Two connections: a subscriber (a subscribed connection can do nothing else; its commands queue while
 * Redis is away and its subscriptions come back with it) and a publisher that fails at once while Redis
 * is away (a lost broadcast is caught up by room:sync). The publishes of one turn of the event loop go to
 * Redis as one write, each answered as its reply is read (SR-10): not held behind the replies of the turn
 * before, nor sent after the goodbye (QUIT) of a shutdown, as auto-pipelining's held batch was.
 */
async function redisFanOut(
  target: RedisTarget,
  io: CercleServer,
  logger: FastifyBaseLogger,
): Promise<FanOut> {
  const pub = redisClient(target, { batchWrites: true });
  const sub = redisClient(target, { offlineQueue: true, subscriber: true });
  let down = false;
  const lost = (error: unknown, during = 'connection') => {
    if (!down) {
      const name = error instanceof Error ? error.name : 'unknown';
      logger.warn({ event: 'adapter_redis_error', error: name, during }, 'fan-out lost Redis');
    }
    down = true;
  };
  for (const client of [pub, sub]) {
    client.on('error', (error: unknown) => lost(error));
    client.on('ready', () => {
      down = false;
    });
  }
  try {
    await Promise.all([connectClient(pub), connectClient(sub)]);
  } catch (error) {
    pub.disconnect();
    sub.disconnect();
    throw new StoreUnavailableError('Redis is unreachable', { cause: error });
  }
  const keys = keyNames();
  const channels = {
    codeOf: codeOfRoom,
    room: keys.roomChannel,
    nodes: keys.nodesChannel,
    node: keys.nodeChannel,
  };
  let adapter: CercleAdapter | null = null;
  io.adapter(function cercleAdapter(nsp: unknown) {
    const made = new CercleAdapter(nsp, {
      pub,
      sub,
      channels,
      onError: lost,
      onHelloTimeout: (counts) =>
        logger.info({ event: 'adapter_hello_timeout', ...counts }, 'fan-out hello not acked by every node'),
    });
    adapter ??= made;
    return made;
  } as unknown as Parameters<CercleServer['adapter']>[0]);
  return {
    stats: () => ({
      ...(adapter?.stats ?? { published: 0, received: 0, echoes: 0, channels: 0, skipped: 0 }),
    }),
    close: async () => {
      adapter?.close();
      await new Promise((resolve) => setImmediate(resolve)); // the publishes of this turn go out first
      // The last broadcasts (a shutdown's aways, OP-7) are answered before the connection goes: a
      // goodbye after them, bounded, rather than cutting them off in flight.
      await quitWithin(pub, 1_000);
      sub.disconnect();
    },
  };
}
