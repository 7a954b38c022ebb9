import { randomBytes } from 'node:crypto';
import { Redis, ReplyError } from 'ioredis';
import {
  type ApplyResult,
  checkStepResult,
  type DueTimer,
  parseTimerMember,
  type RoomStore,
  type StepDecision,
  type StoredRoom,
  StoreUnavailableError,
  scheduleTimerEffects,
  timerMember,
} from './interface.js';
import {
  casRoomScript,
  claimTimersScript,
  type LuaScript,
  purgeRoomScript,
  scheduleTimerScript,
} from './lua.js';

/** Enough of a pino logger; the store logs connection state only, never room content or codes. */
export type StoreLogger = {
  warn(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
};

export type RedisRoomStoreOptions = {
  /** TTL of a room's key, refreshed on every write (ROOM_TTL_SECONDS). Default 86,400. */
  ttlSeconds?: number;
  /** Prefix of every key. Default 'cercle:' (keys `cercle:room:{code}`, `cercle:timers`). */
  keyPrefix?: string;
  /** Every call settles within this, whatever Redis does. Default 1,800 ms (the page's budget is 2 s). */
  callTimeoutMs?: number;
  /** ioredis commandTimeout: a sent command without a reply rejects after this. Default 1,000 ms. */
  commandTimeoutMs?: number;
  /** Compare-and-set attempts per apply before giving up (contention); the deadline bounds it too. Default 1,000. */
  maxAttempts?: number;
  /** Applied command ids remembered per room for dedup. Default 256. */
  recentLimit?: number;
  /** Rooms whose last document this node keeps in memory. Default 10,000. */
  cacheSize?: number;
  logger?: StoreLogger;
};

/** Counters for benchmarks: `redisCalls / applied` is the round trips per accepted command. */
export type RedisStoreStats = {
  redisCalls: number;
  applied: number;
  conflicts: number;
  refusalChecks: number;
  cacheMisses: number;
  /** Writes deferred because another node had the room's turn after losing a race. */
  yields: number;
};

/** This node's last sight of a room: enough to run the next step and to compare-and-set. */
type CachedDoc = { gen: string; version: number; roomJson: string; recent: Set<string> };
type StoredDoc = { room: StoredRoom; gen: string; recent: string[] };

/** ioredis types ReplyError as `any`; this is its class, typed. */
const RedisReplyError = ReplyError as typeof Error;
/** How long a node that lost a race keeps the room's turn at most (if it died meanwhile). */
const TURN_MS = 200;
const UNAVAILABLE_REPLY = /^(LOADING|BUSY|MASTERDOWN|READONLY|TRYAGAIN|CLUSTERDOWN|NOREPLICAS|MISCONF)\b/;

/**
 * Rooms in Redis, one key per room holding `{ room, gen, recent }` as JSON (see docs/design.md).
 *
 * `apply` runs the step on this node's cached copy and writes with one Lua compare-and-set on
 * (gen, version): one round trip per accepted command when the cache is current. On a conflict the
 * script returns the current document in the same reply and the step runs again on it. `gen` is
 * random per `create`, so a room purged and created again under the same code never matches a stale
 * cache. A refusal computed on the cache is confirmed by the same script in check mode (one round
 * trip), since a refusal from a stale copy would be wrong. Commands on one room from this node are
 * queued so they never conflict with each other.
 *
 * Timers: sorted set `cercle:timers`, score = deadline ms, member `code|timerId`. A decision's
 * `schedule_timer` effects are added by the same apply script (atomic with the room write);
 * `scheduleTimer` adds one on its own. `claimDueTimers` takes due members with one script.
 *
 * Failures: no offline queue, no retry of a sent command, a command timeout, and a deadline on every
 * call: when Redis is unreachable every call rejects with StoreUnavailableError within `callTimeoutMs`,
 * never a false success. ioredis reconnects by itself.
 */
export class RedisRoomStore<R extends StoredRoom = StoredRoom, D extends StepDecision<R> = StepDecision<R>>
  implements RoomStore<R, D>
{
  readonly kind = 'redis' as const;
  private readonly ttlSeconds: number;
  private readonly prefix: string;
  private readonly timersKey: string;
  private readonly callTimeoutMs: number;
  private readonly maxAttempts: number;
  private readonly recentLimit: number;
  private readonly cacheSize: number;
  private readonly cache = new Map<string, CachedDoc>();
  private readonly queues = new Map<string, Promise<unknown>>();
  private readonly listeners = new Set<(at: number) => void>();
  /** Timers already added by an apply script, so a following scheduleTimer costs no round trip. */
  private readonly folded = new Map<string, number>();
  private readonly counters: RedisStoreStats = {
    redisCalls: 0,
    applied: 0,
    conflicts: 0,
    refusalChecks: 0,
    cacheMisses: 0,
    yields: 0,
  };
  /** Identifies this node in a room's turn key. */
  private readonly nodeId = randomBytes(6).toString('hex');
  private closed = false;

  /** Connects to `url` and resolves once Redis is ready; rejects with StoreUnavailableError otherwise. */
  static async connect<R extends StoredRoom = StoredRoom, D extends StepDecision<R> = StepDecision<R>>(
    url: string,
    options: RedisRoomStoreOptions = {},
  ): Promise<RedisRoomStore<R, D>> {
    const redis = new Redis(url, {
      lazyConnect: true,
      // Fail fast instead of queueing: a command that cannot be sent now rejects now.
      enableOfflineQueue: false,
      // A command in flight when the connection drops is rejected, never silently re-sent later.
      maxRetriesPerRequest: 0,
      autoResendUnfulfilledCommands: false,
      commandTimeout: options.commandTimeoutMs ?? 1000,
      connectTimeout: 1000,
      retryStrategy: (attempt) => Math.min(50 * attempt, 500),
    });
    const store = new RedisRoomStore<R, D>(redis, options);
    try {
      await redis.connect();
    } catch (error) {
      redis.disconnect();
      throw new StoreUnavailableError('Redis is unreachable', { cause: error });
    }
    return store;
  }

  /** Wraps a client made by `connect` (or one with the same failure options). */
  constructor(
    private readonly redis: Redis,
    options: RedisRoomStoreOptions = {},
  ) {
    this.ttlSeconds = options.ttlSeconds ?? 86_400;
    this.prefix = options.keyPrefix ?? 'cercle:';
    this.timersKey = `${this.prefix}timers`;
    this.callTimeoutMs = options.callTimeoutMs ?? 1800;
    this.maxAttempts = options.maxAttempts ?? 1000;
    this.recentLimit = options.recentLimit ?? 256;
    this.cacheSize = options.cacheSize ?? 10_000;
    const logger = options.logger;
    let lost = false;
    redis.on('error', (error: Error) => {
      if (!lost) logger?.warn({ event: 'store_error', error: error.message }, 'Redis error');
      lost = true;
    });
    redis.on('ready', () => {
      if (lost) logger?.info({ event: 'store_ready' }, 'Redis is back');
      lost = false;
    });
  }

  /** The Redis key of a room. */
  roomKey(code: string): string {
    return `${this.prefix}room:${code}`;
  }

  /** The room's fairness turn: which node lost the last race and writes next (lives 200 ms at most). */
  private turnKey(code: string): string {
    return `${this.prefix}room:${code}:turn`;
  }

  get stats(): Readonly<RedisStoreStats> {
    return { ...this.counters };
  }

  async create(room: R): Promise<boolean> {
    const gen = randomBytes(8).toString('hex');
    const roomJson = JSON.stringify(room);
    const doc = `{"room":${roomJson},"gen":"${gen}","recent":[]}`;
    const reply = await this.bounded(
      this.call(() => this.redis.set(this.roomKey(room.code), doc, 'EX', this.ttlSeconds, 'NX')),
    );
    if (reply !== 'OK') return false;
    this.remember(room.code, { gen, version: room.version, roomJson, recent: new Set() });
    return true;
  }

  async load(code: string): Promise<R | null> {
    const doc = await this.bounded(this.fetch(code));
    return doc ? (JSON.parse(doc.roomJson) as R) : null;
  }

  async apply(code: string, commandId: string | null, step: (room: R) => D): Promise<ApplyResult<R, D>> {
    const deadline = Date.now() + this.callTimeoutMs;
    return this.bounded(
      this.enqueue(code, () => this.applyNow(code, commandId, step, deadline)),
      deadline,
    );
  }

  async touch(code: string): Promise<boolean> {
    const reply = await this.bounded(this.call(() => this.redis.expire(this.roomKey(code), this.ttlSeconds)));
    return reply === 1;
  }

  async purge(code: string): Promise<void> {
    this.cache.delete(code);
    await this.bounded(
      this.evalScript(
        purgeRoomScript,
        [this.roomKey(code), this.timersKey, this.turnKey(code)],
        [timerMember(code, '')],
      ),
    );
    this.cache.delete(code);
  }

  async scheduleTimer(code: string, timerId: string, at: number): Promise<void> {
    const member = timerMember(code, timerId);
    if (this.folded.get(member) === at) {
      this.folded.delete(member);
      return;
    }
    const reply = await this.bounded(
      this.evalScript(scheduleTimerScript, [this.roomKey(code), this.timersKey], [String(at), member]),
    );
    if (reply === 1) this.notifyTimer(at);
  }

  async claimDueTimers(now: number, limit: number): Promise<DueTimer[]> {
    if (limit <= 0) return [];
    const reply = await this.bounded(
      this.evalScript(claimTimersScript, [this.timersKey], [String(now), String(Math.floor(limit))]),
    );
    const flat = reply as string[];
    const due: DueTimer[] = [];
    for (let i = 0; i + 1 < flat.length; i += 2) {
      const member = flat[i]!;
      this.folded.delete(member);
      due.push(parseTimerMember(member, Number(flat[i + 1])));
    }
    return due;
  }

  onTimerScheduled(listener: (at: number) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async ping(): Promise<boolean> {
    try {
      return (await this.bounded(this.call(() => this.redis.ping()))) === 'PONG';
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.listeners.clear();
    this.cache.clear();
    try {
      await this.bounded(this.redis.quit());
    } catch {
      // Unreachable or slow: drop the connection instead of waiting for a goodbye.
    } finally {
      this.redis.disconnect();
    }
  }

  // --- apply -------------------------------------------------------------------------------------------

  private async applyNow(
    code: string,
    commandId: string | null,
    step: (room: R) => D,
    deadline: number,
  ): Promise<ApplyResult<R, D>> {
    let doc = this.cache.get(code) ?? null;
    if (!doc) {
      this.counters.cacheMisses++;
      doc = await this.fetch(code);
      if (!doc) return { status: 'not_found' };
    }
    for (let attempt = 1; ; attempt++) {
      if (Date.now() > deadline) throw new StoreUnavailableError('Redis did not answer in time');
      if (attempt > this.maxAttempts)
        throw new StoreUnavailableError('too many concurrent writes on one room');
      if (commandId !== null && doc.recent.has(commandId))
        return { status: 'duplicate', version: doc.version };

      const before = JSON.parse(doc.roomJson) as R;
      const decision = step(before);
      if (!decision.ok) {
        // Confirm the refusal against the stored version: a stale copy must not refuse wrongly.
        this.counters.refusalChecks++;
        const reply = await this.cas('c', code, doc, commandId, '', []);
        if (reply.kind === 'done') {
          const refusal = decision as Extract<D, { ok: false }>;
          return { status: 'refused', code: refusal.code, message: refusal.message };
        }
        if (reply.kind === 'yield') await this.yieldTurn();
        else if (reply.kind === 'conflict') doc = reply.doc;
        else return reply.result;
        continue;
      }

      checkStepResult(before, decision.room);
      const roomJson = JSON.stringify(decision.room);
      const timers = scheduleTimerEffects(decision);
      const timerArgs = timers.flatMap((t) => [String(t.at), timerMember(code, t.timerId)]);
      const reply = await this.cas('w', code, doc, commandId, roomJson, timerArgs);
      if (reply.kind === 'conflict') {
        this.counters.conflicts++;
        doc = reply.doc;
        continue;
      }
      if (reply.kind === 'yield') {
        await this.yieldTurn();
        continue;
      }
      if (reply.kind !== 'done') return reply.result;

      const recent = new Set(doc.recent);
      if (commandId !== null) {
        recent.add(commandId);
        while (recent.size > this.recentLimit) recent.delete(recent.values().next().value!);
      }
      this.remember(code, { gen: doc.gen, version: decision.room.version, roomJson, recent });
      this.counters.applied++;
      for (const timer of timers) {
        this.rememberFolded(timerMember(code, timer.timerId), timer.at);
        this.notifyTimer(timer.at);
      }
      return { status: 'applied', before, decision: decision as Extract<D, { ok: true }> };
    }
  }

  private async cas(
    mode: 'w' | 'c',
    code: string,
    doc: CachedDoc,
    commandId: string | null,
    roomJson: string,
    timerArgs: string[],
  ): Promise<
    | { kind: 'done' }
    | { kind: 'yield' }
    | { kind: 'conflict'; doc: CachedDoc }
    | { kind: 'final'; result: Extract<ApplyResult<R, D>, { status: 'duplicate' | 'not_found' }> }
  > {
    const reply = (await this.evalScript(
      casRoomScript,
      [this.roomKey(code), this.timersKey, this.turnKey(code)],
      [
        mode,
        doc.gen,
        String(doc.version),
        commandId ?? '',
        roomJson,
        String(this.ttlSeconds),
        String(this.recentLimit),
        this.nodeId,
        String(TURN_MS),
        ...timerArgs,
      ],
    )) as [number, (number | string)?];
    switch (reply[0]) {
      case 0:
        this.cache.delete(code);
        return { kind: 'final', result: { status: 'not_found' } };
      case 1:
        return { kind: 'final', result: { status: 'duplicate', version: Number(reply[1]) } };
      case 2: {
        const current = parseDoc(String(reply[1]));
        this.remember(code, current);
        return { kind: 'conflict', doc: current };
      }
      case 3:
        return { kind: 'done' };
      case 4:
        return { kind: 'yield' };
      default:
        throw new Error(`unexpected reply from ${casRoomScript.name}`);
    }
  }

  // --- plumbing ----------------------------------------------------------------------------------------

  private async fetch(code: string): Promise<CachedDoc | null> {
    const raw = await this.call(() => this.redis.get(this.roomKey(code)));
    if (raw === null) {
      this.cache.delete(code);
      return null;
    }
    const doc = parseDoc(raw);
    this.remember(code, doc);
    return doc;
  }

  /** Runs `task` after every earlier task of this room on this node has settled. */
  private enqueue<T>(code: string, task: () => Promise<T>): Promise<T> {
    const previous = this.queues.get(code) ?? Promise.resolve();
    const run = previous.then(task, task);
    const tail = run.then(
      () => undefined,
      () => undefined,
    );
    this.queues.set(code, tail);
    void tail.then(() => {
      if (this.queues.get(code) === tail) this.queues.delete(code);
    });
    return run;
  }

  /** Settles with `work`, or rejects with StoreUnavailableError at `deadline`, whichever comes first. */
  private bounded<T>(work: Promise<T>, deadline = Date.now() + this.callTimeoutMs): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new StoreUnavailableError('Redis did not answer in time')),
        Math.max(0, deadline - Date.now()),
      );
      work.then(
        (value) => {
          clearTimeout(timer);
          resolve(value);
        },
        (error: unknown) => {
          clearTimeout(timer);
          reject(error);
        },
      );
    });
  }

  /** One Redis round trip, counted; transport failures become StoreUnavailableError. */
  private async call<T>(send: () => Promise<T>): Promise<T> {
    if (this.closed) throw new StoreUnavailableError('store is closed');
    this.counters.redisCalls++;
    try {
      return await send();
    } catch (error) {
      if (error instanceof RedisReplyError && !UNAVAILABLE_REPLY.test(error.message)) throw error;
      throw new StoreUnavailableError('Redis is unavailable', { cause: error });
    }
  }

  private async evalScript(script: LuaScript, keys: string[], args: string[]): Promise<unknown> {
    try {
      return await this.call(() => this.redis.evalsha(script.sha, keys.length, ...keys, ...args));
    } catch (error) {
      if (!(error instanceof RedisReplyError) || !error.message.startsWith('NOSCRIPT')) throw error;
      // First use on this Redis (or it restarted): EVAL sends the source, which also caches it.
      return this.call(() => this.redis.eval(script.source, keys.length, ...keys, ...args));
    }
  }

  /** Another node lost a race on this room and writes next: give it a moment, then try again. */
  private async yieldTurn() {
    this.counters.yields++;
    await new Promise((resolve) => setTimeout(resolve, 1));
  }

  private remember(code: string, doc: CachedDoc) {
    this.cache.delete(code);
    this.cache.set(code, doc);
    if (this.cache.size > this.cacheSize) this.cache.delete(this.cache.keys().next().value!);
  }

  private rememberFolded(member: string, at: number) {
    this.folded.set(member, at);
    if (this.folded.size > 10_000) this.folded.delete(this.folded.keys().next().value!);
  }

  private notifyTimer(at: number) {
    for (const listener of this.listeners) listener(at);
  }
}

function parseDoc(raw: string): CachedDoc {
  const stored = JSON.parse(raw) as StoredDoc;
  return {
    gen: stored.gen,
    version: stored.room.version,
    roomJson: JSON.stringify(stored.room),
    recent: new Set(stored.recent),
  };
}
