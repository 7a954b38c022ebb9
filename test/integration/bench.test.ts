import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));

/** Every key the issue asks of the bench's JSON line (docs/performance.md explains each). */
const requiredKeys = [
  'participants',
  'rooms',
  'joinP99Ms',
  'fanoutP50Ms',
  'fanoutP99Ms',
  'baselineFanoutP99Ms',
  'fanoutRatio',
  'postsPerSec',
  'postP99Ms',
  'timerLatenessP99Ms',
  'rssPerParticipantKB',
  'redisCallsPerCommand',
  'noisyQuietP99Ms',
  'noisyLoudP99Ms',
  'noisyRatio',
  'noisyStoreUnavailable',
  // Issue 18: CPU per post (net of idle) of both servers, and the bytes written to Redis per command.
  'serverCpuMsPerPost',
  'baselineServerCpuMsPerPost',
  'redisBytesPerCommand',
  'redisStoreBytesPerCommand',
  'redisAdapterBytesPerCommand',
  // The big rooms (Cercle against itself): CPU and bytes to Redis per command, 1,000 cards and 10.
  'bigRoomCards',
  'smallRoomCards',
  'bigRoomCpuMsPerCommand',
  'smallRoomCpuMsPerCommand',
  'bigRoomRedisBytesPerCommand',
  'smallRoomRedisBytesPerCommand',
  'bigRoomRedisBytesRatio',
] as const;

/**
 * Ratios over a figure that can be 0 at this tiny size (the baseline's CPU per post net of its idle rate
 * over a one-second board): a number, or null when the denominator was 0 (the table shows why).
 */
const ratioKeys = ['cpuPerPostRatio', 'bigRoomCpuRatio'] as const;

/**
 * The capacity ramp's figures: a rate held, or null when even its first step was not held (a loaded
 * machine); the notes line then says why (`not held (p99 ...)`).
 */
const capacityKeys = ['capacityPostsPerSec', 'baselineCapacityPostsPerSec', 'capacityRatio'] as const;

function runBench(argv: string[]): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      ['--conditions=source', '--import', 'tsx', 'test/bench/run.ts', ...argv],
      {
        cwd: root,
        env: { ...process.env, FORCE_COLOR: '0' },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => {
      out += String(d);
    });
    child.stderr.on('data', (d) => {
      err += String(d);
    });
    child.on('exit', (code) => resolve({ code, out, err }));
  });
}

