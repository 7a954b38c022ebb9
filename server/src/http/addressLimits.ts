import type { FastifyRequest } from 'fastify';
import type { Redis } from 'ioredis';
import {
  type RateLimiterAbstract,
  RateLimiterMemory,
  RateLimiterRedis,
  RateLimiterRes,
  RLWrapperTimeouts,
} from 'rate-limiter-flexible';

export type AddressLimitSettings = {
  /** Handshakes (join or resume) per address per minute. */
  joinsPerMinute: number;
  /** Refused handshakes (wrong code, token or key) per address per minute. */
  failuresPerMinute: number;
  /** Requests to /api/rooms and /api/circles per address per minute. */
  apiPerMinute: number;
  /** How long a removed person's address may not join that room again (RM-10). */
  removalBarSeconds: number;
};

/** A Redis answer slower than this falls back to this node's own count (HT-2). */
const REDIS_LIMIT_TIMEOUT_MS = 200;
const LIMIT_PREFIX = 'cercle:limit:';
/**
 * A login's guess given back (`forgiveSoon`) leaves with the next handshake's counts, or after this long
 * when none comes first.
 */
export const FORGIVE_WITHIN_MS = 50;
/** The removal bars' keys (RM-10). */
const BAR_PREFIX = `${LIMIT_PREFIX}bar`;
/** Every count's window: the allowances are per minute. */
const LIMIT_SECONDS = 60;

/**
 * A count the handshake asks of Redis directly: the key rate-limiter-flexible keeps for it (its prefix, a
 * colon, the address), the allowance, and the library's memory count this node falls back to.
 */
type DirectCount = { prefix: string; points: number; memory: RateLimiterMemory };
type CountCommand = (key: string, points: number, seconds: number) => Promise<unknown>;
const COUNT_COMMAND = 'cercleLimitCount';
/**
 * A count within its window, as rate-limiter-flexible keeps it (an integer under the key, expiring at
 * the end of the window its first point opened): adds ARGV[1] (negative: given back), sets the window
 * on a key that has none, answers the count.
 */
const COUNT_SCRIPT = `
local count = redis.call('INCRBY', KEYS[1], ARGV[1])
if redis.call('PTTL', KEYS[1]) < 0 then redis.call('EXPIRE', KEYS[1], ARGV[2]) end
return count
`;

