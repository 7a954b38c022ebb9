import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Reads what `npm run bench -- --trace DIR` wrote and says, per target and scenario, what the server's
 * loop was doing when receipts were slow: its stalls of 10 ms or more, its garbage collections, and
 * which of the slow receipts were in flight during a stall. With a --cpu-prof profile of the same
 * server (`--profile target=FILE`), also the functions that ran during the stalls.
 *
 *   node --import tsx test/bench/traceReport.ts DIR [--slow 20] [--profile cercle=FILE ...]
 */
type Trace = { pid: number; gcs: [number, number, string][]; stalls: [number, number, number][] };
type Spell = { label: string; from: number; to: number; slow: number[] };
type Node = {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
};
type Profile = { nodes: Node[]; samples: number[]; timeDeltas: number[]; startTime: number };

const args = process.argv.slice(2);
const dir = args[0];
if (!dir) throw new Error('usage: traceReport.ts DIR [--slow MS] [--profile target=FILE]');
let slowMs = 20;
const profiles = new Map<string, string>();
for (let i = 1; i < args.length; i++) {
  if (args[i] === '--slow') slowMs = Number(args[++i]);
  else if (args[i] === '--profile') {
    const [target, file] = args[++i]!.split('=');
    profiles.set(target!, file!);
  }
}

const f1 = (n: number) => n.toFixed(1);
for (const target of ['baseline', 'cercle']) {
  const spellsFile = join(dir, `${target}-spells.json`);
  if (!existsSync(spellsFile)) continue;
  const spells = JSON.parse(readFileSync(spellsFile, 'utf8')) as Spell[];
  const serverFile = readdirSync(dir).find((f) => f.startsWith(`${target}-server0`));
  if (!serverFile) continue;
  const trace = JSON.parse(readFileSync(join(dir, serverFile), 'utf8')) as Trace;
  const profile = profiles.has(target)
    ? (JSON.parse(readFileSync(profiles.get(target)!, 'utf8')) as Profile)
    : null;
  console.log(`## ${target} (server pid ${trace.pid})`);
  const labels = [...new Set(spells.map((s) => s.label))];
  for (const label of labels) {
    const mine = spells.filter((s) => s.label === label);
    const inside = <T extends [number, number, ...unknown[]]>(list: T[]) =>
      list.filter(([t, d]) => mine.some((s) => t + d >= s.from && t <= s.to));
    const seconds = mine.reduce((n, s) => n + (s.to - s.from) / 1000, 0);
    const stalls = inside(trace.stalls);
    const gcs = inside(trace.gcs);
    const byKind = new Map<string, { n: number; ms: number; max: number }>();
    for (const [, d, kind] of gcs) {
      const k = byKind.get(kind) ?? { n: 0, ms: 0, max: 0 };
      k.n++;
      k.ms += d;
      k.max = Math.max(k.max, d);
      byKind.set(kind, k);
    }
    // A stall "has" a GC when a major or incremental GC pause ended within it or up to 5 ms before.
    const majorish = gcs.filter(([, , k]) => k === 'major' || k === 'incremental');
    const withGc = (t: number, d: number) => majorish.some(([g, gd]) => g + gd >= t - 5 && g <= t + d);
    const slow: [number, number][] = [];
    for (const s of mine)
      for (let i = 0; i + 1 < s.slow.length; i += 2) slow.push([s.slow[i]!, s.slow[i + 1]!]);
    const late = slow.filter(([a, b]) => b - a >= slowMs);
    const during = late.filter(([a, b]) => stalls.some(([t, d]) => t <= b && t + d >= a));
    const duringGcStall = late.filter(([a, b]) =>
      stalls.some(([t, d]) => t <= b && t + d >= a && withGc(t, d)),
    );
    console.log(
      `${label}: ${f1(seconds)} s; stalls >= 10 ms: ${stalls.length} (${f1(stalls.reduce((n, [, d]) => n + d, 0))} ms, ${stalls.filter(([t, d]) => withGc(t, d)).length} with a major/incremental GC)`,
    );
    const longest = [...stalls].sort((a, b) => b[1] - a[1]).slice(0, 10);
    if (longest.length)
      console.log(
        `  longest stalls ms (cpu ms used): ${longest.map(([t, d, c]) => `${f1(d)}(${f1(c)}${withGc(t, d) ? ' gc' : ''})`).join(' ')}`,
      );
    const own = stalls.filter(([, d, c]) => c >= 0.8 * d);
    console.log(
      `  stalls on CPU (cpu >= 80 % of the stall): ${own.length} (${f1(own.reduce((n, [, d]) => n + d, 0))} ms); descheduled or waiting: ${stalls.length - own.length}`,
    );
    console.log(
      `  gc: ${[...byKind].map(([k, v]) => `${k} ${v.n}x ${f1(v.ms)} ms (max ${f1(v.max)})`).join('; ') || 'none'}`,
    );
    console.log(
      `  receipts >= ${slowMs} ms: ${late.length}; in flight during a stall ${during.length} (${f1((100 * during.length) / Math.max(1, late.length))} %), during a stall with a major GC ${duringGcStall.length}`,
    );
    if (profile && stalls.length) console.log(stallFunctions(profile, stalls));
  }
}

/** Self time by function in the profile's samples that fall in the stalls. */
function stallFunctions(profile: Profile, stalls: [number, number, ...number[]][]): string {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<string, number>();
  let total = 0;
  let t = profile.startTime / 1000;
  const sorted = [...stalls].sort((a, b) => a[0] - b[0]);
  let k = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    t += profile.timeDeltas[i]! / 1000;
    while (k < sorted.length && sorted[k]![0] + sorted[k]![1] < t) k++;
    if (k >= sorted.length) break;
    if (t < sorted[k]![0]) continue;
    const d = (profile.timeDeltas[i + 1] ?? 0) / 1000;
    const n = byId.get(profile.samples[i]!)!;
    const url = n.callFrame.url
      .replace(/^.*node_modules\//, '')
      .replace(/^.*\/(shared|server|test)\//, '$1/');
    const key = `${n.callFrame.functionName || '(anon)'} ${url}:${n.callFrame.lineNumber + 1}`;
    self.set(key, (self.get(key) ?? 0) + d);
    total += d;
  }
  const top = [...self].sort((a, b) => b[1] - a[1]).slice(0, 15);
  return [
    `  profile samples in the stalls: ${f1(total)} ms`,
    ...top.map(([k, v]) => `    ${f1(v).padStart(7)} ms  ${k}`),
  ].join('\n');
}
