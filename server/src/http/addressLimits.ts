import type { Socket } from 'node:net';
import type { FastifyRequest } from 'fastify';
import { Cluster, Command, type Redis } from 'ioredis';
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
const WINDOW = String(LIMIT_SECONDS);

/**
 * A count a handshake takes in Redis itself (`handshake`): rate-limiter-flexible's key for it (its
 * prefix, a colon, the address) holding the same value (an integer that expires a window after its
 * first point), the allowance, and the library's count in this node's memory it falls back to.
 */
type Count = { prefix: string; points: number; memory: RateLimiterMemory };

/**
 * Adds ARGV[1] to a count (negative: given back) and gives a count without a window one of ARGV[2]
 * seconds: the value and expiry rate-limiter-flexible keeps under the key. Sent as EVAL, so that a
 * Redis that forgot its scripts never reorders a guess given back after the counts that follow it.
 */
const COUNT_SCRIPT = `local n = redis.call('INCRBY', KEYS[1], ARGV[1])
if redis.call('PTTL', KEYS[1]) < 0 then redis.call('EXPIRE', KEYS[1], ARGV[2]) end
return n`;
const REPLY_AS_TEXT = { replyEncoding: 'utf8' } as const;
const NO_ARGS: string[] = [];

/** One command for `sendCommand`, its arguments set after (ioredis's constructor copies them flat). */
function command(name: 'eval' | 'get', args: string[]): Command {
  const made = new Command(name, NO_ARGS, REPLY_AS_TEXT);
  made.args = args;
  return made;
}

/** A count or the bar in flight: not answered yet, or answered with nothing usable (failed, too late). */
const WAITING = 0;
const MISSING = 1;
type Answer = string | null | typeof WAITING | typeof MISSING;

