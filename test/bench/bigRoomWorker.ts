import { randomUUID } from 'node:crypto';
import { io, type Socket } from 'socket.io-client';
import { notify, serveRpc } from './rpc.js';
import { monoMs } from './stats.js';
import type { WireCommand } from './vocabulary.js';

/**
 * The big-room scenario's client process (docs/performance.md): rooms of twelve (the custom template,
 * codev's phases: facilitator, client, ten consultants) in the consultation phase, some filled with about a thousand cards, others
 * with ten, then the same cycle of commands at the same rate in each kind of room, one kind at a time.
 * The cycle keeps a room's card count where the fill left it: a consultant posts a suggestion, the client
 * stars the newest card and takes the star back, the facilitator withdraws the oldest card (moderation).
 * Card ids come from the `card_posted` events of the patches the facilitator receives (docs/protocol.md).
 */
export type BigRoomKind = 'big' | 'small';
export type BigRoomSpec = { code: string; facilitatorKey: string; kind: BigRoomKind; index: number };
export type SpellResult = {
  sent: number;
  accepted: number;
  refused: Record<string, number>;
  /** Send-to-acknowledgement latencies, ms. */
  acks: number[];
};

const PEOPLE = 12;
type Room = {
  spec: BigRoomSpec;
  sockets: Socket[];
  ids: string[];
  /** The client's starred card between its star and its unstar. */
  starred: string | null;
  /** Next step of the cycle, and the next consultant to post. */
  step: number;
  poster: number;
  cards: number;
};

let url = '';
let rooms: Room[] = [];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Person p of room r: a loopback address of its own (the per-address guards see one person each). */
const address = (r: number, p: number) => `127.240.${r}.${2 + p}`;
const bump = (counts: Record<string, number>, key: string) => {
  counts[key] = (counts[key] ?? 0) + 1;
};

type Ack = { ok: true; version: number } | { ok: false; error?: { code?: string } };
type Patch = { events?: { type: string; cardId?: string }[] };

function send(socket: Socket, command: WireCommand): Promise<Ack> {
  return socket
    .timeout(20_000)
    .emitWithAck('room:command', { id: randomUUID(), command })
    .catch(() => ({ ok: false, error: { code: 'no_ack' } })) as Promise<Ack>;
}

function connect(room: Room, p: number): Promise<{ socket: Socket; participantId: string }> {
  const auth: Record<string, string> = { code: room.spec.code, name: `Bench ${p + 1}` };
  if (p === 0) auth.facilitatorKey = room.spec.facilitatorKey;
  const socket = io(url, {
    transports: ['websocket'],
    forceNew: true,
    reconnection: false,
    auth,
    ...({ localAddress: address(room.spec.index, p) } as object),
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('join: no welcome in 30 s')), 30_000);
    socket.once('session:welcome', (w: { participantId: string }) => {
      clearTimeout(timer);
      resolve({ socket, participantId: w.participantId });
    });
    socket.once('connect_error', (e: Error & { data?: { code?: string } }) => {
      clearTimeout(timer);
      reject(new Error(`join refused: ${e.data?.code ?? e.message}`));
    });
  });
}

const must = async (socket: Socket, command: WireCommand) => {
  const ack = await send(socket, command);
  if (!ack.ok) throw new Error(`${command.type} refused: ${ack.error?.code}`);
};

/** Everyone joins; the client role is given, the meeting starts and moves on to the consultation. */
async function join(): Promise<number> {
  await Promise.all(
    rooms.map(async (room) => {
      const people = [];
      for (let p = 0; p < PEOPLE; p++) people.push(await connect(room, p));
      room.sockets = people.map((x) => x.socket);
      room.sockets[0]!.on('room:patch', (patch: Patch) => {
        for (const e of patch.events ?? []) if (e.type === 'card_posted' && e.cardId) room.ids.push(e.cardId);
      });
      const facilitator = room.sockets[0]!;
      await must(facilitator, {
        type: 'assign_role',
        participantId: people[1]!.participantId,
        role: 'client',
      });
      await must(facilitator, { type: 'start' });
      for (const from of [0, 1, 2]) await must(facilitator, { type: 'next_phase', from });
    }),
  );
  return rooms.length * PEOPLE;
}

