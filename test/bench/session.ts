import { writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { NODE_FLAGS } from '../../server/src/nodeFlags.js';
import { type RedisCluster, startRedisCluster } from '../support/redisCluster.js';
import { freePort, type RedisServer, startRedisServer } from '../support/redisServer.js';
import { RpcChild } from './rpc.js';
import type { MemorySample, ServerSample } from './serverStats.js';
import { concat, epochMs, monoMs, round, type Summary, summarize } from './stats.js';
import {
  createRoomBody,
  type Layout,
  loopback,
  type Target,
  vocabulary,
  type WireCommand,
} from './vocabulary.js';
import type { JoinResult, RoomSpec, SpreadResult, TimerResult } from './worker.js';

/**
 * One target under load: its server process (and, for Cercle, its own redis-server), its client
 * processes and rooms, and the figures of each scenario. The orchestrator runs the same scenario on
 * each target in turn, so machine noise of a given minute falls on both.
 */

/** Spells per side of the noisy-neighbour scenario (quiet and beside the noise, alternated). */
const NOISY_SPELLS = 4;
export type Plan = {
  participants: number;
  groups: number;
  pairs: number;
  workers: number;
  joinRate: number;
  postRate: number;
  boardMs: number;
  rounds: number;
  timers: number;
  /** Times every deadline is moved to one instant (`--timer-rounds`); each round one burst. */
  timerRounds: number;
  cpuProf: boolean;
  /** Noisy neighbour: seconds of each of its two board runs, and tabs per noisy seat. */
  noisyMs: number;
  noisyTabs: number;
  /** Cercle nodes (processes) for the Cercle target; above one, people are spread over the first two. */
  nodes: number;
  /** A three-primary Redis Cluster instead of one redis-server. */
  redisCluster: boolean;
  /**
   * `--baseline-store`: the baseline is the stored floor (baselineServer.ts, FLOOR_REDIS_URL): the bare
   * server writing each command to its own redis-server before it answers and broadcasts.
   */
  baselineStore: boolean;
  /** `--trace DIR`: the servers' GC and loop stalls (trace.ts) and the clients' slow receipts, written there. */
  traceDir: string | null;
  /** `--server-log DIR`: each server's output, time-stamped, with the scenarios' marks (rpc.ts). */
  serverLogDir: string | null;
  /** `--survivors DIR`: what survives the server's scavenges mid-board, sampled (serverStats.ts, survivors.ts). */
  survivorsDir: string | null;
  /** `--node-flags`: Node's flags for both servers instead of the deployment's (nodeFlags.ts), for A/Bs. */
  nodeFlags: readonly string[] | null;
  /** Capacity: the first offered rate (posts/s), the factor between steps, each step's length, bounds. */
  capacity: { startRate: number; factor: number; stepMs: number; maxRate: number; maxSteps: number };
};

/** One step of the capacity ramp: the rate offered and what came of it. */
export type CapacityStep = {
  rate: number;
  p99: number;
  /** Accepted posts / (last acknowledgement - first send). */
  sustained: number;
  sent: number;
  accepted: number;
  missing: number;
  refused: Record<string, number>;
  /** CPU over the step, % of one core: the first node's, and the client processes' together. */
  serverCpuPct: number;
  clientCpuPct: number;
  /** Why the step was not held (empty when held): p99, refused, missing receipts, not sustained. */
  failed: string[];
};

export type Window = {
  serverCpu: number;
  clientCpu: number;
  /** redis-server's own CPU (INFO cpu), Cercle only. */
  redisCpu: number;
  loopDelayP99Ms: number;
  seconds: number;
};

export type TargetResult = {
  target: Target;
  join: { summary: Summary; failures: Record<string, number>; seconds: number };
  fanout: {
    summary: Summary;
    acks: Summary;
    missing: number;
    refused: Record<string, number>;
    /** Each round's receipt p99 (ms): the whole p99 is the slowest round's tail. */
    roundP99: number[];
    announced: number;
  };
  board: {
    summary: Summary;
    acks: Summary;
    postsPerSec: number;
    sent: number;
    accepted: number;
    missing: number;
    refused: Record<string, number>;
    announced: number;
  };
  timers: {
    client: Summary;
    server: Summary;
    /** Client and server-stamp p99 of each round, in order. */
    roundP99: number[];
    serverRoundP99: number[];
    armed: number;
    marginMs: number;
    missing: number;
    refused: Record<string, number>;
    announced: number;
  };
  rssPerParticipantKB: number;
  heapPerParticipantKB: number;
  redisCallsPerCommand: number;
  redisCalls: Record<string, number>;
  /**
   * Server CPU per accepted post during the board (the loaded nodes'), ms: as measured, and net of the
   * idle rate (`idleCpuPct`, % of a core, measured over two idle seconds after the setup).
   */
  cpuPerPost: { grossMs: number; netMs: number; idleCpuPct: number };
  /**
   * Bytes written to Redis per accepted command in the fan-out and board windows, net of the idle
   * traffic, by the store's connections and by the adapter's (Cercle only; NaN for the baseline).
   */
  redisBytesPerCommand: { total: number; store: number; adapter: number };
  acceptedCommands: number;
  /** `--baseline-store`: the writes the stored floor's redis-server answered; null otherwise. */
  floorWrites: number | null;
  windows: Record<string, Window>;
  serverLog: Record<string, number>;
  setupRefused: Record<string, number>;
  pairJoinFailures: Record<string, number>;
  /** The noisy-neighbour scenario (Cercle only): the normal rooms' board, quiet then beside the noise. */
  noisy: {
    quiet: Summary;
    loud: Summary;
    quietRefused: Record<string, number>;
    loudRefused: Record<string, number>;
    noise: Record<string, number>;
  } | null;
  /** Capacity ramp: every step run, in order (a failed step is run twice), and the highest rate held. */
  capacity: { steps: CapacityStep[]; heldRate: number; endedBy: string } | null;
  /** Several nodes: each node's CPU % during the board load, and CPU ms per accepted post of the loaded nodes. */
  scale: { nodes: number; boardCpuPct: number[]; loadedCpuMsPerPost: number; fanOut: unknown[] } | null;
};

type SetupResult = { accepted: number; refused: Record<string, number> };

const here = (file: string) => fileURLToPath(new URL(file, import.meta.url));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export const mergeCounts = (parts: Record<string, number>[]) => {
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
/** The Socket.IO adapter's pub/sub traffic, told apart from the store's and the timers' calls. */
const isAdapterCall = (name: string) => /publish|subscribe|^pubsub/i.test(name);

export function postJson(
  url: string,
  body: unknown,
  localAddress: string,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const data = JSON.stringify(body);
    const headers = { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data) };
    const req = request(url, { method: 'POST', localAddress, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        text += chunk;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', reject);
    req.end(data);
  });
}

/** The environment of a Cercle node under the bench: production defaults but for the guards below. */
export async function cercleServerEnv(settings: Record<string, string>): Promise<NodeJS.ProcessEnv> {
  return {
    PATH: process.env.PATH ?? '',
    NODE_ENV: 'production',
    PORT: String(await freePort()),
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    // Guards against abuse, not capacity: lifted so that they do not shape the load.
    MAX_CONNECTIONS_PER_IP: '10000',
    JOIN_RATE_TOTAL: '100000',
    ROOMS_API_RATE: '100000',
    ...settings,
  };
}

export class TargetSession {
  private redis: RedisServer | null = null;
  private cluster: RedisCluster | null = null;
  private redisInfos: Redis[] = [];
  /** The node that answers the bench's samples (the first one). */
  private server!: RpcChild;
  private servers: RpcChild[] = [];
  private boardNodesCpuPct: number[] = [];
  private boardLoadedCpuMicros = 0;
  private fanOutStats: unknown[] = [];
  /** The stored floor's writes its redis-server answered (`--baseline-store`), null for any other target. */
  private floorWrites: number | null = null;
  private workers: RpcChild[] = [];
  private readonly windows: Record<string, Window> = {};
  private readonly setups: SetupResult[] = [];
  /** Why pairs of the timers scenario failed to join (not measured, but a failure leaves a timer out). */
  private pairJoinFailures: Record<string, number> = {};
  private readonly fanouts: SpreadResult[] = [];
  private readonly fanoutRoundP99: number[] = [];
  private boards: SpreadResult[] = [];
  private timers: TimerResult[] = [];
  private timerRoundP99: number[] = [];
  private timerServerRoundP99: number[] = [];
  private joins: JoinResult[] = [];
  private memory = { rssPerParticipantKB: Number.NaN, heapPerParticipantKB: Number.NaN };
  private before: MemorySample | null = null;
  private idleRate = 0;
  /** Background over the idle seconds: the loaded nodes' CPU microseconds and the Redis bytes, per second. */
  private idleCpuMicrosPerSec = 0;
  private idleBytesPerSec = { store: 0, adapter: 0 };
  private boardSeconds = 0;
  private commandWindow = {
    seconds: 0,
    calls: {} as Record<string, number>,
    bytes: { store: 0, adapter: 0 },
  };
  private url = '';
  private noisy: TargetResult['noisy'] = null;
  private capacity: TargetResult['capacity'] = null;
  /** `--trace`: each measured spell (label, first and last monotonic ms) and its slow receipts. */
  private traced: { label: string; from: number; to: number; slow: number[] }[] = [];

  constructor(
    readonly target: Target,
    private readonly plan: Plan,
    private readonly say: (text: string, transient?: boolean) => void,
    /** Cercle nodes of this session (the plan's, or one for the single-node reference run). */
    readonly nodes = 1,
  ) {}

  private get name(): string {
    return this.target === 'cercle' && this.nodes > 1 ? `cercle x${this.nodes}` : this.target;
  }

  private step(text: string): void {
    this.say(`[bench ${this.name}] ${text}`);
  }

  async start(): Promise<void> {
    const profileDir = join(tmpdir(), 'cercle-bench-profiles');
    const { traceDir } = this.plan;
    // Both servers run with the node flags of Cercle's deployment (server/src/nodeFlags.ts).
    const execArgv = [
      ...(this.plan.nodeFlags ?? NODE_FLAGS),
      '--expose-gc',
      ...(this.plan.cpuProf ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : []),
      ...(traceDir ? ['--import', here('./trace.ts')] : []),
    ];
    // Both targets' servers alike: the file names the target and the node.
    const trace = (node: string): Record<string, string> =>
      traceDir ? { BENCH_TRACE_FILE: join(traceDir, `${this.name.replace(' ', '')}-${node}.json`) } : {};
    const { serverLogDir } = this.plan;
    const logFile = (node: string) =>
      serverLogDir ? { logFile: join(serverLogDir, `${this.name.replace(' ', '')}-${node}.log`) } : {};
    let urls: string[];
    if (this.target === 'cercle') {
      let shared: Record<string, string>;
      if (this.plan.redisCluster) {
        this.step(`starting a three-primary Redis Cluster and ${this.nodes} Cercle node(s)`);
        this.cluster = await startRedisCluster({ primaries: 3 });
        shared = { REDIS_CLUSTER_NODES: this.cluster.nodesSetting };
        this.redisInfos = this.cluster.nodes.map((n) => new Redis(n.port, { lazyConnect: true }));
      } else {
        this.step(`starting redis-server and ${this.nodes} Cercle node(s)`);
        this.redis = await startRedisServer();
        shared = { REDIS_URL: this.redis.url };
        this.redisInfos = [new Redis(this.redis.url, { lazyConnect: true, maxRetriesPerRequest: 1 })];
      }
      await Promise.all(this.redisInfos.map((r) => r.connect()));
      for (let i = 0; i < this.nodes; i++) {
        this.servers.push(
          new RpcChild(`cercle-server-${i}`, here('./cercleServer.ts'), {
            execArgv,
            env: await cercleServerEnv({ ...shared, ...trace(`server${i}`) }),
            ...logFile(`server${i}`),
          }),
        );
      }
      this.server = this.servers[0]!;
      urls = (await Promise.all(this.servers.map((s) => s.once<{ url: string }>('ready')))).map((r) => r.url);
    } else {
      let floor: Record<string, string> = {};
      if (this.plan.baselineStore) {
        this.step('starting redis-server and the stored floor (the bare server writing to Redis)');
        this.redis = await startRedisServer();
        floor = { FLOOR_REDIS_URL: this.redis.url };
        this.redisInfos = [new Redis(this.redis.url, { lazyConnect: true, maxRetriesPerRequest: 1 })];
        await Promise.all(this.redisInfos.map((r) => r.connect()));
      } else this.step('starting the bare Socket.IO server');
      this.server = new RpcChild('baseline-server', here('./baselineServer.ts'), {
        execArgv,
        env: { PATH: process.env.PATH ?? '', NODE_ENV: 'production', ...floor, ...trace('server0') },
        ...logFile('server0'),
      });
      this.servers = [this.server];
      urls = [(await this.server.once<{ url: string }>('ready')).url];
    }
    const url = urls[0]!;
    this.url = url;
    // "The clients spread over two of them and the third serving no one".
    const served = urls.slice(0, Math.min(2, urls.length));

    this.step(`creating ${this.plan.groups} groups and ${this.plan.pairs} pairs`);
    const specs = await this.createRooms(url);
    this.workers = Array.from(
      { length: this.plan.workers },
      (_, i) => new RpcChild(`${this.target}-worker-${i}`, here('./worker.ts')),
    );
    await Promise.all(this.workers.map((w) => w.once('ready')));
    const share = (i: number) => specs.filter((_, k) => k % this.plan.workers === i);
    await Promise.all(
      this.workers.map((w, i) => w.call('init', { target: this.target, urls: served, rooms: share(i) })),
    );
    await this.checkClock();
    this.before = await this.memorySample();
  }

  private async createRooms(url: string): Promise<RoomSpec[]> {
    const layouts: Layout[] = [
      ...Array<Layout>(this.plan.groups).fill('group'),
      ...Array<Layout>(this.plan.pairs).fill('pair'),
    ];
    if (this.target === 'baseline') {
      return layouts.map((layout, index) => ({
        code: `BASE${String(index).padStart(5, '0')}`,
        layout,
        index,
      }));
    }
    const specs: RoomSpec[] = new Array(layouts.length);
    let next = 0;
    const createSome = async () => {
      while (next < layouts.length) {
        const index = next++;
        const layout = layouts[index]!;
        const res = await postJson(`${url}/api/rooms`, createRoomBody(layout), loopback(index));
        if (res.status !== 201) throw new Error(`POST /api/rooms answered ${res.status}: ${res.body}`);
        const created = JSON.parse(res.body) as { code: string; facilitatorKey: string | null };
        const key = created.facilitatorKey ? { facilitatorKey: created.facilitatorKey } : {};
        specs[index] = { code: created.code, layout, index, ...key };
      }
    };
    await Promise.all(Array.from({ length: 8 }, createSome));
    return specs;
  }

  /** A monotonic stamp taken in each child must lie between two taken here: one clock for all. */
  private async checkClock(): Promise<void> {
    for (const child of [this.server, ...this.workers]) {
      const t0 = monoMs();
      const t = await child.call<number>('clock');
      const t1 = monoMs();
      if (!(t >= t0 && t <= t1)) throw new Error(`${child.name}'s monotonic clock differs: ${t0} ${t} ${t1}`);
    }
  }

  /** The first node's memory, CPU and loop delay; the Redis calls of every node (they share the store). */
  private async sample(gc = false): Promise<ServerSample> {
    const [first, ...others] = await Promise.all(
      this.servers.map((server) => server.call<ServerSample>('sample', { gc })),
    );
    return {
      ...first!,
      counters: mergeCounts([first!.counters, ...others.map((o) => o.counters)]),
      redisBytes: mergeCounts([
        first!.redisBytes,
        ...others.map((o) => o.redisBytes),
      ]) as ServerSample['redisBytes'],
    };
  }

  /** The first node's memory (Method, 5): medians of five samples, each after two forced collections. */
  private memorySample(): Promise<MemorySample> {
    return this.server.call<MemorySample>('memory', { samples: 5 });
  }

  /** redis-server's CPU seconds so far (user + system; every primary of a cluster), 0 without one. */
  private async redisCpu(): Promise<number> {
    let total = 0;
    for (const client of this.redisInfos) {
      const info = await client.info('cpu');
      const field = (name: string) => Number(new RegExp(`${name}:([0-9.]+)`).exec(info)?.[1] ?? 0);
      total += field('used_cpu_user') + field('used_cpu_sys');
    }
    return total;
  }

  /** Every node's CPU microseconds so far. */
  private nodesCpu(): Promise<number[]> {
    return Promise.all(this.servers.map(async (s) => (await s.call<ServerSample>('sample')).cpuMicros));
  }

  private async clientCpu(): Promise<number> {
    const each = await Promise.all(this.workers.map((w) => w.call<number>('cpu')));
    return each.reduce((a, b) => a + b, 0);
  }

  /** Runs one scenario and adds up the server's and the clients' CPU over it, and the server's loop delay. */
  private async measure<T>(label: string, body: () => Promise<T>): Promise<T> {
    const [s0, c0, r0] = await Promise.all([this.sample(), this.clientCpu(), this.redisCpu()]);
    for (const server of this.servers) server.mark(`start ${label}`);
    const t0 = monoMs();
    const result = await body();
    const t1 = monoMs();
    for (const server of this.servers) server.mark(`end ${label}`);
    const seconds = (t1 - t0) / 1000;
    if (this.plan.traceDir) {
      const slow: number[] = [];
      for (const part of Array.isArray(result) ? result : [])
        if (part && typeof part === 'object' && 'slow' in part)
          for (const t of (part as SpreadResult).slow) slow.push(t);
      this.traced.push({ label, from: t0, to: t1, slow });
    }
    const [s1, c1, r1] = await Promise.all([this.sample(), this.clientCpu(), this.redisCpu()]);
    const w = this.windows[label] ?? {
      serverCpu: 0,
      clientCpu: 0,
      redisCpu: 0,
      loopDelayP99Ms: 0,
      seconds: 0,
    };
    const total = w.seconds + seconds;
    // CPU as a time-weighted mean over the scenario's spells; loop delay as the worst spell.
    w.serverCpu = (w.serverCpu * w.seconds + (s1.cpuMicros - s0.cpuMicros) / 1e4) / total;
    w.clientCpu = (w.clientCpu * w.seconds + (c1 - c0) / 1e4) / total;
    w.redisCpu = (w.redisCpu * w.seconds + (r1 - r0) * 100) / total;
    w.loopDelayP99Ms = Math.max(w.loopDelayP99Ms, s1.loopDelayP99Ms);
    w.seconds = total;
    this.windows[label] = w;
    if (label === 'fanout' || label === 'board') {
      const calls = diffCounts(s1.counters, s0.counters);
      this.commandWindow.seconds += seconds;
      this.commandWindow.calls = mergeCounts([this.commandWindow.calls, calls]);
      this.commandWindow.bytes.store += s1.redisBytes.store - s0.redisBytes.store;
      this.commandWindow.bytes.adapter += s1.redisBytes.adapter - s0.redisBytes.adapter;
    }
    return result;
  }

  private all<T>(method: string, params: unknown, label: string, total: number): Promise<T[]> {
    const done = new Map<number, number>();
    for (const [i, w] of this.workers.entries()) {
      w.on('progress', (d) => {
        done.set(i, (d as { done: number }).done);
        const n = [...done.values()].reduce((a, b) => a + b, 0);
        this.say(`[bench ${this.target}] ${label} ${n}/${total} …`, true);
      });
    }
    return Promise.all(this.workers.map((w) => w.call<T>(method, params)));
  }

  /** Waits (10 s at most) until the server's event loop is calm again, so one scenario's backlog does not spill into the next. */
  async quiesce(): Promise<void> {
    const until = monoMs() + 10_000;
    await this.sample();
    while (monoMs() < until) {
      await sleep(300);
      if ((await this.sample()).loopDelayP99Ms < 50) return;
    }
  }

  /**
   * (1) join storm, then (5) memory. The storm runs in two halves (every other room), memory sampled
   * after each: the figure per participant is the growth over the second half, divided by the people
   * who joined in it (Method, 5).
   */
  async join(): Promise<void> {
    const { participants, joinRate, workers } = this.plan;
    this.step(`join storm: ${participants} people at ${joinRate}/s, in two halves`);
    const half = async (index: number) => {
      const params = { layout: 'group', ratePerSec: joinRate / workers, part: [index, 2] };
      const joins = await this.measure('join', () =>
        this.all<JoinResult>('join', params, `joining (half ${index + 1})`, participants / 2),
      );
      await sleep(500);
      return { joins, memory: await this.memorySample() };
    };
    const first = await half(0);
    const second = await half(1);
    this.joins = [...first.joins, ...second.joins];
    const joinedSecond = second.joins.reduce((n, j) => n + j.joined, 0);
    const joined = joinedSecond + first.joins.reduce((n, j) => n + j.joined, 0);
    const [before, mid, after] = [this.before!, first.memory, second.memory];
    const mb = (bytes: number) => (bytes / 1048576).toFixed(1);
    const kb = (bytes: number, people: number) => (bytes / 1024 / Math.max(1, people)).toFixed(1);
    this.step(
      `memory before / half / all joined: anonymous RSS less the young generation ${mb(before.rss)} / ` +
        `${mb(mid.rss)} / ${mb(after.rss)} MB, file-backed RSS ${mb(before.fileBacked)} / ${mb(mid.fileBacked)} / ` +
        `${mb(after.fileBacked)} MB, young generation ${mb(before.young)} / ${mb(mid.young)} / ${mb(after.young)} MB, ` +
        `heap ${mb(before.heapUsed)} / ${mb(mid.heapUsed)} / ${mb(after.heapUsed)} MB (committed ` +
        `${mb(before.heapCommitted)} / ${mb(mid.heapCommitted)} / ${mb(after.heapCommitted)} MB), external ` +
        `${mb(before.external)} / ${mb(mid.external)} / ${mb(after.external)} MB; per participant over ` +
        `the whole storm: RSS ${kb(after.rss - before.rss, joined)} KB, heap ${kb(after.heapUsed - before.heapUsed, joined)} KB`,
    );
    this.memory = {
      rssPerParticipantKB: (after.rss - mid.rss) / 1024 / Math.max(1, joinedSecond),
      heapPerParticipantKB: (after.heapUsed - mid.heapUsed) / 1024 / Math.max(1, joinedSecond),
    };
  }

  /** Roles and start; the board needs the clarification phase, so without fan-out rounds one advance. */
  async setup(advance: boolean): Promise<void> {
    this.step('roles and start');
    this.setups.push(
      ...(await Promise.all(this.workers.map((w) => w.call<SetupResult>('setup', { layout: 'group' })))),
    );
    if (advance) await this.toClarification();
    // The setup's own work done (its patches, their garbage) before the idle rates are read.
    await this.quiesce();
    await sleep(500);
    // Background over two idle seconds (timer polling, the adapter's and Socket.IO's own ticks), subtracted
    // from the command windows: Redis calls and bytes, and the loaded nodes' CPU (both targets alike).
    const [s0, cpu0] = await Promise.all([this.sample(), this.nodesCpu()]);
    const t0 = monoMs();
    await sleep(2000);
    const [s1, cpu1] = await Promise.all([this.sample(), this.nodesCpu()]);
    const idleSeconds = (monoMs() - t0) / 1000;
    this.idleRate = sumCounts(diffCounts(s1.counters, s0.counters)) / idleSeconds;
    this.idleCpuMicrosPerSec = cpu1.slice(0, 2).reduce((n, c, i) => n + c - cpu0[i]!, 0) / idleSeconds;
    this.idleBytesPerSec = {
      store: (s1.redisBytes.store - s0.redisBytes.store) / idleSeconds,
      adapter: (s1.redisBytes.adapter - s0.redisBytes.adapter) / idleSeconds,
    };
  }

  /** Every group moves from the first phase to the clarification, where the board is (not measured). */
  async toClarification(): Promise<void> {
    await Promise.all(
      this.workers.map((w) => w.call('fanout', { command: vocabulary.advance(0), timeoutMs: 15_000 })),
    );
  }

  /** (2) one fan-out round: every facilitator at once. */
  async fanoutRound(r: number): Promise<void> {
    this.step(`phase fan-out ${r + 1}/${this.plan.rounds}: every facilitator at once`);
    // Every room starts these rounds in its first phase: even rounds go forward, odd ones back.
    const command: WireCommand = r % 2 === 0 ? vocabulary.advance(0) : vocabulary.retreat(1);
    const results = await this.measure('fanout', () =>
      Promise.all(this.workers.map((w) => w.call<SpreadResult>('fanout', { command, timeoutMs: 15_000 }))),
    );
    this.fanouts.push(...results);
    this.fanoutRoundP99.push(summarize(concat(results.map((f) => f.latencies))).p99);
    await sleep(300);
  }

  /** (3) board load: consultants post at the planned total rate. */
  async board(): Promise<void> {
    const { postRate, boardMs, workers } = this.plan;
    this.step(`board load: ${postRate} posts/s for ${boardMs / 1000} s`);
    const total = Math.round((postRate * boardMs) / 1000);
    const params = { ratePerSec: postRate / workers, durationMs: boardMs, timeoutMs: 20_000 };
    const cpu0 = await this.nodesCpu();
    const t0 = monoMs();
    const { survivorsDir } = this.plan;
    const survivors = survivorsDir
      ? this.server.call('survivors', {
          file: join(survivorsDir, `${this.name.replace(' ', '')}.json`),
          afterMs: boardMs / 2,
          scavenges: 4,
          withinMs: boardMs + 5_000,
        })
      : null;
    this.boards = await this.measure('board', () =>
      this.all<SpreadResult>('board', params, 'posting (acks)', total),
    );
    await survivors;
    const seconds = (monoMs() - t0) / 1000;
    this.boardSeconds = seconds;
    const used = (await this.nodesCpu()).map((c, i) => c - cpu0[i]!);
    this.boardNodesCpuPct = used.map((micros) => micros / 1e4 / seconds);
    // The nodes that serve people: the first two (or the only one).
    this.boardLoadedCpuMicros = used.slice(0, 2).reduce((a, b) => a + b, 0);
    if (this.target === 'cercle')
      this.fanOutStats = await Promise.all(this.servers.map((s) => s.call('fanOut')));
  }

  /**
   * (6) noisy neighbour, Cercle only: one more room's nine seats, each open in `noisyTabs` tabs from one
   * address, fill its board to the text bound (noisy.ts); then the normal rooms post as in the board
   * scenario for `noisyMs` with that room idle (quiet) and `noisyMs` while it spends every budget the
   * server allows (beside the noise), in spells alternated quiet, noise, noise, quiet, ... so that what
   * the server does now and then whatever the load (a major garbage collection: tens of ms) falls on both
   * sides alike. Same run, same rooms: the ratio is the noise's cost.
   */
  async noisyNeighbour(): Promise<void> {
    if (this.target !== 'cercle') return;
    const { postRate, noisyMs, workers, noisyTabs } = this.plan;
    const spellMs = Math.max(1_000, Math.round(noisyMs / NOISY_SPELLS));
    const params = { ratePerSec: postRate / workers, durationMs: spellMs, timeoutMs: 20_000 };
    const total = Math.round((postRate * spellMs) / 1000);
    this.step(`noisy neighbour: one room fills its board, 9 seats x ${noisyTabs} tabs`);
    const noise = new RpcChild('noisy', here('./noisy.ts'));
    try {
      await noise.once('ready');
      await noise.call('init', { url: this.url, tabsPerSeat: noisyTabs });
      // One spell not counted: the fill's garbage is collected during it, not during the first quiet spell.
      await this.quiesce();
      await this.all<SpreadResult>('board', params, 'posting after the fill (not counted)', total);
      const quiet: SpreadResult[] = [];
      const loud: SpreadResult[] = [];
      for (let spell = 0; spell < 2 * NOISY_SPELLS; spell++) {
        const noisy = spell % 4 === 1 || spell % 4 === 2;
        if (noisy) {
          await noise.call('start');
          await sleep(1000); // the noise at full rate before the spell starts
        }
        await this.quiesce();
        this.step(
          `noisy neighbour: ${postRate} posts/s for ${spellMs / 1000} s, ${noisy ? 'beside the noise' : 'quiet'}`,
        );
        const parts = await this.measure(noisy ? 'noisy-loud' : 'noisy-quiet', () =>
          this.all<SpreadResult>(
            'board',
            params,
            noisy ? 'posting beside the noise (acks)' : 'posting quiet (acks)',
            total,
          ),
        );
        (noisy ? loud : quiet).push(...parts);
        if (noisy) await noise.call('pause');
      }
      const counts = await noise.call<Record<string, number>>('stop');
      this.noisy = {
        quiet: summarize(concat(quiet.map((b) => b.latencies))),
        loud: summarize(concat(loud.map((b) => b.latencies))),
        quietRefused: mergeCounts(quiet.map((b) => b.refused)),
        loudRefused: mergeCounts(loud.map((b) => b.refused)),
        noise: counts,
      };
    } finally {
      await noise.stop();
    }
  }

  /**
   * (7) capacity, one step: consultants post at `rate` in all for the step's length, as in the board
   * scenario. Held: post-to-peers p99 <= 100 ms, nothing refused, no receipt missing, and at least 90 %
   * of the rate sustained. Returns whether this target goes on to the next step; a failed step is run
   * once more before it counts (one spike of a shared machine does not end the ramp).
   */
  async capacityStep(rate: number): Promise<boolean> {
    const { stepMs } = this.plan.capacity;
    const { workers } = this.plan;
    this.capacity ??= { steps: [], heldRate: Number.NaN, endedBy: '' };
    const run = async (): Promise<CapacityStep> => {
      await this.quiesce();
      this.step(`capacity: ${rate} posts/s for ${stepMs / 1000} s`);
      const params = { ratePerSec: rate / workers, durationMs: stepMs, timeoutMs: 10_000 };
      const total = Math.round((rate * stepMs) / 1000);
      const [server0, clients0] = await Promise.all([this.sample(), this.clientCpu()]);
      const t0 = monoMs();
      const parts = await this.measure('capacity', () =>
        this.all<SpreadResult>('board', params, `capacity ${rate}/s (acks)`, total),
      );
      const [server1, clients1] = await Promise.all([this.sample(), this.clientCpu()]);
      const stepSeconds = (monoMs() - t0) / 1000;
      const serverCpuPct = (server1.cpuMicros - server0.cpuMicros) / 1e4 / stepSeconds;
      const clientCpuPct = (clients1 - clients0) / 1e4 / stepSeconds;
      const p99 = summarize(concat(parts.map((b) => b.latencies))).p99;
      const sent = parts.reduce((n, b) => n + b.sent, 0);
      const accepted = parts.reduce((n, b) => n + b.accepted, 0);
      const missing = parts.reduce((n, b) => n + b.missing, 0);
      const first = Math.min(...parts.map((b) => b.firstSend));
      const last = Math.max(...parts.map((b) => b.lastAck));
      const sustained = accepted / Math.max(0.001, (last - first) / 1000);
      const refused = mergeCounts(parts.map((b) => b.refused));
      const failed: string[] = [];
      if (!(p99 <= 100)) failed.push(`p99 ${p99.toFixed(0)} ms`);
      if (accepted < sent) failed.push(`refused ${JSON.stringify(refused)}`);
      if (missing > 0) failed.push(`${missing} receipts missing`);
      if (!(sustained >= 0.9 * rate)) failed.push(`sustained ${sustained.toFixed(0)}/s`);
      const step = {
        rate,
        p99,
        sustained,
        sent,
        accepted,
        missing,
        refused,
        serverCpuPct,
        clientCpuPct,
        failed,
      };
      this.capacity!.steps.push(step);
      return step;
    };
    let step = await run();
    if (step.failed.length) step = await run();
    if (step.failed.length) {
      this.capacity.endedBy = step.failed.join(', ');
      return false;
    }
    this.capacity.heldRate = rate;
    return true;
  }

  /** The ramp stopped at its bounds (rate or steps) rather than at a failed step. */
  capacityBounded(why: string): void {
    if (this.capacity && !this.capacity.endedBy) this.capacity.endedBy = why;
  }

  /** (4) timers: the pairs join and start, then every room's deadline is moved to one instant. */
  async timersScenario(): Promise<void> {
    const { pairs, joinRate, workers } = this.plan;
    if (pairs > 0) {
      this.step(`timers: ${pairs} pairs join and start`);
      const joined = await this.all<JoinResult>(
        'join',
        // Not measured: the pairs only bring the count of timers up, so they come in twice as fast.
        { layout: 'pair', ratePerSec: (2 * joinRate) / workers },
        'pairs joining',
        pairs * 2,
      );
      this.pairJoinFailures = mergeCounts(joined.map((r) => r.failures));
      this.setups.push(
        ...(await Promise.all(this.workers.map((w) => w.call<SetupResult>('setup', { layout: 'pair' })))),
      );
      await sleep(500);
    }
    await this.timerRound(0);
  }

  /**
   * One round of the timers scenario: every room's deadline moved to one instant (a timer that expired
   * in the round before is made due again: SPEC TM-3), then everyone waits for "time is up".
   */
  async timerRound(r: number): Promise<void> {
    const { timers, timerRounds } = this.plan;
    // Long enough for every room's timer command to be stored before the common deadline.
    const leadMs = Math.max(1500, timers * 5);
    const at = Math.ceil(epochMs() + leadMs);
    const which = timerRounds > 1 ? ` (round ${r + 1}/${timerRounds})` : '';
    this.step(`timers: ${timers} deadlines at +${leadMs} ms${which}`);
    const results = await this.measure('timers', () =>
      Promise.all(this.workers.map((w) => w.call<TimerResult>('timers', { at, timeoutMs: 10_000 }))),
    );
    this.timers.push(...results);
    this.timerRoundP99.push(summarize(concat(results.map((t) => t.clientLateness))).p99);
    this.timerServerRoundP99.push(summarize(concat(results.map((t) => t.serverLateness))).p99);
  }

  async stop(): Promise<void> {
    this.step('stopping');
    if (this.plan.traceDir)
      writeFileSync(
        join(this.plan.traceDir, `${this.name.replace(' ', '')}-spells.json`),
        JSON.stringify(this.traced),
      );
    await Promise.all(this.workers.map((w) => w.call('close').catch(() => {})));
    await Promise.all([...this.workers, ...this.servers].filter(Boolean).map((c) => c.stop()));
    for (const client of this.redisInfos) client.disconnect();
    await this.redis?.stop();
    await this.cluster?.stop();
  }

  /** `--baseline-store`: how many writes the floor's redis-server answered (INFO commandstats), for the notes. */
  async countFloorWrites(): Promise<void> {
    if (this.target !== 'baseline' || !this.plan.baselineStore) return;
    const stats = await this.redisInfos[0]!.info('commandstats');
    this.floorWrites = Number(/cmdstat_hset:calls=(\d+)/.exec(stats)?.[1] ?? 0);
  }

  result(): TargetResult {
    const fanouts = this.fanouts;
    const boards = this.boards;
    const timers = this.timers;
    const accepted = [...fanouts, ...boards].reduce((n, s) => n + s.accepted, 0);
    const calls = this.commandWindow.calls;
    const storeCalls = Object.entries(calls)
      .filter(([name]) => !isAdapterCall(name))
      .reduce((n, [, v]) => n + v, 0);
    const background = this.idleRate * this.commandWindow.seconds;
    const netBytes = (role: 'store' | 'adapter') =>
      Math.max(0, this.commandWindow.bytes[role] - this.idleBytesPerSec[role] * this.commandWindow.seconds);
    const perCommand = (bytes: number) =>
      this.target === 'cercle' && accepted > 0 ? bytes / accepted : Number.NaN;
    const firstSend = Math.min(...boards.map((b) => b.firstSend).filter(Number.isFinite));
    const lastAck = Math.max(...boards.map((b) => b.lastAck).filter(Number.isFinite));
    const boardAccepted = boards.reduce((n, b) => n + b.accepted, 0);
    const cpuPerPost = (micros: number) => (boardAccepted > 0 ? micros / 1000 / boardAccepted : Number.NaN);
    const windows = Object.fromEntries(
      Object.entries(this.windows).map(([k, w]) => [
        k,
        {
          ...w,
          serverCpu: round(w.serverCpu, 0),
          clientCpu: round(w.clientCpu, 0),
          loopDelayP99Ms: round(w.loopDelayP99Ms),
        },
      ]),
    );
    return {
      target: this.target,
      join: {
        summary: summarize(concat(this.joins.map((j) => j.latencies))),
        failures: mergeCounts(this.joins.map((j) => j.failures)),
        seconds: this.windows.join?.seconds ?? Number.NaN,
      },
      fanout: {
        summary: summarize(concat(fanouts.map((f) => f.latencies))),
        acks: summarize(concat(fanouts.map((f) => f.acks))),
        missing: fanouts.reduce((n, f) => n + f.missing, 0),
        refused: mergeCounts(fanouts.map((f) => f.refused)),
        roundP99: this.fanoutRoundP99.map((p) => round(p)),
        announced: fanouts.reduce((n, f) => n + f.announced, 0),
      },
      board: {
        summary: summarize(concat(boards.map((b) => b.latencies))),
        acks: summarize(concat(boards.map((b) => b.acks))),
        postsPerSec: boardAccepted / Math.max(0.001, (lastAck - firstSend) / 1000),
        sent: boards.reduce((n, b) => n + b.sent, 0),
        accepted: boardAccepted,
        missing: boards.reduce((n, b) => n + b.missing, 0),
        announced: boards.reduce((n, b) => n + b.announced, 0),
        refused: mergeCounts(boards.map((b) => b.refused)),
      },
      timers: {
        client: summarize(concat(timers.map((t) => t.clientLateness))),
        server: summarize(concat(timers.map((t) => t.serverLateness))),
        roundP99: this.timerRoundP99.map((p) => round(p)),
        serverRoundP99: this.timerServerRoundP99.map((p) => round(p)),
        armed: timers.reduce((n, t) => n + t.armed, 0),
        marginMs: Math.min(...timers.map((t) => t.margin)),
        missing: timers.reduce((n, t) => n + t.missing, 0),
        announced: timers.reduce((n, t) => n + t.announced, 0),
        refused: mergeCounts(timers.map((t) => t.refused)),
      },
      ...this.memory,
      redisCallsPerCommand:
        this.target === 'cercle' ? Math.max(0, storeCalls - background) / Math.max(1, accepted) : 0,
      redisCalls: calls,
      cpuPerPost: {
        grossMs: cpuPerPost(this.boardLoadedCpuMicros),
        netMs: cpuPerPost(
          Math.max(0, this.boardLoadedCpuMicros - this.idleCpuMicrosPerSec * this.boardSeconds),
        ),
        idleCpuPct: this.idleCpuMicrosPerSec / 1e4,
      },
      redisBytesPerCommand: {
        total: perCommand(netBytes('store') + netBytes('adapter')),
        store: perCommand(netBytes('store')),
        adapter: perCommand(netBytes('adapter')),
      },
      acceptedCommands: accepted,
      floorWrites: this.floorWrites,
      windows,
      serverLog: this.server.logEvents,
      setupRefused: mergeCounts(this.setups.map((s) => s.refused)),
      pairJoinFailures: this.pairJoinFailures,
      noisy: this.noisy,
      capacity: this.capacity,
      scale:
        this.target === 'cercle'
          ? {
              nodes: this.nodes,
              boardCpuPct: this.boardNodesCpuPct,
              loadedCpuMsPerPost: this.boardLoadedCpuMicros / 1000 / Math.max(1, boardAccepted),
              fanOut: this.fanOutStats,
            }
          : null,
    };
  }
}