describe('npm run bench, at a tiny size so the harness cannot rot', () => {
  it('runs Cercle and the bare Socket.IO baseline and ends with one JSON line of finite numbers', async () => {
    const { code, out, err } = await runBench([
      '--participants',
      '16',
      '--workers',
      '1',
      '--board-seconds',
      '1',
      '--noisy-seconds',
      '2',
      '--rounds',
      '1',
      '--capacity-seconds',
      '1',
      '--capacity-steps',
      '2',
      '--bigroom-rooms',
      '1',
      '--bigroom-cards',
      '100',
      '--bigroom-seconds',
      '1',
      '--bigroom-rounds',
      '1',
      '--json',
    ]);
    expect(code, err).toBe(0);
    const lines = out.trim().split('\n');
    expect(out).toContain('phase fan-out');
    const summary = JSON.parse(lines.at(-1)!) as Record<string, unknown>;
    for (const key of requiredKeys) {
      expect(typeof summary[key], key).toBe('number');
      expect(Number.isFinite(summary[key]), `${key} = ${summary[key]}`).toBe(true);
    }
    for (const key of ratioKeys) {
      expect(key in summary, key).toBe(true);
      if (summary[key] !== null) expect(Number.isFinite(summary[key]), `${key} = ${summary[key]}`).toBe(true);
    }
    for (const key of capacityKeys) {
      expect(key in summary, key).toBe(true);
      if (summary[key] === null) expect(out).toContain('not held (');
      else expect(summary[key] as number, key).toBeGreaterThan(0);
    }
    expect(out).toMatch(/capacity steps \(cpu: .*; ended by /);
    // The rooms hold what was asked (the cycle posts one card before it withdraws one).
    expect(summary.bigRoomCards as number).toBeGreaterThanOrEqual(100);
    expect(summary.bigRoomCards as number).toBeLessThanOrEqual(101);
    expect(summary.smallRoomCards as number).toBeGreaterThanOrEqual(10);
    expect(summary.smallRoomCards as number).toBeLessThanOrEqual(11);
    expect(summary.bigRoomRedisBytesPerCommand as number).toBeGreaterThan(0);
    expect(summary.smallRoomRedisBytesPerCommand as number).toBeGreaterThan(0);
    // Bytes are counted at the Redis sockets: the store wrote each accepted command. One node serves
    // every room, so its adapter publishes none of their patches (SC-6): what is left is its background
    // ticks, netted out; one published patch per command would be hundreds of bytes.
    expect(summary.redisStoreBytesPerCommand as number).toBeGreaterThan(0);
    expect(summary.redisAdapterBytesPerCommand as number).toBeLessThan(50);
    expect(summary.participants).toBe(16);
    expect(summary.rooms).toBe(2);
  }, 180_000);

  it('--redis-cluster: three nodes on a three-primary cluster, the third serving no one, against one node', async () => {
    const { code, out, err } = await runBench([
      '--redis-cluster',
      '--participants',
      '16',
      '--workers',
      '1',
      '--scenarios',
      'board',
      '--board-seconds',
      '1',
      '--only',
      'cercle',
      '--json',
    ]);
    expect(code, err).toBe(0);
    expect(out).toContain('three-primary Redis Cluster');
    const summary = JSON.parse(out.trim().split('\n').at(-1)!) as Record<string, unknown>;
    expect(summary.nodes).toBe(3);
    expect(summary.redisCluster).toBe(1);
    for (const key of ['idleNodeCpuPct', 'cpuPerPostRatio3vs1', 'postsPerSec', 'postP99Ms'])
      expect(Number.isFinite(summary[key]), `${key} = ${summary[key]}`).toBe(true);
    // The idle node's adapter heard nothing of the rooms (notes: fan-out per node).
    expect(out).toMatch(
      /fan-out per node \[.*\{"published":0,"received":0,"echoes":0,"channels":0,"skipped":0\}\]/,
    );
  }, 180_000);

  it('--baseline-store: the baseline is the stored floor, answering and broadcasting each command once its redis-server stored it', async () => {
    const { code, out, err } = await runBench([
      '--baseline-store',
      '--only',
      'baseline',
      '--participants',
      '16',
      '--workers',
      '1',
      '--scenarios',
      'board,timers',
      '--board-seconds',
      '1',
      '--json',
    ]);
    expect(code, err).toBe(0);
    expect(out).toContain('baseline: the stored floor');
    const summary = JSON.parse(out.trim().split('\n').at(-1)!) as Record<string, unknown>;
    expect(summary.baselineStore).toBe(1);
    for (const key of ['baselineServerCpuMsPerPost', 'baselinePostP99Ms', 'baselineTimerLatenessP99Ms'])
      expect(Number.isFinite(summary[key]), `${key} = ${summary[key]}`).toBe(true);
    // Every post acknowledged was written first: the floor's redis-server answered at least one write per
    // accepted post, and one per timer set and fired besides.
    const accepted = Number(/baseline: joined in [\d.]+ s; board sent \d+, accepted (\d+)/.exec(out)?.[1]);
    const writes = Number(/stored floor: (\d+) writes answered by its redis-server/.exec(out)?.[1]);
    expect(accepted).toBeGreaterThan(0);
    expect(writes).toBeGreaterThanOrEqual(accepted);
  }, 180_000);

  it('--node-flags, --server-log and --survivors: both servers run with the flags given, their logs carry the scenario marks, gcLog.ts and survivors.ts read them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cercle-bench-gc-'));
    try {
      const { code, err } = await runBench([
        '--participants',
        '16',
        '--workers',
        '1',
        '--scenarios',
        'board',
        '--board-seconds',
        '1',
        '--node-flags=--max-semi-space-size=1 --trace-gc-nvp',
        '--server-log',
        join(dir, 'log'),
        '--survivors',
        join(dir, 'survivors'),
        '--json',
      ]);
      expect(code, err).toBe(0);
      expect(readdirSync(join(dir, 'log')).sort()).toEqual(['baseline-server0.log', 'cercle-server0.log']);
      for (const name of ['baseline-server0.log', 'cercle-server0.log']) {
        const log = readFileSync(join(dir, 'log', name), 'utf8');
        // Each line stamped with the time it was read; the board's window marked; V8's lines there
        // only because both servers got the flag.
        expect(log).toMatch(/^\d{13} MARK start board$/m);
        expect(log).toMatch(/^\d{13} MARK end board$/m);
        expect(log).toMatch(/^\d{13} .*pause=[\d.]+ .*gc=s /m);
      }
      const tsx = ['--conditions=source', '--import', 'tsx'];
      const gc = execFileSync(process.execPath, [...tsx, 'test/bench/gcLog.ts', join(dir, 'log')], {
        cwd: root,
        encoding: 'utf8',
      });
      expect(gc).toMatch(/== baseline-server0\.log\n(.*\n)*board .* scavenges \d+/);
      expect(gc).toMatch(/== cercle-server0\.log\n(.*\n)*board .* scavenges \d+/);
      // The sampling ends with the board at the latest, with the profiles it could take (a light load
      // may not scavenge within it).
      for (const name of ['baseline.json', 'cercle.json']) {
        const file = join(dir, 'survivors', name);
        expect(Array.isArray(JSON.parse(readFileSync(file, 'utf8')))).toBe(true);
        const read = execFileSync(process.execPath, [...tsx, 'test/bench/survivors.ts', file], {
          cwd: root,
          encoding: 'utf8',
        });
        expect(read).toMatch(/per scavenge \(\d+\)/);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 180_000);
});
