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

/**
 * Connects a client made by `redisClient`: resolves once it is ready, rejects (the client disconnected)
 * when the opening fails, the client ends, or `timeoutMs` (when given) passes first.
 * A Redis Cluster client whose ready check fails (a node says `cluster_state:fail`, e.g. while a primary
 * is down) reconnects by itself and drops the promise of that `connect()`, which then never settles
 * (ioredis): its `ready` event is what says it opened after all.
 */
export async function connectClient(
  client: RedisClient,
  options: { timeoutMs?: number } = {},
): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  let onReady: (() => void) | undefined;
  let onEnd: (() => void) | undefined;
  try {
    await new Promise<void>((resolve, reject) => {
      onReady = resolve;
      onEnd = () => reject(new Error('the connection ended before it was ready'));
      client.once('ready', onReady);
      client.once('end', onEnd);
      if (options.timeoutMs !== undefined) {
        timer = setTimeout(
          () => reject(new Error('the connection was not ready in time')),
          options.timeoutMs,
        );
      }
      client.connect().then(() => resolve(), reject);
    });
  } catch (error) {
    client.disconnect();
    throw error;
  } finally {
    clearTimeout(timer);
    if (onReady) client.off('ready', onReady);
    if (onEnd) client.off('end', onEnd);
  }
}

/**
 * A goodbye (QUIT, so that the replies on their way are read first), bounded: past `timeoutMs`, or when
 * it fails, the connection is dropped instead. Resolves either way, never later than `timeoutMs`.
 */
export async function quitWithin(client: RedisClient, timeoutMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, timeoutMs);
  });
  try {
    await Promise.race([
      client.quit().then(
        () => {},
        () => {},
      ),
      late,
    ]);
  } finally {
    clearTimeout(timer);
    client.disconnect();
  }
}
