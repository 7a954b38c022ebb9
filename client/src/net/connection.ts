import {
  type ClientToServerEvents,
  type Command,
  type CommandAck,
  type ErrorCode,
  errorCodeSchema,
  PatchSequence,
  type RoomPatch,
  type RoomView,
  type ServerToClientEvents,
  type Snapshot,
  TEXTS_VERSION,
  withBuiltInTexts,
} from '@cercle/shared';
import { batch } from '@preact/signals';
import { io, type Socket } from 'socket.io-client';
import { recordClockSample, resetClockSamples, seedClock } from '../state/clock.js';
import { forgetDrafts } from '../state/drafts.js';
import {
  dismissFailure,
  endReason,
  failures,
  joinError,
  link,
  mine,
  participantId,
  pendingCommands,
  roomCode,
  stage,
  version,
  view,
} from '../state/session.js';
import { forgetSeat, loadFacilitatorKey, loadSeat, markGone, saveSeat } from './storage.js';

type RoomSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

const ackTimeoutMs = 5_000;
/** A command still unacknowledged after this many tries is shown as not sent (it may yet be stored once). */
const maxTries = 6;

type PendingCommand = { id: string; command: Command; tries: number; resolve: (ack: CommandAck) => void };

let socket: RoomSocket | null = null;
let joinName: string | undefined;
let pingTimer = 0;
/** The view in version order: patches from two nodes may cross on the way. */
let sequence = new PatchSequence<RoomView>();
const pending = new Map<string, PendingCommand>();
/**
 * Commands shown as "not sent" for want of an answer (no acknowledgement, or `store_unavailable`): the
 * store may have kept them all the same (a write that landed late). The next syncs ask the server which
 * were stored (SR-5) and take those off the "not sent" list; each is asked about a few times at most.
 */
const unsure = new Map<string, { id: string; command: Command; checks: number }>();
const maxChecks = 4;
let checkTimer = 0;
let syncRetryTimer = 0;

