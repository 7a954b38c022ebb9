import { randomUUID } from 'node:crypto';
import { io, type Socket } from 'socket.io-client';
import { TEXTS_VERSION } from '../../shared/src/engine/texts.js';
import { notify, serveRpc } from './rpc.js';
import { epochMs, monoMs } from './stats.js';
import {
  deadlineOf,
  type Layout,
  loopback,
  type Target,
  type ViewTimer,
  vocabulary,
  type WireCommand,
} from './vocabulary.js';

/**
 * A client process: it holds whole rooms of simulated people (each a socket.io-client over WebSocket,
 * one connection each) and runs the scenarios the orchestrator asks for. Latencies are differences of
 * process.hrtime stamps (CLOCK_MONOTONIC, shared by every process of the machine); a command's send
 * stamp and its broadcast's receipt stamps are matched by the room version the command produced.
 */
/** `index` numbers the room in the whole run: it picks its people's loopback addresses. */
export type RoomSpec = { code: string; facilitatorKey?: string; layout: Layout; index: number };
export type JoinResult = { latencies: Float64Array; joined: number; failures: Record<string, number> };
export type SpreadResult = {
  /** Send-to-receipt latency to every member but the sender, ms. */
  latencies: Float64Array;
  /** Send-to-acknowledgement latency, ms. */
  acks: Float64Array;
  sent: number;
  accepted: number;
  refused: Record<string, number>;
  missing: number;
  firstSend: number;
  lastAck: number;
  /** Receipts at least SLOW_MS after their send: (send stamp, receipt stamp) pairs, for `--trace`. */
  slow: Float64Array;
  /** `room:version` announcements received (SR-2): a page would ask for a snapshot on each one ahead of it. */
  announced: number;
};
export type TimerResult = {
  /** Client receipt of "time is up" minus the deadline, ms, both on the machine's wall clock. */
  clientLateness: Float64Array;
  /** The server's `expiredAt` minus the deadline, ms, once per room. */
  serverLateness: Float64Array;
  armed: number;
  /** The last arming acknowledgement came this long before the deadline (ms); negative means too late. */
  margin: number;
  accepted: number;
  refused: Record<string, number>;
  missing: number;
  /** `room:version` announcements received meanwhile (see SpreadResult). */
  announced: number;
};

type Member = { index: number; socket: Socket | null; participantId: string | null; timeUpAt: number | null };
type RoomRun = {
  spec: RoomSpec;
  members: Member[];
  version: number;
  timer: ViewTimer | null;
  /** Version produced by each accepted command of the scenario: send stamp and sender. */
  sends: Map<number, { t: number; sender: number }>;
  /**
   * Flat (from, to, member, stamp) quadruples of every patch received during the scenario. A patch covers
   * the versions from + 1 to `to`: the server tells the commands it stored together in one patch.
   */
  receipts: number[];
};

type Patch = { from: number; to: number; patch?: { set?: Record<string, unknown>; del?: string[] } };
/** How long a command waits for its acknowledgement before it counts as `no_ack`. */
const ACK_TIMEOUT_MS = 60_000;

/** `patch`: the write's patch, which the sending connection gets in the acknowledgement (SPEC SC-7). */
type Ack = { ok: true; version: number; patch?: Patch } | { ok: false; error?: { code?: string } };

const sizes: Record<Layout, number> = { group: 8, pair: 2 };
/** A receipt this late is kept with its stamps (SpreadResult.slow). */
const SLOW_MS = 10;
let target: Target = 'baseline';
/** The Cercle nodes people connect to: member i of a room to node i mod n (one node: every member). */
let urls: string[] = [];
let rooms: RoomRun[] = [];
let receiptCount = 0;
let lastReceiptAt = 0;
let timersAt: number | null = null;
/** `room:version` announcements received since the scenario started. */
let announced = 0;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const bump = (counts: Record<string, number>, key: string) => {
  counts[key] = (counts[key] ?? 0) + 1;
};

function onPatch(room: RoomRun, member: Member, patch: Patch): void {
  const t = monoMs();
  receiptCount += Math.max(1, patch.to - patch.from); // the versions it tells
  lastReceiptAt = t;
  room.receipts.push(patch.from, patch.to, member.index, t);
  const set = patch.patch?.set;
  if (patch.to > room.version) {
    room.version = patch.to;
    if (set && 'timer' in set) room.timer = (set.timer as ViewTimer | null) ?? null;
    else if (patch.patch?.del?.includes('timer')) room.timer = null;
  }
  const timer = set?.timer as ViewTimer | null | undefined;
  if (timersAt !== null && timer && timer.expiredAt !== null && member.timeUpAt === null) {
    member.timeUpAt = epochMs() - deadlineOf(timer);
  }
}

