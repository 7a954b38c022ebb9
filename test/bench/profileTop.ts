import { readFileSync } from 'node:fs';
import { relative } from 'node:path';

/**
 * Reads a V8 .cpuprofile (from `npm run bench -- --cpu-prof`, written to bench-profiles/) and prints
 * where the server's time went: self time by function, and inclusive time by function for our own code.
 * Usage: node --import tsx test/bench/profileTop.ts bench-profiles/CPU....cpuprofile [rows]
 */
type Node = {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
};
type Profile = { nodes: Node[]; samples: number[]; timeDeltas: number[]; startTime: number; endTime: number };

const file = process.argv[2];
if (!file) throw new Error('usage: profileTop.ts <file.cpuprofile> [rows]');
const rows = Number(process.argv[3] ?? 30);
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

// Time per sample: the delta that follows it.
const selfMicros = new Map<number, number>();
for (let i = 0; i < profile.samples.length; i++) {
  const id = profile.samples[i]!;
  selfMicros.set(id, (selfMicros.get(id) ?? 0) + (profile.timeDeltas[i + 1] ?? 0));
}
const total = [...selfMicros.values()].reduce((a, b) => a + b, 0);

const root = process.cwd();
const where = (n: Node) => {
  const url = n.callFrame.url.replace(/^file:\/\//, '');
  const short = url.startsWith('/') ? relative(root, url) : url;
  return `${n.callFrame.functionName || '(anonymous)'} ${short}:${n.callFrame.lineNumber + 1}`;
};

const self = new Map<string, number>();
const inclusive = new Map<string, number>();
for (const [id, micros] of selfMicros) {
  const node = byId.get(id)!;
  self.set(where(node), (self.get(where(node)) ?? 0) + micros);
  // Inclusive: every distinct frame on the stack gets the sample once.
  const seen = new Set<string>();
  for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
    const key = where(byId.get(at)!);
    if (seen.has(key)) continue;
    seen.add(key);
    inclusive.set(key, (inclusive.get(key) ?? 0) + micros);
  }
}

const pct = (v: number) => `${((v / total) * 100).toFixed(1).padStart(5)}%`;
const top = (m: Map<string, number>, filter: (k: string) => boolean) =>
  [...m.entries()]
    .filter(([k]) => filter(k))
    .sort((a, b) => b[1] - a[1])
    .slice(0, rows);
process.stdout.write(`${file}: ${(total / 1e6).toFixed(1)} s of samples\n\nself time\n`);
for (const [k, v] of top(self, () => true)) process.stdout.write(`${pct(v)}  ${k}\n`);
process.stdout.write('\ninclusive time, our code (server/, shared/)\n');
for (const [k, v] of top(inclusive, (k) => /(^| )(server|shared)\/src\//.test(k)))
  process.stdout.write(`${pct(v)}  ${k}\n`);
