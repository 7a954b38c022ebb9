import { afterAll, beforeAll } from 'vitest';
import { clusterBackend, type RedisBackend } from '../support/redisAdmin.js';
import { type RedisCluster, startRedisCluster } from '../support/redisCluster.js';
import { registerCircleStoreContract } from './circleStore.contract.js';
import { redisCircleHarness, redisRoomHarness } from './redisHarness.js';
import { registerRoomStoreContract } from './roomStore.contract.js';

/** SC-4: the store contracts on a three-primary Redis Cluster, as on one Redis. */
let cluster: RedisCluster;
let backend: RedisBackend;
beforeAll(async () => {
  cluster = await startRedisCluster({ primaries: 3 });
  backend = clusterBackend(cluster);
}, 30_000);
afterAll(async () => {
  backend?.close();
  await cluster?.stop();
});

registerRoomStoreContract('redis cluster', async () => redisRoomHarness(backend));
registerCircleStoreContract('redis cluster', async () => redisCircleHarness(backend));
