import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { NODE_FLAGS } from '../../server/src/nodeFlags.js';
import { type RedisServer, startRedisServer } from '../support/redisServer.js';
import type { BigRoomKind, BigRoomSpec, SpellResult } from './bigRoomWorker.js';
import { RpcChild } from './rpc.js';
import type { ServerSample } from './serverStats.js';
import { cercleServerEnv, postJson } from './session.js';
import { monoMs, summarize } from './stats.js';
import { loopback } from './vocabulary.js';

/**
 * The big-room scenario (issue 18, docs/performance.md): does a command cost more in a room that holds
 * a thousand cards than in one that holds ten? Cercle against itself, on a node of its own (its own
 * redis-server), so that filling the big rooms neither waits for nor disturbs the other scenarios.
 * Spells of the same cycle of commands at the same rate alternate between the two kinds of room
 * (big, small, then small, big, ...); each spell's server CPU and bytes written to Redis, net of the
 * idle rate, are divided by the commands it had accepted.
 */
export type BigRoomPlan = {
  /** Rooms of each kind. */
  rooms: number;
  /** Cards in a big room and in a small one. */
  bigCards: number;
  smallCards: number;
  /** Commands per second in each room during a spell, the spell's length, and the rounds (one spell of each kind per round). */
  ratePerRoom: number;
  spellMs: number;
  rounds: number;
  cpuProf: boolean;
};

export type KindFigures = {
  /** Server CPU ms per accepted command, net of idle. */
  cpuMsPerCommand: number;
  /** Bytes written to Redis per accepted command, net of idle: in all, the store's, the adapter's. */
  redisBytesPerCommand: number;
  storeBytesPerCommand: number;
  adapterBytesPerCommand: number;
  /** redis-server's own CPU ms per accepted command (not net of idle: it is near 0 when idle). */
  redisServerCpuMsPerCommand: number;
  ackP99Ms: number;
  sent: number;
  accepted: number;
  refused: Record<string, number>;
  seconds: number;
};

export type BigRoomResult = {
  big: KindFigures;
  small: KindFigures;
  /** Cards each kind of room held at the end (mean, by the facilitators' count). */
  cards: Record<BigRoomKind, number>;
  fillSeconds: number;
  fillRefused: Record<string, number>;
  idleCpuPct: number;
};

/**
 * The node's own settings: COMMAND_RATE (a seat's command budget per second, the room's being twice
 * that, SPEC HT-3) raised from 10 to 100, so that ten consultants fill a room with a thousand cards in
 * seconds instead of the 50 s the room's default budget of 20 a second takes. The budgets are still
 * checked on every command. The spells run at `ratePerRoom` (16 a second by default: within the default
 * budgets), so the raise shapes only the fill.
 */
const BIG_ROOM_SETTINGS = { COMMAND_RATE: '100' };

