import { Cluster, Redis } from 'ioredis';

/** Where the shared state lives: one Redis (REDIS_URL) or a Redis Cluster (REDIS_CLUSTER_NODES). */
export type RedisTarget = string | { cluster: { host: string; port: number }[]; password?: string };

/** A client of either; both speak the same commands (a cluster routes each by its keys' slot). */
export type RedisClient = Redis;

export type ClientOptions = {
  /** ioredis commandTimeout: a sent command without a reply rejects after this. */
  commandTimeoutMs?: number;
  /** Queue commands while disconnected (the adapter's subscriber) instead of failing them at once. */
  offlineQueue?: boolean;
  /** Sharded pub/sub subscriptions (the fan-out's subscriber). */
  subscriber?: boolean;
  autoPipelining?: boolean;
};

/**
 * A client for `target`, not connected yet (`connect()` resolves once ready). The failure options are
 * the store's: no offline queue, a command in flight when the connection drops is rejected rather than
 * re-sent later, reconnection by ioredis. A cluster client follows MOVED/ASK redirections and refreshes
 * its slot map by itself; its type is given as Redis's, whose commands it has.
 */
export function redisClient(target: RedisTarget, options: ClientOptions = {}): RedisClient {
  const offline = options.offlineQueue ?? false;
  const nodeOptions = {
    enableOfflineQueue: offline,
    maxRetriesPerRequest: offline ? null : 0,
    autoResendUnfulfilledCommands: offline,
    ...(options.commandTimeoutMs === undefined ? {} : { commandTimeout: options.commandTimeoutMs }),
    connectTimeout: 1000,
    retryStrategy: (attempt: number) => Math.min(50 * attempt, 500),
  };
  if (typeof target === 'string') {
    return new Redis(target, {
      lazyConnect: true,
      enableAutoPipelining: options.autoPipelining ?? false,
      ...nodeOptions,
    });
  }
  const cluster = new Cluster(target.cluster, {
    lazyConnect: true,
    enableOfflineQueue: offline,
    enableAutoPipelining: options.autoPipelining ?? false,
    shardedSubscribers: options.subscriber ?? false,
    clusterRetryStrategy: (attempt: number) => Math.min(50 * attempt, 500),
    // A failover or a slot moving: retried shortly, within the store's own deadline.
    retryDelayOnFailover: 50,
    retryDelayOnClusterDown: 50,
    retryDelayOnTryAgain: 50,
    slotsRefreshTimeout: 1000,
    redisOptions: { ...nodeOptions, ...(target.password ? { password: target.password } : {}) },
  });
  return cluster as unknown as RedisClient;
}

/** Connects a client made by `redisClient`; on failure it is disconnected and the error rethrown. */
export async function connectClient(client: RedisClient): Promise<void> {
  try {
    await client.connect();
  } catch (error) {
    client.disconnect();
    throw error;
  }
}
