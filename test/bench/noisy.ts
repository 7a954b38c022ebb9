import { randomUUID } from 'node:crypto';
import { request } from 'node:http';
import { io, type Socket } from 'socket.io-client';
import { notify, serveRpc } from './rpc.js';
import { createRoomBody } from './vocabulary.js';

/**
 * The noisy neighbour (docs/performance.md): one codev room of nine seats, each
 * seat open in several tabs. It first fills the room's board to the room's text bound with 500-character
 * cards, then every tab sends `room:sync`, `time:ping`, commands and unknown events at twice what its
 * share of the seat's budget allows (SPEC HT-3), so every budget is spent all the time. Connections the
 * server closes for flooding are opened again. It counts what it was answered.
 */
/** Seat n's loopback address (its own, so the per-address join limit does not shape the scenario). */
const address = (seat: number) => `127.250.0.${2 + seat}`;
/** What one seat may send per second (server/src/realtime/budgets.ts, COMMAND_RATE's default). */
const SEAT_RATES = { command: 10, sync: 1, ping: 2, other: 1 };

const OVERSPEND = 2;

type Tab = { seat: number; socket: Socket | null };
let url = '';
let code = '';
let facilitatorKey = '';
let tokens: string[] = [];
let tabs: Tab[] = [];
let running = false;
/** Each start begins a new sending loop; an older one, paused and started again, stops at its next tick. */
let loop = 0;
/** Hand moves sent per seat, all its tabs together. */
const handMoves = Array.from({ length: 9 }, () => 0);
const answers: Record<string, number> = {};
const bump = (key: string) => {
  answers[key] = (answers[key] ?? 0) + 1;
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function post(path: string, body: unknown): Promise<string> {
  return new Promise((resolve, reject) => {
    const data = JSON.stringify(body);
    const req = request(
      `${url}${path}`,
      {
        method: 'POST',
        localAddress: address(0),
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data) },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => {
          text += c;
        });
        res.on('end', () => resolve(text));
      },
    );
    req.on('error', reject);
    req.end(data);
  });
}

function open(
  auth: Record<string, string>,
  seat: number,
): Promise<{ socket: Socket; token: string; id: string }> {
  const socket = io(url, {
    transports: ['websocket'],
    forceNew: true,
    reconnection: false,
    auth,
    ...({ localAddress: address(seat) } as object),
  });
  return new Promise((resolve, reject) => {
    socket.once('session:welcome', (w: { resumeToken: string; participantId: string }) =>
      resolve({ socket, token: w.resumeToken, id: w.participantId }),
    );
    socket.once('connect_error', (e: Error & { data?: { code?: string } }) => {
      socket.close();
      reject(new Error(e.data?.code ?? e.message));
    });
  });
}

const command = (socket: Socket, cmd: Record<string, unknown>) =>
  socket.timeout(10_000).emitWithAck('room:command', { id: randomUUID(), command: cmd }) as Promise<{
    ok: boolean;
    error?: { code: string };
  }>;

/** The room, nine seats (facilitator, client, seven consultants), started and in clarification. */
async function init(params: { url: string; tabsPerSeat: number }): Promise<void> {
  url = params.url;
  const created = JSON.parse(await post('/api/rooms', createRoomBody('group'))) as {
    code: string;
    facilitatorKey: string;
  };
  code = created.code;
  facilitatorKey = created.facilitatorKey;
  const seats = [await open({ code, name: 'Noisy 0', facilitatorKey }, 0)];
  for (let i = 1; i < 9; i++) seats.push(await open({ code, name: `Noisy ${i}` }, i));
  tokens = seats.map((s) => s.token);
  const driver = seats[0]!.socket;
  await command(driver, { type: 'assign_role', participantId: seats[1]!.id, role: 'client' });
  await command(driver, { type: 'start' });
  await command(driver, { type: 'next_phase', from: 0 });
  // The board filled to the room's text bound: consultants post until refused.
  let refused = false;
  let n = 0;
  while (!refused) {
    const results = await Promise.all(
      seats
        .slice(2)
        .map((s) =>
          command(s.socket, { type: 'post_card', kind: 'question', text: `${n++} ${'x'.repeat(490)}` }),
        ),
    );
    for (const r of results) {
      if (!r.ok && r.error?.code === 'rate_limited') await sleep(100);
      else if (!r.ok) refused = true;
    }
  }
  for (const s of seats) s.socket.close();
  tabs = [];
  for (let seat = 0; seat < 9; seat++)
    for (let t = 0; t < params.tabsPerSeat; t++) tabs.push({ seat, socket: null });
  await Promise.all(tabs.map((tab) => connectTab(tab)));
}