/** The answer, or undefined when it failed or took longer than `ms`. */
async function answerWithin<T>(work: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), ms);
  });
  try {
    return await Promise.race([work.catch(() => undefined), late]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * HT-2: the per-address limits of the whole deployment. With Redis they are counted in Redis
 * (rate-limiter-flexible, one atomic script per count) so every node sees the same counts; without it,
 * in this process's memory (one node). If Redis is slow or down, each node counts in memory meanwhile:
 * the limits then hold per node, and nothing waits on Redis.
 */
export class AddressLimits {
  private readonly joins: RateLimiterAbstract;
  private readonly failures: RateLimiterAbstract;
  private readonly api: RateLimiterAbstract;
  private readonly bars: RateLimiterAbstract;
  private readonly barSeconds: number;
  /** The handshake's two counts, asked of Redis directly (`handshake`). */
  private readonly joinCount: DirectCount;
  private readonly failureCount: DirectCount;
  /** Addresses whose login's guess is to be given back (`forgiveSoon`), not sent yet. */
  private toForgive: string[] = [];
  private forgiveTimer: NodeJS.Timeout | null = null;

  constructor(
    settings: AddressLimitSettings,
    private readonly redis: Redis | null,
  ) {
    const make = (name: string, points: number): [RateLimiterAbstract, RateLimiterMemory] => {
      const options = { keyPrefix: `${LIMIT_PREFIX}${name}`, points, duration: LIMIT_SECONDS };
      const memory = new RateLimiterMemory(options);
      if (!redis) return [memory, memory];
      const shared = new RateLimiterRedis({ ...options, storeClient: redis, insuranceLimiter: memory });
      const bounded = new RLWrapperTimeouts({
        limiter: shared,
        timeoutMs: REDIS_LIMIT_TIMEOUT_MS,
        insuranceLimiter: new RateLimiterMemory({ ...options, keyPrefix: `${options.keyPrefix}:t` }),
      }) as unknown as RateLimiterAbstract;
      return [bounded, memory];
    };
    let joinsMemory: RateLimiterMemory;
    let failuresMemory: RateLimiterMemory;
    [this.joins, joinsMemory] = make('join', settings.joinsPerMinute);
    [this.failures, failuresMemory] = make('fail', settings.failuresPerMinute);
    [this.api] = make('api', settings.apiPerMinute);
    [this.bars] = make(BAR_PREFIX.slice(LIMIT_PREFIX.length), 1);
    this.barSeconds = settings.removalBarSeconds;
    this.joinCount = {
      prefix: `${LIMIT_PREFIX}join:`,
      points: settings.joinsPerMinute,
      memory: joinsMemory,
    };
    this.failureCount = {
      prefix: `${LIMIT_PREFIX}fail:`,
      points: settings.failuresPerMinute,
      memory: failuresMemory,
    };
    redis?.defineCommand(COUNT_COMMAND, { numberOfKeys: 1, lua: COUNT_SCRIPT });
  }

  /** RM-10: `address` was removed from room `code`: it may not join it again for a while. */
  async bar(code: string, address: string): Promise<void> {
    await this.bars.block(`${code}|${address}`, this.barSeconds).catch(() => {});
  }

  /**
   * Whether `address` is barred from room `code` (a removal, RM-10). With Redis, one GET of the key the
   * library blocked (its `getKey`: prefix, colon, key; the value is the points, 2 once blocked), which
   * the client pipelines with the handshake's counts: the library's own read is a MULTI, a write of its
   * own. Slow or failed, it asks the library, which falls back to this node's memory like the counts.
   */
  async barred(code: string, address: string): Promise<boolean> {
    const key = `${code}|${address}`;
    if (this.redis) {
      const held = await answerWithin(this.redis.get(`${BAR_PREFIX}:${key}`), REDIS_LIMIT_TIMEOUT_MS);
      if (held !== undefined) return held !== null && Number(held) > 1;
    }
    return this.barredByLibrary(key);
  }

  private async barredByLibrary(key: string): Promise<boolean> {
    try {
      const held = await this.bars.get(key);
      return held !== null && held.consumedPoints > 1;
    } catch {
      return false;
    }
  }

  /**
   * The counts a WebSocket handshake starts with (HT-2): one handshake and one guess taken from the
   * address's allowances, and, for `room` when given, whether the address is barred from it (RM-10).
   * They are asked together, in one turn of the event loop, so that with Redis they leave in one write
   * (the client pipelines what is sent in one turn) rather than in three round trips one after the
   * other. A handshake over its own allowance is no guess: the guess taken with it is given back, so the
   * counts end as if it had not been asked (the node's overall join bucket, checked first, bounds what
   * that costs a flood).
   *
   * With Redis, the two counts are one call each of the same counter the library keeps (`COUNT_SCRIPT`:
   * same keys, same values, same minute) and the whole handshake is bounded by one timer: every answer
   * not in within REDIS_LIMIT_TIMEOUT_MS, or failed, is counted in this node's memory instead, as the
   * library does. The library's layers (a timer, a race and several promises per count) cost some 15 us
   * of CPU of the ~125 us a handshake's counts took (in-process A/B, docs/performance.md).
   */
  async handshake(address: string, room: string | null): Promise<'ok' | 'rate_limited' | 'barred'> {
    if (!this.redis) return this.handshakeIn(address, room);
    void this.sendForgiven(); // first, in the same write: these counts see the guesses given back
    const barKey = room === null ? null : `${BAR_PREFIX}:${room}|${address}`;
    const asked = Promise.all([
      this.countIn(this.redis, this.joinCount, address, 1),
      this.countIn(this.redis, this.failureCount, address, 1),
      barKey === null ? null : this.redis.get(barKey).catch(() => undefined),
    ]);
    const [joins, guesses, bar] = (await answerWithin(asked, REDIS_LIMIT_TIMEOUT_MS)) ?? [];
    const joined = await this.within(this.joinCount, address, joins);
    const guessed = await this.within(this.failureCount, address, guesses);
    if (!joined) {
      // Counted over the limit too: given back all the same, where it was taken.
      if (guesses === undefined) await this.failureCount.memory.reward(address, 1).catch(() => {});
      else await this.countIn(this.redis, this.failureCount, address, -1);
      return 'rate_limited';
    }
    if (!guessed) return 'rate_limited';
    if (room === null || bar === null) return 'ok'; // no room, or not barred from it
    // No answer in time: the library's own read, bounded like the counts, then this node's memory.
    const barred = bar === undefined ? await this.barredByLibrary(`${room}|${address}`) : Number(bar) > 1;
    return barred ? 'barred' : 'ok';
  }

  /** `handshake` without Redis: the counts in this process's memory. */
  private async handshakeIn(address: string, room: string | null): Promise<'ok' | 'rate_limited' | 'barred'> {
    const [joined, guessed, barred] = await Promise.all([
      take(this.joins, address),
      take(this.failures, address),
      room === null ? false : this.barred(room, address),
    ]);
    if (!joined) {
      await this.forgive(address); // counted over the limit too: given back all the same
      return 'rate_limited';
    }
    if (!guessed) return 'rate_limited';
    return barred ? 'barred' : 'ok';
  }

  /** One count changed in Redis by `points`: the count after, or undefined when the call failed. */
  private countIn(
    redis: Redis,
    count: DirectCount,
    address: string,
    points: number,
  ): Promise<number | undefined> {
    const call = (redis as unknown as Record<string, CountCommand>)[COUNT_COMMAND]!;
    return call.call(redis, `${count.prefix}${address}`, points, LIMIT_SECONDS).then(Number, () => undefined);
  }

  /** Whether a count taken is within its allowance; taken in this node's memory when Redis gave none. */
  private within(count: DirectCount, address: string, taken: number | undefined): Promise<boolean> | boolean {
    if (taken === undefined) return take(count.memory, address);
    return taken <= count.points;
  }

  /**
   * A guess is counted before it is tried (HT-2): one failure is taken first, so handshakes in flight
   * cannot outrun the limit; `forgive` gives it back once the handshake succeeded.
   */
  guess(address: string): Promise<boolean> {
    return take(this.failures, address);
  }

  async forgive(address: string): Promise<void> {
    await this.failures.reward(address, 1).catch(() => {});
  }

  /**
   * `forgive` for a handshake's guess: the same count as the handshake's (`countIn`), so that it leaves in
   * the next handshake's write; failed, given back in this node's memory.
   */
  private async forgiveGuess(redis: Redis, address: string): Promise<void> {
    const after = await this.countIn(redis, this.failureCount, address, -1);
    if (after === undefined) await this.failureCount.memory.reward(address, 1).catch(() => {});
  }

  /**
   * `forgive` without a write of its own (HT-2): the guess is given back ahead of the next handshake's
   * counts, in their write (commands of one turn leave together, in order, so those counts see it), or
   * within FORGIVE_WITHIN_MS when no handshake comes first. A login succeeds at about the rate the next
   * one starts: one write to Redis per login is saved, and nobody waits for it.
   */
  forgiveSoon(address: string): void {
    this.toForgive.push(address);
    if (this.forgiveTimer) return;
    this.forgiveTimer = setTimeout(() => void this.sendForgiven(), FORGIVE_WITHIN_MS);
    this.forgiveTimer.unref();
  }

  /**
   * At shutdown (OP-7): the guesses `forgiveSoon` still holds are given back before the connection
   * closes, or a login that succeeded just before would stay counted as a failure for a minute. Bounded
   * like every count: a silent Redis does not hold the shutdown.
   */
  async close(): Promise<void> {
    await answerWithin(this.sendForgiven(), REDIS_LIMIT_TIMEOUT_MS);
  }

  /** The guesses `forgiveSoon` holds, given back now (their commands leave in this turn's write). */
  private sendForgiven(): Promise<unknown> {
    if (this.forgiveTimer) {
      clearTimeout(this.forgiveTimer);
      this.forgiveTimer = null;
    }
    if (this.toForgive.length === 0) return Promise.resolve();
    const addresses = this.toForgive;
    this.toForgive = [];
    const redis = this.redis;
    if (!redis) return Promise.all(addresses.map((address) => this.forgive(address)));
    return Promise.all(addresses.map((address) => this.forgiveGuess(redis, address)));
  }

  /** One request to an API (`rooms`, `circles`: each its own allowance). */
  apiRequest(api: string, address: string): Promise<boolean> {
    return take(this.api, `${api}|${address}`);
  }

  /**
   * HT-2: a Fastify hook taking one guess (before it is tried) for each request `isGuess` picks, refused
   * with 429 `rate_limited` once none is left; the route gives it back (`forgive`) when it succeeds.
   */
  guessHook(isGuess: (req: FastifyRequest) => boolean) {
    return async (req: FastifyRequest): Promise<void> => {
      if (isGuess(req) && !(await this.guess(req.ip))) throw new RateLimitedError();
    };
  }

  /**
   * A Fastify hook refusing a request over its address's allowance with 429 `rate_limited` (through the
   * app's error handler, which logs it at info). The address is Fastify's `req.ip` (HT-1).
   */
  apiHook(api: string) {
    return async (req: FastifyRequest): Promise<void> => {
      if (!(await this.apiRequest(api, req.ip))) throw new RateLimitedError();
    };
  }
}

class RateLimitedError extends Error {
  readonly statusCode = 429;
  constructor() {
    super('rate limited');
    this.name = 'RateLimitedError';
  }
}

async function take(limiter: RateLimiterAbstract, key: string): Promise<boolean> {
  try {
    await limiter.consume(key, 1);
    return true;
  } catch (result) {
    if (result instanceof RateLimiterRes) return false;
    // The store failed and its insurance too: let the request through rather than refuse everyone.
    return true;
  }
}
