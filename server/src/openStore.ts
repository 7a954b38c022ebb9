import type { Decision, Room } from '@cercle/shared';
import type { FastifyBaseLogger } from 'fastify';
import type { Config } from './config.js';
import type { EngineStore } from './rooms/roomService.js';
import { RedisRoomStore } from './store/redis.js';
import { SqliteRoomStore } from './store/sqlite/roomStore.js';

/**
 * Redis when REDIS_URL is set (several nodes), otherwise the embedded SQLite database in DATA_DIR (one
 * node, surviving restarts).
 */
export async function openStore(config: Config, logger: FastifyBaseLogger): Promise<EngineStore> {
  if (!config.REDIS_URL)
    return SqliteRoomStore.open<Room, Decision>(config.DATA_DIR, { ttlSeconds: config.ROOM_TTL_SECONDS });
  return RedisRoomStore.connect<Room, Decision>(config.REDIS_URL, {
    ttlSeconds: config.ROOM_TTL_SECONDS,
    callTimeoutMs: config.STORE_TIMEOUT_MS,
    logger: logger.child({ component: 'store' }),
  });
}
