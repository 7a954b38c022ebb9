import type { Redis } from 'ioredis';
import { Command, ReplyError } from 'ioredis';
import { StoreUnavailableError } from './interface.js';
import type { LuaScript } from './lua.js';

/** ioredis types ReplyError as `any`; this is its class, typed. */
export const RedisReplyError = ReplyError as typeof Error;
/** How often waiting calls are checked against Redis's silence and the maximum wait. */
const WATCH_MS = 50;
/** A tick this much later than the previous one: this node's own loop was blocked meanwhile. */
const STALL_MS = 4 * WATCH_MS;
/** A call made while Redis is already judged silent waits this long of its own before it fails (SR-12). */
const FRESH_MS = 250;
/** Replies that say Redis cannot serve now (loading, busy script, failover…): unavailable, not a bug. */
const UNAVAILABLE_REPLY = /^(LOADING|BUSY|MASTERDOWN|READONLY|TRYAGAIN|CLUSTERDOWN|NOREPLICAS|MISCONF|OOM)\b/;

/** A script's reply as strings (never changed by ioredis: one object for every command). */
const SCRIPT_REPLY = { replyEncoding: 'utf8' } as const;
const NO_ARGS: string[] = [];
const noTimeout = () => {};

/**
 * ioredis's Command for a script call, whose arguments are `body` itself (all strings: nothing for ioredis
 * to convert). Its constructor copies the arguments it is given with `Array.prototype.flat`, which on
 * Node 20 costs several microseconds for a compare-and-set's twenty-odd strings, more than the rest of
 * the command together (3.4-7.9 us for 16-26 strings against 0.02-0.14 us for a `slice`): so it is
 * given none, and `args` is set after. `body` must not change until the command is answered.
 */
function scriptCommand(name: 'evalsha' | 'eval', body: string[]): Command {
  const command = new Command(name, NO_ARGS, SCRIPT_REPLY);
  command.args = body;
  command.toWritable = toWritable;
  return command;
}

/** `$<n>\r\n`, the length line of an argument of n bytes, made once for the usual lengths. */
const LENGTH_LINES = Array.from({ length: 1024 }, (_, n) => `$${n}\r\n`);

/**
 * The command's text as Redis reads it (RESP), built as one flat string by a single `join`: ioredis's
 * own `toWritable` adds five strings per argument to one growing string (concatenations V8 keeps as a
 * tree, flattened again by the socket write), some 7 KB of young garbage for a tick's compare-and-set,
 * where this makes its pieces' array and the text itself. Same bytes: every argument is a string, its
 * length counted in UTF-8 bytes.
 */
function toWritable(this: Command): string {
  const args = this.args as string[];
  const parts: string[] = new Array(3 * args.length + 1);
  parts[0] = `*${args.length + 1}\r\n$${this.name.length}\r\n${this.name}\r\n`;
  let at = 1;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const bytes = Buffer.byteLength(arg);
    parts[at++] = bytes < 1024 ? LENGTH_LINES[bytes]! : `$${bytes}\r\n`;
    parts[at++] = arg;
    parts[at++] = '\r\n';
  }
  return parts.join('');
}

/** A caller still waiting for an answer; `since` is when it started to wait. */
export type Waiter = { since: number; fail: (error: StoreUnavailableError) => void };

export type RedisCallsOptions = {
  /** Redis silent this long (or disconnected): every waiting call fails. */
  callTimeoutMs: number;
  /** However Redis answers, a call fails once it has waited this long. */
  maxWaitMs: number;
};

/**
 * The calls of one Redis connection, and the watchdog that answers their callers when Redis stops
 * answering. `call` sends one command (counted, transport failures turned into StoreUnavailableError);
 * `bounded` waits for a piece of work made of calls and queueing.
 *
 * The watchdog fails every waiting caller with StoreUnavailableError, within `callTimeoutMs` (+ 50 ms),
 * when Redis is disconnected or has left a call unanswered that long with no reply to any other since
 * (killed, frozen, partitioned): never a false success. It does not fail calls that wait their turn while
 * Redis answers (a busy node, a long queue on one room): those wait up to `maxWaitMs`. The check runs
 * after the event loop has read what arrived (setImmediate after the timer). Redis's silence is counted
 * in this node's free time only: a tick much later than scheduled (the node's own loop was blocked, for
 * instance by a thousand timers' steps run in one go) counts as two ticks, not as its length. A call
 * made during the block is not even on the wire before the block ends (calls are written in a batch
 * once the loop is free), and its answer cannot be read before: a node that was blocked does not mistake
 * its own lateness for Redis's, however long the block, while a node blocked again and again still
 * reaches a verdict (each tick counts).
 */
