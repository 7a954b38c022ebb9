import type { Decision, Room } from '@cercle/shared';
import type { FastifyBaseLogger } from 'fastify';
import type { CircleStore } from './circles/store.js';
import type { Config } from './config.js';
import type { EngineStore } from './rooms/roomService.js';
import { RedisRoomStore } from './store/redis.js';
import { RedisCircleStore } from './store/redisCircles.js';
import { markSeatsAwayOnStart } from './store/sqlite/awayOnStart.js';
import { SqliteCircleStore } from './store/sqlite/circleStore.js';
import { SqliteRoomStore } from './store/sqlite/roomStore.js';

/**
 * Redis when REDIS_URL is set (several nodes), otherwise the embedded SQLite database in DATA_DIR (one
 * node, surviving restarts).
 */
export async function openStore(config: Config, logger: FastifyBaseLogger): Promise<EngineStore> {
  if (!config.REDIS_URL) {
    const store = SqliteRoomStore.open<Room, Decision>(config.DATA_DIR, {
      ttlSeconds: config.ROOM_TTL_SECONDS,
    });
    // Nobody is connected to a process that is just starting: seats left connected by a kill go away.
    const away = await markSeatsAwayOnStart(store, { seatGraceMs: config.SEAT_GRACE_SECONDS * 1000 });
    if (away > 0) logger.info({ event: 'seats_away_on_start', seats: away }, 'seats marked away');
    return store;
  }
  return RedisRoomStore.connect<Room, Decision>(config.REDIS_URL, {
    ttlSeconds: config.ROOM_TTL_SECONDS,
    callTimeoutMs: config.STORE_TIMEOUT_MS,
    logger: logger.child({ component: 'store' }),
  });
}

/** Circles beside the rooms: in Redis when REDIS_URL is set, otherwise in the same SQLite file. */
export async function openCircleStore(config: Config): Promise<CircleStore> {
  const retentionMs = config.CIRCLE_RETENTION_DAYS * 86_400_000;
  if (!config.REDIS_URL) return SqliteCircleStore.open(config.DATA_DIR, { retentionMs });
  return RedisCircleStore.connect(config.REDIS_URL, { retentionMs, callTimeoutMs: config.STORE_TIMEOUT_MS });
}
