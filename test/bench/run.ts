import { request } from 'node:http';
import { cpus, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { freePort, type RedisServer, startRedisServer } from '../support/redisServer.js';
import { RpcChild } from './rpc.js';
import type { ServerSample } from './serverStats.js';
import { concat, epochMs, monoMs, round, type Summary, summarize } from './stats.js';
import { createRoomBody, type Layout, type Target, vocabulary } from './vocabulary.js';
import type { JoinResult, RoomSpec, SpreadResult, TimerResult } from './worker.js';

/**
 * `npm run bench`: the real Cercle server (Redis store, own redis-server, own process) and a bare
 * Socket.IO server, each loaded in turn by the same client processes with the same rooms of 8.
 * Progress goes to stderr; the table, and with --json a last line of JSON, to stdout.
 */
const here = (file: string) => fileURLToPath(new URL(file, import.meta.url));

const { values: args } = parseArgs({
  options: {
    participants: { type: 'string', default: '2000' },
    workers: { type: 'string', default: '2' },
    'join-rate': { type: 'string' },
    'post-rate': { type: 'string' },
    'board-seconds': { type: 'string', default: '10' },
    rounds: { type: 'string', default: '5' },
    timers: { type: 'string' },
    only: { type: 'string' },
    'cpu-prof': { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
  },
});

const int = (name: string, value: string | undefined, fallback: number) => {
  const n = value === undefined ? fallback : Number(value);
  if (!Number.isFinite(n) || n < 0) throw new Error(`--${name} must be a number, got ${value}`);
  return Math.round(n);
};

const groupSize = 8;
const groups = Math.max(1, Math.round(int('participants', args.participants, 2000) / groupSize));
const participants = groups * groupSize;
const plan = {
  participants,
  groups,
  workers: Math.max(1, int('workers', args.workers, 2)),
  /** Arrivals per second during the join storm: everyone within about four seconds. */
  joinRate: int('join-rate', args['join-rate'], Math.max(100, participants / 4)),
  /** Posts per second from all consultants together: 1,000 at the default size. */
  postRate: int('post-rate', args['post-rate'], participants / 2),
  boardMs: int('board-seconds', args['board-seconds'], 10) * 1000,
  rounds: Math.max(1, int('rounds', args.rounds, 5)),
  /** Timers expiring together: every group's phase timer, plus peer-coaching pairs up to this count. */
  timers: Math.max(groups, int('timers', args.timers, participants / 2)),
};
const pairs = plan.timers - plan.groups;
const targets: Target[] = args.only ? [args.only as Target] : ['baseline', 'cercle'];

// Progress ---------------------------------------------------------------------------------------------

const tty = process.stderr.isTTY;
let progressText = '';
function progress(text: string, final = false): void {
  progressText = text;
  if (tty) process.stderr.write(`\r\x1b[2K${text}${final ? '\n' : ''}`);
  else if (final || !text.includes('…')) process.stderr.write(`${text}\n`);
}
function step(target: Target, text: string): void {
  progress(`[bench ${target}] ${text}`, !tty);
}

// Rooms ------------------------------------------------------------------------------------------------

/** Loopback addresses, one per simulated person or room, as if each came from its own machine. */
function loopback(n: number): string {
  return `127.${1 + Math.floor(n / 62_500)}.${Math.floor(n / 250) % 250}.${2 + (n % 250)}`;
}

function postJson(
  url: string,
  path: string,
  body: unknown,
  localAddress: string,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const data = JSON.stringify(body);
    const req = request(
      `${url}${path}`,
      {
        method: 'POST',
        localAddress,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data) },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          text += chunk;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      },
    );
    req.on('error', reject);
    req.end(data);
  });
}