function connect(room: RoomRun, member: Member): Promise<{ latency?: number; failure?: string }> {
  // `texts`: what the page sends, since it bundles the built-in texts (SPEC VW-10).
  const auth: Record<string, string> = {
    code: room.spec.code,
    name: `Bench ${member.index + 1}`,
    texts: TEXTS_VERSION,
  };
  if (member.index === 0 && room.spec.facilitatorKey) auth.facilitatorKey = room.spec.facilitatorKey;
  const t0 = monoMs();
  const socket = io(urls[member.index % urls.length]!, {
    transports: ['websocket'],
    forceNew: true,
    reconnection: false,
    timeout: 60_000,
    auth,
    // Passed down to the `ws` client: each person comes from its own loopback address.
    ...({ localAddress: loopback(room.spec.index * 8 + member.index) } as object),
  });
  member.socket = socket;
  socket.on('room:patch', (patch: Patch) => onPatch(room, member, patch));
  socket.on('room:version', () => {
    announced++;
  });
  return new Promise((resolveOnce) => {
    let settled = false;
    const resolve = (outcome: { latency?: number; failure?: string }) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolveOnce(outcome);
    };
    const timer = setTimeout(() => resolve({ failure: 'no welcome in 30 s' }), 30_000);
    socket.once('disconnect', (reason: string) =>
      resolve({ failure: `disconnected before welcome: ${reason}` }),
    );
    socket.once(
      'session:welcome',
      (welcome: {
        participantId: string;
        snapshot?: { version: number; view?: { timer?: ViewTimer | null } };
      }) => {
        const latency = monoMs() - t0;
        member.participantId = welcome.participantId;
        const snapshot = welcome.snapshot;
        if (snapshot && snapshot.version >= room.version) {
          room.version = snapshot.version;
          room.timer = snapshot.view?.timer ?? null;
        }
        resolve({ latency });
      },
    );
    socket.once('session:waiting', () => resolve({ failure: 'waiting' }));
    socket.once('connect_error', (error: Error & { data?: { code?: string } }) =>
      resolve({ failure: error.data?.code ?? error.message }),
    );
  });
}

/**
 * Everyone of the layout's rooms joins, at `ratePerSec` arrivals per second, member k of every room in
 * turn; `part: [i, n]`: only the i-th of n interleaved shares of those rooms (the memory figure's halves).
 */
async function join(params: {
  layout: Layout;
  ratePerSec: number;
  part?: [number, number];
}): Promise<JoinResult> {
  const queue: [RoomRun, Member][] = [];
  const part = params.part ?? [0, 1];
  const mine = rooms.filter((r) => r.spec.layout === params.layout).filter((_, i) => i % part[1] === part[0]);
  for (let k = 0; k < sizes[params.layout]; k++)
    for (const room of mine) queue.push([room, room.members[k]!]);
  const latencies: number[] = [];
  const failures: Record<string, number> = {};
  const pending: Promise<void>[] = [];
  const start = monoMs();
  let next = 0;
  let done = 0;
  const progress = setInterval(() => notify('progress', { done, total: queue.length }), 250);
  while (next < queue.length) {
    const due = Math.min(queue.length, Math.floor(((monoMs() - start) / 1000) * params.ratePerSec) + 1);
    while (next < due) {
      const [room, member] = queue[next++]!;
      pending.push(
        connect(room, member).then((r) => {
          done++;
          if (r.latency !== undefined) latencies.push(r.latency);
          else bump(failures, r.failure ?? 'unknown');
        }),
      );
    }
    await sleep(2);
  }
  await Promise.all(pending);
  clearInterval(progress);
  notify('progress', { done, total: queue.length });
  return { latencies: Float64Array.from(latencies), joined: latencies.length, failures };
}

type Tally = {
  sent: number;
  accepted: number;
  refused: Record<string, number>;
  acks: number[];
  firstSend: number;
  lastAck: number;
};
const newTally = (): Tally => ({
  sent: 0,
  accepted: 0,
  refused: {},
  acks: [],
  firstSend: Number.NaN,
  lastAck: Number.NaN,
});

