import type { Circle, CircleOutcome } from '@cercle/shared';
import { type CircleStore, type CircleUpdate, checkCircleStep } from '../../circles/store.js';
import { StoreUnavailableError } from '../interface.js';
import { openDatabase, type SqliteDatabase } from './database.js';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS circles (
  id TEXT PRIMARY KEY,
  version INTEGER NOT NULL,
  json TEXT NOT NULL,
  expires_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS circles_expiry ON circles (expires_at);
CREATE TABLE IF NOT EXISTS circle_rooms (
  code TEXT PRIMARY KEY,
  circle_id TEXT NOT NULL REFERENCES circles (id) ON DELETE CASCADE
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS circle_rooms_circle ON circle_rooms (circle_id);
`;

export type SqliteCircleStoreOptions = {
  /** CIRCLE_RETENTION_DAYS, in ms. */
  retentionMs: number;
  clock?: () => number;
  /** How often expired circles are deleted; 0 disables the sweep. Default 3,600,000 (hourly). */
  sweepIntervalMs?: number;
};

/**
 * Circles in the embedded SQLite database, beside the rooms (same file, own connection): table
 * `circles` (one JSON document per circle, its version and expiry) and `circle_rooms` (the rooms opened
 * from it, deleted with it). Each call is one synchronous transaction: atomic in this single process.
 */
export class SqliteCircleStore implements CircleStore {
  private readonly retentionMs: number;
  private readonly clock: () => number;
  private readonly sweep: NodeJS.Timeout | null;
  private closed = false;
  private readonly sql;

  static open(dataDir: string, options: SqliteCircleStoreOptions): SqliteCircleStore {
    return new SqliteCircleStore(openDatabase(dataDir), options);
  }

  constructor(
    private readonly db: SqliteDatabase,
    options: SqliteCircleStoreOptions,
  ) {
    this.retentionMs = options.retentionMs;
    this.clock = options.clock ?? Date.now;
    db.exec(SCHEMA);
    this.sql = {
      insert: db.prepare(
        'INSERT INTO circles (id, version, json, expires_at) VALUES (?, ?, ?, ?) ON CONFLICT (id) DO NOTHING',
      ),
      select: db.prepare<[string, number], { version: number; json: string }>(
        'SELECT version, json FROM circles WHERE id = ? AND expires_at > ?',
      ),
      update: db.prepare(
        'UPDATE circles SET version = ?, json = ?, expires_at = ? WHERE id = ? AND version = ?',
      ),
      delete: db.prepare('DELETE FROM circles WHERE id = ?'),
      link: db.prepare(
        'INSERT INTO circle_rooms (code, circle_id) VALUES (?, ?) ON CONFLICT (code) DO UPDATE SET circle_id = excluded.circle_id',
      ),
      circleOf: db.prepare<[string, number], { circle_id: string }>(
        'SELECT r.circle_id FROM circle_rooms r JOIN circles c ON c.id = r.circle_id WHERE r.code = ? AND c.expires_at > ?',
      ),
      expired: db.prepare<[number], { id: string }>('SELECT id FROM circles WHERE expires_at <= ?'),
      expiresAt: db.prepare<[string], { expires_at: number }>('SELECT expires_at FROM circles WHERE id = ?'),
    };
    const sweepMs = options.sweepIntervalMs ?? 3_600_000;
    this.sweep = sweepMs > 0 ? setInterval(() => this.sweepExpired(), sweepMs) : null;
    this.sweep?.unref();
  }

  async create(circle: Circle): Promise<boolean> {
    const now = this.clock();
    return this.write(() => {
      this.dropIfExpired(circle.id, now);
      return (
        this.sql.insert.run(circle.id, circle.version, JSON.stringify(circle), now + this.retentionMs)
          .changes === 1
      );
    });
  }

  async load(circleId: string): Promise<Circle | null> {
    const row = this.read(() => this.sql.select.get(circleId, this.clock()));
    return row ? (JSON.parse(row.json) as Circle) : null;
  }

  async update(circleId: string, change: (circle: Circle) => CircleOutcome): Promise<CircleUpdate> {
    const now = this.clock();
    return this.write((): CircleUpdate => {
      const row = this.sql.select.get(circleId, now);
      if (!row) return { status: 'not_found' };
      const before = JSON.parse(row.json) as Circle;
      const outcome = change(before);
      if (!outcome.ok) return { status: 'refused', refusal: outcome };
      checkCircleStep(before, outcome.circle);
      this.sql.update.run(
        outcome.circle.version,
        JSON.stringify(outcome.circle),
        now + this.retentionMs,
        circleId,
        row.version,
      );
      return { status: 'updated', circle: outcome.circle };
    });
  }

  async erase(circleId: string): Promise<void> {
    this.write(() => this.sql.delete.run(circleId)); // its room index goes with it (ON DELETE CASCADE)
  }

  async linkRoom(code: string, circleId: string): Promise<void> {
    this.write(() => this.sql.link.run(code, circleId));
  }

  async circleOfRoom(code: string): Promise<string | null> {
    return this.read(() => this.sql.circleOf.get(code, this.clock())?.circle_id ?? null);
  }

  /** When the circle expires unless written before (epoch ms); for tests. */
  expiresAt(circleId: string): number | null {
    return this.sql.expiresAt.get(circleId)?.expires_at ?? null;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.sweep) clearInterval(this.sweep);
    this.db.close();
  }

  private dropIfExpired(circleId: string, now: number) {
    const row = this.sql.expiresAt.get(circleId);
    if (row && row.expires_at <= now) this.sql.delete.run(circleId);
  }

  private read<T>(work: () => T): T {
    if (this.closed) throw new StoreUnavailableError('store closed');
    try {
      return work();
    } catch (error) {
      if (error instanceof Error && error.message.startsWith('step ')) throw error;
      throw new StoreUnavailableError('the embedded database did not answer', { cause: error });
    }
  }

  private write<T>(work: () => T): T {
    return this.read(() => this.db.transaction(work)());
  }

  /** Deletes circles past their retention (CIRCLE_RETENTION_DAYS after their last write). */
  sweepExpired(): void {
    if (this.closed) return;
    try {
      const now = this.clock();
      this.write(() => {
        for (const { id } of this.sql.expired.all(now)) this.sql.delete.run(id);
      });
    } catch {
      // the next sweep tries again
    }
  }
}