function newCommandId(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  // crypto.randomUUID exists only in secure contexts; a plain-http LAN address still has getRandomValues.
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = ((b[6] ?? 0) & 0x0f) | 0x40;
  b[8] = ((b[8] ?? 0) & 0x3f) | 0x80;
  const h = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

function toErrorCode(value: unknown): ErrorCode {
  const parsed = errorCodeSchema.safeParse(value);
  return parsed.success ? parsed.data : 'internal';
}

function applySnapshot(snapshot: Snapshot): void {
  // The built-in texts the snapshot left out are this page's own (SPEC VW-10).
  if (!sequence.takeSnapshot(snapshot.version, withBuiltInTexts(snapshot.view))) return; // older than shown
  batch(() => {
    view.value = sequence.view;
    version.value = sequence.version;
    mine.value = snapshot.mine;
  });
}

/** Opens (or reopens) the room's connection. The name is needed only for a first join. */
export function joinRoom(code: string, name?: string): void {
  closeConnection();
  sequence = new PatchSequence<RoomView>();
  roomCode.value = code;
  joinName = name;
  joinError.value = null;
  endReason.value = null;
  stage.value = 'joining';
  link.value = 'connecting';

  const s: RoomSocket = io(window.location.origin, {
    transports: ['websocket'],
    // A function, so each reconnection sends the latest resume token rather than the first name.
    auth: (cb) => {
      const seat = loadSeat(code);
      const facilitatorKey = loadFacilitatorKey(code) ?? undefined;
      const locale = document.documentElement.lang === 'fr' ? 'fr' : 'en';
      // `texts`: this page holds the built-in texts: snapshots need not carry them (SPEC VW-10).
      cb(
        seat
          ? { code, resumeToken: seat.resumeToken, facilitatorKey, locale, texts: TEXTS_VERSION }
          : { code, name: joinName, facilitatorKey, locale, texts: TEXTS_VERSION },
      );
    },
    reconnectionDelay: 500,
    reconnectionDelayMax: 4_000,
  });
  socket = s;

  s.on('connect', () => {
    link.value = 'online';
    resetClockSamples();
  });

  s.on('connect_error', (err) => {
    const code = toErrorCode((err as Error & { data?: { code?: unknown } }).data?.code);
    const isRefusal = Boolean((err as Error & { data?: unknown }).data);
    if (!isRefusal) {
      // Network trouble: Socket.IO retries by itself; say so.
      link.value = stage.value === 'joining' ? 'connecting' : 'reconnecting';
      return;
    }
    if (code === 'bad_token' || (code === 'room_not_found' && loadSeat(roomCode.value) !== null)) {
      // The stored seat is gone (removed, or the room was recreated; a token that opens no seat is
      // answered like a wrong code): start again with the name, if any.
      forgetSeat(roomCode.value);
      if (joinName) {
        s.connect();
        return;
      }
    }
    if (code === 'rate_limited' || code === 'too_many_connections' || code === 'store_unavailable') {
      link.value = 'reconnecting';
      window.setTimeout(() => s.connect(), 2_000);
      return;
    }
    batch(() => {
      joinError.value = code;
      stage.value = stage.value === 'in_room' ? 'closed' : 'form';
    });
    s.disconnect();
  });

  s.on('disconnect', (reason) => {
    if (stage.value === 'closed') return;
    link.value = 'reconnecting';
    window.clearInterval(pingTimer);
    // A server-side disconnect (a node stopping) is not retried by Socket.IO itself.
    if (reason === 'io server disconnect') window.setTimeout(() => s.connect(), 300);
  });

  s.on('session:welcome', (welcome) => {
    saveSeat(code, {
      resumeToken: welcome.resumeToken,
      participantId: welcome.participantId,
      name: joinName ?? '',
    });
    batch(() => {
      participantId.value = welcome.participantId;
      applySnapshot(welcome.snapshot);
      stage.value = 'in_room';
      link.value = 'online';
    });
    seedClock(welcome.serverTime);
    startPinging(s);
    resendPending(s);
    if (unsure.size > 0) requestSync(s);
  });

  s.on('session:waiting', (waiting) => {
    saveSeat(code, {
      resumeToken: waiting.resumeToken,
      participantId: waiting.participantId,
      name: joinName ?? '',
    });
    batch(() => {
      participantId.value = waiting.participantId;
      stage.value = 'waiting';
    });
  });

  s.on('session:admitted', (admitted) => {
    batch(() => {
      participantId.value = admitted.participantId;
      applySnapshot(admitted.snapshot);
      stage.value = 'in_room';
    });
    startPinging(s);
    resendPending(s);
  });

  s.on('room:patch', (patch) => receivePatch(s, patch));

  // SR-2: a node announces the room's stored version; behind it (a patch that never came), catch up.
  s.on('room:version', ({ version: latest }) => {
    if (view.value && latest > sequence.version) requestSync(s);
  });

  s.on('me:private', (data) => {
    mine.value = data.mine;
  });

  s.on('session:ended', ({ reason }) => {
    batch(() => {
      endReason.value = reason;
      stage.value = 'closed';
    });
    if (reason !== 'ended') forgetSeat(code);
    if (reason === 'purged') {
      markGone(code);
      // Erased means erased: the drafts this browser kept for the room go too (PG-1).
      forgetDrafts(code);
    }
  });

  s.on('server:shutdown', () => {
    link.value = 'reconnecting';
  });
}

let syncing = false;
function requestSync(s: RoomSocket): void {
  if (syncing) return;
  syncing = true;
  const check = Array.from(unsure.values(), ({ id, command }) => ({ id, command })).slice(0, 20);
  // HT-8: the version shown, so that a sync when nothing was missed (a check) is answered `current`.
  const held = view.value && sequence.version >= 0 ? { version: sequence.version } : {};
  const request = check.length > 0 ? { ...held, check } : held;
  s.timeout(ackTimeoutMs).emit('room:sync', request, (err, ack) => {
    syncing = false;
    if (err) {
      window.setTimeout(() => requestSync(s), 1_000);
      return;
    }
    if (!ack.ok) {
      // A room whose snapshots are held by the server's budget (HT-9): ask again a little later.
      if (ack.error.code === 'rate_limited') {
        window.clearTimeout(syncRetryTimer);
        syncRetryTimer = window.setTimeout(() => {
          if (socket === s && s.connected) requestSync(s);
        }, 2_000);
      }
      scheduleCheck();
      return;
    }
    if ('snapshot' in ack) applySnapshot(ack.snapshot);
    if (check.length > 0) settleChecks(check, ack.stored ?? []);
  });
}

/** SR-5: stored after all: no longer "not sent". Not stored: asked about again a few times, then let go. */
function settleChecks(checked: { id: string }[], stored: string[]): void {
  const kept = new Set(stored);
  for (const { id } of checked) {
    const entry = unsure.get(id);
    if (!entry) continue;
    if (kept.has(id)) {
      unsure.delete(id);
      dismissFailure(id);
    } else if (++entry.checks >= maxChecks) unsure.delete(id);
  }
  scheduleCheck();
}

function scheduleCheck(): void {
  window.clearTimeout(checkTimer);
  if (unsure.size === 0) return;
  checkTimer = window.setTimeout(() => {
    if (socket?.connected && stage.value === 'in_room') requestSync(socket);
    else scheduleCheck();
  }, 5_000);
}

function startPinging(s: RoomSocket): void {
  window.clearInterval(pingTimer);
  let count = 0;
  const ping = () => {
    const clientTime = Date.now();
    s.timeout(ackTimeoutMs).emit('time:ping', { clientTime }, (err, ack) => {
      if (!err) recordClockSample(ack.clientTime, ack.serverTime, Date.now());
    });
    count++;
    // A burst of samples at first, then one now and then to follow drift.
    if (count === 5) {
      window.clearInterval(pingTimer);
      pingTimer = window.setInterval(ping, 30_000);
    }
  };
  ping();
  pingTimer = window.setInterval(ping, 400);
}

/** A patch, from a `room:patch` or from the acknowledgement of one of this page's commands. */
function receivePatch(s: RoomSocket, patch: RoomPatch): void {
  const outcome = sequence.receive(patch);
  if (outcome === 'applied') {
    batch(() => {
      view.value = sequence.view;
      version.value = sequence.version;
    });
  } else if (outcome === 'gap' && view.value) {
    // The missing patch is usually a few ms behind (another node); ask for the whole view if not.
    window.setTimeout(() => {
      if (sequence.hasGap) requestSync(s);
    }, 250);
  }
}

function updatePendingCount(): void {
  pendingCommands.value = Array.from(pending.values(), ({ id, command }) => ({ id, command }));
}

function attempt(s: RoomSocket, entry: PendingCommand): void {
  if (!s.connected || stage.value !== 'in_room') return; // resent on the next welcome
  entry.tries++;
  s.timeout(ackTimeoutMs).emit('room:command', { id: entry.id, command: entry.command }, (err, ack) => {
    if (!pending.has(entry.id)) return;
    if (err) {
      // Dropped meanwhile: the next welcome sends it again.
      if (!s.connected) return;
      // No answer: send again with the SAME id, so the server applies it at most once.
      if (entry.tries < maxTries) attempt(s, entry);
      else settle(entry, { ok: false, error: { code: 'store_unavailable', message: '' } });
      return;
    }
    if (ack.ok) {
      // The patch of the write this command made comes in its acknowledgement, not as a `room:patch`.
      if (ack.patch) receivePatch(s, ack.patch);
      // A retry's answer carries none: that patch went with an answer this page gave up on (SC-7).
      // Behind the version acknowledged, with no patch bringing it, catch up.
      const acked = ack.version;
      if (acked > sequence.version) {
        window.setTimeout(() => {
          if (socket === s && view.value && acked > sequence.version) requestSync(s);
        }, 250);
      }
    }
    settle(entry, ack);
  });
}

function settle(entry: PendingCommand, ack: CommandAck): void {
  pending.delete(entry.id);
  updatePendingCount();
  if (!ack.ok && ack.error.code === 'store_unavailable') {
    unsure.set(entry.id, { id: entry.id, command: entry.command, checks: 0 });
    scheduleCheck();
  }
  // A late phase move (PH-4) means the move already happened: nothing to say.
  if (!ack.ok && ack.error.code !== 'stale_move') {
    failures.value = [
      ...failures.value.slice(-2),
      { id: entry.id, type: entry.command.type, code: toErrorCode(ack.error.code) },
    ];
  }
  entry.resolve(ack);
}

function resendPending(s: RoomSocket): void {
  for (const entry of pending.values()) attempt(s, entry);
}

/** Sends a command; resolves with its acknowledgement. Kept and retried across reconnections. */
export function sendCommand(command: Command): Promise<CommandAck> {
  // No seat any more (removed, ended and erased, refused): nothing to wait for, say so at once.
  if (stage.value === 'closed' || stage.value === 'form') {
    const code: ErrorCode = endReason.value === 'ended' ? 'wrong_status' : 'not_a_member';
    return Promise.resolve({ ok: false, error: { code, message: '' } });
  }
  return new Promise((resolve) => {
    const entry: PendingCommand = { id: newCommandId(), command, tries: 0, resolve };
    pending.set(entry.id, entry);
    updatePendingCount();
    if (socket) attempt(socket, entry);
  });
}

export function closeConnection(): void {
  window.clearInterval(pingTimer);
  socket?.removeAllListeners();
  socket?.disconnect();
  socket = null;
}

/** Leaves the seat on this device (a new name next time). */
export function leaveRoom(): void {
  forgetSeat(roomCode.value);
  closeConnection();
  stage.value = 'form';
}

declare global {
  interface Window {
    /**
     * The browser tests' hook (their build only): the same door the buttons use, so a test can forge
     * what a page could send.
     */
    __cercle?: {
      send: (command: unknown) => Promise<CommandAck>;
      /** Cuts or restores the connection, as a dropped Wi-Fi would. */
      offline: (on: boolean) => void;
      state: () => { participantId: string | null; version: number };
      /** The room as this page holds it (the public view, as every participant receives it). */
      view: () => RoomView | null;
    };
  }
}

// Only in the build made for the browser tests (`vite build --mode e2e`, client/dist-test): in the
// production build the condition is constant and the whole hook is left out of the bundle.
if (import.meta.env.MODE === 'e2e') {
  window.__cercle = {
    send: (command) => sendCommand(command as Command),
    offline: (on) => {
      if (on) socket?.disconnect();
      else socket?.connect();
    },
    state: () => ({ participantId: participantId.value, version: version.value }),
    view: () => (view.value ? (JSON.parse(JSON.stringify(view.value)) as RoomView) : null),
  };
}
