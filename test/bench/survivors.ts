import { readFileSync } from 'node:fs';

/**
 * `node --import tsx test/bench/survivors.ts FILE [frames]`: reads what `--survivors DIR` wrote for one
 * server (serverStats.ts `survivors`: sampling heap profiles taken right after consecutive scavenges)
 * and tells, per scavenge, the bytes that survived it (allocated since the previous one) and those it
 * promoted (allocated in the interval before that, still alive), by allocation stack (the last `frames`
 * frames outside Node's own code). A scavenge's pause follows these bytes.
 */
type Frame = { functionName: string; url: string; lineNumber: number; columnNumber: number };
type Node = { id: number; callFrame: Frame; children: Node[] };
type Profile = { head: Node; samples: { size: number; nodeId: number; ordinal: number }[] };

const [file, framesArg] = process.argv.slice(2);
if (!file) throw new Error('usage: survivors.ts FILE [frames]');
const depth = Number(framesArg ?? 4);
const profiles = JSON.parse(readFileSync(file, 'utf8')) as Profile[];

const where = (f: Frame) =>
  `${f.functionName || '(anonymous)'} ${f.url.replace(/^.*\/node_modules\//, '').replace(/^.*\/(server|shared|test)\//, '$1/')}:${f.lineNumber + 1}`;

function stacks(profile: Profile): Map<number, Frame[]> {
  const byId = new Map<number, Frame[]>();
  const walk = (node: Node, above: Frame[]) => {
    const here = [...above, node.callFrame];
    byId.set(node.id, here);
    for (const child of node.children) walk(child, here);
  };
  walk(profile.head, []);
  return byId;
}

const lastOrdinal = (p: Profile) => p.samples.reduce((max, s) => Math.max(max, s.ordinal), -1);
const kb = (bytes: number) => `${(bytes / 1024).toFixed(0).padStart(6)} KB`;

const totals: { survived: number; promoted: number }[] = [];
const bySiteAll = new Map<string, number>();
for (let k = 1; k < profiles.length; k++) {
  const profile = profiles[k]!;
  const byId = stacks(profile);
  const since = lastOrdinal(profiles[k - 1]!);
  const before = k >= 2 ? lastOrdinal(profiles[k - 2]!) : null;
  let survived = 0;
  let promoted = 0;
  for (const sample of profile.samples) {
    const young = sample.ordinal > since;
    const old = before !== null && sample.ordinal > before && sample.ordinal <= since;
    if (!young && !old) continue;
    if (young) survived += sample.size;
    else promoted += sample.size;
    const frames = byId.get(sample.nodeId) ?? [];
    const ours = frames.filter((f) => f.url && !f.url.startsWith('node:'));
    const key = (ours.length ? ours : frames).slice(-depth).map(where).reverse().join(' < ');
    bySiteAll.set(key, (bySiteAll.get(key) ?? 0) + sample.size);
  }
  totals.push({ survived, promoted });
}
const n = totals.length;
console.log(
  `${file}: per scavenge (${n}): survived ${totals.map((t) => kb(t.survived).trim()).join(', ')}; promoted ${totals
    .slice(1)
    .map((t) => kb(t.promoted).trim())
    .join(', ')}`,
);
console.log('survived + promoted, all scavenges, by allocation stack:');
for (const [key, bytes] of [...bySiteAll].sort((a, b) => b[1] - a[1]).slice(0, 30))
  console.log(`${kb(bytes / n)} / scavenge  ${key}`);