async function createRooms(target: Target, url: string): Promise<RoomSpec[]> {
  const layouts: Layout[] = [
    ...Array<Layout>(plan.groups).fill('group'),
    ...Array<Layout>(pairs).fill('pair'),
  ];
  if (target === 'baseline') {
    return layouts.map((layout, i) => ({ code: `BASE${String(i).padStart(5, '0')}`, layout }));
  }
  const specs: RoomSpec[] = new Array(layouts.length);
  let next = 0;
  const createOne = async () => {
    while (next < layouts.length) {
      const i = next++;
      const layout = layouts[i]!;
      const res = await postJson(url, '/api/rooms', createRoomBody(layout), loopback(i));
      if (res.status !== 201) throw new Error(`POST /api/rooms answered ${res.status}: ${res.body}`);
      const created = JSON.parse(res.body) as { code: string; facilitatorKey: string | null };
      specs[i] = {
        code: created.code,
        layout,
        ...(created.facilitatorKey ? { facilitatorKey: created.facilitatorKey } : {}),
      };
    }
  };
  await Promise.all(Array.from({ length: 8 }, createOne));
  return specs;
}

// One target -------------------------------------------------------------------------------------------

export type TargetResult = {
  target: Target;
  join: { summary: Summary; failures: Record<string, number>; seconds: number };
  fanout: { summary: Summary; acks: Summary; missing: number; refused: Record<string, number> };
  board: {
    summary: Summary;
    acks: Summary;
    postsPerSec: number;
    sent: number;
    accepted: number;
    missing: number;
    refused: Record<string, number>;
  };
  timers: {
    client: Summary;
    server: Summary;
    armed: number;
    missing: number;
    refused: Record<string, number>;
  };
  rssPerParticipantKB: number;
  heapPerParticipantKB: number;
  redisCallsPerCommand: number;
  redisCalls: Record<string, number>;
  acceptedCommands: number;
  cpu: Record<string, number>;
  loopDelayP99Ms: Record<string, number>;
  setupRefused: Record<string, number>;
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const mergeCounts = (parts: Record<string, number>[]) => {
  const out: Record<string, number> = {};
  for (const p of parts) for (const [k, v] of Object.entries(p)) out[k] = (out[k] ?? 0) + v;
  return out;
};
const diffCounts = (after: Record<string, number>, before: Record<string, number>) => {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(after)) if (v - (before[k] ?? 0) > 0) out[k] = v - (before[k] ?? 0);
  return out;
};
const sumCounts = (c: Record<string, number>) => Object.values(c).reduce((a, b) => a + b, 0);

/** Calls of the store and the timers, leaving out the Socket.IO adapter's pub/sub traffic. */
const isAdapterCall = (name: string) => /publish|subscribe|^pubsub/i.test(name);

