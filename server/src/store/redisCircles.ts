import type { Circle, CircleOutcome } from '@cercle/shared';
import {
  type CircleStore,
  type CircleUpdate,
  checkCircleStep,
  MAX_CIRCLE_ATTEMPTS,
} from '../circles/store.js';
import {
  connectClient,
  quitWithin,
  type RedisClient,
  type RedisTarget,
  redisClient,
} from '../cluster/connection.js';
import { type KeyNames, keyNames } from '../cluster/keys.js';
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
 * KEYS: circle, rooms set. ARGV: expected version, new version, json, retention ms.
 * {1, codes...} stored (the circle and its rooms set's retention refreshed; the caller refreshes each
 * room's link, which lives in the room's slot), {2} version moved, {0} gone.
 */
const casScript = `
local v = redis.call('HGET', KEYS[1], 'v')
if not v then return {0} end
if v ~= ARGV[1] then return {2} end
redis.call('HSET', KEYS[1], 'v', ARGV[2], 'j', ARGV[3])
redis.call('PEXPIRE', KEYS[1], ARGV[4])
local reply = {1}
if redis.call('EXISTS', KEYS[2]) == 1 then
  redis.call('PEXPIRE', KEYS[2], ARGV[4])
  for _, code in ipairs(redis.call('SMEMBERS', KEYS[2])) do reply[#reply + 1] = code end
end
return reply`;

/** KEYS: circle, rooms set. ARGV: code. Only for a circle that exists: its remaining retention (ms), or 0. */
const linkScript = `
local ttl = redis.call('PTTL', KEYS[1])
if ttl <= 0 then return 0 end
redis.call('SADD', KEYS[2], ARGV[1])
redis.call('PEXPIRE', KEYS[2], ttl)
return ttl`;

/**
 * Circles in Redis, beside the rooms (docs/design.md, "Circles"). Keys, all with the circle's retention
 * (refreshed by every write):
 * - `cercle:{circle:<id>}`: hash `v` (version), `j` (the circle's JSON);
 * - `cercle:{circle:<id>}:rooms`: set of the room codes opened from it (same slot as the circle);
 * - `cercle:{<room's tag>}:circle-of:<code>`: the circle id of a room, beside the room (SC-3).
 * Writes are Lua compare-and-sets on the version, retried on a conflict. A room's link lives in the
 * room's slot, so it is written, refreshed and deleted by its own command after the circle's script (on
 * a Redis Cluster a script may not touch two slots). Its own connection, with the
 * room store's failure options: no offline queue, no re-sent command; a silent Redis fails a call after
 * `callTimeoutMs`.
 */
export class RedisCircleStore implements CircleStore {
  private readonly keys: KeyNames;
  private readonly retentionMs: number;
  private readonly callTimeoutMs: number;

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
    this.keys = keyNames(options.keyPrefix);
    this.retentionMs = options.retentionMs;
    this.callTimeoutMs = options.callTimeoutMs ?? 1_000;
  }

  private circleKey(id: string) {
    return this.keys.circle(id);
  }
  private roomsKey(id: string) {
    return this.keys.circleRooms(id);
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
      const reply = (await this.call(() =>
        this.redis.eval(
          casScript,
          2,
          this.circleKey(circleId),
          this.roomsKey(circleId),
          version,
          String(outcome.circle.version),
          JSON.stringify(outcome.circle),
          String(this.retentionMs),
        ),
      )) as [number, ...string[]];
      if (reply[0] === 1) {
        const codes = reply.slice(1) as string[];
        await this.call(() =>
          Promise.all(
            codes.map((code) => this.redis.pexpire(this.keys.circleOfRoom(code), this.retentionMs)),
          ),
        );
        return { status: 'updated', circle: outcome.circle };
      }
      if (reply[0] === 0) return { status: 'not_found' };
    }
    throw new StoreUnavailableError('too many concurrent writes on one circle');
  }

  /** The rooms' links first, then the circle: a failure half-way leaves a circle to erase again. */
  async erase(circleId: string): Promise<void> {
    const codes = await this.call(() => this.redis.smembers(this.roomsKey(circleId)));
    await this.call(() => Promise.all(codes.map((code) => this.redis.del(this.keys.circleOfRoom(code)))));
    await this.call(() => this.redis.del(this.circleKey(circleId), this.roomsKey(circleId))); // one slot
  }

  async linkRoom(code: string, circleId: string): Promise<void> {
    const ttl = await this.call(() =>
      this.redis.eval(linkScript, 2, this.circleKey(circleId), this.roomsKey(circleId), code),
    );
    if (typeof ttl !== 'number' || ttl <= 0) return;
    await this.call(() => this.redis.set(this.keys.circleOfRoom(code), circleId, 'PX', ttl));
  }

  async circleOfRoom(code: string): Promise<string | null> {
    return this.call(() => this.redis.get(this.keys.circleOfRoom(code)));
  }

  /** A goodbye within `callTimeoutMs`, else the connection is dropped (OP-7: a shutdown is bounded). */
  async close(): Promise<void> {
    await quitWithin(this.redis, this.callTimeoutMs);
  }

  private async call<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      throw new StoreUnavailableError('Redis did not answer', { cause: error });
    }
  }
}
