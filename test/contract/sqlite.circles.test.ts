import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { SqliteCircleStore } from '../../server/src/store/sqlite/circleStore.js';
import { DATABASE_FILE } from '../../server/src/store/sqlite/database.js';
import { registerCircleStoreContract } from './circleStore.contract.js';

registerCircleStoreContract('sqlite', async () => {
  let now = Date.now();
  const retentionMs = 365 * 86_400_000;
  const dir = mkdtempSync(join(tmpdir(), 'cercle-circles-'));
  const opened: SqliteCircleStore[] = [];
  return {
    retentionMs,
    // Another connection to the same file, as a second store of the same process would be.
    open: async () => {
      const store = SqliteCircleStore.open(dir, { retentionMs, clock: () => now, sweepIntervalMs: 0 });
      opened.push(store);
      return store;
    },
    elapse: async (ms) => {
      now += ms;
      opened[0]?.sweepExpired();
    },
    traces: async (text) => {
      // Every row of every table that mentions the text.
      const db = new Database(join(dir, DATABASE_FILE), { readonly: true });
      try {
        const found: string[] = [];
        const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as {
          name: string;
        }[];
        for (const { name } of tables) {
          for (const row of db.prepare(`SELECT * FROM "${name}"`).all() as Record<string, unknown>[]) {
            if (JSON.stringify(row).includes(text))
              found.push(`${name}: ${JSON.stringify(row).slice(0, 80)}`);
          }
        }
        return found;
      } finally {
        db.close();
      }
    },
    cleanup: async () => {
      for (const store of opened) await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});
