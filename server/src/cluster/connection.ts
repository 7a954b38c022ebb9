import type { Socket } from 'node:net';
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
  /** ioredis's auto-pipelining: one pipeline in flight at a time, answered when all its replies are in. */
  autoPipelining?: boolean;
  /**
   * The calls of one turn of the event loop leave in one socket write, each answered as its reply is
   * read, whatever else is in flight (`writeInBatches`). A Redis Cluster client gets auto-pipelining.
   */
  batchWrites?: boolean;
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
    const client = new Redis(target, {
      lazyConnect: true,
      enableAutoPipelining: (options.autoPipelining ?? false) && !options.batchWrites,
      ...nodeOptions,
    });
    if (options.batchWrites) writeInBatches(client);
    return client;
  }
  const cluster = new Cluster(target.cluster, {
    lazyConnect: true,
    enableOfflineQueue: offline,
    enableAutoPipelining: (options.autoPipelining ?? false) || (options.batchWrites ?? false),
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

type SendCommand = (command: unknown, stream?: unknown, node?: unknown) => unknown;

/** The clients made with `batchWrites`, and how to send now what they hold. */
const flushers = new WeakMap<RedisClient, () => void>();

/**
 * Sends now the calls a `batchWrites` client holds for this turn: for a caller that gathered its calls
 * itself and sends them from the loop's check phase (setImmediate), where the turn's own flush, queued
 * from there, would come only after the next turn's I/O. Nothing for another client.
 */
export function flushWrites(client: RedisClient): void {
  flushers.get(client)?.();
}

/**
 * The calls made in one turn of the event loop leave in one socket write: the connection is corked at
 * the turn's first call and uncorked in the loop's check phase (setImmediate), when ioredis's
 * auto-pipelining would send its pipeline. Unlike that pipeline, each call is answered as soon as its
 * reply is read, not once the whole batch's replies are in, and the next turn's calls leave at once
 * whatever is still in flight, where auto-pipelining holds them until the pipeline before is answered in
 * full. So a command waits for its own round trip only: after a busy spell of the node (a garbage
 * collection, a burst of 250 rooms' commands), the calls made meanwhile are not queued behind the replies
 * of a batch the node has not read yet, and a room's write is not answered after every other room's of
 * the same batch (SPEC SR-10).
 */
function writeInBatches(client: Redis): void {
  const send = client.sendCommand as unknown as SendCommand;
  let corked: Socket | null = null;
  const uncork = () => {
    const socket = corked;
    corked = null;
    socket?.uncork();
  };
  flushers.set(client, uncork);
  (client as unknown as { sendCommand: SendCommand }).sendCommand = (command, stream, node) => {
    const socket = (client as unknown as { stream?: Socket }).stream;
    // A pipeline's commands (`stream` given) are written in one go by the pipeline itself.
    if (corked === null && stream === undefined && socket?.writable && client.status === 'ready') {
      socket.cork();
      corked = socket;
      setImmediate(uncork);
    }
    return send.call(client, command, stream, node);
  };
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
