import { mkdirSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { type BigRoomPlan, type BigRoomResult, runBigRoom } from './bigRoom.js';
import { type Plan, type TargetResult, TargetSession } from './session.js';
import { monoMs, round } from './stats.js';
import type { Target } from './vocabulary.js';

/**
 * `npm run bench`: the real Cercle server (Redis store, its own redis-server, its own process) and a
 * bare Socket.IO server, loaded by the same kind of client processes with the same rooms of 8.
 * `--nodes N`: N Cercle nodes on one Redis, each room's people spread over the first two, the others
 * serving no one (and the same once more on one node, for the ratio); `--redis-cluster`: the same over a
 * three-primary Redis Cluster (three nodes unless --nodes says otherwise). Each
 * scenario runs on one target then the other, so the noise of a given minute falls on both. Progress
 * goes to stderr; the table, and with --json a last line of JSON, to stdout. docs/performance.md says more.
 */
const { values: args } = parseArgs({
  options: {
    participants: { type: 'string', default: '2000' },
    workers: { type: 'string', default: '2' },
    'join-rate': { type: 'string' },
    'post-rate': { type: 'string' },
    'board-seconds': { type: 'string', default: '10' },
    'noisy-seconds': { type: 'string', default: '10' },
    'noisy-tabs': { type: 'string', default: '4' },
    rounds: { type: 'string', default: '5' },
    'timer-rounds': { type: 'string', default: '1' },
    'capacity-start': { type: 'string' },
    'capacity-factor': { type: 'string', default: '1.25' },
    'capacity-seconds': { type: 'string', default: '3' },
    'capacity-max': { type: 'string' },
    'capacity-steps': { type: 'string', default: '16' },
    'bigroom-rooms': { type: 'string', default: '4' },
    'bigroom-cards': { type: 'string', default: '995' },
    'bigroom-small-cards': { type: 'string', default: '10' },
    'bigroom-rate': { type: 'string', default: '16' },
    'bigroom-seconds': { type: 'string', default: '3' },
    'bigroom-rounds': { type: 'string', default: '2' },
    timers: { type: 'string' },
    only: { type: 'string' },
    scenarios: { type: 'string', default: 'fanout,board,timers,noisy,capacity,bigroom' },
    'cpu-prof': { type: 'boolean', default: false },
    trace: { type: 'string' },
    'server-log': { type: 'string' },
    survivors: { type: 'string' },
    'node-flags': { type: 'string' },
    nodes: { type: 'string' },
    'redis-cluster': { type: 'boolean', default: false },
    'baseline-store': { type: 'boolean', default: false },
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
const timers = Math.max(groups, int('timers', args.timers, participants / 2));
const plan: Plan = {
  participants,
  groups,
  /** Peer-coaching pairs added for the timers scenario, so that `timers` deadlines expire together. */
  pairs: timers - groups,
  workers: Math.max(1, int('workers', args.workers, 2)),
  /** Arrivals per second during the join storm: one node's default admission rate (JOIN_RATE_TOTAL). */
  joinRate: int('join-rate', args['join-rate'], 100),
  /** Posts per second from all consultants together: 1,000 at the default size. */
  postRate: int('post-rate', args['post-rate'], participants / 2),
  boardMs: int('board-seconds', args['board-seconds'], 10) * 1000,
  rounds: Math.max(1, int('rounds', args.rounds, 5)),
  timerRounds: Math.max(1, int('timer-rounds', args['timer-rounds'], 1)),
  timers,
  cpuProf: args['cpu-prof'] ?? false,
  noisyMs: int('noisy-seconds', args['noisy-seconds'], 10) * 1000,
  noisyTabs: Math.max(1, int('noisy-tabs', args['noisy-tabs'], 4)),
  redisCluster: args['redis-cluster'] ?? false,
  baselineStore: args['baseline-store'] ?? false,
  traceDir: args.trace ? resolve(args.trace) : null,
  serverLogDir: args['server-log'] ? resolve(args['server-log']) : null,
  survivorsDir: args.survivors ? resolve(args.survivors) : null,
  nodeFlags: args['node-flags'] === undefined ? null : args['node-flags'].split(/\s+/).filter(Boolean),
  // A cluster run is a several-node run unless told otherwise.
  nodes: Math.max(1, int('nodes', args.nodes, args['redis-cluster'] ? 3 : 1)),
  capacity: {
    startRate: Math.max(1, int('capacity-start', args['capacity-start'], participants / 8)),
    factor: Math.max(1.01, Number(args['capacity-factor'])),
    stepMs: Math.max(0.5, Number(args['capacity-seconds'])) * 1000,
    maxRate: Math.max(1, int('capacity-max', args['capacity-max'], participants * 4)),
    maxSteps: Math.max(1, int('capacity-steps', args['capacity-steps'], 16)),
  },
};
if (plan.traceDir) mkdirSync(plan.traceDir, { recursive: true });
if (plan.serverLogDir) mkdirSync(plan.serverLogDir, { recursive: true });
if (plan.survivorsDir) mkdirSync(plan.survivorsDir, { recursive: true });
if (!Number.isFinite(plan.capacity.factor) || !Number.isFinite(plan.capacity.stepMs))
  throw new Error('--capacity-factor and --capacity-seconds must be numbers');
const bigRoomPlan: BigRoomPlan = {
  // At most 100 of each kind: a room's people take loopback addresses 127.240.<room>.x.
  rooms: Math.min(100, Math.max(1, int('bigroom-rooms', args['bigroom-rooms'], 4))),
  // At most MAX_CARDS - 1: the cycle posts one card before it withdraws one.
  bigCards: Math.min(999, Math.max(1, int('bigroom-cards', args['bigroom-cards'], 995))),
  smallCards: Math.min(999, Math.max(1, int('bigroom-small-cards', args['bigroom-small-cards'], 10))),
  ratePerRoom: Math.max(1, int('bigroom-rate', args['bigroom-rate'], 16)),
  spellMs: Math.max(0.5, Number(args['bigroom-seconds'])) * 1000,
  rounds: Math.max(1, int('bigroom-rounds', args['bigroom-rounds'], 2)),
  cpuProf: args['cpu-prof'] ?? false,
};
if (!Number.isFinite(bigRoomPlan.spellMs)) throw new Error('--bigroom-seconds must be a number');
const pairs = plan.pairs;
/** The join storm and memory always run: they bring the people in. */
const scenarios = new Set((args.scenarios ?? '').split(',').map((s) => s.trim()));
const targets: Target[] = args.only ? [args.only as Target] : ['baseline', 'cercle'];

// Progress ---------------------------------------------------------------------------------------------

const tty = process.stderr.isTTY;
let transientShown = false;
let lastLine = 0;
/** A progress line: rewritten in place on a terminal; elsewhere, steps and a count every few seconds. */
function say(text: string, transient = false): void {
  if (tty) {
    process.stderr.write(`\r\x1b[2K${text}${transient ? '' : '\n'}`);
    transientShown = transient;
  } else if (!transient || monoMs() - lastLine > 3000) {
    process.stderr.write(`${text}\n`);
    lastLine = monoMs();
  }
}

// Report -----------------------------------------------------------------------------------------------

function report(
  results: TargetResult[],
  bigRoom: BigRoomResult | null,
  load: { loadBefore: number; loadAfter: number },
): Record<string, number | number[]> {
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
  row('', 'server CPU ms per post, net of idle', (r) => r.cpuPerPost.netMs, 'target <= 1.5x baseline');
  row('', 'server CPU ms per post, gross', (r) => r.cpuPerPost.grossMs);
  row('', 'server idle CPU % (subtracted)', (r) => r.cpuPerPost.idleCpuPct);
  if (scenarios.has('capacity'))
    row(
      'capacity',
      'posts/s held, p99 <= 100 ms',
      (r) => r.capacity?.heldRate ?? Number.NaN,
      'target >= 0.6x baseline',
    );
  row('timers', 'lateness p50 ms (client)', (r) => r.timers.client.p50);
  row('', 'lateness p99 ms (client)', (r) => r.timers.client.p99, 'target < 100');
  row('', 'lateness p99 ms (server)', (r) => r.timers.server.p99);
  // The noisy neighbour compares Cercle with itself (quiet, then beside the noise): its ratio is in the note.
  const noisy = cercle?.noisy;
  const unavailable = (c: Record<string, number> | undefined) => c?.store_unavailable ?? 0;
  const noisyRatio = noisy ? noisy.loud.p99 / noisy.quiet.p99 : Number.NaN;
  if (noisy) {
    rows.push(['noisy neighbour', 'normal rooms p99 ms quiet', noisy.quiet.p99, undefined]);
    rows.push([
      '',
      'normal rooms p99 ms beside noise',
      noisy.loud.p99,
      undefined,
      `${fmt(noisyRatio, 2)}x quiet; target <= 1.5x`,
    ]);
    rows.push([
      '',
      'normal rooms p50 ms quiet / noise',
      noisy.quiet.p50,
      undefined,
      `${fmt(noisy.loud.p50)} beside noise`,
    ]);
    rows.push([
      '',
      'store_unavailable (normal rooms)',
      unavailable(noisy.quietRefused) + unavailable(noisy.loudRefused),
      undefined,
      'target 0',
    ]);
  }
  const single = results.find((r) => r.target === 'cercle' && r.scale?.nodes === 1);
  const several = plan.nodes > 1 ? cercle : undefined;
  const idleNodeCpuPct = several?.scale?.boardCpuPct[2] ?? Number.NaN;
  const cpuPerPostRatioNodes =
    several?.scale && single?.scale
      ? several.scale.loadedCpuMsPerPost / single.scale.loadedCpuMsPerPost
      : Number.NaN;
  if (several?.scale && single?.scale) {
    rows.push([
      'several nodes',
      `node CPU % during the board (x${plan.nodes})`,
      undefined,
      undefined,
      several.scale.boardCpuPct.map((c) => c.toFixed(1)).join(' / '),
    ]);
    rows.push(['', 'idle node CPU %', idleNodeCpuPct, undefined, 'third node, nobody on it; target < 5']);
    rows.push(['', 'CPU ms per post, loaded nodes', several.scale.loadedCpuMsPerPost, undefined]);
    rows.push(['', 'CPU ms per post, one node', single.scale.loadedCpuMsPerPost, undefined]);
    rows.push([
      '',
      `CPU per post ratio ${plan.nodes} vs 1`,
      cpuPerPostRatioNodes,
      undefined,
      'target <= 1.2',
    ]);
  }
  // The big rooms compare Cercle with itself (1,000 cards, then 10): the small room's figure is in the note.
  const bigRatio = (f: (k: BigRoomResult['big']) => number) =>
    bigRoom ? f(bigRoom.big) / f(bigRoom.small) : Number.NaN;
  if (bigRoom) {
    const cards = `${bigRoom.cards.big.toFixed(0)} cards vs ${bigRoom.cards.small.toFixed(0)}`;
    rows.push([
      'big rooms',
      `server CPU ms per command, ${cards}`,
      bigRoom.big.cpuMsPerCommand,
      undefined,
      `${fmt(bigRoom.small.cpuMsPerCommand, 2)} in the small rooms: ${fmt(
        bigRatio((k) => k.cpuMsPerCommand),
        2,
      )}x; target <= 2`,
    ]);
    rows.push([
      '',
      'bytes to Redis per command',
      bigRoom.big.redisBytesPerCommand,
      undefined,
      `${fmt(bigRoom.small.redisBytesPerCommand, 0)} in the small rooms: ${fmt(
        bigRatio((k) => k.redisBytesPerCommand),
        2,
      )}x; target <= 2`,
    ]);
    rows.push([
      '',
      '  of which the store',
      bigRoom.big.storeBytesPerCommand,
      undefined,
      `${fmt(bigRoom.small.storeBytesPerCommand, 0)} in the small rooms`,
    ]);
    rows.push([
      '',
      '  of which the adapter',
      bigRoom.big.adapterBytesPerCommand,
      undefined,
      `${fmt(bigRoom.small.adapterBytesPerCommand, 0)} in the small rooms`,
    ]);
    rows.push([
      '',
      'redis-server CPU ms per command',
      bigRoom.big.redisServerCpuMsPerCommand,
      undefined,
      `${fmt(bigRoom.small.redisServerCpuMsPerCommand, 2)} in the small rooms`,
    ]);
    rows.push([
      '',
      'command ack p99 ms',
      bigRoom.big.ackP99Ms,
      undefined,
      `${fmt(bigRoom.small.ackP99Ms)} in the small rooms`,
    ]);
  }
  row('memory', 'RSS per participant KB', (r) => r.rssPerParticipantKB);
  row('', 'heap per participant KB', (r) => r.heapPerParticipantKB);
  row('redis', 'calls per command', (r) => r.redisCallsPerCommand, 'target <= 1');
  row('', 'bytes to Redis per command', (r) => r.redisBytesPerCommand.total, 'net of idle');
  row('', '  of which the store', (r) => r.redisBytesPerCommand.store);
  row('', '  of which the adapter', (r) => r.redisBytesPerCommand.adapter);
  for (const [label, name] of [
    ['join', 'join storm'],
    ['fanout', 'fan-out'],
    ['board', 'board'],
    ['capacity', 'capacity steps'],
    ['timers', 'timers'],
    ['noisy-quiet', 'noisy quiet'],
    ['noisy-loud', 'beside noise'],
  ] as const) {
    const w = (r: TargetResult) => r.windows[label];
    row(label === 'join' ? 'CPU, loop' : '', `server CPU % ${name}`, (r) => w(r)?.serverCpu ?? Number.NaN);
    row('', `redis-server CPU % ${name}`, (r) =>
      r.target === 'cercle' || plan.baselineStore ? (w(r)?.redisCpu ?? Number.NaN) : Number.NaN,
    );
    row('', `clients CPU % ${name}`, (r) => w(r)?.clientCpu ?? Number.NaN);
    row('', `server loop delay p99 ms ${name}`, (r) => w(r)?.loopDelayP99Ms ?? Number.NaN);
  }

  const lines: string[] = [];
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  lines.push(
    `Cercle bench: ${participants} participants in ${plan.groups} rooms of 8 (+${pairs} pairs for timers), ${plan.workers} client processes; ${plan.nodes} Cercle node(s) on ${plan.redisCluster ? 'a three-primary Redis Cluster' : 'one redis-server'}`,
    `baseline: ${plan.baselineStore ? 'the stored floor (the bare server writing each command to its own redis-server before answering)' : 'the bare Socket.IO server'}`,
    `machine: ${cpus().length} x ${cpu}, ${Math.round(totalmem() / 2 ** 30)} GiB, node ${process.version}; load average ${load.loadBefore.toFixed(1)} before, ${load.loadAfter.toFixed(1)} after`,
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
      pairJoinFailures: r.pairJoinFailures,
      fanoutRefused: r.fanout.refused,
      boardRefused: r.board.refused,
      timerRefused: r.timers.refused,
      // Not problems: the node's start line, and the page's build (client/dist) missing from a checkout
      // that did not run `npm run build` (the bench needs no page; a deployment serves it).
      serverLog: Object.fromEntries(
        Object.entries(r.serverLog).filter(([k]) => k !== 'listening' && k !== 'client_missing'),
      ),
    };
    const notes = [
      `${r.target}: joined in ${r.join.seconds.toFixed(1)} s; board sent ${r.board.sent}, accepted ${r.board.accepted}`,
      `missing receipts fan-out ${r.fanout.missing}, board ${r.board.missing}, timers ${r.timers.missing}; timers armed ${r.timers.armed}, the last ${r.timers.marginMs.toFixed(0)} ms before the deadline`,
    ];
    if (r.floorWrites !== null)
      notes.push(`stored floor: ${r.floorWrites} writes answered by its redis-server`);
    if (r.fanout.roundP99.length) notes.push(`fan-out p99 per round ${r.fanout.roundP99.join(', ')} ms`);
    if (r.timers.roundP99.length > 1)
      notes.push(
        `timer lateness p99 per round ${r.timers.roundP99.join(', ')} ms (server stamp ${r.timers.serverRoundP99.join(', ')})`,
      );
    // SR-2: a page asks for a snapshot on an announcement ahead of its patches; the bench's clients do not.
    notes.push(
      `room:version announcements received: fan-out ${r.fanout.announced}, board ${r.board.announced}, timers ${r.timers.announced}`,
    );
    for (const [k, v] of Object.entries(problems))
      if (Object.keys(v).length) notes.push(`${k} ${JSON.stringify(v)}`);
    if (r.target === 'cercle')
      notes.push(
        `redis calls in the command windows ${JSON.stringify(r.redisCalls)} for ${r.acceptedCommands} accepted`,
      );
    if (r.scale && r.scale.nodes > 1) notes.push(`fan-out per node ${JSON.stringify(r.scale.fanOut)}`);
    if (r.noisy) notes.push(`noisy room answered ${JSON.stringify(r.noisy.noise)}`);
    if (r.capacity) {
      const steps = r.capacity.steps.map(
        (c) =>
          `${c.rate}/s ${c.failed.length ? `not held (${c.failed.join(', ')})` : `p99 ${c.p99.toFixed(1)} ms`} cpu ${c.serverCpuPct.toFixed(0)}/${c.clientCpuPct.toFixed(0)} %`,
      );
      notes.push(
        `capacity steps (cpu: server/clients, % of a core) ${steps.join('; ')}; ended by ${r.capacity.endedBy || '-'}`,
      );
    }
    lines.push(notes.join('; '));
  }
  if (bigRoom) {
    const kinds = (['big', 'small'] as const).map((k) => {
      const f = bigRoom[k];
      const refused = Object.keys(f.refused).length ? `, refused ${JSON.stringify(f.refused)}` : '';
      return `${k} rooms accepted ${f.accepted} of ${f.sent} in ${f.seconds.toFixed(1)} s${refused}`;
    });
    lines.push(
      `big rooms (a node of their own): filled in ${bigRoom.fillSeconds.toFixed(1)} s (refused then retried ${JSON.stringify(bigRoom.fillRefused)}); ${kinds.join('; ')}; idle CPU ${bigRoom.idleCpuPct.toFixed(1)} % subtracted`,
    );
  }
  process.stdout.write(`${lines.join('\n')}\n`);

  const pick = (r: TargetResult | undefined, f: (r: TargetResult) => number) =>
    r ? round(f(r), 3) : Number.NaN;
  return {
    nodes: plan.nodes,
    redisCluster: plan.redisCluster ? 1 : 0,
    baselineStore: plan.baselineStore ? 1 : 0,
    idleNodeCpuPct: round(idleNodeCpuPct, 3),
    cpuPerPostRatio3vs1: round(cpuPerPostRatioNodes, 3),
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
    fanoutRoundP99Ms: cercle?.fanout.roundP99 ?? [],
    announcedFanout: pick(cercle, (r) => r.fanout.announced),
    announcedBoard: pick(cercle, (r) => r.board.announced),
    announcedTimers: pick(cercle, (r) => r.timers.announced),
    baselineFanoutRoundP99Ms: base?.fanout.roundP99 ?? [],
    fanoutRatio: cercle && base ? round(cercle.fanout.summary.p99 / base.fanout.summary.p99, 3) : Number.NaN,
    postsOffered: plan.postRate,
    postsPerSec: pick(cercle, (r) => r.board.postsPerSec),
    postP50Ms: pick(cercle, (r) => r.board.summary.p50),
    postP99Ms: pick(cercle, (r) => r.board.summary.p99),
    postAckP99Ms: pick(cercle, (r) => r.board.acks.p99),
    baselinePostP99Ms: pick(base, (r) => r.board.summary.p99),
    serverCpuMsPerPost: pick(cercle, (r) => r.cpuPerPost.netMs),
    baselineServerCpuMsPerPost: pick(base, (r) => r.cpuPerPost.netMs),
    cpuPerPostRatio: cercle && base ? round(cercle.cpuPerPost.netMs / base.cpuPerPost.netMs, 3) : Number.NaN,
    serverIdleCpuPct: pick(cercle, (r) => r.cpuPerPost.idleCpuPct),
    baselineServerIdleCpuPct: pick(base, (r) => r.cpuPerPost.idleCpuPct),
    capacityPostsPerSec: pick(cercle, (r) => r.capacity?.heldRate ?? Number.NaN),
    baselineCapacityPostsPerSec: pick(base, (r) => r.capacity?.heldRate ?? Number.NaN),
    capacityRatio:
      cercle?.capacity && base?.capacity
        ? round(cercle.capacity.heldRate / base.capacity.heldRate, 3)
        : Number.NaN,
    bigRoomCards: bigRoom ? round(bigRoom.cards.big, 1) : Number.NaN,
    smallRoomCards: bigRoom ? round(bigRoom.cards.small, 1) : Number.NaN,
    bigRoomCpuMsPerCommand: bigRoom ? round(bigRoom.big.cpuMsPerCommand, 3) : Number.NaN,
    smallRoomCpuMsPerCommand: bigRoom ? round(bigRoom.small.cpuMsPerCommand, 3) : Number.NaN,
    bigRoomCpuRatio: round(
      bigRatio((k) => k.cpuMsPerCommand),
      3,
    ),
    bigRoomRedisBytesPerCommand: bigRoom ? round(bigRoom.big.redisBytesPerCommand, 1) : Number.NaN,
    smallRoomRedisBytesPerCommand: bigRoom ? round(bigRoom.small.redisBytesPerCommand, 1) : Number.NaN,
    bigRoomRedisBytesRatio: round(
      bigRatio((k) => k.redisBytesPerCommand),
      3,
    ),
    timers: plan.timers,
    timerLatenessP99Ms: pick(cercle, (r) => r.timers.client.p99),
    timerServerLatenessP99Ms: pick(cercle, (r) => r.timers.server.p99),
    baselineTimerLatenessP99Ms: pick(base, (r) => r.timers.client.p99),
    timerRoundP99Ms: cercle?.timers.roundP99 ?? [],
    timerServerRoundP99Ms: cercle?.timers.serverRoundP99 ?? [],
    baselineTimerRoundP99Ms: base?.timers.roundP99 ?? [],
    rssPerParticipantKB: pick(cercle, (r) => r.rssPerParticipantKB),
    baselineRssPerParticipantKB: pick(base, (r) => r.rssPerParticipantKB),
    redisCallsPerCommand: pick(cercle, (r) => r.redisCallsPerCommand),
    redisBytesPerCommand: pick(cercle, (r) => r.redisBytesPerCommand.total),
    redisStoreBytesPerCommand: pick(cercle, (r) => r.redisBytesPerCommand.store),
    redisAdapterBytesPerCommand: pick(cercle, (r) => r.redisBytesPerCommand.adapter),
    noisyQuietP99Ms: noisy ? round(noisy.quiet.p99, 3) : Number.NaN,
    noisyLoudP99Ms: noisy ? round(noisy.loud.p99, 3) : Number.NaN,
    noisyRatio: round(noisyRatio, 3),
    noisyStoreUnavailable: noisy
      ? unavailable(noisy.quietRefused) + unavailable(noisy.loudRefused) + unavailable(noisy.noise)
      : Number.NaN,
  };
}

const loadBefore = loadavg()[0] ?? 0;
const started = monoMs();
// Several nodes: the Cercle target runs on `nodes` nodes, then once more on one node over the same
// backend, for the CPU per post of one node against several.
const sessions = targets.map((t) => new TargetSession(t, plan, say, t === 'cercle' ? plan.nodes : 1));
if (plan.nodes > 1 && targets.includes('cercle')) sessions.push(new TargetSession('cercle', plan, say, 1));
let results: TargetResult[] = [];
try {
  for (const s of sessions) await s.start();
  for (const s of sessions) await s.join();
  for (const s of sessions) await s.setup(!scenarios.has('fanout'));
  // Each spell starts once the server has worked off the previous one's backlog.
  if (scenarios.has('fanout')) {
    for (let r = 0; r < plan.rounds; r++) {
      for (const s of sessions) {
        await s.quiesce();
        await s.fanoutRound(r);
      }
    }
    // An even number of rounds leaves the rooms in the first phase: the later scenarios post on the board.
    if (plan.rounds % 2 === 0) for (const s of sessions) await s.toClarification();
  }
  if (scenarios.has('board')) {
    for (const s of sessions) {
      await s.quiesce();
      await s.board();
    }
  }
  if (scenarios.has('capacity')) {
    // After the board, before the noisy room: the rooms hold only the board's cards and the ramp's.
    // Step k runs on each target still holding before step k + 1 starts on any: the same minute's noise.
    const { startRate, factor, maxRate, maxSteps } = plan.capacity;
    let ramping = [...sessions];
    let rate = startRate;
    for (let k = 0; k < maxSteps && ramping.length && rate <= maxRate; k++) {
      const held: TargetSession[] = [];
      for (const s of ramping) if (await s.capacityStep(rate)) held.push(s);
      ramping = held;
      rate = Math.round(rate * factor);
    }
    for (const s of ramping)
      s.capacityBounded(rate > maxRate ? `--capacity-max ${maxRate}` : `--capacity-steps ${maxSteps}`);
  }
  if (scenarios.has('noisy')) {
    for (const s of sessions) {
      await s.quiesce();
      await s.noisyNeighbour();
    }
  }
  if (scenarios.has('timers')) {
    for (const s of sessions) {
      await s.quiesce();
      await s.timersScenario();
    }
    // Further rounds alternate the targets, as the fan-out's do: the same minute's noise on both.
    for (let r = 1; r < plan.timerRounds; r++) {
      for (const s of sessions) {
        await s.quiesce();
        await s.timerRound(r);
      }
    }
  }
  for (const s of sessions) await s.countFloorWrites();
  results = sessions.map((s) => s.result());
} finally {
  for (const s of sessions) await s.stop();
}
// Cercle against itself, on a node of its own, once the two targets have stopped.
const bigRoom =
  scenarios.has('bigroom') && targets.includes('cercle') ? await runBigRoom(bigRoomPlan, say) : null;
if (transientShown && tty) process.stderr.write('\n');
say(`[bench] done in ${((monoMs() - started) / 1000).toFixed(0)} s`);
const summary = report(results, bigRoom, { loadBefore, loadAfter: loadavg()[0] ?? 0 });
if (args.json) process.stdout.write(`${JSON.stringify(summary)}\n`);
process.exit(0);