const suggestion = (n: number): WireCommand => ({
  type: 'post_card',
  kind: 'suggestion',
  text: `Idea ${n}: try a smaller first step with the team`,
});

/**
 * The consultants post until each room holds its number of cards. What is refused `rate_limited` (the
 * budgets) or `store_unavailable` / unanswered (a busy machine) is retried after a pause; anything else
 * ends the scenario with its code.
 */
const RETRIED = new Set(['rate_limited', 'store_unavailable', 'no_ack']);
async function fill(params: { big: number; small: number }): Promise<Record<string, number>> {
  const refused: Record<string, number> = {};
  let n = 0;
  await Promise.all(
    rooms.map(async (room) => {
      const target = room.spec.kind === 'big' ? params.big : params.small;
      const consultant = async (socket: Socket) => {
        while (room.cards < target) {
          room.cards++;
          const ack = await send(socket, suggestion(n++));
          if (ack.ok) continue;
          room.cards--;
          bump(refused, ack.error?.code ?? 'unknown');
          if (RETRIED.has(ack.error?.code ?? '')) await sleep(100);
          else throw new Error(`filling: post_card refused ${ack.error?.code}`);
        }
      };
      await Promise.all(room.sockets.slice(2).map(consultant));
    }),
  );
  // Wait for the facilitator to have heard of every card.
  const until = monoMs() + 10_000;
  while (monoMs() < until && rooms.some((r) => r.ids.length < r.cards)) await sleep(20);
  return refused;
}

/** The next command of a room's cycle, and who sends it. */
function next(room: Room): [Socket, WireCommand] {
  const step = room.step++ % 4;
  if (step === 0) {
    room.poster = (room.poster + 1) % (PEOPLE - 2);
    return [room.sockets[2 + room.poster]!, suggestion(room.step)];
  }
  if (step === 1) {
    room.starred = room.ids.at(-1) ?? null;
    return [room.sockets[1]!, { type: 'star_card', cardId: room.starred ?? 'none' }];
  }
  if (step === 2) return [room.sockets[1]!, { type: 'unstar_card', cardId: room.starred ?? 'none' }];
  return [room.sockets[0]!, { type: 'withdraw_card', cardId: room.ids.shift() ?? 'none' }];
}

/** The rooms of `kind` run their cycle, each at `ratePerSec` commands a second, for `durationMs`. */
async function spell(params: {
  kind: BigRoomKind;
  ratePerSec: number;
  durationMs: number;
}): Promise<SpellResult> {
  const mine = rooms.filter((r) => r.spec.kind === params.kind);
  const result: SpellResult = { sent: 0, accepted: 0, refused: {}, acks: [] };
  const perRoom = Math.round((params.ratePerSec * params.durationMs) / 1000);
  const pending: Promise<void>[] = [];
  const start = monoMs();
  for (let k = 0; k < perRoom; k++) {
    const due = start + (k * 1000) / params.ratePerSec;
    const wait = due - monoMs();
    if (wait > 0) await sleep(wait);
    for (const room of mine) {
      const [socket, command] = next(room);
      const t = monoMs();
      result.sent++;
      pending.push(
        send(socket, command).then((ack) => {
          result.acks.push(monoMs() - t);
          if (ack.ok) result.accepted++;
          else bump(result.refused, ack.error?.code ?? 'unknown');
        }),
      );
    }
  }
  await Promise.all(pending);
  return result;
}

serveRpc({
  init: (params: { url: string; rooms: BigRoomSpec[] }) => {
    url = params.url;
    rooms = params.rooms.map((spec) => ({
      spec,
      sockets: [],
      ids: [],
      starred: null,
      step: 0,
      poster: 0,
      cards: 0,
    }));
    return rooms.length;
  },
  join,
  fill,
  spell,
  /** Cards each room holds by the facilitator's count (posted minus withdrawn by the cycle). */
  cards: () => rooms.map((r) => ({ kind: r.spec.kind, cards: r.ids.length })),
  close: async () => {
    for (const room of rooms) for (const s of room.sockets) s.disconnect();
    await sleep(50);
    return true;
  },
});
notify('ready');
