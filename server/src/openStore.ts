import type { Decision, Room } from '@cercle/shared';
import type { FastifyBaseLogger } from 'fastify';
import type { Config } from './config.js';
import type { EngineStore } from './rooms/roomService.js';
import { MemoryRoomStore } from './store/memory.js';
import { RedisRoomStore } from './store/redis.js';

/** Redis when REDIS_URL is set (several nodes), otherwise the embedded in-memory store (one node). */
export async function openStore(config: Config, logger: FastifyBaseLogger): Promise<EngineStore> {
  if (!config.REDIS_URL) return new MemoryRoomStore<Room, Decision>({ ttlSeconds: config.ROOM_TTL_SECONDS });
  return RedisRoomStore.connect<Room, Decision>(config.REDIS_URL, {
    ttlSeconds: config.ROOM_TTL_SECONDS,
    callTimeoutMs: config.STORE_TIMEOUT_MS,
    logger: logger.child({ component: 'store' }),
  });
}
