import type { Circle, CircleOutcome } from '@cercle/shared';
import {
  type CircleStore,
  type CircleUpdate,
  checkCircleStep,
  MAX_CIRCLE_ATTEMPTS,
} from '../circles/store.js';
import { connectClient, type RedisClient, type RedisTarget, redisClient } from '../cluster/connection.js';
import { StoreUnavailableError } from './interface.js';

export type RedisCircleStoreOptions = {
  /** CIRCLE_RETENTION_DAYS, in ms: every key of a circle expires this long after its last write. */
  retentionMs: number;
  /** Prefix of every key. Default 'cercle:'. */
  keyPrefix?: string;
  /** A call that has no answer after this long fails with StoreUnavailableError. Default 1,000 ms. */
  callTimeoutMs?: number;
};

/** KEYS: circle, rooms set. ARGV: version, json, retention ms. 1 stored, 0 id taken. */
const createScript = `
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], 'v', ARGV[1], 'j', ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return 1`;

/**
 * KEYS: circle, rooms set. ARGV: expected version, new version, json, retention ms, room key prefix.
 * 1 stored (every key of the circle's retention refreshed), 2 version moved, 0 gone.
 */
const casScript = `
local v = redis.call('HGET', KEYS[1], 'v')
if not v then return 0 end
if v ~= ARGV[1] then return 2 end
redis.call('HSET', KEYS[1], 'v', ARGV[2], 'j', ARGV[3])
redis.call('PEXPIRE', KEYS[1], ARGV[4])
if redis.call('EXISTS', KEYS[2]) == 1 then
  redis.call('PEXPIRE', KEYS[2], ARGV[4])
  for _, code in ipairs(redis.call('SMEMBERS', KEYS[2])) do
    redis.call('PEXPIRE', ARGV[5] .. code, ARGV[4])
  end
end
return 1`;

/** KEYS: circle, rooms set. ARGV: room key prefix. Deletes the circle and its whole room index. */
const eraseScript = `
for _, code in ipairs(redis.call('SMEMBERS', KEYS[2])) do
  redis.call('DEL', ARGV[1] .. code)
end
redis.call('DEL', KEYS[1], KEYS[2])
return 1`;

/** KEYS: circle, rooms set, room key. ARGV: code, circle id. Only for a circle that exists. */
const linkScript = `
local ttl = redis.call('PTTL', KEYS[1])
if ttl <= 0 then return 0 end
redis.call('SET', KEYS[3], ARGV[2], 'PX', ttl)
redis.call('SADD', KEYS[2], ARGV[1])
redis.call('PEXPIRE', KEYS[2], ttl)
return 1`;

/**
 * Circles in Redis, beside the rooms (docs/design.md, "Circles"). Keys, all with the circle's retention
 * (refreshed by every write):
 * - `cercle:circle:{id}`: hash `v` (version), `j` (the circle's JSON);
 * - `cercle:circle:{id}:rooms`: set of the room codes opened from it;
 * - `cercle:circle-room:{code}`: the circle id of a room.
 * Writes are Lua compare-and-sets on the version, retried on a conflict. Its own connection, with the
 * room store's failure options: no offline queue, no re-sent command; a silent Redis fails a call after
 * `callTimeoutMs`.
 */
export class RedisCircleStore implements CircleStore {
  private readonly prefix: string;
  private readonly retentionMs: number;

  static async connect(target: RedisTarget, options: RedisCircleStoreOptions): Promise<RedisCircleStore> {
    const redis = redisClient(target, { commandTimeoutMs: options.callTimeoutMs ?? 1_000 });
    redis.on('error', () => {}); // connection state is the room store's to log
    try {
      await connectClient(redis);
    } catch (error) {
      throw new StoreUnavailableError('Redis is unreachable', { cause: error });
    }
    return new RedisCircleStore(redis, options);
  }

  constructor(
    private readonly redis: RedisClient,
    options: RedisCircleStoreOptions,
  ) {
    this.prefix = options.keyPrefix ?? 'cercle:';
    this.retentionMs = options.retentionMs;
  }

  private circleKey(id: string) {
    return `${this.prefix}circle:${id}`;
  }
  private roomsKey(id: string) {
    return `${this.prefix}circle:${id}:rooms`;
  }
  private get roomPrefix() {
    return `${this.prefix}circle-room:`;
  }

  async create(circle: Circle): Promise<boolean> {
    const reply = await this.call(() =>
      this.redis.eval(
        createScript,
        2,
        this.circleKey(circle.id),
        this.roomsKey(circle.id),
        String(circle.version),
        JSON.stringify(circle),
        String(this.retentionMs),
      ),
    );
    return reply === 1;
  }

  async load(circleId: string): Promise<Circle | null> {
    const json = await this.call(() => this.redis.hget(this.circleKey(circleId), 'j'));
    return json ? (JSON.parse(json) as Circle) : null;
  }

  async update(circleId: string, change: (circle: Circle) => CircleOutcome): Promise<CircleUpdate> {
    for (let attempt = 0; attempt < MAX_CIRCLE_ATTEMPTS; attempt++) {
      const [version, json] = await this.call(() => this.redis.hmget(this.circleKey(circleId), 'v', 'j'));
      if (version == null || json == null) return { status: 'not_found' };
      const before = JSON.parse(json) as Circle;
      const outcome = change(before);
      if (!outcome.ok) return { status: 'refused', refusal: outcome };
      checkCircleStep(before, outcome.circle);
      const reply = await this.call(() =>
        this.redis.eval(
          casScript,
          2,
          this.circleKey(circleId),
          this.roomsKey(circleId),
          version,
          String(outcome.circle.version),
          JSON.stringify(outcome.circle),
          String(this.retentionMs),
          this.roomPrefix,
        ),
      );
      if (reply === 1) return { status: 'updated', circle: outcome.circle };
      if (reply === 0) return { status: 'not_found' };
    }
    throw new StoreUnavailableError('too many concurrent writes on one circle');
  }

  async erase(circleId: string): Promise<void> {
    await this.call(() =>
      this.redis.eval(eraseScript, 2, this.circleKey(circleId), this.roomsKey(circleId), this.roomPrefix),
    );
  }

  async linkRoom(code: string, circleId: string): Promise<void> {
    await this.call(() =>
      this.redis.eval(
        linkScript,
        3,
        this.circleKey(circleId),
        this.roomsKey(circleId),
        `${this.roomPrefix}${code}`,
        code,
        circleId,
      ),
    );
  }

  async circleOfRoom(code: string): Promise<string | null> {
    return this.call(() => this.redis.get(`${this.roomPrefix}${code}`));
  }

  async close(): Promise<void> {
    try {
      await this.redis.quit();
    } catch {
      // unreachable: drop the connection
    } finally {
      this.redis.disconnect();
    }
  }

  private async call<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      throw new StoreUnavailableError('Redis did not answer', { cause: error });
    }
  }
}
