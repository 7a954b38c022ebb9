/**
 * What group commit buys on the embedded store (WAL, synchronous = FULL): the ack latency of one write
 * at a time (one fsync each) against 4,000 writes on 40 rooms sent at once (one fsync per event-loop
 * turn). Run: node --conditions=source --import tsx test/bench/sqliteGroupCommit.ts
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { StepDecision } from '../../server/src/store/interface.js';
import { SqliteRoomStore } from '../../server/src/store/sqlite/roomStore.js';

type BenchRoom = { code: string; version: number; items: string[] };
const dir = mkdtempSync(join(tmpdir(), 'cercle-bench-'));
const store = SqliteRoomStore.open<BenchRoom, StepDecision<BenchRoom>>(dir);
const step =
  (item: string) =>
  (room: BenchRoom): StepDecision<BenchRoom> => ({
    ok: true,
    room: { ...room, version: room.version + 1, items: [...room.items.slice(-50), item] },
    effects: [],
  });

for (let i = 0; i < 40; i++) await store.create({ code: `R${i}`, version: 0, items: [] });
let started = performance.now();
for (let i = 0; i < 300; i++) await store.apply('R0', `s${i}`, step(`s${i}`));
const sequential = performance.now() - started;
started = performance.now();
await Promise.all(Array.from({ length: 4000 }, (_, i) => store.apply(`R${i % 40}`, `c${i}`, step(`c${i}`))));
const burst = performance.now() - started;
console.log(
  JSON.stringify({
    sequentialAckMs: +(sequential / 300).toFixed(2),
    sequentialWritesPerSecond: Math.round(300 / (sequential / 1000)),
    burstOf4000Ms: Math.round(burst),
    burstWritesPerSecond: Math.round(4000 / (burst / 1000)),
  }),
);
await store.close();
rmSync(dir, { recursive: true, force: true });