export class RedisCalls {
  /** Round trips sent (benchmarks and tests: round trips per accepted command). */
  sent = 0;
  private readonly waiters = new Set<Waiter>();
  /** Calls sent and not answered yet, by call number: when each was sent (oldest first). */
  private readonly outstanding = new Map<number, number>();
  /**
   * The compare-and-set commands in flight (`evalScriptThen`), by call number: the watchdog rejects one
   * unanswered after `maxWaitMs`, as ioredis's commandTimeout would, without a timer set and cleared per
   * call (see `sweepCommands`).
   */
  private readonly timed = new Map<number, Command>();
  private callNumber = 0;
  /** When Redis last answered a call of this node (a reply, or a reply error). */
  private lastReplyAt = 0;
  private watchdog: NodeJS.Timeout | null = null;
  private checkQueued = false;
  private lastTickAt = 0;
  /** How long Redis has been silent in this node's free time (see `checkWaiters`). */
  private silenceMs = 0;
  private closed = false;

  constructor(
    private readonly redis: Redis,
    private readonly options: RedisCallsOptions,
  ) {}

  /** No call goes out after this; the ones waiting keep their watchdog. */
  close(): void {
    this.closed = true;
  }

  /** One Redis round trip, counted; transport failures become StoreUnavailableError. */
  async call<T>(send: () => Promise<T>): Promise<T> {
    if (this.closed) throw new StoreUnavailableError('store is closed');
    this.sent++;
    const number = this.callNumber++;
    this.outstanding.set(number, Date.now());
    try {
      const reply = await send();
      this.lastReplyAt = Date.now();
      return reply;
    } catch (error) {
      throw this.failureOf(error);
    } finally {
      this.outstanding.delete(number);
    }
  }

  /** What a failed call rejects with: a reply error as it is, unless it says Redis cannot serve now. */
  private failureOf(error: unknown): unknown {
    if (error instanceof RedisReplyError) {
      this.lastReplyAt = Date.now(); // an answer all the same
      if (!UNAVAILABLE_REPLY.test(error.message)) return error;
    }
    return new StoreUnavailableError('Redis is unavailable', { cause: error });
  }

  /** EVALSHA, falling back to EVAL when the server answers NOSCRIPT (first use, or Redis restarted). */
  async evalScript(script: LuaScript, keys: string[], args: string[]): Promise<unknown> {
    try {
      return await this.call(() => this.redis.evalsha(script.sha, keys.length, ...keys, ...args));
    } catch (error) {
      if (!(error instanceof RedisReplyError) || !error.message.startsWith('NOSCRIPT')) throw error;
      return this.call(() => this.redis.eval(script.source, keys.length, ...keys, ...args));
    }
  }

  /**
   * EVALSHA (EVAL on NOSCRIPT) written to the connection at once, past ioredis's auto-pipelining: for a
   * caller that gathered a tick's calls itself (the store's compare-and-sets), so that they do not wait
   * one more turn of the event loop in a pipeline of their own. `body`: a free first slot (the SHA or
   * the source goes there), the number of keys, the keys, the arguments.
   */
  async evalScriptNow(script: LuaScript, body: string[], only?: 'eval'): Promise<unknown> {
    // The command is `body` itself (scriptCommand): the EVAL reuses it once the EVALSHA was answered.
    const send = (name: 'evalsha' | 'eval', first: string) => () => {
      body[0] = first;
      return this.redis.sendCommand(scriptCommand(name, body)) as Promise<unknown>;
    };
    if (only === 'eval') return this.call(send('eval', script.source));
    try {
      return await this.call(send('evalsha', script.sha));
    } catch (error) {
      if (!(error instanceof RedisReplyError) || !error.message.startsWith('NOSCRIPT')) throw error;
      return this.call(send('eval', script.source));
    }
  }

  /**
   * `evalScriptNow` for a caller that takes the reply by callback (the store's compare-and-sets, one call
   * a tick): between the reply and the caller, the command's own promise only, where `call` and
   * `evalScriptNow` each add an async function's. The same counting, watchdog and errors as `call`.
   */
  evalScriptThen(script: LuaScript, body: string[], done: (error: unknown, reply?: unknown) => void): void {
    if (this.closed) {
      done(new StoreUnavailableError('store is closed'));
      return;
    }
    this.sent++;
    const number = this.callNumber++;
    this.outstanding.set(number, Date.now());
    body[0] = script.sha;
    const sent = scriptCommand('evalsha', body);
    // No timer of ioredis's own (commandTimeout: a setTimeout and a clearTimeout per call): the watchdog,
    // which runs while anyone waits, rejects it once it has waited maxWaitMs (`sweepCommands`).
    (sent as unknown as { setTimeout: (ms: number) => void }).setTimeout = noTimeout;
    let command: Promise<unknown>;
    try {
      command = this.redis.sendCommand(sent) as Promise<unknown>;
    } catch (error) {
      this.outstanding.delete(number);
      done(error);
      return;
    }
    this.timed.set(number, sent);
    this.watch();
    command.then(
      (reply) => {
        this.outstanding.delete(number);
        this.timed.delete(number);
        this.lastReplyAt = Date.now();
        done(undefined, reply);
      },
      (error: unknown) => {
        this.outstanding.delete(number);
        this.timed.delete(number);
        if (error instanceof RedisReplyError && error.message.startsWith('NOSCRIPT')) {
          this.lastReplyAt = Date.now();
          // First use, or Redis restarted: the source this once (ioredis copied `body` into its command).
          this.evalScriptNow(script, body, 'eval').then((reply) => done(undefined, reply), done);
          return;
        }
        done(this.failureOf(error));
      },
    );
  }

