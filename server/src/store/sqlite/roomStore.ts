import type { Decision, Room } from '@cercle/shared';
import {
  type AppliedListener,
  type ApplyResult,
  type CancelTimerEffect,
  checkStepResult,
  type DueTimer,
  type RoomHeader,
  type RoomStore,
  type StepDecision,
  type StepOutcome,
  type StoredRoom,
  StoreUnavailableError,
  scheduleTimerEffects,
  TIMER_LEASE_MS,
  tellApplied,
} from '../interface.js';
import {
  entryPrefix,
  headerOfRoom,
  mapFromEntries,
  roomChanges,
  roomFromFields,
  VERSION_FIELD,
} from '../roomFields.js';
import { openDatabase, type SqliteDatabase } from './database.js';

export type SqliteRoomStoreOptions = {
  /** Rooms expire after this long without a write (ROOM_TTL_SECONDS). Default 86,400. */
  ttlSeconds?: number;
  /** How long a claimed timer stays with its claimer (TM-10). Default TIMER_LEASE_MS. */
  leaseMs?: number;
  /** Epoch ms; tests pass a fake clock. Default Date.now. */
  clock?: () => number;
  /** How often expired rooms are deleted; 0 disables the sweep. Default 60,000. */
  sweepIntervalMs?: number;
  /** Rooms whose built room object is kept in memory (least recently used dropped). Default 1,000. */
  cacheSize?: number;
};

type Pending<R extends StoredRoom, D extends StepDecision> = {
  code: string;
  commandId: string | null;
  fingerprint: string;
  step: (room: R) => D;
  resolve: (result: ApplyResult<R, D>) => void;
  reject: (error: unknown) => void;
};

/** A room as this process last stored it: steps never mutate their input, so it can be shared. */
type Cached = { version: number; room: StoredRoom };

type HeaderRow = { version: number; status: string | null; locked: number; expires_at: number };

const SCHEMA = `
CREATE TABLE IF NOT EXISTS rooms (
  code TEXT PRIMARY KEY,
  version INTEGER NOT NULL,
  status TEXT,
  locked INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS rooms_expiry ON rooms (expires_at);
CREATE TABLE IF NOT EXISTS room_fields (
  code TEXT NOT NULL REFERENCES rooms (code) ON DELETE CASCADE,
  field TEXT NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY (code, field)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS room_timers (
  code TEXT NOT NULL REFERENCES rooms (code) ON DELETE CASCADE,
  timer_id TEXT NOT NULL,
  at INTEGER NOT NULL,
  PRIMARY KEY (code, timer_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS room_timers_due ON room_timers (at);
CREATE TABLE IF NOT EXISTS room_commands (
  code TEXT NOT NULL REFERENCES rooms (code) ON DELETE CASCADE,
  id TEXT NOT NULL,
  fingerprint TEXT NOT NULL,
  PRIMARY KEY (code, id)
) WITHOUT ROWID;
`;

/** The room tables of the whole-document layout (a `json` column in `rooms`): dropped, not read. */
function dropWholeDocumentTables(db: SqliteDatabase): void {
  const columns = db.prepare<[], { name: string }>("SELECT name FROM pragma_table_info('rooms')").all();
  if (!columns.some((column) => column.name === 'json')) return;
  db.exec('DROP TABLE IF EXISTS room_timers; DROP TABLE IF EXISTS room_commands; DROP TABLE rooms;');
}

/**
 * Rooms in the embedded SQLite database (docs/design.md, "Embedded storage"): one node, surviving a
 * restart. Table `rooms` holds each room's header (version, status, locked: SR-7) and its expiry;
 * `room_fields` the room as fields (roomFields.ts, SR-6), of which a write upserts and deletes only
 * those its commands changed; `room_commands` every command id applied to it with its fingerprint
 * (SR-1) and `room_timers` its pending deadlines, all deleted with it.
 *
 * Group commit: `apply` queues its command; once per event-loop turn every queued command runs, in
 * arrival order, on the current room (commands on one room one after the other), and all their writes
 * are committed by one transaction. Callers are answered and listeners told only after the commit
 * returned: an acknowledgement means on disk. A commit that fails (disk full, I/O error) stores none of
 * the turn's commands, and each caller gets StoreUnavailableError (a retry with the same id is safe).
 * Timers are rows, so after a restart the poller finds every pending deadline and fires it when due.
 */
