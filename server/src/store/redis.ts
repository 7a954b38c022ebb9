import { randomBytes } from 'node:crypto';
import type { Decision, Room } from '@cercle/shared';
import { Redis, ReplyError } from 'ioredis';
import {
  type ApplyResult,
  checkStepResult,
  type DueTimer,
  parseTimerMember,
  type RoomStore,
  type ScheduleTimerEffect,
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
  /** Compare-and-set attempts per batch before giving up (contention); the deadline bounds it too. Default 1,000. */
  maxAttempts?: number;
  /** Commands on one room stored together by one compare-and-set when they queue up. Default 50. */
  maxBatch?: number;
  /** Applied command ids remembered per room for dedup. Default 256. */
  recentLimit?: number;
  /** Rooms whose last document this node keeps in memory (least recently used dropped). Default 1,000. */
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
  /** Compare-and-set round trips for apply (one per batch of queued commands, plus retries). */
  batches: number;
  /** Writes deferred because another node had the room's turn after losing a race. */
  yields: number;
};

/** This node's last sight of a room: enough to run the next step and to compare-and-set. */
type CachedDoc = { gen: string; version: number; roomJson: string; recent: Set<string> };
type StoredDoc = { room: StoredRoom; gen: string; recent: string[] };
type Pending<R extends StoredRoom, D extends StepDecision> = {
  commandId: string | null;
  step: (room: R) => D;
  deadline: number;
  resolve: (result: ApplyResult<R, D>) => void;
  reject: (error: unknown) => void;
};

/** ioredis types ReplyError as `any`; this is its class, typed. */
const RedisReplyError = ReplyError as typeof Error;
/** How long a node that lost a race keeps the room's turn at most (if it died meanwhile). */
const TURN_MS = 200;
const UNAVAILABLE_REPLY = /^(LOADING|BUSY|MASTERDOWN|READONLY|TRYAGAIN|CLUSTERDOWN|NOREPLICAS|MISCONF|OOM)\b/;

/**
 * Rooms in Redis (docs/design.md, "Storage"). Keys:
 * - `cercle:room:{code}`: JSON `{ room, gen, recent }`, TTL `ttlSeconds` refreshed by every write.
 *   `recent` holds the last `recentLimit` applied command ids (dedup); `gen` is random per `create`,
 *   so a code purged and created again never matches a stale copy.
 * - `cercle:room:{code}:turn`: exists for at most 200 ms after two nodes raced on the room (below).
 * - `cercle:timers`: sorted set, score = deadline ms, member `code|timerId`, shared by all rooms.
 *
 * `apply`: each node keeps the last document it saw of a room, runs the step on it and writes with one
 * Lua compare-and-set on (gen, version) that also records the command id, refreshes the TTL and adds
 * the decision's `schedule_timer` effects to the timers set (so a timer is never lost between the room
 * write and its scheduling). One round trip per accepted command when the copy is current. On a
 * conflict the script returns the current document in the same reply and the step runs again on it.
 * A refusal decided on the copy is confirmed by the same script in check mode: a stale copy must not
 * refuse wrongly. A duplicate id found in the copy answers at once; the script checks ids again.
 *
 * Commands on one room from this node are queued, never racing each other; those that queue up while a
 * write is in flight are run in order on one copy and stored by one compare-and-set (at most `maxBatch`),
 * all or nothing. Across nodes, the node that loses a race takes the room's turn and the others yield
 * to it: without that, a node with a steady stream of commands would win every race and starve others.
 *
 * Failures: no offline queue, no re-sending of a command in flight, a command timeout, and a deadline
 * on every call: when Redis is unreachable or stalls, every call rejects with StoreUnavailableError
 * within `callTimeoutMs`, never a false success (a write may land after its deadline: a false failure,
 * and a retry with the same command id then answers `duplicate`). ioredis reconnects by itself.
 */