const here = (file: string) => fileURLToPath(new URL(file, import.meta.url));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function runBigRoom(
  plan: BigRoomPlan,
  say: (text: string, transient?: boolean) => void,
): Promise<BigRoomResult> {
  const step = (text: string) => say(`[bench big rooms] ${text}`);
  step(
    `starting redis-server and a Cercle node; ${plan.rooms} rooms of ${plan.bigCards} cards, ${plan.rooms} of ${plan.smallCards}`,
  );
  let redis: RedisServer | null = null;
  let info: Redis | null = null;
  let server: RpcChild | null = null;
  let worker: RpcChild | null = null;
  try {
    redis = await startRedisServer();
    info = new Redis(redis.url, { lazyConnect: true, maxRetriesPerRequest: 1 });
    await info.connect();
    const execArgv = [
      ...NODE_FLAGS, // as deployed (server/src/nodeFlags.ts)
      '--expose-gc',
      ...(plan.cpuProf ? ['--cpu-prof', `--cpu-prof-dir=${join(tmpdir(), 'cercle-bench-profiles')}`] : []),
    ];
    server = new RpcChild('bigroom-server', here('./cercleServer.ts'), {
      execArgv,
      env: await cercleServerEnv({ REDIS_URL: redis.url, ...BIG_ROOM_SETTINGS }),
    });
    const { url } = await server.once<{ url: string }>('ready');
    const specs: BigRoomSpec[] = [];
    for (let i = 0; i < 2 * plan.rooms; i++) {
      // The custom template (codev's phases) seats twelve: a facilitator, a client and ten consultants.
      const body = { template: 'custom', title: 'Bench big room', locale: 'en' };
      const res = await postJson(`${url}/api/rooms`, body, loopback(i));
      if (res.status !== 201) throw new Error(`POST /api/rooms answered ${res.status}: ${res.body}`);
      const created = JSON.parse(res.body) as { code: string; facilitatorKey: string };
      specs.push({ ...created, kind: i % 2 === 0 ? 'big' : 'small', index: i });
    }
    worker = new RpcChild('bigroom-worker', here('./bigRoomWorker.ts'));
    await worker.once('ready');
    await worker.call('init', { url, rooms: specs });
    step('12 people join each room; start; on to the consultation');
    await worker.call('join');
    step(`filling: consultants post until the rooms hold ${plan.bigCards} and ${plan.smallCards} cards`);
    const f0 = monoMs();
    const fillRefused = await worker.call<Record<string, number>>('fill', {
      big: plan.bigCards,
      small: plan.smallCards,
    });
    const fillSeconds = (monoMs() - f0) / 1000;

    const sample = () => server!.call<ServerSample>('sample');
    const redisCpu = async () => {
      const text = await info!.info('cpu');
      const field = (name: string) => Number(new RegExp(`${name}:([0-9.]+)`).exec(text)?.[1] ?? 0);
      return field('used_cpu_user') + field('used_cpu_sys');
    };
    // Calm, then the idle rates over two seconds: CPU and bytes to Redis, subtracted from every spell.
    for (let waited = 0; waited < 10_000; waited += 300) {
      await sleep(300);
      if ((await sample()).loopDelayP99Ms < 50) break;
    }
    const i0 = await sample();
    const ti = monoMs();
    await sleep(2000);
    const i1 = await sample();
    const idleSeconds = (monoMs() - ti) / 1000;
    const idle = {
      cpu: (i1.cpuMicros - i0.cpuMicros) / idleSeconds,
      store: (i1.redisBytes.store - i0.redisBytes.store) / idleSeconds,
      adapter: (i1.redisBytes.adapter - i0.redisBytes.adapter) / idleSeconds,
    };

    type Sum = {
      cpu: number;
      store: number;
      adapter: number;
      redisCpu: number;
      seconds: number;
      spells: SpellResult[];
    };
    const sums: Record<BigRoomKind, Sum> = {
      big: { cpu: 0, store: 0, adapter: 0, redisCpu: 0, seconds: 0, spells: [] },
      small: { cpu: 0, store: 0, adapter: 0, redisCpu: 0, seconds: 0, spells: [] },
    };
    const spell = async (kind: BigRoomKind, round: number) => {
      step(
        `round ${round + 1}/${plan.rounds}: ${kind} rooms, ${plan.ratePerRoom} commands/s each for ${plan.spellMs / 1000} s`,
      );
      await sleep(300);
      const [s0, r0] = await Promise.all([sample(), redisCpu()]);
      const t0 = monoMs();
      const result = await worker!.call<SpellResult>('spell', {
        kind,
        ratePerSec: plan.ratePerRoom,
        durationMs: plan.spellMs,
      });
      // Every write acknowledged; the last patches and publishes leave within the same turn or so.
      await sleep(200);
      const [s1, r1] = await Promise.all([sample(), redisCpu()]);
      const seconds = (monoMs() - t0) / 1000;
      const sum = sums[kind];
      sum.cpu += s1.cpuMicros - s0.cpuMicros - idle.cpu * seconds;
      sum.store += s1.redisBytes.store - s0.redisBytes.store - idle.store * seconds;
      sum.adapter += s1.redisBytes.adapter - s0.redisBytes.adapter - idle.adapter * seconds;
      sum.redisCpu += (r1 - r0) * 1000;
      sum.seconds += seconds;
      sum.spells.push(result);
    };
    for (let r = 0; r < plan.rounds; r++) {
      const order: BigRoomKind[] = r % 2 === 0 ? ['big', 'small'] : ['small', 'big'];
      for (const kind of order) await spell(kind, r);
    }
    const figures = (kind: BigRoomKind): KindFigures => {
      const sum = sums[kind];
      const accepted = sum.spells.reduce((n, s) => n + s.accepted, 0);
      const per = (v: number) => (accepted > 0 ? Math.max(0, v) / accepted : Number.NaN);
      const refused: Record<string, number> = {};
      for (const s of sum.spells)
        for (const [k, v] of Object.entries(s.refused)) refused[k] = (refused[k] ?? 0) + v;
      return {
        cpuMsPerCommand: per(sum.cpu / 1000),
        redisBytesPerCommand: per(sum.store + sum.adapter),
        storeBytesPerCommand: per(sum.store),
        adapterBytesPerCommand: per(sum.adapter),
        redisServerCpuMsPerCommand: per(sum.redisCpu),
        ackP99Ms: summarize(sum.spells.flatMap((s) => s.acks)).p99,
        sent: sum.spells.reduce((n, s) => n + s.sent, 0),
        accepted,
        refused,
        seconds: sum.seconds,
      };
    };
    const held = await worker.call<{ kind: BigRoomKind; cards: number }[]>('cards');
    const mean = (kind: BigRoomKind) => {
      const mine = held.filter((h) => h.kind === kind);
      return mine.reduce((n, h) => n + h.cards, 0) / Math.max(1, mine.length);
    };
    return {
      big: figures('big'),
      small: figures('small'),
      cards: { big: mean('big'), small: mean('small') },
      fillSeconds,
      fillRefused,
      idleCpuPct: idle.cpu / 1e4,
    };
  } finally {
    step('stopping');
    await worker?.call('close').catch(() => {});
    await worker?.stop();
    await server?.stop();
    info?.disconnect();
    await redis?.stop();
  }
}