async function runTarget(target: Target): Promise<TargetResult> {
  let redis: RedisServer | null = null;
  const children: RpcChild[] = [];
  try {
    let server: RpcChild;
    const profileDir = fileURLToPath(new URL('../../bench-profiles/', import.meta.url));
    if (target === 'cercle') {
      step(target, 'starting redis-server and the Cercle server');
      redis = await startRedisServer();
      const port = await freePort();
      server = new RpcChild('cercle-server', here('./cercleServer.ts'), {
        execArgv: [
          '--expose-gc',
          ...(args['cpu-prof'] ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : []),
        ],
        env: {
          PATH: process.env.PATH ?? '',
          NODE_ENV: 'production',
          PORT: String(port),
          HOST: '127.0.0.1',
          REDIS_URL: redis.url,
          LOG_LEVEL: 'warn',
          // The guards against abuse are not capacity: the bench lifts them so they do not shape the load.
          MAX_CONNECTIONS_PER_IP: '10000',
          JOIN_RATE_TOTAL: '100000',
          ROOMS_RATE_PER_MINUTE: '100000',
        },
      });
    } else {
      step(target, 'starting the bare Socket.IO server');
      server = new RpcChild('baseline-server', here('./baselineServer.ts'), {
        execArgv: [
          '--expose-gc',
          ...(args['cpu-prof'] ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : []),
        ],
        env: { PATH: process.env.PATH ?? '', NODE_ENV: 'production' },
      });
    }
    children.push(server);
    const { url } = await server.once<{ url: string }>('ready');

    step(target, `creating ${plan.groups} groups and ${pairs} pairs`);
    const specs = await createRooms(target, url);

    const workers = Array.from(
      { length: plan.workers },
      (_, i) =>
        new RpcChild(`worker-${i}`, here('./worker.ts'), {
          env: { ...process.env, BENCH_WORKER: String(i) },
        }),
    );
    children.push(...workers);
    await Promise.all(workers.map((w) => w.once('ready')));
    const share = (i: number) => specs.filter((_, k) => k % plan.workers === i);
    await Promise.all(workers.map((w, i) => w.call('init', { target, url, rooms: share(i) })));
    await checkClock(server, workers);

    const sample = (gc = false) => server.call<ServerSample>('sample', { gc });
    const before = await sample(true);

    // (1) join storm --------------------------------------------------------------------------------
    const all = <T>(method: string, params: unknown, label: string, total: number): Promise<T[]> => {
      const done = new Map<number, number>();
      for (const [i, w] of workers.entries()) {
        w.on('progress', (d) => {
          done.set(i, (d as { done: number }).done);
          const n = [...done.values()].reduce((a, b) => a + b, 0);
          progress(`[bench ${target}] ${label} ${n}/${total} …`);
        });
      }
      return Promise.all(workers.map((w) => w.call<T>(method, params)));
    };
    step(target, `join storm: ${participants} people at ${plan.joinRate}/s`);
    const joinStart = monoMs();
    const joins = await all<JoinResult>(
      'join',
      { layout: 'group', ratePerSec: plan.joinRate / plan.workers },
      'joining',
      participants,
    );
    const joinSeconds = (monoMs() - joinStart) / 1000;
    const joined = joins.reduce((n, j) => n + j.joined, 0);
    await sleep(500);
    const afterJoin = await sample(true);
    const rssPerParticipantKB = (afterJoin.rss - before.rss) / 1024 / Math.max(1, joined);
    const heapPerParticipantKB = (afterJoin.heapUsed - before.heapUsed) / 1024 / Math.max(1, joined);

    step(target, 'roles and start');
    const setups = await Promise.all(
      workers.map((w) => w.call<{ refused: Record<string, number> }>('setup', { layout: 'group' })),
    );
    await sleep(500);

    // Background Redis traffic (timer polling) over an idle spell, subtracted from the command windows.
    const idleStart = await sample();
    const idleT0 = monoMs();
    await sleep(1000);
    const idleEnd = await sample();
    const idleRate =
      sumCounts(diffCounts(idleEnd.counters, idleStart.counters)) / ((monoMs() - idleT0) / 1000);

    // (2) phase fan-out ------------------------------------------------------------------------------
    const fanouts: SpreadResult[] = [];
    const cmdStart = await sample();
    const cmdT0 = monoMs();
    for (let r = 0; r < plan.rounds; r++) {
      step(target, `phase fan-out ${r + 1}/${plan.rounds}: every facilitator at once`);
      const command = r % 2 === 0 ? vocabulary.advance : vocabulary.retreat;
      fanouts.push(
        ...(await Promise.all(
          workers.map((w) => w.call<SpreadResult>('fanout', { command, timeoutMs: 15_000 })),
        )),
      );
      await sleep(300);
    }
    const afterFanout = await sample();

    // (3) board load ---------------------------------------------------------------------------------
    step(target, `board load: ${plan.postRate} posts/s for ${plan.boardMs / 1000} s`);
    const total = Math.round((plan.postRate * plan.boardMs) / 1000);
    const boards = await all<SpreadResult>(
      'board',
      { ratePerSec: plan.postRate / plan.workers, durationMs: plan.boardMs, timeoutMs: 20_000 },
      'posting (acks)',
      total,
    );
    const afterBoard = await sample();
    const cmdSeconds = (monoMs() - cmdT0) / 1000;

    // (4) timers ---------------------------------------------------------------------------------------
    if (pairs > 0) {
      step(target, `timers: ${pairs} pairs join and start`);
      await all<JoinResult>(
        'join',
        { layout: 'pair', ratePerSec: plan.joinRate / plan.workers },
        'pairs joining',
        pairs * 2,
      );
      const pairSetups = await Promise.all(
        workers.map((w) => w.call<{ refused: Record<string, number> }>('setup', { layout: 'pair' })),
      );
      setups.push(...pairSetups);
      await sleep(500);
    }
    const leadMs = Math.max(3000, plan.timers * 3);
    const at = Math.ceil(epochMs() + leadMs);
    step(target, `timers: ${plan.timers} deadlines at +${leadMs} ms`);
    const beforeTimers = await sample();
    const timers = await Promise.all(
      workers.map((w) => w.call<TimerResult>('timers', { at, timeoutMs: 10_000 })),
    );
    const afterTimers = await sample();

    // Redis round trips per accepted command (fan-out and board windows, background subtracted).
    const accepted = [...fanouts, ...boards].reduce((n, s) => n + s.accepted, 0);
    const calls = diffCounts(afterBoard.counters, cmdStart.counters);
    const storeCalls = Object.entries(calls)
      .filter(([name]) => !isAdapterCall(name))
      .reduce((n, [, v]) => n + v, 0);
    const redisCallsPerCommand =
      target === 'cercle' ? Math.max(0, storeCalls - idleRate * cmdSeconds) / Math.max(1, accepted) : 0;

    const cpuPercent = (a: ServerSample, b: ServerSample, seconds: number) =>
      round(((b.cpuMicros - a.cpuMicros) / 1e6 / seconds) * 100, 0);
    const fanoutAll = concat(fanouts.map((f) => f.latencies));
    const boardAll = concat(boards.map((b) => b.latencies));
    const firstSend = Math.min(...boards.map((b) => b.firstSend).filter(Number.isFinite));
    const lastAck = Math.max(...boards.map((b) => b.lastAck).filter(Number.isFinite));
    const boardAccepted = boards.reduce((n, b) => n + b.accepted, 0);

    await Promise.all(workers.map((w) => w.call('close')));
    return {
      target,
      join: {
        summary: summarize(concat(joins.map((j) => j.latencies))),
        failures: mergeCounts(joins.map((j) => j.failures)),
        seconds: joinSeconds,
      },
      fanout: {
        summary: summarize(fanoutAll),
        acks: summarize(concat(fanouts.map((f) => f.acks))),
        missing: fanouts.reduce((n, f) => n + f.missing, 0),
        refused: mergeCounts(fanouts.map((f) => f.refused)),
      },
      board: {
        summary: summarize(boardAll),
        acks: summarize(concat(boards.map((b) => b.acks))),
        postsPerSec: boardAccepted / Math.max(0.001, (lastAck - firstSend) / 1000),
        sent: boards.reduce((n, b) => n + b.sent, 0),
        accepted: boardAccepted,
        missing: boards.reduce((n, b) => n + b.missing, 0),
        refused: mergeCounts(boards.map((b) => b.refused)),
      },
      timers: {
        client: summarize(concat(timers.map((t) => t.clientLateness))),
        server: summarize(concat(timers.map((t) => t.serverLateness))),
        armed: timers.reduce((n, t) => n + t.armed, 0),
        missing: timers.reduce((n, t) => n + t.missing, 0),
        refused: mergeCounts(timers.map((t) => t.refused)),
      },
      rssPerParticipantKB,
      heapPerParticipantKB,
      redisCallsPerCommand,
      redisCalls: calls,
      acceptedCommands: accepted,
      cpu: {
        fanout: cpuPercent(cmdStart, afterFanout, 0.001 + (plan.rounds * 0.3 + 0.5)),
        board: cpuPercent(afterFanout, afterBoard, plan.boardMs / 1000),
        timers: cpuPercent(beforeTimers, afterTimers, (leadMs + 1000) / 1000),
      },
      loopDelayP99Ms: {
        fanout: round(afterFanout.loopDelayP99Ms),
        board: round(afterBoard.loopDelayP99Ms),
        timers: round(afterTimers.loopDelayP99Ms),
      },
      setupRefused: mergeCounts(setups.map((s) => s.refused)),
    };
  } finally {
    step(target, 'stopping');
    await Promise.all(children.reverse().map((c) => c.stop()));
    await redis?.stop();
  }
}

