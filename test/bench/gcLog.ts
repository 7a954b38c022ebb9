import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * `node --import tsx test/bench/gcLog.ts DIR [scenario]`: reads the servers' logs of a run made with
 * `--server-log DIR --node-flags="--max-semi-space-size=32 --trace-gc-nvp"` and tells, per server and
 * scenario window (the bench's marks), V8's collections: scavenges (count, pause mean / p50 / max, bytes
 * they copied within the young generation and promoted to the old one, per scavenge), and the rest (mark
 * sweeps and their incremental steps). What a scavenge costs follows what survives it: that is the
 * figure to compare between the two servers at the same load.
 */
type Gc = { at: number; kind: string; pause: number; copied: number; promoted: number };

const dir = process.argv[2];
if (!dir) throw new Error('usage: gcLog.ts DIR [scenario]');
const only = process.argv[3];

const num = (line: string, key: string): number => {
  const match = new RegExp(`(?:^|\\s)${key}=([\\d.]+)`).exec(line);
  return match ? Number(match[1]) : 0;
};
const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);
const pct = (xs: number[], p: number) => {
  if (!xs.length) return 0;
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
};
const f1 = (x: number) => x.toFixed(1);

for (const name of readdirSync(dir)
  .filter((n) => n.endsWith('.log'))
  .sort()) {
  const windows: { label: string; gcs: Gc[]; from: number; to: number }[] = [];
  let open: { label: string; gcs: Gc[]; from: number; to: number } | null = null;
  for (const raw of readFileSync(join(dir, name), 'utf8').split('\n')) {
    const space = raw.indexOf(' ');
    if (space < 0) continue;
    const at = Number(raw.slice(0, space));
    const line = raw.slice(space + 1);
    const mark = /^MARK (start|end) (\S+)/.exec(line);
    if (mark) {
      if (mark[1] === 'start') open = { label: mark[2]!, gcs: [], from: at, to: at };
      else if (open) {
        open.to = at;
        windows.push(open);
        open = null;
      }
      continue;
    }
    if (!open || !line.includes('pause=')) continue;
    const kind = /(?:^|\s)gc=(\w+)/.exec(line)?.[1] ?? '?';
    open.gcs.push({
      at,
      kind,
      pause: num(line, 'pause'),
      copied: num(line, 'new_space_survived'),
      promoted: num(line, 'promoted'),
    });
  }
  // Windows of one label (the capacity steps, the fan-out rounds) added up.
  const byLabel = new Map<string, { gcs: Gc[]; seconds: number }>();
  for (const w of windows) {
    if (only && w.label !== only) continue;
    const entry = byLabel.get(w.label) ?? { gcs: [], seconds: 0 };
    entry.gcs.push(...w.gcs);
    entry.seconds += (w.to - w.from) / 1000;
    byLabel.set(w.label, entry);
  }
  console.log(`== ${name}`);
  for (const [label, { gcs, seconds }] of byLabel) {
    const s = gcs.filter((g) => g.kind === 's');
    const other = gcs.filter((g) => g.kind !== 's');
    const pauses = s.map((g) => g.pause);
    console.log(
      `${label.padEnd(12)} ${f1(seconds)} s  scavenges ${s.length}: pause mean ${f1(mean(pauses))} p50 ${f1(pct(pauses, 50))} max ${f1(Math.max(0, ...pauses))} ms, sum ${f1(pauses.reduce((a, b) => a + b, 0))} ms; copied ${f1(mean(s.map((g) => g.copied)) / 1024)} KB, promoted ${f1(mean(s.map((g) => g.promoted)) / 1024)} KB per scavenge (sum ${f1(s.reduce((a, g) => a + g.promoted, 0) / 1048576)} MB)` +
        `  | other ${other.length} (${[...new Set(other.map((g) => g.kind))].join(',')}): sum ${f1(other.reduce((a, g) => a + g.pause, 0))} ms, max ${f1(Math.max(0, ...other.map((g) => g.pause)))} ms`,
    );
  }
}