async function connectTab(tab: Tab): Promise<void> {
  if (connecting.has(tab)) return;
  connecting.add(tab);
  try {
    tab.socket = (await open({ code, resumeToken: tokens[tab.seat]! }, tab.seat)).socket;
    // Snapshot text the room was sent (welcomes and syncs), as received: what its budget lets through.
    tab.socket.io.engine.on('packet', (packet: { type: string; data?: unknown }) => {
      if (!running || typeof packet.data !== 'string' || packet.data.length < 10_000) return;
      bump('snapshots');
      answers.snapshot_kb = Math.round((answers.snapshot_kb ?? 0) + packet.data.length / 1024);
    });
    tab.socket.on('disconnect', () => {
      bump('disconnected');
      tab.socket = null;
      if (running) void sleep(200).then(() => connectTab(tab));
    });
  } catch (error) {
    bump(`connect_${(error as Error).message}`);
    if (running) void sleep(500).then(() => connectTab(tab));
  } finally {
    connecting.delete(tab);
  }
}

/** Tabs whose connection is being opened (a tab cut off while paused is opened again at the next start). */
const connecting = new Set<Tab>();

let inFlight = 0;
function tally(p: Promise<unknown>): void {
  inFlight++;
  p.finally(() => {
    inFlight--;
  }).then(
    (ack) => {
      const a = ack as { ok?: boolean; error?: { code?: string }; serverTime?: number };
      bump(a.serverTime !== undefined || a.ok ? 'ok' : (a.error?.code ?? 'other'));
    },
    () => bump('no_answer'),
  );
}

/** Every tab sends its share of each seat budget, times OVERSPEND, in 100 ms ticks. */
async function start(): Promise<void> {
  running = true;
  const mine = ++loop;
  for (const tab of tabs) if (!tab.socket) void connectTab(tab);
  const perTab = tabs.length / 9;
  const perTick = (rate: number) => (rate * OVERSPEND) / perTab / 10;
  const carry = new Map<string, number>();
  const due = (key: string, rate: number) => {
    const v = (carry.get(key) ?? 0) + perTick(rate);
    const n = Math.floor(v);
    carry.set(key, v - n);
    return n;
  };
  void (async () => {
    while (running && mine === loop) {
      for (const [i, tab] of tabs.entries()) {
        const s = tab.socket;
        if (!s?.connected) continue;
        for (let k = due(`c${i}`, SEAT_RATES.command); k > 0; k--)
          // The seat's hand up and down in turn (per seat, not per tick: a tick rarely sends two), so that
          // commands are accepted and written, not only refused by the engine.
          tally(command(s, { type: handMoves[tab.seat]!++ % 2 ? 'lower_hand' : 'raise_hand' }));
        for (let k = due(`s${i}`, SEAT_RATES.sync); k > 0; k--)
          tally(s.timeout(10_000).emitWithAck('room:sync', {}));
        for (let k = due(`p${i}`, SEAT_RATES.ping); k > 0; k--)
          tally(s.timeout(10_000).emitWithAck('time:ping', { clientTime: Date.now() }));
        for (let k = due(`o${i}`, SEAT_RATES.other); k > 0; k--)
          tally(s.timeout(10_000).emitWithAck('noise:unknown', { pad: 'x'.repeat(100) }));
      }
      await sleep(100);
    }
  })();
}

/** Stops sending and waits (10 s at most) for the answers still due; the tabs stay open, idle. */
async function pause(): Promise<void> {
  running = false;
  for (let waited = 0; inFlight > 0 && waited < 10_000; waited += 50) await sleep(50);
}

/** Stops sending, waits for the answers still due, then closes every tab. */
async function stop(): Promise<Record<string, number>> {
  await pause();
  const counts = { ...answers };
  for (const tab of tabs) {
    tab.socket?.off('disconnect');
    tab.socket?.close();
  }
  return counts;
}

serveRpc({ init, start, pause, stop, counts: () => ({ ...answers }) });
notify('ready');