export class RedisRoomStore<R extends StoredRoom = Room, D extends StepDecision = Decision>
  implements RoomStore<R, D>
{
  readonly kind = 'redis' as const;
  private readonly ttlSeconds: number;
  private readonly prefix: string;
  private readonly timersKey: string;
  private readonly callTimeoutMs: number;
  private readonly maxAttempts: number;
  private readonly maxBatch: number;
  private readonly recentLimit: number;
  private readonly cacheSize: number;
  private readonly cache = new Map<string, CachedDoc>();
  /** Commands waiting for their room's drain on this node, in arrival order. */
  private readonly waiting = new Map<string, Pending<R, D>[]>();
  private readonly draining = new Set<string>();
  private readonly listeners = new Set<(at: number) => void>();
  /** Timers already added by an apply script, so a following scheduleTimer costs no round trip. */
  private readonly folded = new Map<string, number>();
  private readonly counters: RedisStoreStats = {
    redisCalls: 0,
    applied: 0,
    conflicts: 0,
    refusalChecks: 0,
    cacheMisses: 0,
    batches: 0,
    yields: 0,
  };
  /** Identifies this node in a room's turn key. */
  private readonly nodeId = randomBytes(6).toString('hex');
  private closed = false;

  /** Connects to `url` and resolves once Redis is ready; rejects with StoreUnavailableError otherwise. */
  static async connect<R extends StoredRoom = Room, D extends StepDecision = Decision>(
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
    this.maxBatch = Math.max(1, options.maxBatch ?? 50);
    this.recentLimit = options.recentLimit ?? 256;
    this.cacheSize = options.cacheSize ?? 1000;
    const logger = options.logger;
    // Connection state changes only, once each way: never keys, codes or room content.
    let lost = false;
    const lose = (reason: string) => {
      if (lost || this.closed) return;
      lost = true;
      logger?.warn({ event: 'store_unavailable', reason }, 'Redis connection lost');
    };
    redis.on('error', (error: Error) => lose(error.name));
    redis.on('close', () => lose('closed'));
    redis.on('ready', () => {
      if (lost) logger?.info({ event: 'store_ready' }, 'Redis connection back');
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
    const result = new Promise<ApplyResult<R, D>>((resolve, reject) => {
      const queue = this.waiting.get(code) ?? [];
      queue.push({ commandId, step, deadline, resolve, reject });
      this.waiting.set(code, queue);
    });
    if (!this.draining.has(code)) void this.drain(code);
    return this.bounded(result, deadline);
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

  /** Runs the room's waiting commands, a batch at a time, until none is left. One drain per room. */
  private async drain(code: string): Promise<void> {
    this.draining.add(code);
    try {
      for (;;) {
        const queue = this.waiting.get(code);
        if (!queue || queue.length === 0) break;
        const batch = queue.splice(0, this.maxBatch);
        try {
          await this.applyBatch(code, batch);
        } catch (error) {
          for (const pending of batch) pending.reject(error);
        }
      }
    } finally {
      this.waiting.delete(code);
      this.draining.delete(code);
    }
  }

  /**
   * Runs every step of the batch in order on one copy of the room, then stores the outcome with one
   * compare-and-set: all of it or nothing. On a conflict, the whole batch runs again on the current room.
   * Refusals are confirmed by the same compare-and-set (or by a check when nothing was accepted).
   */
  private async applyBatch(code: string, batch: Pending<R, D>[]): Promise<void> {
    let doc = this.cache.get(code) ?? null;
    if (!doc) {
      this.counters.cacheMisses++;
      doc = await this.fetch(code);
    }
    for (let attempt = 1; ; attempt++) {
      const now = Date.now();
      const live = batch.filter((pending) => {
        if (pending.deadline >= now) return true;
        pending.reject(new StoreUnavailableError('Redis did not answer in time'));
        return false;
      });
      if (live.length === 0) return;
      if (!doc) {
        for (const pending of live) pending.resolve({ status: 'not_found' });
        return;
      }
      if (attempt > this.maxAttempts)
        throw new StoreUnavailableError('too many concurrent writes on one room');

      const run = this.runSteps(doc, live);
      if (run.accepted.length === 0 && !run.refusals) {
        run.settle(); // only duplicates (or steps that threw): nothing to store or confirm
        return;
      }
      if (run.accepted.length === 0) this.counters.refusalChecks++;
      const reply = await this.cas(code, doc, run);
      if (reply.kind === 'conflict') {
        this.counters.conflicts++;
        doc = reply.doc;
        continue;
      }
      if (reply.kind === 'yield') {
        await this.yieldTurn();
        continue;
      }
      if (reply.kind === 'not_found') {
        doc = null;
        continue;
      }
      if (run.accepted.length > 0) {
        const recent = new Set(doc.recent);
        for (const id of run.acceptedIds) recent.add(id);
        while (recent.size > this.recentLimit) recent.delete(recent.values().next().value!);
        this.remember(code, { gen: doc.gen, version: run.version, roomJson: run.roomJson, recent });
        this.counters.applied += run.accepted.length;
        for (const timer of run.timers) {
          this.rememberFolded(timerMember(code, timer.timerId), timer.at);
          this.notifyTimer(timer.at);
        }
      }
      run.settle();
      return;
    }
  }

  /** The batch's steps in order on a fresh copy of `doc`; nothing is settled until `settle()`. */
  private runSteps(doc: CachedDoc, batch: Pending<R, D>[]) {
    const outcomes: { pending: Pending<R, D>; outcome: ApplyResult<R, D> | { error: unknown } }[] = [];
    const accepted: Extract<D, { ok: true }>[] = [];
    const acceptedIds: string[] = [];
    const timers: ScheduleTimerEffect[] = [];
    let refusals = 0;
    let room = JSON.parse(doc.roomJson) as R;
    let version = doc.version;
    for (const pending of batch) {
      const { commandId } = pending;
      if (commandId !== null && (doc.recent.has(commandId) || acceptedIds.includes(commandId))) {
        outcomes.push({ pending, outcome: { status: 'duplicate', version } });
        continue;
      }
      let decision: D;
      try {
        decision = pending.step(room);
        if (decision.ok) checkStepResult(room, decision.room);
      } catch (error) {
        outcomes.push({ pending, outcome: { error } }); // a bug in this step: the others go on
        continue;
      }
      if (!decision.ok) {
        refusals++;
        const refusal = decision as Extract<D, { ok: false }>;
        outcomes.push({
          pending,
          outcome: { status: 'refused', code: refusal.code, message: refusal.message },
        });
        continue;
      }
      const ok = decision as Extract<D, { ok: true }>;
      outcomes.push({ pending, outcome: { status: 'applied', before: room, decision: ok } });
      accepted.push(ok);
      if (commandId !== null) acceptedIds.push(commandId);
      timers.push(...scheduleTimerEffects(ok));
      room = ok.room as R; // the step maps R to R: D is only constrained to a StoredRoom
      version = ok.room.version;
    }
    return {
      accepted,
      acceptedIds,
      timers,
      refusals,
      version,
      roomJson: accepted.length > 0 ? JSON.stringify(room) : '',
      settle: () => {
        for (const { pending, outcome } of outcomes) {
          if ('error' in outcome) pending.reject(outcome.error);
          else pending.resolve(outcome);
        }
      },
    };
  }

  /** One compare-and-set (or, with nothing accepted, a check) of the batch's outcome. */
  private async cas(
    code: string,
    doc: CachedDoc,
    run: ReturnType<RedisRoomStore<R, D>['runSteps']>,
  ): Promise<{ kind: 'done' | 'yield' | 'not_found' } | { kind: 'conflict'; doc: CachedDoc }> {
    const write = run.accepted.length > 0;
    this.counters.batches++;
    const reply = (await this.evalScript(
      casRoomScript,
      [this.roomKey(code), this.timersKey, this.turnKey(code)],
      [
        write ? 'w' : 'c',
        doc.gen,
        String(doc.version),
        run.roomJson,
        String(this.ttlSeconds),
        String(this.recentLimit),
        this.nodeId,
        String(TURN_MS),
        String(run.acceptedIds.length),
        ...run.acceptedIds,
        ...run.timers.flatMap((t) => [String(t.at), timerMember(code, t.timerId)]),
      ],
    )) as [number, string?];
    switch (reply[0]) {
      case 0:
        this.cache.delete(code);
        return { kind: 'not_found' };
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