/** Checks that a monotonic stamp taken in a child lies between two taken here: one clock for all. */
async function checkClock(server: RpcChild, workers: RpcChild[]): Promise<void> {
  for (const child of [server, ...workers]) {
    const t0 = monoMs();
    const t = await child.call<number>('clock');
    const t1 = monoMs();
    if (!(t >= t0 && t <= t1))
      throw new Error(`${child.name}'s monotonic clock is not this process's: ${t0} ${t} ${t1}`);
  }
}

// Report -----------------------------------------------------------------------------------------------

function report(results: TargetResult[]): Record<string, number> {
  const cercle = results.find((r) => r.target === 'cercle');
  const base = results.find((r) => r.target === 'baseline');
  const fmt = (v: number | undefined, digits = 1) =>
    v === undefined || !Number.isFinite(v) ? '-' : v.toFixed(digits);
  const ratio = (a: number | undefined, b: number | undefined) =>
    a === undefined || b === undefined || !Number.isFinite(a) || !Number.isFinite(b) || b === 0
      ? '-'
      : `${(a / b).toFixed(2)}x`;
  const rows: [string, string, number | undefined, number | undefined, string?][] = [];
  const row = (scenario: string, metric: string, pick: (r: TargetResult) => number, note?: string) =>
    rows.push([scenario, metric, cercle && pick(cercle), base && pick(base), note]);
  row('join storm', 'join p50 ms', (r) => r.join.summary.p50);
  row('', 'join p99 ms', (r) => r.join.summary.p99, 'target < 50');
  row('phase fan-out', 'p50 ms', (r) => r.fanout.summary.p50);
  row('', 'p95 ms', (r) => r.fanout.summary.p95);
  row('', 'p99 ms', (r) => r.fanout.summary.p99, 'target <= 1.5x baseline');
  row('', 'max ms', (r) => r.fanout.summary.max);
  row('', 'ack p99 ms', (r) => r.fanout.acks.p99);
  row(
    'board load',
    'posts/s sustained',
    (r) => r.board.postsPerSec,
    `target >= 1000 (offered ${plan.postRate})`,
  );
  row('', 'post to peers p50 ms', (r) => r.board.summary.p50);
  row('', 'post to peers p99 ms', (r) => r.board.summary.p99, 'target < 50');
  row('', 'post ack p99 ms', (r) => r.board.acks.p99);
  row('timers', 'lateness p50 ms (client)', (r) => r.timers.client.p50);
  row('', 'lateness p99 ms (client)', (r) => r.timers.client.p99, 'target < 100');
  row('', 'lateness p99 ms (server)', (r) => r.timers.server.p99);
  row('memory', 'RSS per participant KB', (r) => r.rssPerParticipantKB);
  row('', 'heap per participant KB', (r) => r.heapPerParticipantKB);
  row('redis', 'calls per command', (r) => r.redisCallsPerCommand, 'target <= 1');
  row('server', 'CPU % fan-out', (r) => r.cpu.fanout ?? Number.NaN);
  row('', 'CPU % board', (r) => r.cpu.board ?? Number.NaN);
  row('', 'loop delay p99 ms, board', (r) => r.loopDelayP99Ms.board ?? Number.NaN);

  const lines: string[] = [];
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  lines.push(
    `Cercle bench: ${participants} participants in ${plan.groups} rooms of 8 (+${pairs} pairs for timers), ${plan.workers} client processes`,
    `machine: ${cpus().length} x ${cpu}, ${Math.round(totalmem() / 2 ** 30)} GiB, node ${process.version}`,
    '',
  );
  const header = ['scenario', 'metric', 'Cercle', 'baseline', 'ratio', 'note'];
  const table = rows.map(([s, m, c, b, note]) => [s, m, fmt(c), fmt(b), ratio(c, b), note ?? '']);
  const widths = header.map((h, i) => Math.max(h.length, ...table.map((t) => t[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i >= 2 && i <= 4 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  lines.push(line(header), line(widths.map((w) => '-'.repeat(w))), ...table.map(line), '');
  for (const r of results) {
    const problems = {
      joinFailures: r.join.failures,
      setupRefused: r.setupRefused,
      fanoutRefused: r.fanout.refused,
      boardRefused: r.board.refused,
      timerRefused: r.timers.refused,
    };
    const notes = [
      `${r.target}: joined in ${r.join.seconds.toFixed(1)} s; board sent ${r.board.sent}, accepted ${r.board.accepted}`,
      `missing receipts fan-out ${r.fanout.missing}, board ${r.board.missing}, timers ${r.timers.missing}; timers armed ${r.timers.armed}`,
    ];
    for (const [k, v] of Object.entries(problems))
      if (Object.keys(v).length) notes.push(`${k} ${JSON.stringify(v)}`);
    if (r.target === 'cercle')
      notes.push(
        `redis calls in the command windows ${JSON.stringify(r.redisCalls)} for ${r.acceptedCommands} accepted`,
      );
    lines.push(notes.join('; '));
  }
  process.stdout.write(`${lines.join('\n')}\n`);

  const pick = (r: TargetResult | undefined, f: (r: TargetResult) => number) =>
    r ? round(f(r), 3) : Number.NaN;
  return {
    participants,
    rooms: plan.groups,
    workers: plan.workers,
    joinP50Ms: pick(cercle, (r) => r.join.summary.p50),
    joinP99Ms: pick(cercle, (r) => r.join.summary.p99),
    baselineJoinP99Ms: pick(base, (r) => r.join.summary.p99),
    fanoutP50Ms: pick(cercle, (r) => r.fanout.summary.p50),
    fanoutP95Ms: pick(cercle, (r) => r.fanout.summary.p95),
    fanoutP99Ms: pick(cercle, (r) => r.fanout.summary.p99),
    fanoutMaxMs: pick(cercle, (r) => r.fanout.summary.max),
    baselineFanoutP50Ms: pick(base, (r) => r.fanout.summary.p50),
    baselineFanoutP95Ms: pick(base, (r) => r.fanout.summary.p95),
    baselineFanoutP99Ms: pick(base, (r) => r.fanout.summary.p99),
    baselineFanoutMaxMs: pick(base, (r) => r.fanout.summary.max),
    fanoutRatio: cercle && base ? round(cercle.fanout.summary.p99 / base.fanout.summary.p99, 3) : Number.NaN,
    postsOffered: plan.postRate,
    postsPerSec: pick(cercle, (r) => r.board.postsPerSec),
    postP50Ms: pick(cercle, (r) => r.board.summary.p50),
    postP99Ms: pick(cercle, (r) => r.board.summary.p99),
    postAckP99Ms: pick(cercle, (r) => r.board.acks.p99),
    baselinePostP99Ms: pick(base, (r) => r.board.summary.p99),
    timers: plan.timers,
    timerLatenessP99Ms: pick(cercle, (r) => r.timers.client.p99),
    timerServerLatenessP99Ms: pick(cercle, (r) => r.timers.server.p99),
    baselineTimerLatenessP99Ms: pick(base, (r) => r.timers.client.p99),
    rssPerParticipantKB: pick(cercle, (r) => r.rssPerParticipantKB),
    baselineRssPerParticipantKB: pick(base, (r) => r.rssPerParticipantKB),
    redisCallsPerCommand: pick(cercle, (r) => r.redisCallsPerCommand),
  };
}

const results: TargetResult[] = [];
const started = monoMs();
for (const target of targets) results.push(await runTarget(target));
progress(`[bench] done in ${((monoMs() - started) / 1000).toFixed(0)} s`, true);
void progressText;
const summary = report(results);
if (args.json) process.stdout.write(`${JSON.stringify(summary)}\n`);
process.exit(0);