export class SqliteRoomStore<R extends StoredRoom = Room, D extends StepDecision = Decision>
  implements RoomStore<R, D>
{
  readonly kind = 'sqlite' as const;
  private readonly ttlMs: number;
  private readonly leaseMs: number;
  private readonly clock: () => number;
  private readonly cacheSize: number;
  private readonly cache = new Map<string, Cached>();
  private readonly queue: Pending<R, D>[] = [];
  private flushScheduled = false;
  private readonly timerListeners = new Set<(at: number) => void>();
  private readonly appliedListeners = new Set<AppliedListener<R, D>>();
  private readonly sweep: NodeJS.Timeout | null;
  private closed = false;
  private readonly sql;

  /** Opens the database in `dataDir` (created if needed). */
  static open<R extends StoredRoom = Room, D extends StepDecision = Decision>(
    dataDir: string,
    options: SqliteRoomStoreOptions = {},
  ): SqliteRoomStore<R, D> {
    return new SqliteRoomStore<R, D>(openDatabase(dataDir), options);
  }

  constructor(
    private readonly db: SqliteDatabase,
    options: SqliteRoomStoreOptions = {},
  ) {
    this.ttlMs = (options.ttlSeconds ?? 86_400) * 1000;
    this.leaseMs = options.leaseMs ?? TIMER_LEASE_MS;
    this.clock = options.clock ?? Date.now;
    this.cacheSize = options.cacheSize ?? 1000;
    dropWholeDocumentTables(db);
    db.exec(SCHEMA);
    this.sql = {
      insert: db.prepare(
        'INSERT INTO rooms (code, version, status, locked, expires_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (code) DO UPDATE SET version = excluded.version, status = excluded.status, locked = excluded.locked, expires_at = excluded.expires_at WHERE rooms.expires_at <= ?',
      ),
      select: db.prepare<[string, number], HeaderRow>(
        'SELECT version, status, locked, expires_at FROM rooms WHERE code = ? AND expires_at > ?',
      ),
      fields: db.prepare<[string], { field: string; value: string }>(
        'SELECT field, value FROM room_fields WHERE code = ?',
      ),
      setField: db.prepare(
        'INSERT INTO room_fields (code, field, value) VALUES (?, ?, ?) ON CONFLICT (code, field) DO UPDATE SET value = excluded.value',
      ),
      entryFields: db.prepare<[string, string, string], { field: string; value: string }>(
        'SELECT field, value FROM room_fields WHERE code = ? AND field >= ? AND field < ?',
      ),
      deleteField: db.prepare('DELETE FROM room_fields WHERE code = ? AND field = ?'),
      deleteFields: db.prepare('DELETE FROM room_fields WHERE code = ?'),
      update: db.prepare(
        'UPDATE rooms SET version = ?, status = ?, locked = ?, expires_at = ? WHERE code = ?',
      ),
      commandSeen: db.prepare<[string, string], { fingerprint: string }>(
        'SELECT fingerprint FROM room_commands WHERE code = ? AND id = ?',
      ),
      commandApplied: db.prepare('INSERT INTO room_commands (code, id, fingerprint) VALUES (?, ?, ?)'),
      deleteCommands: db.prepare('DELETE FROM room_commands WHERE code = ?'),
      touch: db.prepare('UPDATE rooms SET expires_at = ? WHERE code = ? AND expires_at > ?'),
      delete: db.prepare('DELETE FROM rooms WHERE code = ?'),
      deleteTimers: db.prepare('DELETE FROM room_timers WHERE code = ?'),
      expiresAt: db.prepare<[string, number], { expires_at: number }>(
        'SELECT expires_at FROM rooms WHERE code = ? AND expires_at > ?',
      ),
      setTimer: db.prepare(
        'INSERT INTO room_timers (code, timer_id, at) SELECT ?, ?, ? WHERE EXISTS (SELECT 1 FROM rooms WHERE code = ? AND expires_at > ?) ON CONFLICT (code, timer_id) DO UPDATE SET at = excluded.at',
      ),
      due: db.prepare<[number, number, number], { code: string; timer_id: string; at: number; live: number }>(
        'SELECT t.code, t.timer_id, t.at, r.expires_at > ? AS live FROM room_timers t JOIN rooms r ON r.code = t.code WHERE t.at <= ? ORDER BY t.at, t.code, t.timer_id LIMIT ?',
      ),
      lease: db.prepare('UPDATE room_timers SET at = ? WHERE code = ? AND timer_id = ?'),
      cancel: db.prepare('DELETE FROM room_timers WHERE code = ? AND timer_id = ?'),
      expired: db.prepare<[number], { code: string }>('SELECT code FROM rooms WHERE expires_at <= ?'),
      live: db.prepare<[number], { code: string }>('SELECT code FROM rooms WHERE expires_at > ?'),
    };
    const sweepMs = options.sweepIntervalMs ?? 60_000;
    this.sweep = sweepMs > 0 ? setInterval(() => this.sweepExpired(), sweepMs) : null;
    this.sweep?.unref();
  }

  async create(room: R): Promise<boolean> {
    const now = this.clock();
    const { set } = roomChanges(null, room, room.version);
    const header = headerOfRoom(room);
    const created = this.write(() => {
      // An expired room of the same code is replaced (its fields and timers with it): a code is free
      // once expired.
      if (!this.sql.select.get(room.code, now)) {
        this.sql.deleteTimers.run(room.code);
        this.sql.deleteCommands.run(room.code);
        this.sql.deleteFields.run(room.code);
      }
      const inserted = this.sql.insert.run(
        room.code,
        room.version,
        header.status,
        header.locked ? 1 : 0,
        now + this.ttlMs,
        now,
      );
      if (inserted.changes !== 1) return false;
      for (let i = 0; i < set.length; i += 2) this.sql.setField.run(room.code, set[i], set[i + 1]);
      return true;
    });
    return created; // not cached: the caller still holds `room` and may change it
  }

  /**
   * The stored room: this process's copy when the header's version is the copy's (SR-8; only this
   * process writes the file), otherwise built from the fields and kept. Never mutated: steps make new rooms.
   */
  async load(code: string): Promise<R | null> {
    return this.read(() => (this.current(code, this.clock())?.room as R | undefined) ?? null);
  }

  async entries<K extends keyof R & string>(code: string, map: K): Promise<R[K] | null> {
    const prefix = entryPrefix(map);
    return this.read(() => {
      if (!this.sql.select.get(code, this.clock())) return null;
      // The prefix's fields are a range of the primary key: 'e:cards:' <= field < 'e:cards;'.
      const rows = this.sql.entryFields.all(code, prefix, `${prefix.slice(0, -1)};`);
      return mapFromEntries<R[K]>(
        prefix,
        rows.map((row) => [row.field, row.value] as const),
      );
    });
  }

  async header(code: string): Promise<RoomHeader | null> {
    const row = this.read(() => this.sql.select.get(code, this.clock()));
    return row ? { version: row.version, status: row.status, locked: row.locked === 1 } : null;
  }

  apply(
    code: string,
    commandId: string | null,
    step: (room: R) => D,
    fingerprint = '',
  ): Promise<ApplyResult<R, D>> {
    return new Promise((resolve, reject) => {
      if (this.closed) {
        reject(new StoreUnavailableError('store closed'));
        return;
      }
      this.queue.push({ code, commandId, fingerprint, step, resolve, reject });
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  onApplied(listener: AppliedListener<R, D>): () => void {
    this.appliedListeners.add(listener);
    return () => this.appliedListeners.delete(listener);
  }

  async touch(code: string): Promise<boolean> {
    const now = this.clock();
    return this.write(() => this.sql.touch.run(now + this.ttlMs, code, now).changes === 1);
  }

  async purge(code: string): Promise<void> {
    this.write(() => this.sql.delete.run(code)); // its timers go with it (ON DELETE CASCADE)
    this.cache.delete(code);
  }

  async scheduleTimer(code: string, timerId: string, at: number): Promise<void> {
    const now = this.clock();
    const scheduled = this.write(() => this.sql.setTimer.run(code, timerId, at, code, now).changes === 1);
    if (scheduled) this.notifyTimer(at);
  }

  /**
   * Claims due timers by moving each row's deadline to the end of its lease, in one transaction (one
   * process: each goes to one caller). The row stays until the firing's write deletes it (its
   * `cancel_timer`), so a crash between the claim and the firing loses nothing: after a restart the
   * lease has lapsed and the row is claimed again (TM-10). Rows of expired rooms are deleted.
   */
  async claimDueTimers(now: number, limit: number): Promise<DueTimer[]> {
    if (limit <= 0) return [];
    const rows = this.read(() => this.sql.due.all(this.clock(), now, Math.floor(limit)));
    if (rows.length === 0) return []; // no write, no fsync: the poller asks ten times a second
    const until = now + this.leaseMs;
    this.write(() => {
      for (const row of rows) {
        if (row.live) this.sql.lease.run(until, row.code, row.timer_id);
        else this.sql.cancel.run(row.code, row.timer_id);
      }
    });
    return rows
      .filter((row) => row.live)
      .map((row) => ({ code: row.code, timerId: row.timer_id, at: row.at }));
  }

  async cancelTimer(code: string, timerId: string): Promise<void> {
    this.write(() => this.sql.cancel.run(code, timerId));
  }

  onTimerScheduled(listener: (at: number) => void): () => void {
    this.timerListeners.add(listener);
    return () => this.timerListeners.delete(listener);
  }

  /** The codes of every room not expired (for the start-up pass of the embedded server). */
  liveCodes(): string[] {
    return this.read(() => this.sql.live.all(this.clock()).map((row) => row.code));
  }

  /** When the room expires unless written or touched before (epoch ms); null when there is none. */
  expiresAt(code: string): number | null {
    return this.sql.expiresAt.get(code, this.clock())?.expires_at ?? null;
  }

  async commandsStored(code: string, commands: readonly { id: string; fingerprint: string }[]) {
    return this.read(() =>
      commands.map(({ id, fingerprint }) => this.sql.commandSeen.get(code, id)?.fingerprint === fingerprint),
    );
  }

  async versions(codes: readonly string[]): Promise<(number | null)[]> {
    const now = this.clock();
    return this.read(() => codes.map((code) => this.sql.select.get(code, now)?.version ?? null));
  }

  async ping(): Promise<boolean> {
    if (this.closed) return false;
    try {
      this.db.prepare('SELECT 1').get();
      return true;
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    if (this.queue.length > 0) this.flush(); // what was asked before the close is stored and answered
    this.closed = true;
    if (this.sweep) clearInterval(this.sweep);
    this.timerListeners.clear();
    this.appliedListeners.clear();
    this.cache.clear();
    this.db.close();
  }

  // --- apply -------------------------------------------------------------------------------------------

  /** Runs every queued command and commits their writes in one transaction, then answers (see class). */
  private flush(): void {
    this.flushScheduled = false;
    const batch = this.queue.splice(0);
    if (batch.length === 0 || this.closed) {
      for (const pending of batch) pending.reject(new StoreUnavailableError('store closed'));
      return;
    }
    const now = this.clock();
    const outcomes: { pending: Pending<R, D>; outcome: StepOutcome<R, D> }[] = [];
    /** Rooms written by this batch, with the decisions told to listeners. */
    const written = new Map<string, { current: Cached; before: R; decisions: Extract<D, { ok: true }>[] }>();
    /** Command ids applied by this turn, `code|id` -> fingerprint (stored with the rooms). */
    const applied = new Map<string, string>();
    const missing = new Set<string>();
    const timers: { code: string; timerId: string; at: number }[] = [];
    const cancels: { code: string; timerId: string }[] = [];
    try {
      this.db.transaction(() => {
        for (const pending of batch) {
          const { code, commandId, fingerprint } = pending;
          let entry = written.get(code)?.current ?? null;
          if (!entry && !missing.has(code)) {
            entry = this.current(code, now);
            if (!entry) missing.add(code);
          }
          if (!entry) {
            outcomes.push({ pending, outcome: { status: 'not_found' } });
            continue;
          }
          if (commandId !== null) {
            const seen =
              applied.get(`${code}|${commandId}`) ?? this.sql.commandSeen.get(code, commandId)?.fingerprint;
            if (seen !== undefined) {
              outcomes.push({
                pending,
                outcome:
                  seen === fingerprint
                    ? { status: 'duplicate', version: entry.version }
                    : { status: 'reused' },
              });
              continue;
            }
          }
          const before = entry.room as R;
          let decision: D;
          try {
            decision = pending.step(before);
            if (decision.ok) checkStepResult(before, decision.room);
          } catch (error) {
            outcomes.push({ pending, outcome: { error } }); // a bug in this step: the others go on
            continue;
          }
          if (!decision.ok) {
            const refusal = decision as Extract<D, { ok: false }>;
            outcomes.push({
              pending,
              outcome: { status: 'refused', code: refusal.code, message: refusal.message },
            });
            continue;
          }
          const ok = decision as Extract<D, { ok: true }>;
          if (commandId !== null) applied.set(`${code}|${commandId}`, fingerprint);
          const next: Cached = { version: ok.room.version, room: ok.room };
          const seen = written.get(code);
          if (seen) {
            seen.current = next;
            seen.decisions.push(ok);
          } else written.set(code, { current: next, before, decisions: [ok] });
          for (const effect of ok.effects) {
            if (effect.type === 'cancel_timer')
              cancels.push({ code, timerId: (effect as CancelTimerEffect).timerId });
          }
          for (const timer of scheduleTimerEffects(ok)) timers.push({ code, ...timer });
          outcomes.push({ pending, outcome: { status: 'applied', before, decision: ok } });
        }
        for (const [code, { current, before, decisions }] of written) {
          // What the turn's commands changed, from the room as stored before them (SR-6); their rooms in
          // order, so that a map each of them edited by one entry costs those entries.
          const steps = decisions.length > 1 ? decisions.map((decision) => decision.room) : undefined;
          const { set, del } = roomChanges(before, current.room, current.version, steps);
          for (let i = 0; i < set.length; i += 2) this.sql.setField.run(code, set[i], set[i + 1]);
          for (const field of del) this.sql.deleteField.run(code, field);
          const header = headerOfRoom(current.room);
          this.sql.update.run(current.version, header.status, header.locked ? 1 : 0, now + this.ttlMs, code);
        }
        for (const [key, fingerprint] of applied) {
          const bar = key.indexOf('|');
          this.sql.commandApplied.run(key.slice(0, bar), key.slice(bar + 1), fingerprint);
        }
        // In order: a timer scheduled by one command and cancelled by a later one of the turn is gone.
        for (const timer of timers)
          this.sql.setTimer.run(timer.code, timer.timerId, timer.at, timer.code, now);
        for (const timer of cancels) this.sql.cancel.run(timer.code, timer.timerId);
      })();
    } catch (error) {
      // Nothing of this turn is stored: the copies in memory may be ahead of the file, drop them.
      for (const code of written.keys()) this.cache.delete(code);
      const failure = new StoreUnavailableError('the embedded database refused the write', { cause: error });
      for (const pending of batch) pending.reject(failure);
      return;
    }
    for (const [code, { current }] of written) this.remember(code, current);
    for (const timer of timers) this.notifyTimer(timer.at);
    // Stored: told before any caller is answered.
    const handled = new Map<string, Promise<void> | undefined>();
    for (const [code, { before, decisions }] of written)
      handled.set(code, tellApplied(this.appliedListeners, code, { before, decisions }));
    for (const { pending, outcome } of outcomes) {
      if ('error' in outcome) pending.reject(outcome.error);
      else if (outcome.status === 'applied') {
        const done = handled.get(pending.code);
        pending.resolve(done === undefined ? outcome : { ...outcome, handled: done });
      } else pending.resolve(outcome);
    }
  }

  /** The room as stored (from the cache when it is current), or null when absent or expired. */
  private current(code: string, now: number): Cached | null {
    const row = this.sql.select.get(code, now);
    if (!row) {
      this.cache.delete(code);
      return null;
    }
    const cached = this.cache.get(code);
    if (cached && cached.version === row.version) return cached;
    const fresh: Cached = { version: row.version, room: this.roomOf(code, row.version) };
    this.remember(code, fresh);
    return fresh;
  }

  /** The room built from its stored fields (a fresh object), at `version` (the header's). */
  private roomOf<T>(code: string, version: number): T {
    const rows = this.sql.fields.all(code);
    const pairs: [string, string][] = rows.map((row) => [row.field, row.value]);
    pairs.push([VERSION_FIELD, String(version)]);
    return roomFromFields<T>(pairs);
  }

  private remember(code: string, entry: Cached) {
    this.cache.delete(code);
    this.cache.set(code, entry);
    if (this.cache.size > this.cacheSize) this.cache.delete(this.cache.keys().next().value!);
  }

  private notifyTimer(at: number) {
    for (const listener of this.timerListeners) listener(at);
  }

  /** A read; a closed or broken database is an unavailable store. */
  private read<T>(work: () => T): T {
    if (this.closed) throw new StoreUnavailableError('store closed');
    try {
      return work();
    } catch (error) {
      throw new StoreUnavailableError('the embedded database did not answer', { cause: error });
    }
  }

  /** A write in its own transaction, committed (fsynced) when this returns. */
  private write<T>(work: () => T): T {
    return this.read(() => this.db.transaction(work)());
  }

  private sweepExpired() {
    if (this.closed) return;
    try {
      const now = this.clock();
      this.write(() => {
        for (const { code } of this.sql.expired.all(now)) {
          this.sql.delete.run(code);
          this.cache.delete(code);
        }
      });
    } catch {
      // the next sweep tries again
    }
  }
}