  /**
   * Settles with `work`, or rejects with StoreUnavailableError once the watchdog finds Redis silent or
   * disconnected, or this caller waiting (since `since`) longer than `maxWaitMs`: whichever comes first.
   * `onFail` runs when the watchdog answered.
   */
  bounded<T>(work: Promise<T>, since = Date.now(), onFail?: () => void): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const waiter: Waiter = {
        since,
        fail: (error) => {
          this.waiters.delete(waiter);
          onFail?.();
          reject(error);
        },
      };
      this.waiters.add(waiter);
      this.watch();
      work.then(
        (value) => {
          this.waiters.delete(waiter);
          resolve(value);
        },
        (error: unknown) => {
          this.waiters.delete(waiter);
          reject(error);
        },
      );
    });
  }

  /**
   * Watches `waiter` as `bounded` watches its caller, until `release`: for a caller that settles its own
   * promise (the store's `apply`), without a promise and handlers more per call.
   */
  hold(waiter: Waiter): void {
    this.waiters.add(waiter);
    this.watch();
  }

  release(waiter: Waiter): void {
    this.waiters.delete(waiter);
  }

  /** Runs the watchdog while anyone waits. */
  private watch() {
    if (this.watchdog) return;
    this.lastTickAt = Date.now();
    this.silenceMs = 0;
    this.watchdog = setInterval(() => {
      if (this.checkQueued) return;
      this.checkQueued = true;
      // After the poll phase: replies that arrived while the loop was busy are read before judging Redis.
      setImmediate(() => {
        this.checkQueued = false;
        this.checkWaiters();
      });
    }, WATCH_MS);
    this.watchdog.unref();
  }

  private checkWaiters() {
    if (this.waiters.size === 0 && this.timed.size === 0) {
      if (this.watchdog) clearInterval(this.watchdog);
      this.watchdog = null;
      return;
    }
    const now = Date.now();
    if (this.timed.size > 0) this.sweepCommands(now);
    if (this.waiters.size === 0) {
      // Only commands to time: Redis's silence counted afresh once someone waits, as a new watch would.
      this.lastTickAt = now;
      this.silenceMs = 0;
      return;
    }
    const previousTick = this.lastTickAt;
    this.lastTickAt = now;
    // This node's own loop was blocked: what Redis sent meanwhile may not be read yet (nor what this node
    // asked for meanwhile even sent). A stalled tick counts as two ticks of silence, not as its length.
    const stalled = now - previousTick > STALL_MS;
    this.silenceMs = this.silence(now, previousTick);
    const down = this.redis.status !== 'ready';
    if (down && !stalled) {
      this.failAll(new StoreUnavailableError('Redis is unreachable'), now, 0);
      return;
    }
    if (this.silenceMs >= this.options.callTimeoutMs) {
      // A call that came after the silence began waits FRESH_MS of its own first (SR-12): a Redis back
      // from a freeze answers it, instead of the verdict on the calls before.
      this.failAll(new StoreUnavailableError('Redis did not answer in time'), now, FRESH_MS);
      return;
    }
    for (const waiter of [...this.waiters]) {
      if (now - waiter.since < this.options.maxWaitMs) continue;
      this.waiters.delete(waiter);
      waiter.fail(new StoreUnavailableError('waited too long for Redis'));
    }
  }

  /**
   * Rejects the compare-and-sets sent `maxWaitMs` ago or more and still unanswered ("Command timed out",
   * as ioredis's own timer would): their callers were answered by the watchdog already; this frees the
   * room's queue behind them (its drain awaits the reply), where Redis will never answer (a connection
   * dead without a reset). Sent in order, so the oldest come first.
   */
  private sweepCommands(now: number) {
    for (const [number, command] of this.timed) {
      const since = this.outstanding.get(number);
      if (since !== undefined && now - since < this.options.maxWaitMs) break;
      this.timed.delete(number);
      command.reject(new Error('Command timed out'));
    }
  }

  /** Fails every waiter that has waited at least `minWaitMs`. */
  private failAll(error: StoreUnavailableError, now: number, minWaitMs: number) {
    for (const waiter of [...this.waiters]) {
      if (now - waiter.since < minWaitMs) continue;
      this.waiters.delete(waiter);
      waiter.fail(error);
    }
  }

  /**
   * Redis's silence now: 0 with no call outstanding; since the last reply (or the oldest call) when that
   * is after the previous tick; else the silence so far plus this tick. Time is counted up to
   * 2 x WATCH_MS per tick: beyond that the node was busy, not waiting for Redis.
   */
  private silence(now: number, previousTick: number): number {
    const oldest = this.outstanding.values().next().value;
    if (oldest === undefined) return 0;
    const since = Math.max(oldest, this.lastReplyAt);
    if (since >= previousTick) return Math.min(now - since, 2 * WATCH_MS);
    return this.silenceMs + Math.min(now - previousTick, 2 * WATCH_MS);
  }
}
