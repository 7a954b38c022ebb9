import { startRedisCluster } from './redisCluster.js';
import { startRedisServer } from './redisServer.js';

/** A Redis that several nodes share: the settings that point a node at it, and how to stop it. */
export type SharedRedis = { env: Record<string, string>; stop: () => Promise<void> };

/** One redis-server on a free port. */
export async function oneRedis(): Promise<SharedRedis> {
  const redis = await startRedisServer();
  return { env: { REDIS_URL: redis.url }, stop: () => redis.stop() };
}

/** A Redis Cluster of three primaries. */
export async function threePrimaries(): Promise<SharedRedis> {
  const cluster = await startRedisCluster({ primaries: 3 });
  return { env: { REDIS_CLUSTER_NODES: cluster.nodesSetting }, stop: () => cluster.stop() };
}

/** Budgets raised so that a test's bursts are not throttled (HT-3 has its own tests). */
export const fastCommands = { COMMAND_RATE: '5000', COMMAND_BURST: '5000', JOIN_RATE_PER_IP: '1000' };