/** What a handshake asked Redis, as the answers come in (`handshake`). */
type Asked = {
  joins: Answer;
  guesses: Answer;
  bar: Answer;
  left: number;
  /** The bound's timer; null once the answers were handed over (later ones are not read). */
  timer: NodeJS.Timeout | null;
};

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
  /** The handshake's two counts, taken in Redis directly (`handshake`). */
  private readonly joinCount: Count;
  private readonly failureCount: Count;
  /** Addresses whose login's guess is to be given back (`forgiveSoon`), not sent yet. */
  private toForgive: string[] = [];
  private forgiveTimer: NodeJS.Timeout | null = null;

  constructor(
    settings: AddressLimitSettings,
    private readonly redis: Redis | null,
  ) {
    const memories = new Map<string, RateLimiterMemory>();
    const make = (name: string, points: number): RateLimiterAbstract => {
      const options = { keyPrefix: `${LIMIT_PREFIX}${name}`, points, duration: LIMIT_SECONDS };
      const memory = new RateLimiterMemory(options);
      memories.set(name, memory);
      if (!redis) return memory;
      const shared = new RateLimiterRedis({ ...options, storeClient: redis, insuranceLimiter: memory });
      return new RLWrapperTimeouts({
        limiter: shared,
        timeoutMs: REDIS_LIMIT_TIMEOUT_MS,
        insuranceLimiter: new RateLimiterMemory({ ...options, keyPrefix: `${options.keyPrefix}:t` }),
      }) as unknown as RateLimiterAbstract;
    };
    this.joins = make('join', settings.joinsPerMinute);
    this.failures = make('fail', settings.failuresPerMinute);
    this.api = make('api', settings.apiPerMinute);
    this.bars = make(BAR_PREFIX.slice(LIMIT_PREFIX.length), 1);
    this.barSeconds = settings.removalBarSeconds;
    const count = (name: string, points: number): Count => ({
      prefix: `${LIMIT_PREFIX}${name}:`,
      points,
      memory: memories.get(name)!,
    });
    this.joinCount = count('join', settings.joinsPerMinute);
    this.failureCount = count('fail', settings.failuresPerMinute);
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

  /** The library's read of a bar (Redis, then this node's memory): when the GET gave no answer. */
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
   */
  async handshake(address: string, room: string | null): Promise<'ok' | 'rate_limited' | 'barred'> {
    void this.sendForgiven(); // first, in the same write: these counts see the guesses given back
    if (this.redis) return this.handshakeInRedis(this.redis, address, room);
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

  /**
   * `handshake` with Redis: the two counts (the library's keys and values, `COUNT_SCRIPT`) and the
   * bar's GET written together, one timer for all three (the library's layers add a timer, a race and
   * several promises per count: ~30 KB of garbage per handshake, docs/performance.md). A count not
   * answered within REDIS_LIMIT_TIMEOUT_MS, or failed, is taken in this node's memory instead, as the
   * library does; a bar not read asks the library.
   */
  private async handshakeInRedis(
    redis: Redis,
    address: string,
    room: string | null,
  ): Promise<'ok' | 'rate_limited' | 'barred'> {
    const asked = await this.ask(redis, address, room);
    const joined = await this.within(this.joinCount, address, asked.joins);
    const guessed = await this.within(this.failureCount, address, asked.guesses);
    if (!joined) {
      // Counted over the limit too: given back all the same, where it was taken.
      if (typeof asked.guesses === 'string') await this.giveBack(redis, address);
      else await this.failureCount.memory.reward(address, 1).catch(() => {});
      return 'rate_limited';
    }
    if (!guessed) return 'rate_limited';
    if (room === null || asked.bar === null) return 'ok'; // no room, or not barred from it
    const barred =
      typeof asked.bar === 'string'
        ? Number(asked.bar) > 1
        : await this.barredByLibrary(`${room}|${address}`);
    return barred ? 'barred' : 'ok';
  }

  /** The handshake's counts and bar, sent in one write; resolves once all answered or the bound passed. */
  private ask(redis: Redis, address: string, room: string | null): Promise<Asked> {
    return new Promise((resolve) => {
      const asked: Asked = {
        joins: WAITING,
        guesses: WAITING,
        bar: room === null ? null : WAITING,
        left: room === null ? 2 : 3,
        timer: null,
      };
      const finish = () => {
        if (asked.timer === null) return; // already finished
        clearTimeout(asked.timer);
        asked.timer = null;
        if (asked.joins === WAITING) asked.joins = MISSING;
        if (asked.guesses === WAITING) asked.guesses = MISSING;
        if (asked.bar === WAITING) asked.bar = MISSING;
        resolve(asked);
      };
      asked.timer = setTimeout(finish, REDIS_LIMIT_TIMEOUT_MS);
      const answered = () => {
        if (--asked.left === 0) finish();
      };
      const joins = this.countCommand(this.joinCount, address, '1');
      const guesses = this.countCommand(this.failureCount, address, '1');
      const bar = room === null ? null : command('get', [`${BAR_PREFIX}:${room}|${address}`]);
      // Each answer kept under its name, unless the bound passed first (`finish` ran).
      const keep = (made: Command, name: 'joins' | 'guesses' | 'bar') =>
        made.promise.then(
          (reply: unknown) => {
            if (asked.timer !== null) asked[name] = reply === null ? null : String(reply);
            answered();
          },
          () => {
            if (asked.timer !== null) asked[name] = MISSING;
            answered();
          },
        );
      keep(joins, 'joins');
      keep(guesses, 'guesses');
      if (bar) keep(bar, 'bar');
      this.send(redis, joins, guesses, bar);
    });
  }

  /** A count's EVAL of `points` (negative: given back) for `address`. */
  private countCommand(count: Count, address: string, points: string): Command {
    return command('eval', [COUNT_SCRIPT, '1', `${count.prefix}${address}`, points, WINDOW]);
  }

  /**
   * Sends the commands now, after whatever this node sent before (replies come in the same order). On a
   * single Redis its socket is corked until the end of this tick: the guesses given back and the counts
   * of a handshake, and those of other handshakes of the same tick, leave in one write (a cluster routes
   * each command by its key).
   */
  private send(redis: Redis, ...commands: (Command | null)[]): void {
    if (this.corked === null && !(redis instanceof Cluster) && redis.status === 'ready') {
      const stream = (redis as unknown as { stream?: Socket }).stream;
      if (stream?.writable) {
        stream.cork();
        this.corked = stream;
        process.nextTick(this.uncork);
      }
    }
    // Each command's failure is handled where its promise is read (`ask`, `giveBack`).
    for (const sent of commands) if (sent) void redis.sendCommand(sent);
  }

  /** The limits client's socket, corked for this tick's commands (`send`). */
  private corked: Socket | null = null;
  private readonly uncork = () => {
    const stream = this.corked;
    this.corked = null;
    stream?.uncork();
  };

  /** Whether a count taken is within its allowance; taken in this node's memory when Redis gave none. */
  private within(count: Count, address: string, answer: Answer): Promise<boolean> | boolean {
    if (typeof answer === 'string') return Number(answer) <= count.points;
    return take(count.memory, address);
  }

  /** A guess given back in Redis; failed, in this node's memory (where the library would count it). */
  private giveBack(redis: Redis, address: string): Promise<void> {
    const sent = this.countCommand(this.failureCount, address, '-1');
    this.send(redis, sent);
    return sent.promise.then(
      () => {},
      async () => {
        await this.failureCount.memory.reward(address, 1).catch(() => {});
      },
    );
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
    return Promise.all(addresses.map((address) => this.giveBack(redis, address)));
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