function send(room: RoomRun, member: Member, command: WireCommand, tally: Tally): Promise<boolean> {
  const socket = member.socket;
  if (!socket?.connected) {
    bump(tally.refused, 'not_connected');
    return Promise.resolve(false);
  }
  const t = monoMs();
  if (tally.sent === 0) tally.firstSend = t;
  tally.sent++;
  return new Promise((resolve) => {
    // Bounded: a connection dropped after the emit never gets its acknowledgement, and a scenario (the
    // setup has no deadline of its own) would wait for it for good. Counted as `no_ack`.
    socket
      .timeout(ACK_TIMEOUT_MS)
      .emit('room:command', { id: randomUUID(), command }, (error: Error | null, ack: Ack) => {
        if (error) {
          bump(tally.refused, 'no_ack');
          resolve(false);
          return;
        }
        const now = monoMs();
        tally.lastAck = now;
        tally.acks.push(now - t);
        if (ack?.ok) {
          tally.accepted++;
          room.sends.set(ack.version, { t, sender: member.index });
          // As a page does: the patch inside is received now (others' commands stored in the same write).
          if (ack.patch) onPatch(room, member, ack.patch);
          resolve(true);
        } else {
          bump(tally.refused, (ack && !ack.ok && ack.error?.code) || 'no_ack');
          resolve(false);
        }
      });
  });
}

function resetScenario(): void {
  receiptCount = 0;
  announced = 0;
  for (const room of rooms) {
    room.sends.clear();
    room.receipts = [];
  }
}

const connectedOf = (room: RoomRun) => room.members.filter((m) => m.socket?.connected).length;

/** Waits until every accepted command reached every other member (or `timeoutMs`), then a quiet spell. */
async function settle(tally: Tally, acksDone: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = monoMs() + timeoutMs;
  const expected = () => {
    let n = 0;
    for (const room of rooms) if (room.sends.size) n += room.sends.size * (connectedOf(room) - 1);
    return n;
  };
  while (monoMs() < deadline) {
    if (acksDone() && receiptCount >= expected() && monoMs() - lastReceiptAt > 150) return;
    await sleep(20);
  }
  void tally;
}

function collect(tally: Tally): SpreadResult {
  const latencies: number[] = [];
  const slow: number[] = [];
  let missing = 0;
  for (const room of rooms) {
    const got = new Map<number, number>();
    const r = room.receipts;
    for (let i = 0; i < r.length; i += 4) {
      // Every version the patch covers: a command's version is told by the patch that covers it.
      for (let version = r[i]! + 1; version <= r[i + 1]!; version++) {
        const s = room.sends.get(version);
        if (!s || r[i + 2] === s.sender) continue;
        const latency = r[i + 3]! - s.t;
        latencies.push(latency);
        if (latency >= SLOW_MS) slow.push(s.t, r[i + 3]!);
        got.set(version, (got.get(version) ?? 0) + 1);
      }
    }
    const peers = connectedOf(room) - 1;
    for (const version of room.sends.keys()) missing += Math.max(0, peers - (got.get(version) ?? 0));
  }
  return {
    latencies: Float64Array.from(latencies),
    acks: Float64Array.from(tally.acks),
    sent: tally.sent,
    accepted: tally.accepted,
    refused: tally.refused,
    missing,
    firstSend: tally.firstSend,
    lastAck: tally.lastAck,
    slow: Float64Array.from(slow),
    announced,
  };
}

/** Roles and start: the facilitator makes member 2 the client and starts; a pair's first member starts. */
async function setup(params: {
  layout: Layout;
}): Promise<{ accepted: number; refused: Record<string, number> }> {
  const tally = newTally();
  await Promise.all(
    rooms
      .filter((r) => r.spec.layout === params.layout)
      .map(async (room) => {
        const driver = room.members[0]!;
        if (room.spec.layout === 'group') {
          const client = room.members[1]!;
          if (client.participantId)
            await send(room, driver, vocabulary.assignClient(client.participantId), tally);
        }
        await send(room, driver, vocabulary.start, tally);
      }),
  );
  return { accepted: tally.accepted, refused: tally.refused };
}

