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

/** The UTF-8 byte length of each argument, counted once per command (reused: `toWritable` runs alone). */
let byteLengths: number[] = [];

/**
 * Where the commands' texts are written: a slab outside the JavaScript heap, cut in order and replaced
 * when full (Buffer.allocUnsafe's own pool is 8 KB, a new one every dozen commands, and its cut costs
 * more than the view made here).
 */
const SLAB_BYTES = 64 * 1024;
let slab = Buffer.allocUnsafeSlow(SLAB_BYTES);
let slabUsed = 0;

/** Arguments up to this long, all ASCII, are copied by a loop here rather than by `Buffer.write`. */
const SHORT_ARG = 64;

/** Writes `n`'s decimal digits into `buffer` at `at`; returns the position after them. */
function writeDigits(buffer: Buffer, at: number, n: number): number {
  if (n >= 10) at = writeDigits(buffer, at, Math.floor(n / 10));
  buffer[at] = 48 + (n % 10);
  return at + 1;
}

/** How many decimal digits `n` has (n >= 0). */
function digitCount(n: number): number {
  let count = 1;
  while (n >= 10) {
    n = Math.floor(n / 10);
    count++;
  }
  return count;
}

/**
 * The command's text as Redis reads it (RESP), written into a Buffer: `*<argc>`, then `$<bytes>` and
 * each argument, every line ended by CRLF. ioredis's own `toWritable` adds five strings per argument to
 * one growing string (a tree of concatenations flattened again by the socket write); a text joined
 * from pieces still left the pieces' array and the ~700-byte text in the young generation per call
 * (~1.3 KB a post). Here the heap gets the Buffer's small object; the bytes are in the slab, and the
 * socket sends them as they are (no string to encode). Same bytes: each argument is a string, written
 * as UTF-8 after its length in UTF-8 bytes (a test pins it to ioredis's text).
 */
function toWritable(this: Command): Buffer {
  const args = this.args as string[];
  const name = this.name;
  if (byteLengths.length < args.length) byteLengths = new Array<number>(args.length).fill(0);
  // `*<argc>\r\n$<name bytes>\r\n<name>\r\n`, the name being ASCII (evalsha, eval).
  let total = 1 + digitCount(args.length + 1) + 2 + 1 + digitCount(name.length) + 2 + name.length + 2;
  for (let i = 0; i < args.length; i++) {
    const bytes = Buffer.byteLength(args[i]!);
    byteLengths[i] = bytes;
    total += 1 + digitCount(bytes) + 2 + bytes + 2;
  }
  let buffer = slab;
  if (total > SLAB_BYTES / 4) {
    buffer = Buffer.allocUnsafeSlow(total);
  } else if (slabUsed + total > SLAB_BYTES) {
    slab = buffer = Buffer.allocUnsafeSlow(SLAB_BYTES);
    slabUsed = 0;
  }
  const start = buffer === slab ? slabUsed : 0;
  buffer[start] = 42; // *
  let at = writeDigits(buffer, start + 1, args.length + 1);
  buffer[at++] = 13;
  buffer[at++] = 10;
  buffer[at++] = 36; // $
  at = writeDigits(buffer, at, name.length);
  buffer[at++] = 13;
  buffer[at++] = 10;
  for (let k = 0; k < name.length; k++) buffer[at++] = name.charCodeAt(k);
  buffer[at++] = 13;
  buffer[at++] = 10;
  for (let i = 0; i < args.length; i++) {
    const bytes = byteLengths[i]!;
    buffer[at++] = 36;
    at = writeDigits(buffer, at, bytes);
    buffer[at++] = 13;
    buffer[at++] = 10;
    const arg = args[i]!;
    if (bytes === arg.length && bytes <= SHORT_ARG) {
      // ASCII and short (ids, keys, numbers): copied here, cheaper than a call into Node's encoder.
      for (let k = 0; k < bytes; k++) buffer[at++] = arg.charCodeAt(k);
    } else at += buffer.write(arg, at, bytes);
    buffer[at++] = 13;
    buffer[at++] = 10;
  }
  if (buffer !== slab) return buffer;
  slabUsed = at;
  // A view of the slab's bytes just written: the slab is never written there again (a full slab is
  // replaced, not rewound), so the view stays as it is until the socket has sent it.
  return Buffer.from(slab.buffer, slab.byteOffset + start, total);
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
