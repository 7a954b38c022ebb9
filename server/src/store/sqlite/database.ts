import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';

export type SqliteDatabase = Database.Database;

/** The file every embedded store of a server shares, inside DATA_DIR (created on first start). */
export const DATABASE_FILE = 'cercle.sqlite';

/**
 * Opens (and creates) the embedded database in `dataDir`. Each store opens its own connection to the
 * same file: better-sqlite3 is synchronous and no transaction spans an await, so two connections of one
 * process never hold the write lock at the same moment; `busy_timeout` covers another process (a second
 * server started on the same DATA_DIR by mistake waits, then fails, rather than corrupting anything).
 *
 * Durability: WAL with `synchronous = FULL`, so a transaction is on disk (the WAL is fsynced) when its
 * commit returns, and an acknowledgement sent after it survives a kill -9 and a power cut alike.
 * NORMAL would survive a kill -9 too (the WAL is in the OS's cache) but could lose the last commits on
 * a power cut; the stores batch every write of one event-loop turn into one transaction, so FULL costs
 * one fsync per turn, not one per command (see docs/design.md, "Embedded storage").
 */
export function openDatabase(dataDir: string): SqliteDatabase {
  const dir = resolve(dataDir);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const db = new Database(join(dir, DATABASE_FILE));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('busy_timeout = 5000');
  db.pragma('foreign_keys = ON');
  // Deleted rows' pages are overwritten with zeros: an erased circle leaves no readable trace in the file.
  db.pragma('secure_delete = ON');
  return db;
}
