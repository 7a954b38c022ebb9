import { randomBytes } from 'node:crypto';
import type { Decision, Room } from '@cercle/shared';
import {
  connectClient,
  flushWrites,
  quitWithin,
  type RedisClient,
  type RedisTarget,
  redisClient,
} from '../cluster/connection.js';
import { type KeyNames, keyNames, shardOf } from '../cluster/keys.js';
import {
  type AppliedListener,
  type ApplyResult,
  checkStepResult,
  type DueTimer,
  MAX_STORE_WAIT_MS,
  type StepOutcome as Outcome,
  parseTimerMember,
  type RoomHeader,
  type RoomStore,
  type StepDecision,
  type StoredRoom,
  StoreUnavailableError,
  TIMER_LEASE_MS,
  tellApplied,
  timerChanges,
  timerMember,
} from './interface.js';
import {
  casRoomScript,
  casRoomsScript,
  claimTimersScript,
  createRoomScript,
  mapEntriesScript,
  purgeRoomScript,
  readRoomScript,
  roomVersionsScript,
  scheduleTimerScript,
  touchRoomScript,
} from './lua.js';
import { RedisCalls, type Waiter } from './redisCalls.js';
import {
  entryPrefix,
  type FieldPairs,
  GEN_FIELD,
  HEADER_FIELDS,
  headerOf,
  headerOfRoom,
  mapFromEntries,
  pairsOf,
  roomChanges,
  roomFromFields,
  VERSION_FIELD,
} from './roomFields.js';

/**
 * This node's last sight of a room: enough to run the next step and to compare-and-set. `room` is the
 * object the steps run on, built from the stored fields once (not once per batch) and then the last
 * step's result: steps never mutate their input, so it is shared from one batch to the next, and the
 * next write is found by comparing it with the room the steps produce (roomFields.ts). It matters at
 * 1,000 cards: building the room costs milliseconds, and V8 copies a record parsed from JSON
 * (dictionary mode) ten times slower than one the engine built, which every step that adds a card does.
 */
type CachedDoc = {
  gen: string;
  version: number;
  /** The fields as read, until `room` is built from them (then dropped). */
  pairs: (readonly [string, string])[] | null;
  /**
   * Command ids this node knows were applied to the room (this gen), with their fingerprints: a retry
   * found here is answered without a round trip. A cache only: the ids hash in Redis is the record.
   */
  ids: Map<string, string>;
  room: StoredRoom | null;
  /** When this node last used the copy (`RedisRoomStore.uses`): the least recently used is dropped. */
  used: number;
};

/** The copy a read hands back: the room's header and its fields; null when the hash is empty. */
function docOf(pairs: FieldPairs): CachedDoc | null {
  const all = [...pairs];
  let gen: string | undefined;
  let version = Number.NaN;
  for (const [field, value] of all) {
    if (field === GEN_FIELD) gen = value;
    else if (field === VERSION_FIELD) version = Number(value);
  }
  if (gen === undefined) return null;
  if (!Number.isInteger(version)) throw new Error('not a room hash');
  return { gen, version, pairs: all, ids: new Map(), room: null, used: 0 };
}