/** Every group's facilitator sends `command` at once. */
async function fanout(params: { command: WireCommand; timeoutMs: number }): Promise<SpreadResult> {
  resetScenario();
  const tally = newTally();
  const groups = rooms.filter((r) => r.spec.layout === 'group');
  let acked = 0;
  for (const room of groups) void send(room, room.members[0]!, params.command, tally).finally(() => acked++);
  await settle(tally, () => acked === groups.length, params.timeoutMs);
  return collect(tally);
}

/** Consultants post at `ratePerSec` in all for `durationMs`, spread over rooms in turn. */
async function board(params: {
  ratePerSec: number;
  durationMs: number;
  timeoutMs: number;
}): Promise<SpreadResult> {
  resetScenario();
  const tally = newTally();
  const posters: [RoomRun, Member][] = [];
  const groups = rooms.filter((r) => r.spec.layout === 'group');
  for (let k = 2; k < sizes.group; k++) for (const room of groups) posters.push([room, room.members[k]!]);
  const total = Math.round((params.ratePerSec * params.durationMs) / 1000);
  if (posters.length === 0 || total === 0) return collect(tally);
  let next = 0;
  let acked = 0;
  const start = monoMs();
  const progress = setInterval(() => notify('progress', { done: acked, total }), 250);
  while (next < total) {
    const due = Math.min(total, Math.floor(((monoMs() - start) / 1000) * params.ratePerSec) + 1);
    while (next < due) {
      const [room, member] = posters[next % posters.length]!;
      void send(room, member, vocabulary.post(next), tally).finally(() => acked++);
      next++;
    }
    await sleep(2);
  }
  await settle(tally, () => acked === total, params.timeoutMs);
  clearInterval(progress);
  return collect(tally);
}

/** Every room's driver moves its timer's deadline to `at`; then everyone waits for "time is up". */
async function timers(params: { at: number; timeoutMs: number }): Promise<TimerResult> {
  resetScenario();
  const tally = newTally();
  for (const room of rooms) for (const m of room.members) m.timeUpAt = null;
  timersAt = params.at;
  const armedRooms: RoomRun[] = [];
  await Promise.all(
    rooms.map(async (room) => {
      const command = vocabulary.timerAt(target, room.timer, params.at);
      if (!command) {
        bump(tally.refused, 'no_running_timer');
        return;
      }
      if (await send(room, room.members[0]!, command, tally)) armedRooms.push(room);
    }),
  );
  const everyoneKnows = () =>
    armedRooms.every((room) => room.members.every((m) => !m.socket?.connected || m.timeUpAt !== null));
  const deadline = monoMs() + Math.max(0, params.at - epochMs()) + params.timeoutMs;
  while (monoMs() < deadline && !everyoneKnows()) await sleep(20);
  timersAt = null;
  const margin = params.at - (epochMs() - (monoMs() - tally.lastAck));
  const clientLateness: number[] = [];
  const serverLateness: number[] = [];
  let missing = 0;
  for (const room of armedRooms) {
    for (const m of room.members) {
      if (m.timeUpAt !== null) clientLateness.push(m.timeUpAt);
      else if (m.socket?.connected) missing++;
    }
    const timer = room.timer;
    if (timer?.expiredAt != null) serverLateness.push(timer.expiredAt - deadlineOf(timer));
  }
  return {
    clientLateness: Float64Array.from(clientLateness),
    serverLateness: Float64Array.from(serverLateness),
    armed: armedRooms.length,
    margin: Number.isFinite(margin) ? margin : Number.NaN,
    accepted: tally.accepted,
    refused: tally.refused,
    missing,
    announced,
  };
}

serveRpc({
  init: (params: { target: Target; urls: string[]; rooms: RoomSpec[] }) => {
    target = params.target;
    urls = params.urls;
    rooms = params.rooms.map((spec) => ({
      spec,
      members: Array.from({ length: sizes[spec.layout] }, (_, index) => ({
        index,
        socket: null,
        participantId: null,
        timeUpAt: null,
      })),
      version: 0,
      timer: null,
      sends: new Map(),
      receipts: [],
    }));
    return rooms.length;
  },
  join,
  setup,
  fanout,
  board,
  timers,
  clock: () => monoMs(),
  cpu: () => {
    const usage = process.cpuUsage();
    return usage.user + usage.system;
  },
  close: async () => {
    for (const room of rooms) for (const m of room.members) m.socket?.disconnect();
    await sleep(50);
    return true;
  },
});
notify('ready');
