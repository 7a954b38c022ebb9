import { afterAll, beforeAll } from 'vitest';
import { type RedisBackend, singleBackend } from '../support/redisAdmin.js';
import { type RedisServer, startRedisServer } from '../support/redisServer.js';
import { redisRoomHarness } from './redisHarness.js';
import { registerRoomStoreContract } from './roomStore.contract.js';

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

registerRoomStoreContract('redis', async () => redisRoomHarness(backend));