/** Enough of a pino logger; the store logs connection state only, never room content or codes. */
export type StoreLogger = {
  warn(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
};

export type RedisRoomStoreOptions = {
  /** TTL of a room's key, refreshed on every write (ROOM_TTL_SECONDS). Default 86,400. */
  ttlSeconds?: number;
  /** Prefix of every key. Default 'cercle:' (names: cluster/keys.ts). */
  keyPrefix?: string;
  /**
   * Redis has not answered for this long (a call of this node outstanding that long with no reply to any
   * call since), or is disconnected: every waiting call fails with StoreUnavailableError, the queued
   * ones too. Default 1,500 ms (the page's budget is 2 s). A call waiting behind others while Redis
   * answers keeps waiting (up to `maxWaitMs`): a busy node is not an unavailable store.
   */
  callTimeoutMs?: number;
  /** However Redis answers, a call fails once it has waited this long (a backstop). Default 15,000 ms. */
  maxWaitMs?: number;
  /**
   * ioredis commandTimeout: a sent command without a reply rejects after this. Default `maxWaitMs`. The
   * compare-and-sets have no timer of their own: the call watchdog gives them up after `maxWaitMs`.
   */
  commandTimeoutMs?: number;
  /** Compare-and-set attempts per batch before giving up (contention); the deadline bounds it too. Default 1,000. */
  maxAttempts?: number;
  /** Commands on one room stored together by one compare-and-set when they queue up. Default 200. */
  maxBatch?: number;
  /**
   * A batch's steps run synchronously; once they have taken this long, the rest of the batch waits for
   * the next one (so a batch on a big room does not hold up the node). At least one step runs. Default 25 ms.
   */
  batchBudgetMs?: number;
  /** After a purge, Redis rewrites its append-only file at most this often (SR-4). Default 60,000 ms. */
  rewriteEveryMs?: number;
  /** How long a claimed timer stays with its claimer (TM-10). Default TIMER_LEASE_MS. */
  leaseMs?: number;
  /**
   * Command ids (with fingerprints) this node keeps in memory per room, a cache of Redis's: a retry of
   * one of the room's last commands (a page resending what its lost connection left unanswered) is
   * answered without a round trip; an older one is answered by the compare-and-set's own check (SR-1),
   * one round trip more. Default 64: about 180 bytes an id, 11 KB a room kept (at 512, 90 KB a room and
   * 90 MB for the 1,000 rooms a node keeps, all of it in the old generation).
   */
  idCacheSize?: number;
  /** Rooms whose last copy this node keeps in memory (least recently used dropped). Default 1,000. */
  cacheSize?: number;
  logger?: StoreLogger;
};

/** Round trips sent: `redisCalls / applied` is the round trips per accepted command (tests). */
export type RedisStoreStats = { redisCalls: number };

/**
 * A command waiting for its room's drain, and for the watchdog (redisCalls.ts) while it waits: answered
 * once, by its batch or by the watchdog (store_unavailable).
 */
class Pending<R extends StoredRoom, D extends StepDecision> implements Waiter {
  readonly since = Date.now();
  /** Already answered store_unavailable: dropped from its batch unless its write is in flight. */
  failed = false;
  constructor(
    readonly commandId: string | null,
    readonly fingerprint: string,
    readonly step: (room: R) => D,
    private readonly calls: RedisCalls,
    private readonly settle: (result: ApplyResult<R, D>) => void,
    private readonly refuse: (error: unknown) => void,
  ) {}

  resolve(result: ApplyResult<R, D>): void {
    this.calls.release(this);
    this.settle(result);
  }

  reject(error: unknown): void {
    this.calls.release(this);
    this.refuse(error);
  }

  /** The watchdog's answer. */
  fail(error: StoreUnavailableError): void {
    this.failed = true;
    this.refuse(error);
  }
}

/** What a room's compare-and-set (or check) found (see `cas`). */
type CasOutcome =
  | { kind: 'done' | 'yield' | 'not_found' }
  | { kind: 'conflict'; doc: CachedDoc }
  | { kind: 'seen'; ids: [string, string][] };

/** One room's compare-and-set waiting for the tick's call (see `sendCas`). */
type CasCall = {
  code: string;
  /** The copy the call compares with. */
  doc: CachedDoc;
  /** casRoomScript's call: a free slot, '4', the room's four keys, its ARGV. */
  args: string[];
  resolve: (outcome: CasOutcome) => void;
  reject: (error: unknown) => void;
};

/**
 * Answers a run's callers: each its step's outcome, an applied one with the write's `handled` if any.
 * `outcomes[i]` is `batch[i]`'s (the batch as the run ran it: see `applyBatch`).
 */
function settleRun<R extends StoredRoom, D extends StepDecision>(
  batch: readonly Pending<R, D>[],
  outcomes: readonly Outcome<R, D>[],
  handled?: Promise<void>,
): void {
  for (let i = 0; i < outcomes.length; i++) {
    const pending = batch[i]!;
    const outcome = outcomes[i]!;
    if ('error' in outcome) pending.reject(outcome.error);
    else if (handled !== undefined && outcome.status === 'applied') pending.resolve({ ...outcome, handled });
    else pending.resolve(outcome);
  }
}

/** The value paired with `key` in the first `length` entries of flat (key, value) pairs, if any. */
function pairedWith(pairs: readonly string[], length: number, key: string): string | undefined {
  for (let i = 0; i < length; i += 2) if (pairs[i] === key) return pairs[i + 1];
  return undefined;
}

/** The compare-and-set's replies that carry nothing more: one object each, not one per reply. */
const DONE = { kind: 'done' } as const;
const YIELD = { kind: 'yield' } as const;
const NOT_FOUND = { kind: 'not_found' } as const;

/** Rooms whose version one call of the room watch's read asks for at most (`versions`). */
const VERSIONS_PER_CALL = 1_000;

/** Rooms in one compare-and-set call at most (the script's run is one Redis command: keep it short). */
const MAX_ROOMS_PER_CALL = 64;

/** How long a node that lost a race keeps the room's turn at most (if it died meanwhile). */
const TURN_MS = 200;
/** A room where this node met another node's write (conflict or yield) this recently counts as contended. */
const CONTENDED_MS = 2_000;

/**
 * Rooms in Redis (docs/design.md, "Storage"). Keys (named in cluster/keys.ts; `{tag}` is the hash tag of
 * the room's shard, so that each script's keys share one slot on a Redis Cluster: SC-3):
 * - `cercle:{tag}:room:<code>`: a hash, the room as fields (roomFields.ts, SR-6): header `h:gen`,
 *   `h:version`, then one field per top-level room field and one per entry of its id-keyed maps; TTL
 *   `ttlSeconds` refreshed by every write. `gen` is random per `create`, so a code purged and created
 *   again never matches a stale copy; `version` is the room's. A write sets and deletes only the fields
 *   its commands changed; the room watch and the closed doors read header fields alone (SR-7).
 * - `cercle:{tag}:room:<code>:ids`: the command ids applied to the room (SR-1), same TTL.
 * - `cercle:{tag}:room:<code>:turn`: exists for at most 200 ms after two nodes raced on the room (below).
 * - `cercle:{tag}:timers`: sorted set, score = deadline ms, member `code|timerId`, one per shard (16),
 *   shared by the shard's rooms; every node claims from all of them.
 *
 * `apply`: each node keeps the last copy it saw of a room, runs the step on it and writes with one
 * Lua compare-and-set on (gen, version) that also records the command id, refreshes the TTL and adds
 * the decision's `schedule_timer` effects to the timers set (so a timer is never lost between the room
 * write and its scheduling). One round trip per accepted command when the copy is current. On a
 * conflict the script returns the current room's fields in the same reply and the step runs again on it.
 * A refusal decided on the copy is confirmed by the same script in check mode: a stale copy must not
 * refuse wrongly. A duplicate id found in the copy answers at once; the script checks ids again.
 *
 * Commands on one room from this node are queued, never racing each other; those that queue up while a
 * write is in flight are run in order on one copy and stored by one compare-and-set (at most `maxBatch`,
 * and as many as run within `batchBudgetMs`), all or nothing. Across nodes, the node that loses a race
 * takes the room's turn and the others yield to it: without that, a node with a steady stream of
 * commands would win every race and starve others. A node that met another node's write on a room in
 * the last 2 s first asks for the current room (a check, no write), rather than run a batch on a copy
 * that is probably stale: the conflict hands back the room, and the turn.
 *
 * The compare-and-sets of every room that reaches its write in one turn of the event loop (a fan-out,
 * a thousand timers fired at once, commands on many rooms read in one go) leave as one script call
 * (SR-9: `casRoomsScript`; per shard on a Redis Cluster), each room checked and written as if alone.
 *
 * Failures: no offline queue, no re-sending of a command in flight. The call watchdog (redisCalls.ts)
 * fails every waiting call with StoreUnavailableError within `callTimeoutMs` when Redis stops answering:
 * never a false success. A write may land after its caller was answered (a false failure: a retry with
 * the same command id answers `duplicate`); it is told to `onApplied` listeners all the same. ioredis
 * reconnects by itself. The room's fields and their codec: roomFields.ts.
 */
export class RedisRoomStore<R extends StoredRoom = Room, D extends StepDecision = Decision>
  implements RoomStore<R, D>
{
  readonly kind = 'redis' as const;
  private readonly ttlSeconds: number;
  private readonly keys: KeyNames;
  private readonly callTimeoutMs: number;
  private readonly maxAttempts: number;
  private readonly maxBatch: number;
  private readonly batchBudgetMs: number;
  private readonly idCacheSize: number;
  private readonly leaseMs: number;
  private readonly cacheSize: number;
  private readonly cache = new Map<string, CachedDoc>();
  /** Counts the uses of the copies (`CachedDoc.used`). */
  private uses = 0;
  /** Commands waiting for their room's drain on this node, in arrival order. */
  private readonly waiting = new Map<string, Pending<R, D>[]>();
  private readonly draining = new Set<string>();
  private readonly listeners = new Set<(at: number) => void>();
  private readonly appliedListeners = new Set<AppliedListener<R, D>>();
  private readonly calls: RedisCalls;
  /** Timers already added by an apply script, so a following scheduleTimer costs no round trip. */
  private readonly folded = new Map<string, number>();
  /** Every shard's timers set, and the room key prefix in each one's slot (`claimDueTimers`). */
  private readonly timerSets: readonly string[];
  private readonly timerRoomPrefixes: readonly string[];
  /** Timers claimed by this node beyond what a claim handed out (see `claimDueTimers`), by deadline. */
  private leased: { timer: DueTimer; until: number }[] = [];
  /** When this node last met another node's write on a room (see `applyBatch`). */
  private readonly contended = new Map<string, number>();
  /** Identifies this node in a room's turn key. */
  private readonly nodeId = randomBytes(6).toString('hex');
  private closed = false;
  private readonly rewriteEveryMs: number;
  private lastRewriteAt = 0;
  private rewriteTimer: NodeJS.Timeout | null = null;
  private readonly maxWaitMs: number;
  /** Compare-and-sets of this tick, sent together once the tick ends (see `sendCas`). */
  private casOutbox: CasCall[] = [];
  private readonly casKeyCache = new Map<string, readonly string[]>();
  /** A cluster client: the rooms of one compare-and-set call must share a slot. */
  private readonly cluster: boolean;
  private readonly ttlArg: string;
  /** The compare-and-set head's constant words: ttl, node, turn (see `cas`). */
  private readonly casHeadMiddle: string;
  /** The connection of `versions`: opened on first use, and ready before its first call. */
  private watch: Promise<{ redis: RedisClient; calls: RedisCalls }> | null = null;
  /** That connection's client, from the start of its opening: `close` ends it even while it opens. */
  private watchRedis: RedisClient | null = null;

  /** Connects to `target` (one Redis or a cluster) and resolves once ready; rejects with StoreUnavailableError otherwise. */
  static async connect<R extends StoredRoom = Room, D extends StepDecision = Decision>(
    target: RedisTarget,
    options: RedisRoomStoreOptions = {},
  ): Promise<RedisRoomStore<R, D>> {
    // Fail fast instead of queueing, never re-send a command in flight (cluster/connection.ts). The calls
    // made in one turn of the event loop (under load, the next batches of every room whose write was
    // answered in that turn) go to Redis as one write, each answered as its reply is read (SR-10). commandTimeout is a backstop only: the watchdog
    // answers callers when Redis stops answering (see the class comment).
    const redis = redisClient(target, {
      batchWrites: true,
      commandTimeoutMs: options.commandTimeoutMs ?? options.maxWaitMs ?? MAX_STORE_WAIT_MS,
    });
    const store = new RedisRoomStore<R, D>(redis, options);
    try {
      await connectClient(redis);
    } catch (error) {
      throw new StoreUnavailableError('Redis is unreachable', { cause: error });
    }
    return store;
  }

  /** Wraps a client made by `connect` (or one with the same failure options). */
  constructor(
    private readonly redis: RedisClient,
    options: RedisRoomStoreOptions = {},
  ) {
    this.ttlSeconds = options.ttlSeconds ?? 86_400;
    this.keys = keyNames(options.keyPrefix);
    this.timerSets = this.keys.timerSets();
    this.timerRoomPrefixes = this.timerSets.map((set) => this.keys.roomPrefixOfSet(set));
    this.callTimeoutMs = options.callTimeoutMs ?? 1500;
    this.maxWaitMs = options.maxWaitMs ?? MAX_STORE_WAIT_MS;
    this.calls = new RedisCalls(redis, { callTimeoutMs: this.callTimeoutMs, maxWaitMs: this.maxWaitMs });
    this.maxAttempts = options.maxAttempts ?? 1000;
    this.maxBatch = Math.max(1, options.maxBatch ?? 200);
    this.batchBudgetMs = options.batchBudgetMs ?? 50;
    this.idCacheSize = options.idCacheSize ?? 64;
    this.rewriteEveryMs = options.rewriteEveryMs ?? 60_000;
    this.leaseMs = options.leaseMs ?? TIMER_LEASE_MS;
    this.cacheSize = options.cacheSize ?? 1000;
    this.cluster = (redis as { isCluster?: boolean }).isCluster === true;
    this.ttlArg = String(this.ttlSeconds);
    this.casHeadMiddle = `${this.ttlArg} ${this.nodeId} ${TURN_MS}`;
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

  /** The Redis key of a room (cluster/keys.ts names every key). */
  roomKey(code: string): string {
    return this.keys.room(code);
  }

  /** Every command id applied to the room, with its fingerprint (SR-1); same TTL as the room. */
  private idsKey(code: string): string {
    return this.keys.roomIds(code);
  }

  /** The room's fairness turn: which node lost the last race and writes next (lives 200 ms at most). */
  private turnKey(code: string): string {
    return this.keys.turn(code);
  }

  /** The timers set of the room's shard, in the room's slot. */
  private timersKey(code: string): string {
    return this.keys.timersOf(code);
  }

  get stats(): Readonly<RedisStoreStats> {
    return { redisCalls: this.calls.sent };
  }

  async create(room: R): Promise<boolean> {
    const gen = randomBytes(8).toString('hex');
    const fields = [GEN_FIELD, gen, VERSION_FIELD, String(room.version)];
    fields.push(...roomChanges(null, room, room.version).set);
    const reply = await this.calls.bounded(
      this.calls.evalScript(
        createRoomScript,
        [this.roomKey(room.code), this.idsKey(room.code)],
        [String(this.ttlSeconds), ...fields],
      ),
    );
    if (reply !== 1) return false;
    // Not `room` itself: the caller still holds it and may change it.
    this.remember(room.code, docOf(pairsOf(fields))!);
    return true;
  }

  /**
   * The stored room. A node holding a copy sends only the copy's gen and version, and gets the room
   * only when the stored one differs (SR-8): a snapshot or the facts of a room this node just wrote or
   * read cost a header's read, not the whole room's, nor building it again. The room handed back is the
   * copy the steps run on (never mutated: every step makes a new room).
   */
  async load(code: string): Promise<R | null> {
    const cached = this.cache.get(code);
    if (!cached) {
      const doc = await this.calls.bounded(this.fetch(code));
      return doc ? this.built(doc) : null;
    }
    const version = cached.version;
    const reply = (await this.calls.bounded(
      this.calls.evalScript(readRoomScript, [this.roomKey(code)], [cached.gen, String(version)]),
    )) as [number, string[]?];
    // The copy is the stored room (or, moved on by a write of this node meanwhile, a newer stored one).
    if (reply[0] === 1) return this.built(cached);
    const doc = reply[0] === 2 ? docOf(pairsOf(reply[1] ?? [])) : null;
    // Unless a write of this node replaced the copy or moved it on meanwhile (a newer one: keep it).
    const replace = this.cache.get(code) === cached && cached.version === version;
    if (!doc) {
      if (replace) this.cache.delete(code);
      return null;
    }
    if (doc.gen === cached.gen) doc.ids = cached.ids; // the same room: what this node knew holds
    if (replace) this.remember(code, doc);
    return this.built(doc);
  }

  /** The copy's room, built from its fields on first use and kept (the next step runs on it too). */
  private built(doc: CachedDoc): R {
    if (!doc.room) {
      doc.room = roomFromFields<StoredRoom>(doc.pairs ?? []);
      doc.pairs = null;
    }
    return doc.room as R;
  }

  heldHeader(code: string): RoomHeader | null {
    const doc = this.cache.get(code);
    if (!doc) return null;
    if (doc.room) return headerOfRoom(doc.room);
    const fields = new Map(doc.pairs ?? []);
    return headerOf(
      HEADER_FIELDS.map((field) => (field === VERSION_FIELD ? String(doc.version) : fields.get(field))),
    );
  }

  /** HMGET of the header fields alone: a closed door never reads the room (SR-7). */
  async header(code: string): Promise<RoomHeader | null> {
    const values = await this.calls.bounded(
      this.calls.call(() => this.redis.hmget(this.roomKey(code), ...HEADER_FIELDS)),
    );
    return headerOf(values);
  }

  async entries<K extends keyof R & string>(code: string, map: K): Promise<R[K] | null> {
    const prefix = entryPrefix(map);
    const reply = (await this.calls.bounded(
      this.calls.evalScript(mapEntriesScript, [this.roomKey(code)], [prefix]),
    )) as [number, string[]?];
    return reply[0] === 1 ? mapFromEntries<R[K]>(prefix, pairsOf(reply[1] ?? [])) : null;
  }

  async apply(
    code: string,
    commandId: string | null,
    step: (room: R) => D,
    fingerprint = '',
  ): Promise<ApplyResult<R, D>> {
    let pending: Pending<R, D> | undefined;
    const result = new Promise<ApplyResult<R, D>>((resolve, reject) => {
      pending = new Pending(commandId, fingerprint, step, this.calls, resolve, reject);
    });
    const queue = this.waiting.get(code);
    if (queue) queue.push(pending!);
    else this.waiting.set(code, [pending!]);
    // Answered store_unavailable by the watchdog if Redis goes silent meanwhile (as `bounded` does).
    this.calls.hold(pending!);
    if (!this.draining.has(code)) void this.drain(code);
    return result;
  }

  onApplied(listener: AppliedListener<R, D>): () => void {
    this.appliedListeners.add(listener);
    return () => this.appliedListeners.delete(listener);
  }

  async touch(code: string): Promise<boolean> {
    const reply = await this.calls.bounded(
      this.calls.evalScript(
        touchRoomScript,
        [this.roomKey(code), this.idsKey(code)],
        [String(this.ttlSeconds)],
      ),
    );
    return reply === 1;
  }

  async purge(code: string): Promise<void> {
    this.cache.delete(code);
    await this.calls.bounded(
      this.calls.evalScript(
        purgeRoomScript,
        [this.roomKey(code), this.timersKey(code), this.turnKey(code), this.idsKey(code)],
        [timerMember(code, '')],
      ),
    );
    this.cache.delete(code);
    this.rewriteAfterPurge();
  }

  /**
   * SR-4: after a purge, the erased room is still in Redis's append-only file until Redis rewrites it.
   * Ask for a rewrite (BGREWRITEAOF, when the AOF is on), at most once per `rewriteEveryMs` per node:
   * the first purge at once, later ones at the end of the interval. So a purged text leaves the disk
   * within `rewriteEveryMs` plus the rewrite's own time. Best effort: a failure waits for the next purge.
   */
  private rewriteAfterPurge(): void {
    if (this.rewriteTimer || this.closed) return;
    const wait = Math.max(0, this.lastRewriteAt + this.rewriteEveryMs - Date.now());
    this.rewriteTimer = setTimeout(() => {
      this.rewriteTimer = null;
      this.lastRewriteAt = Date.now();
      void this.rewriteAof();
    }, wait);
    this.rewriteTimer.unref();
  }

  private async rewriteAof(): Promise<void> {
    try {
      const info = await this.calls.bounded(this.calls.call(() => this.redis.info('persistence')));
      if (!/^aof_enabled:1\b/m.test(info)) return;
      await this.calls.bounded(this.calls.call(() => this.redis.bgrewriteaof()));
    } catch {
      // A rewrite already running (it may predate the purge: try again later), or Redis away.
      if (!this.closed) this.rewriteAfterPurge();
    }
  }

  async scheduleTimer(code: string, timerId: string, at: number): Promise<void> {
    const member = timerMember(code, timerId);
    if (this.folded.get(member) === at) {
      this.folded.delete(member);
      return;
    }
    const reply = await this.calls.bounded(
      this.calls.evalScript(
        scheduleTimerScript,
        [this.roomKey(code), this.timersKey(code)],
        [String(at), member],
      ),
    );
    if (reply === 1) this.notifyTimer(at);
  }

  /**
   * Claims from every shard's timers set at once: in one script call on one Redis, one script per set (in
   * that set's slot: SC-3) on a cluster. Each shard may lease up to `limit`; what is beyond `limit` is
   * kept, leased to this node, and handed out first by the next call (the poller calls again at once when it got `limit`). One kept past its lease is
   * dropped: another node may have claimed it since.
   */
  async claimDueTimers(now: number, limit: number): Promise<DueTimer[]> {
    if (limit <= 0) return [];
    const wanted = Math.floor(limit);
    this.leased = this.leased.filter((timer) => timer.until > now);
    if (this.leased.length < wanted) {
      const head = [String(now), String(wanted), String(now + this.leaseMs)];
      // One Redis: every set in one script call, a round trip and one command per poll instead of 16.
      // A cluster: one call per set, in that set's slot.
      const claims: [string[], string[]][] = this.cluster
        ? this.timerSets.map((set, i) => [[set], [...head, this.timerRoomPrefixes[i]!]])
        : [[[...this.timerSets], [...head, ...this.timerRoomPrefixes]]];
      const replies = await this.calls.bounded(
        Promise.all(claims.map(([sets, args]) => this.calls.evalScript(claimTimersScript, sets, args))),
      );
      for (const reply of replies) {
        const flat = reply as string[];
        for (let i = 0; i + 1 < flat.length; i += 2) {
          const member = flat[i]!;
          this.folded.delete(member);
          this.leased.push({
            timer: parseTimerMember(member, Number(flat[i + 1])),
            until: now + this.leaseMs,
          });
        }
      }
      this.leased.sort((a, b) => a.timer.at - b.timer.at);
    }
    return this.leased.splice(0, wanted).map((entry) => entry.timer);
  }

  async cancelTimer(code: string, timerId: string): Promise<void> {
    const member = timerMember(code, timerId);
    this.folded.delete(member);
    await this.calls.bounded(this.calls.call(() => this.redis.zrem(this.timersKey(code), member)));
  }

  onTimerScheduled(listener: (at: number) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async commandsStored(code: string, commands: readonly { id: string; fingerprint: string }[]) {
    if (commands.length === 0) return [];
    const seen = await this.calls.bounded(
      this.calls.call(() => this.redis.hmget(this.idsKey(code), ...commands.map((c) => c.id))),
    );
    return commands.map(({ fingerprint }, i) => seen[i] === fingerprint);
  }

  /**
   * Each room's `h:version` field, on a connection of its own, so that a watch over many rooms never
   * queues behind (or in front of) commands, nor trips their watchdog. One script call for up to
   * `VERSIONS_PER_CALL` rooms (per shard on a Redis Cluster: a script's keys share a slot), not one HGET
   * each: at a thousand rooms a look cost the node ~13 ms of CPU every second in ioredis's commands.
   */
  async versions(codes: readonly string[]): Promise<(number | null)[]> {
    if (codes.length === 0) return [];
    if (this.closed) throw new StoreUnavailableError('store is closed');
    const watch = await this.watchConnection();
    if (this.closed) throw new StoreUnavailableError('store is closed');
    // Positions in `codes`, grouped by call.
    const groups: number[][] = [];
    if (this.cluster) {
      const byShard = new Map<number, number[]>();
      codes.forEach((code, i) => {
        const shard = shardOf(code);
        const group = byShard.get(shard);
        if (group) group.push(i);
        else byShard.set(shard, [i]);
      });
      for (const group of byShard.values())
        for (let i = 0; i < group.length; i += VERSIONS_PER_CALL)
          groups.push(group.slice(i, i + VERSIONS_PER_CALL));
    } else
      for (let i = 0; i < codes.length; i += VERSIONS_PER_CALL)
        groups.push(Array.from({ length: Math.min(VERSIONS_PER_CALL, codes.length - i) }, (_, k) => i + k));
    const replies = await watch.calls.bounded(
      Promise.all(
        groups.map((group) =>
          watch.calls
            .evalScript(
              roomVersionsScript,
              group.map((i) => this.roomKey(codes[i]!)),
              [],
            )
            .catch((error: unknown) => {
              throw error instanceof StoreUnavailableError
                ? error
                : new StoreUnavailableError('Redis refused a read', { cause: error });
            }),
        ),
      ),
    );
    const versions: (number | null)[] = new Array(codes.length).fill(null);
    groups.forEach((group, g) => {
      const reply = replies[g] as (string | null)[];
      group.forEach((i, k) => {
        const version = reply[k];
        versions[i] = version === null || version === undefined ? null : Number(version);
      });
    });
    return versions;
  }

  /**
   * Connected before its first call (no offline queue: a call on a connection still opening fails), and
   * judged by the commands' rule (TM-11): silent only over the node's free time. An opening not ready
   * within `callTimeoutMs` fails like a silent call (OP-7: a look, and the shutdown awaiting it, never
   * waits on an opening for good); a failed opening is tried again by the next call.
   */
  private watchConnection(): Promise<{ redis: RedisClient; calls: RedisCalls }> {
    this.watch ??= (async () => {
      const redis = this.redis.duplicate();
      this.watchRedis = redis;
      redis.on('error', () => {}); // the command connection logs Redis's state
      try {
        await connectClient(redis, { timeoutMs: this.callTimeoutMs });
      } catch (error) {
        this.watch = null;
        throw new StoreUnavailableError('Redis is unreachable', { cause: error });
      }
      return {
        redis,
        calls: new RedisCalls(redis, { callTimeoutMs: this.callTimeoutMs, maxWaitMs: this.maxWaitMs }),
      };
    })();
    return this.watch;
  }

  async ping(): Promise<boolean> {
    try {
      return (await this.calls.bounded(this.calls.call(() => this.redis.ping()))) === 'PONG';
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.calls.close();
    if (this.rewriteTimer) clearTimeout(this.rewriteTimer);
    this.rewriteTimer = null;
    this.listeners.clear();
    this.appliedListeners.clear();
    this.cache.clear();
    // The room watch's connection, opened or still opening: no goodbye owed on it.
    this.watchRedis?.disconnect();
    this.watch?.then(
      (watch) => watch.calls.close(),
      () => {},
    );
    // Unreachable or slow: the connection is dropped instead of waiting longer for a goodbye.
    await quitWithin(this.redis, this.callTimeoutMs);
  }

  // --- apply -------------------------------------------------------------------------------------------

  /** Runs the room's waiting commands, a batch at a time, until none is left. One drain per room. */
  private async drain(code: string): Promise<void> {
    this.draining.add(code);
    try {
      for (;;) {
        const queue = this.waiting.get(code);
        if (!queue || queue.length === 0) break;
        // The whole queue when it fits (the usual one command): taken as it is, the next ones queue anew.
        let batch = queue;
        if (queue.length <= this.maxBatch) this.waiting.delete(code);
        else batch = queue.splice(0, this.maxBatch);
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
      doc = await this.fetch(code);
    }
    // Where another node writes too, this copy is probably stale: running the steps on it first would be
    // wasted (at 1,000 cards a step costs about half a millisecond), so a check without a write comes
    // first, and a conflict hands back the current room (and this node's turn) to run them on.
    let probe = this.isContended(code);
    let run: ReturnType<RedisRoomStore<R, D>['runSteps']> | null = null;
    for (let attempt = 1; ; attempt++) {
      for (let i = batch.length - 1; i >= 0; i--) {
        if (!batch[i]!.failed) continue;
        batch.splice(i, 1); // already answered store_unavailable: not stored now
        run = null; // the others run again without it
      }
      if (batch.length === 0) return;
      if (!doc) {
        for (const pending of batch) pending.resolve({ status: 'not_found' });
        return;
      }
      if (attempt > this.maxAttempts)
        throw new StoreUnavailableError('too many concurrent writes on one room');

      if (probe) {
        probe = false;
        const reply = await this.cas(code, doc, null);
        if (reply.kind === 'conflict') {
          doc = reply.doc;
          run = null;
          continue;
        }
        if (reply.kind === 'yield') {
          await this.yieldTurn();
          probe = true;
          continue;
        }
        if (reply.kind === 'not_found') {
          doc = null;
          continue;
        }
        // 'done': this copy is current, run the steps on it.
      }
      // The same copy gives the same outcome: after a yield, the run is sent again as it is.
      if (!run) {
        run = this.runSteps(code, doc, batch);
        // Out of time for this batch: what did not run goes back to the head of the queue, in order.
        if (run.ran < batch.length) this.requeue(code, batch.splice(run.ran));
      }
      if (run.accepted.length === 0 && !run.refusals) {
        settleRun(batch, run.outcomes); // only duplicates (or steps that threw): nothing to store or confirm
        return;
      }
      const reply = await this.cas(code, doc, run);
      if (reply.kind === 'conflict') {
        this.markContended(code);
        doc = reply.doc;
        run = null;
        continue;
      }
      if (reply.kind === 'yield') {
        // Another node lost a race and writes next: this copy will be stale by then.
        this.markContended(code);
        await this.yieldTurn();
        probe = true;
        continue;
      }
      if (reply.kind === 'not_found') {
        doc = null;
        run = null;
        continue;
      }
      if (reply.kind === 'seen') {
        // Ids applied before (by another node, or forgotten here): answered from the copy's ids now.
        for (const [id, fingerprint] of reply.ids) doc.ids.set(id, fingerprint);
        run = null;
        continue;
      }
      let handled: Promise<void> | undefined;
      if (run.accepted.length > 0) {
        const ids = doc.ids;
        const accepted = run.acceptedIds;
        for (let i = 0; i < accepted.length; i += 2) ids.set(accepted[i]!, accepted[i + 1]!);
        while (ids.size > this.idCacheSize) ids.delete(ids.keys().next().value!);
        if (this.cache.get(code) === doc) {
          // The copy moves on in place: no new copy, nor a cache entry deleted and set again, per write
          // (both outlived the young generation: a room version's 64 bytes, and the cache's table
          // rebuilt once its deleted entries filled it, ~55 bytes a write).
          doc.version = run.version;
          doc.room = run.room;
          doc.used = ++this.uses;
        } else
          this.remember(code, {
            gen: doc.gen,
            version: run.version,
            pairs: null,
            ids,
            room: run.room,
            used: 0,
          });
        // Guarded: the usual write has no timers, and a loop over an empty Map still makes its iterator.
        if (run.timers.schedule.size > 0)
          for (const [member, at] of run.timers.schedule) {
            this.rememberFolded(member, at);
            this.notifyTimer(at);
          }
        if (run.timers.cancel.size > 0) for (const member of run.timers.cancel) this.folded.delete(member);
        // Stored: told before any caller is answered, and whether or not its callers still wait.
        handled = tellApplied(this.appliedListeners, code, { before: run.first, decisions: run.accepted });
      }
      settleRun(batch, run.outcomes, handled);
      return;
    }
  }

  /** The batch's steps in order on a fresh copy of `doc`; nothing is settled until `settleRun`. */
  private runSteps(code: string, doc: CachedDoc, batch: Pending<R, D>[]) {
    // `outcomes[i]` is `batch[i]`'s. The batch keeps that order while the run is used: what does not run
    // leaves its tail, and a command dropped from it (answered meanwhile) drops the run (`applyBatch`).
    // The three lists made at the batch's length and cut to what they got (an empty list's first push
    // reserves 17 slots: 152 bytes each for the usual batch of one).
    const outcomes: Outcome<R, D>[] = new Array(batch.length);
    let ran = 0;
    const accepted: Extract<D, { ok: true }>[] = new Array(batch.length);
    let acceptedCount = 0;
    // (id, fingerprint) pairs, flat: no Map, nor its iterator and entry arrays, per batch (a batch is
    // usually one command; a repeat inside a batch is found by a scan, at most `maxBatch` pairs).
    const acceptedIds: string[] = new Array(2 * batch.length);
    let idCount = 0;
    let refusals = 0;
    const first = this.built(doc);
    let room = first;
    let version = doc.version;
    // A clock read only for a batch of several (the usual one is one command).
    const started = batch.length > 1 ? performance.now() : 0;
    for (let i = 0; i < batch.length; i++) {
      const pending = batch[i]!;
      // At least one step, then as many as fit in the budget: the steps run synchronously, and at 1,000
      // cards one costs about half a millisecond, so a long batch would hold up every other room.
      if (i > 0 && performance.now() - started > this.batchBudgetMs) break;
      const { commandId, fingerprint } = pending;
      const seen =
        commandId === null
          ? undefined
          : (pairedWith(acceptedIds, idCount, commandId) ?? doc.ids.get(commandId));
      if (seen !== undefined) {
        outcomes[ran++] = seen === fingerprint ? { status: 'duplicate', version } : { status: 'reused' };
        continue;
      }
      let decision: D;
      try {
        decision = pending.step(room);
        if (decision.ok) checkStepResult(room, decision.room);
      } catch (error) {
        outcomes[ran++] = { error }; // a bug in this step: the others go on
        continue;
      }
      if (!decision.ok) {
        refusals++;
        const refusal = decision as Extract<D, { ok: false }>;
        outcomes[ran++] = { status: 'refused', code: refusal.code, message: refusal.message };
        continue;
      }
      const ok = decision as Extract<D, { ok: true }>;
      outcomes[ran++] = { status: 'applied', before: room, decision: ok };
      accepted[acceptedCount++] = ok;
      if (commandId !== null) {
        acceptedIds[idCount++] = commandId;
        acceptedIds[idCount++] = fingerprint;
      }
      room = ok.room as R; // the step maps R to R: D is only constrained to a StoredRoom
      version = ok.room.version;
    }
    outcomes.length = ran;
    accepted.length = acceptedCount;
    acceptedIds.length = idCount;
    return {
      /** How many of the batch's steps ran (the first ones): the others did not fit in the budget. */
      ran,
      /** The room the first step ran on. */
      first,
      accepted,
      acceptedIds,
      timers: timerChanges(code, accepted),
      refusals,
      version,
      room,
      /** What the write sets and deletes: the fields the batch changed (SR-6). */
      changes:
        accepted.length > 0
          ? roomChanges(
              first,
              room,
              version,
              accepted.length > 1 ? accepted.map((decision) => decision.room) : undefined,
            )
          : { set: [], del: [] },
      /** What each step's caller is answered, by `settleRun` (a function, not a closure made per run). */
      outcomes,
    };
  }

  /**
   * One compare-and-set (or, with nothing accepted, a check) of the batch's outcome. Without a run, a
   * check of the copy alone (a probe): nothing is sent but the copy's gen and version.
   */
  private cas(
    code: string,
    doc: CachedDoc,
    run: ReturnType<RedisRoomStore<R, D>['runSteps']> | null,
  ): Promise<CasOutcome> {
    const write = run !== null && run.accepted.length > 0;
    // casRoomScript's call (lua.ts) built in one array of its final length: a slot for the SHA, the keys,
    // then ARGV.
    const keys = this.casKeys(code);
    const ids = run === null ? 0 : run.acceptedIds.length / 2;
    const cancels = write ? run.timers.cancel.size : 0;
    const sets = write ? run.changes.set.length : 0;
    const dels = write ? run.changes.del.length : 0;
    const schedules = write ? run.timers.schedule.size : 0;
    const args: string[] = new Array(7 + 2 * ids + cancels + sets + dels + 2 * schedules);
    args[0] = '';
    args[1] = '4';
    args[2] = keys[0]!;
    args[3] = keys[1]!;
    args[4] = keys[2]!;
    args[5] = keys[3]!;
    // The eleven small values in one argument (casRoomScript's `head`), joined once rather than a
    // template's chain of partial strings; ttl, node and turn are one constant part.
    args[6] = [
      write ? 'w' : 'c',
      doc.gen,
      doc.version,
      this.casHeadMiddle,
      run?.version ?? doc.version,
      ids,
      cancels,
      sets / 2,
      dels,
    ].join(' ');
    let at = 7;
    if (run) for (let i = 0; i < run.acceptedIds.length; i++) args[at++] = run.acceptedIds[i]!;
    if (write) {
      if (cancels > 0) for (const member of run.timers.cancel) args[at++] = member;
      for (const item of run.changes.set) args[at++] = item;
      for (const field of run.changes.del) args[at++] = field;
      if (schedules > 0)
        for (const [member, due] of run.timers.schedule) {
          args[at++] = String(due);
          args[at++] = member;
        }
    }
    return this.sendCas(code, doc, args);
  }

  /** What the compare-and-set's reply says (read when it comes, in the call's callback: no promise more). */
  private casOutcome(code: string, doc: CachedDoc, answer: unknown): CasOutcome {
    const reply = answer as [number, string[]?];
    switch (reply[0]) {
      case 0:
        this.cache.delete(code);
        return NOT_FOUND;
      case 2: {
        const current = docOf(pairsOf(reply[1] ?? []));
        if (!current) {
          this.cache.delete(code);
          return NOT_FOUND;
        }
        if (current.gen === doc.gen) current.ids = doc.ids; // the same room: what this node knew holds
        this.remember(code, current);
        return { kind: 'conflict', doc: current };
      }
      case 5: {
        const flat = reply[1] ?? [];
        const ids: [string, string][] = [];
        for (let i = 0; i + 1 < flat.length; i += 2) ids.push([flat[i]!, flat[i + 1]!]);
        return { kind: 'seen', ids };
      }
      case 3:
        return DONE;
      case 4:
        return YIELD;
      default:
        throw new Error(`unexpected reply from ${casRoomScript.name}`);
    }
  }

  /**
   * The room's compare-and-set, sent with the others of this tick (SR-9): once the tick's I/O has been
   * handled (setImmediate, as ioredis's auto-pipelining does), every room that reached its write is sent
   * in one script call (`casRoomsScript`; one room: `casRoomScript`), per slot on a Redis Cluster (the
   * rooms of one shard). Each room gets its own reply, as from a call of its own.
   */
  private sendCas(code: string, doc: CachedDoc, args: string[]): Promise<CasOutcome> {
    return new Promise((resolve, reject) => {
      if (this.casOutbox.length === 0) setImmediate(this.flushCas);
      this.casOutbox.push({ code, doc, args, resolve, reject });
    });
  }

  /** Hands a room its reply, as its outcome (a reply not understood rejects, as an error would). */
  private answerCas(call: CasCall, reply: unknown): void {
    let outcome: CasOutcome;
    try {
      outcome = this.casOutcome(call.code, call.doc, reply);
    } catch (error) {
      call.reject(error);
      return;
    }
    call.resolve(outcome);
  }

  private readonly flushCas = (): void => {
    const calls = this.casOutbox;
    this.casOutbox = [];
    if (!this.cluster) {
      if (calls.length <= MAX_ROOMS_PER_CALL) this.sendCasCalls(calls);
      else
        for (let i = 0; i < calls.length; i += MAX_ROOMS_PER_CALL)
          this.sendCasCalls(calls.slice(i, i + MAX_ROOMS_PER_CALL));
      flushWrites(this.redis); // written now, not after the next turn's I/O (SR-10)
      return;
    }
    const byShard = new Map<number, CasCall[]>();
    for (const call of calls) {
      const shard = shardOf(call.code);
      const group = byShard.get(shard);
      if (!group) byShard.set(shard, [call]);
      else if (group.length < MAX_ROOMS_PER_CALL) group.push(call);
      else {
        this.sendCasCalls(group);
        byShard.set(shard, [call]);
      }
    }
    for (const group of byShard.values()) this.sendCasCalls(group);
  };

  private sendCasCalls(calls: CasCall[]): void {
    if (calls.length === 1) {
      const call = calls[0]!;
      this.calls.evalScriptThen(casRoomScript, call.args, (error, reply) => {
        if (error === undefined) this.answerCas(call, reply);
        else call.reject(error);
      });
      return;
    }
    // casRoomsScript's call: every room's keys, then each room's ARGV after its length (one array of
    // its final length: no copies as it grows).
    let length = 2;
    for (const { args } of calls) length += args.length - 1;
    const body: string[] = new Array(length);
    body[0] = '';
    body[1] = String(4 * calls.length);
    let at = 2;
    for (const { args } of calls) for (let i = 2; i < 6; i++) body[at++] = args[i]!;
    for (const { args } of calls) {
      body[at++] = String(args.length - 6);
      for (let i = 6; i < args.length; i++) body[at++] = args[i]!;
    }
    this.calls.evalScriptThen(casRoomsScript, body, (error, reply) => {
      if (error === undefined) {
        const replies = reply as unknown[];
        for (let i = 0; i < calls.length; i++) this.answerCas(calls[i]!, replies[i]);
      } else for (const call of calls) call.reject(error);
    });
  }

  /** The keys of a room's compare-and-set, in casRoomScript's order (kept: built once per room). */
  private casKeys(code: string): readonly string[] {
    let keys = this.casKeyCache.get(code);
    if (!keys) {
      keys = [this.roomKey(code), this.timersKey(code), this.turnKey(code), this.idsKey(code)];
      this.casKeyCache.set(code, keys);
      if (this.casKeyCache.size > this.cacheSize)
        this.casKeyCache.delete(this.casKeyCache.keys().next().value!);
    }
    return keys;
  }

  // --- plumbing ----------------------------------------------------------------------------------------

  /**
   * The room as stored (HGETALL) when this node holds no copy of it (a copy is checked by `load` and
   * by the compare-and-set instead): the new copy, remembered unless this node wrote a newer one meanwhile.
   */
  private async fetch(code: string): Promise<CachedDoc | null> {
    const hash = await this.calls.call(() => this.redis.hgetall(this.roomKey(code)));
    const doc = docOf(Object.entries(hash));
    const cached = this.cache.get(code);
    if (!doc) {
      this.cache.delete(code);
      return null;
    }
    // The copy is the stored room, or one this node stored since the read: keep it, built.
    if (cached && cached.gen === doc.gen && cached.version >= doc.version) return cached;
    if (cached && cached.gen === doc.gen) doc.ids = cached.ids; // the same room: what this node knew holds
    this.remember(code, doc);
    return doc;
  }

  /** Commands taken for a batch but not run go back to the head of their room's queue. */
  private requeue(code: string, pendings: Pending<R, D>[]) {
    const queue = this.waiting.get(code);
    if (queue) queue.unshift(...pendings);
    else this.waiting.set(code, pendings);
  }

  /** Another node lost a race on this room and writes next: give it a moment, then try again. */
  private async yieldTurn() {
    await new Promise((resolve) => setTimeout(resolve, 1));
  }

  private isContended(code: string): boolean {
    const at = this.contended.get(code);
    return at !== undefined && Date.now() - at < CONTENDED_MS;
  }

  private markContended(code: string) {
    this.contended.delete(code);
    this.contended.set(code, Date.now());
    if (this.contended.size > this.cacheSize) this.contended.delete(this.contended.keys().next().value!);
  }

  /** Keeps `doc` as the room's copy; beyond `cacheSize` copies, the least recently used is dropped. */
  private remember(code: string, doc: CachedDoc) {
    doc.used = ++this.uses;
    const held = this.cache.size;
    this.cache.set(code, doc);
    if (this.cache.size > held && this.cache.size > this.cacheSize) this.dropLeastUsed();
  }

  /** A scan, made only when a room not held comes in over the limit (not per write). */
  private dropLeastUsed() {
    let oldest: string | undefined;
    let least = Number.POSITIVE_INFINITY;
    this.cache.forEach((doc, code) => {
      if (doc.used < least) {
        least = doc.used;
        oldest = code;
      }
    });
    if (oldest !== undefined) this.cache.delete(oldest);
  }

  private rememberFolded(member: string, at: number) {
    this.folded.set(member, at);
    if (this.folded.size > 10_000) this.folded.delete(this.folded.keys().next().value!);
  }

  private notifyTimer(at: number) {
    for (const listener of this.listeners) listener(at);
  }
}
