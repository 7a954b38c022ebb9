import { afterAll, beforeAll } from 'vitest';
import { type RedisBackend, singleBackend } from '../support/redisAdmin.js';
import { type RedisServer, startRedisServer } from '../support/redisServer.js';
import { registerCircleStoreContract } from './circleStore.contract.js';
import { redisCircleHarness } from './redisHarness.js';

let server: RedisServer;
let backend: RedisBackend;
beforeAll(async () => {
  server = await startRedisServer();
  backend = singleBackend(server);
});
afterAll(async () => {
  backend?.close();
  await server?.stop();
});

registerCircleStoreContract('redis', async () => redisCircleHarness(backend));
