import {
  type CommandAck,
  clientEventSchemas,
  type ErrorCode,
  handshakeAuthSchema,
  pingRequestSchema,
  type SyncAck,
  syncRequestSchema,
  TEXTS_VERSION,
} from '@cercle/shared';
import type { FastifyBaseLogger } from 'fastify';
import type { z } from 'zod';
import type { Config } from '../config.js';
import type { AddressLimits } from '../http/addressLimits.js';
import { clientAddress, trustFunction } from '../http/clientAddress.js';
import { noObserver, type Observers } from '../observe/observer.js';
import { CodedError, wireError } from '../rooms/errors.js';
import type { RoomService, Seat } from '../rooms/roomService.js';
import { type BudgetKind, FIXED_BUDGETS, SeatBudgets } from './budgets.js';
import {
  admittedChannel,
  type CercleServer,
  type CercleSocket,
  everyoneChannel,
  seatChannel,
} from './channels.js';
import { parseCommandRequest } from './commandRequest.js';
import type { ConnectionDoor } from './door.js';
import { ackWithPatch, jsonObject, wirePayload } from './encodedJson.js';
import { isOriginAllowed } from './origin.js';
import { TokenBucket } from './tokenBucket.js';

type RealtimeDeps = {
  io: CercleServer;
  service: RoomService;
  config: Config;
  logger: FastifyBaseLogger;
  /** Per-address limits of the whole deployment (HT-2). */
  limits: AddressLimits;
  /** Counts raw connections per address; told when one logs in (HT-4). */
  door?: ConnectionDoor;
  /** Told of every handshake, join and command answered (metrics, debug log, refusal summary). */
  observer?: Observers;
  now?: () => number;
};

/** A payload refused: too-long texts get their own code, so the page can say which limit was hit. */
function payloadError(error: z.ZodError): ErrorCode {
  const tooLong = error.issues.some((issue) => issue.code === 'too_big' && issue.origin === 'string');
  return tooLong ? 'text_too_long' : 'bad_request';
}

/**
 * The answers to a flood, encoded once (HT-3): refusing costs no more than reading what was refused.
 */
const RATE_LIMITED = jsonObject({ ok: false, error: wireError('rate_limited') });
const BAD_REQUEST = jsonObject({ ok: false, error: wireError('bad_request') });
const WAITING_FOR_ADMISSION = { ok: false, error: wireError('waiting_for_admission') } as const;

const noRelease = () => {};

/** A connection's handshake credentials once it logged in (socketServer's connection handler). */
const LOGGED_IN = Object.freeze({});

/** What a connection's handshake found, for its welcome. */
type HandshakeSeat = {
  code: string;
  seat: Seat;
  resumeToken: string;
  resumed: boolean;
  /** The connection holds the built-in texts: its snapshots leave them out (VW-10). */
  lean: boolean;
  /** The room channel's mark before the seat was stored (SC-8), null for a resume. */
  quiet: number | null;
  /** The channel listened to ahead of the socket (SC-8): let go once the socket joined its rooms. */
  release: () => void;
  /**
   * The login's own close listener: dropped once connected (the disconnect handler takes over), not
   * held with its closure for the connection's whole life.
   */
  onClose: () => void;
};

/**
 * Refusals for spent budgets one connection may collect before it is closed (HT-3): a page never comes
 * near; a flood stops costing anything once its connection is gone (and reconnecting is rate-limited).
 */
const STRIKES = { burst: 100, perSecond: 10 };

/**
 * The live transport: handshake (origin, limits, credentials), then for each event budget, validate,
 * dispatch to the room service, acknowledge. No rule of any method is decided here.
 */
export function attachRealtime({
  io,
  service,
  config,
  logger,
  limits,
  door,
  observer = noObserver,
  now = Date.now,
}: RealtimeDeps): {
  stop: () => void;
  settle: (boundMs: number) => Promise<void>;
} {
  const log = logger.child({ component: 'realtime' });
  const originPolicy = {
    publicUrl: config.PUBLIC_URL,
    allowed: config.ALLOWED_ORIGINS,
    trustProxy: config.TRUST_PROXY !== undefined,
  };
  const trust = trustFunction(config.TRUST_PROXY);
  const joinsOverall = new TokenBucket(config.JOIN_RATE_TOTAL * 2, config.JOIN_RATE_TOTAL, now());
  const budgets = new SeatBudgets({
    command: { burst: config.COMMAND_BURST, perSecond: config.COMMAND_RATE },
    ...FIXED_BUDGETS,
  });
  let stopping = false;
  /** Past the shutdown's bound: the store is about to close, a late away is skipped (not attempted). */
  let settled = false;
  /** The store work sockets started (commands, logins, aways): a shutdown waits for it (`settle`). */
  let inFlight = 0;
  /** Told once no store work is left in flight (`settle`). */
  let idle: (() => void)[] = [];
  // One function for every piece of work, none made per command.
  const untrack = () => {
    if (--inFlight > 0) return;
    const waiting = idle;
    idle = [];
    for (const resolve of waiting) resolve();
  };
  /** A command's work failed outright (a bug: the service answers every failure): counted out, rethrown. */
  const untrackAndThrow = (error: unknown) => {
    untrack();
    throw error;
  };
  const tracked = <T>(work: Promise<T>): Promise<T> => {
    inFlight++;
    work.then(untrack, untrack);
    return work;
  };

  /** The adapter's fan-out between nodes (cluster/adapter.ts), when there is one. */
  const fanOut = io.of('/').adapter as {
    quietMark?: (code: string) => number | null;
    listenAhead?: (code: string) => { ready: Promise<void>; release: () => void };
  };
  /** SC-8: what this node hears of a room's channel (null without a fan-out, or not listening to it). */
  const quietMark = (code: string): number | null => fanOut.quietMark?.(code) ?? null;

  /** HT-1: the same rule as HTTP's: the nearest address no trusted proxy added. */
  const addressOf = (socket: CercleSocket): string => clientAddress(socket.request, trust);

  io.use(async (socket, next) => {
    const address = addressOf(socket);
    /** The room's channel listened to ahead of the socket (SC-8), released once the socket joined it. */
    let ahead: { ready: Promise<void>; release: () => void } | null = null;
    // A connection closed while its login was in flight (HT-4): whatever seat it got is not left connected.
    let closed = false;
    const onClose = () => {
      closed = true;
      const pending = connectionSeats.get(socket.id);
      if (!pending) return;
      connectionSeats.delete(socket.id);
      pending.release();
      void markAwayIfGone(pending.code, pending.seat.participantId);
    };
    socket.conn.once('close', onClose);
    try {
      if (stopping) throw new CodedError('internal');
      if (!isOriginAllowed(socket.handshake.headers, originPolicy))
        throw new CodedError('origin_not_allowed');
      if (!joinsOverall.take(now())) throw new CodedError('rate_limited');
      const auth = handshakeAuthSchema.safeParse(socket.handshake.auth);
      // SC-8: a first join to a room this node holds open listens to the room's channel from now: the
      // subscription and its hello overlap the counts' round trip, the seat is stored once this node
      // listens, and the welcome needs no read of the version (the first socket of a room on this
      // node waited for both, then read it: three round trips more). A room not held (or a resume) as before.
      if (auth.success && auth.data.name !== undefined && !auth.data.resumeToken) {
        const { code } = auth.data;
        if (fanOut.listenAhead && service.holdsOpen(code)) ahead = fanOut.listenAhead(code);
      }
      // RM-10: an address removed from the room joins it again by name only with the key; a seat's
      // token still brings its holder back (colleagues behind one office address keep their seats).
      const barFrom =
        auth.success && !auth.data.resumeToken && !auth.data.facilitatorKey ? auth.data.code : null;
      // HT-2: a guess is counted before it is tried, and given back once the handshake succeeded; the
      // counts and the bar are asked together (one write to Redis), refused in this order.
      const counted = await limits.handshake(address, barFrom);
      if (counted === 'rate_limited') throw new CodedError('rate_limited');
      if (!auth.success) throw new CodedError('bad_request');
      if (counted === 'barred') throw new CodedError('room_full');
      const { code, resumeToken, name, facilitatorKey, locale } = auth.data;
      // SC-8: taken before the seat is stored; the welcome compares it again.
      if (ahead) await ahead.ready;
      const quiet = resumeToken ? null : quietMark(code);
      const outcome = resumeToken
        ? await tracked(service.resume(code, resumeToken))
        : name !== undefined
          ? await tracked(service.join(code, { name, facilitatorKey, locale }))
          : ({ ok: false, error: wireError('bad_request') } as const);
      observer.join(resumeToken ? 'resume' : 'join', outcome.ok ? 'ok' : outcome.error.code);
      // The guess is given back with the next handshake's counts (HT-2, `forgiveSoon`): the login waits
      // for no round trip of its own, and this node's next counts see it given back.
      if (!outcome.ok) {
        if (outcome.error.code === 'store_unavailable') limits.forgiveSoon(address);
        throw new CodedError(outcome.error.code);
      }
      limits.forgiveSoon(address);
      const seat = outcome.value;
      if (closed) {
        void markAwayIfGone(code, seat.participantId);
        throw new CodedError('internal');
      }
      const lean = auth.data.texts === TEXTS_VERSION;
      socket.data = {
        code,
        participantId: seat.participantId,
        address,
        lean,
        admitted: false,
      };
      connectionSeats.set(socket.id, {
        code,
        seat,
        resumeToken: resumeToken ?? seat.resumeToken ?? '',
        resumed: !!resumeToken,
        lean,
        quiet,
        release: ahead?.release ?? noRelease,
        onClose,
      });
      observer.handshake(seat.admitted ? 'admitted' : 'waiting');
      next();
    } catch (error) {
      ahead?.release();
      const coded = error instanceof CodedError ? error : new CodedError('internal');
      if (!(error instanceof CodedError))
        log.error({ event: 'handshake_error', error: errorName(error) }, 'handshake failed');
      observer.handshake(coded.code);
      // A refused login ends its connection once the refusal went to the transport: no second try on
      // it, no slot held. The login timeout is the backstop.
      socket.conn.once('drain', () => socket.conn.close());
      next(coded);
    }
  });

  /** What the handshake found, for the connection handler (not kept on socket.data: it holds the token). */
  const connectionSeats = new Map<string, HandshakeSeat>();

  // What every connection's handlers share, made once here and not once per connection: a node holds
  // thousands of connections, and a closure per connection per helper is memory held for each.
  /**
   * Admission, per command, is read from the connection's data, not looked up in its rooms by its id
   * (a map look-up and a room name made per command, 1.5 % of a busy node's time). The adapter tells
   * every join and leave of a connection of this node, whoever asked it: the welcome here, an
   * admission decided on any node (`socketsJoin` crosses the adapter).
   */
  const isAdmitted = (socket: CercleSocket) => socket.data.admitted;
  const sockets = io.of('/').sockets;
  const admittedIn = (admitted: boolean) => (room: string, id: string) => {
    const socket = sockets.get(id);
    if (socket?.data.code !== undefined && room === admittedChannel(socket.data.code))
      socket.data.admitted = admitted;
  };
  io.of('/').adapter.on('join-room', admittedIn(true));
  io.of('/').adapter.on('leave-room', admittedIn(false));
  /** Refusals counted per connection, each bucket made at its connection's first (full until then). */
  const strikes = new WeakMap<CercleSocket, TokenBucket>();
  /** One more event refused for a spent budget: the connection is closed once it has too many. */
  const strike = (socket: CercleSocket, kind: BudgetKind | 'snapshot') => {
    let bucket = strikes.get(socket);
    if (!bucket) {
      bucket = new TokenBucket(STRIKES.burst, STRIKES.perSecond, now());
      strikes.set(socket, bucket);
    }
    if (bucket.take(now())) return;
    log.info({ event: 'budget_flood', kind }, 'connection closed: over its budget');
    socket.disconnect(true);
  };
  /** True when this event of the seat's connection is over its budget (refused). */
  const spent = (socket: CercleSocket, kind: BudgetKind): boolean => {
    if (budgets.take(socket.data.code, socket.data.participantId, kind, now())) return false;
    strike(socket, kind);
    return true;
  };
  /** A command's answer, and the observers told of it (its type, never its content). */
  const answerCommand = (
    answer: (response: CommandAck) => void,
    response: CommandAck,
    type: string,
    received: number,
    participantId: string,
  ) => {
    // The patch inside is already JSON text: the acknowledgement splices it in (SC-5, SC-7).
    answer(response.ok && response.patch ? ackWithPatch(response.version, response.patch) : response);
    const outcome = response.ok ? 'ok' : response.error.code;
    observer.command({ type, outcome, ms: performance.now() - received, participantId });
  };

  // The connection's handlers, made once: Socket.IO calls them with the connection as `this`, and what
  // they need of it is on `socket.data` (a closure per connection per handler is memory held for each).
  function onDisconnect(this: CercleSocket, reason: string) {
    observer.connectionClosed(reason);
    const { code, participantId } = this.data;
    budgets.close(code, participantId);
    log.debug({ event: 'disconnected', participantId, reason }, 'disconnected');
    // A shutdown's disconnections too (RM-7): the seat's grace starts now; `settle` waits for it.
    void markAwayIfGone(code, participantId);
  }

  function onCommand(this: CercleSocket, payload: unknown, ack: unknown) {
    const { code, participantId } = this.data;
    if (spent(this, 'command')) {
      if (typeof ack === 'function') ack(RATE_LIMITED);
      return;
    }
    if (typeof ack !== 'function') return; // a command without acknowledgement is not a command
    const received = performance.now();
    const answer = ack as (response: CommandAck) => void;
    if (!isAdmitted(this))
      return answerCommand(answer, WAITING_FOR_ADMISSION, 'unparsed', received, participantId);
    const request = parseCommandRequest(payload);
    if (!request.success) {
      const refusal = { ok: false, error: wireError(payloadError(request.error)) } as const;
      return answerCommand(answer, refusal, 'unparsed', received, participantId);
    }
    const { id, command } = request.data;
    // Tracked (`settle`) and answered in one callback: no promise of this handler's own per command.
    inFlight++;
    service.command(code, participantId, id, command, this.id).then((response) => {
      untrack();
      answerCommand(answer, response, command.type, received, participantId);
    }, untrackAndThrow);
  }

  async function onSync(this: CercleSocket, payload: unknown, ack: unknown) {
    const { code, participantId, lean } = this.data;
    if (spent(this, 'sync')) {
      if (typeof ack === 'function') ack(RATE_LIMITED);
      return;
    }
    if (typeof ack !== 'function') return;
    const answer = ack as (response: SyncAck) => void;
    const request = syncRequestSchema.safeParse(payload ?? {});
    if (!request.success) return answer({ ok: false, error: wireError('bad_request') });
    // SR-5: the commands the page gave up on that were stored all the same (nothing applied here).
    const check = request.data.check ?? [];
    const storedOf = () =>
      check.length ? service.storedCommands(code, participantId, check).catch(() => undefined) : undefined;
    // HT-8: a client that holds the room's version is told so from the store's header, not sent the room.
    const held = request.data.version;
    let known: number | undefined;
    if (held !== undefined && isAdmitted(this)) {
      const version = await service.version(code);
      if (!version.ok) return answer({ ok: false, error: version.error });
      if (version.value === held) {
        const stored = await storedOf();
        return answer({ ok: true, current: true, version: held, ...(stored ? { stored } : {}) });
      }
      known = version.value;
    }
    // HT-9: the room's snapshot text per second is bounded too, whatever the count of syncs.
    const reserved = budgets.reserve(code, now());
    if (reserved === null) {
      strike(this, 'snapshot');
      return answer(wirePayload(RATE_LIMITED));
    }
    const snapshot = await service.snapshot(code, participantId, known, lean);
    if (!snapshot.ok) {
      budgets.sent(code, 0, reserved, now());
      return answer({ ok: false, error: snapshot.error });
    }
    const stored = await storedOf();
    budgets.sent(code, snapshot.value.json.text.length, reserved, now());
    answer(wirePayload(jsonObject({ ok: true, snapshot: snapshot.value.json, stored })));
  }

  function onPing(this: CercleSocket, payload: unknown, ack: unknown) {
    if (spent(this, 'ping')) {
      if (typeof ack === 'function') ack(RATE_LIMITED);
      return;
    }
    if (typeof ack !== 'function') return;
    const request = pingRequestSchema.safeParse(payload);
    if (!request.success) return ack({ ok: false, error: wireError('bad_request') });
    ack({ clientTime: request.data.clientTime, serverTime: now() });
  }

  // Events nobody listens to are dropped by Socket.IO; one that asks for an answer gets `bad_request`.
  function onOther(this: CercleSocket, event: unknown, ...args: unknown[]) {
    // Syncs and pings are served here rather than by listeners of their own: each event listened to is
    // an entry in every connection's table of listeners (two fewer: some 100 B a connection).
    if (event === 'room:sync') return void onSync.call(this, args[0], args[1]);
    if (event === 'time:ping') return onPing.call(this, args[0], args[1]);
    // Own keys only: `toString` or `__proto__` is no event of ours (HT-6).
    if (typeof event === 'string' && Object.hasOwn(clientEventSchemas, event)) return;
    const last = args.at(-1);
    const refused = spent(this, 'other');
    if (typeof last === 'function') last(refused ? RATE_LIMITED : BAD_REQUEST);
  }

  /**
   * Every connection's catch-all listeners (Socket.IO's `onAny` list): `onOther` alone. Not frozen:
   * Socket.IO copies the list (`slice`) at every event, and a frozen array's copy leaves V8's fast path
   * (some ten times slower in isolation, and the largest part of `onevent` in a profile of the board).
   */
  const catchAll = [onOther];

  io.on('connection', (socket) => {
    const handshake = connectionSeats.get(socket.id);
    connectionSeats.delete(socket.id);
    const { code } = socket.data;
    if (!handshake) {
      socket.disconnect(true);
      return;
    }
    socket.conn.off('close', handshake.onClose);
    door?.loggedIn(socket.conn);
    // What the login sent (a resume token or a facilitator key among it) is not kept for the
    // connection's life: everything after reads socket.data.
    socket.handshake.auth = LOGGED_IN;
    // A connection that opened (its handshake gave it a seat) until it closes (onDisconnect).
    observer.connectionOpened();
    budgets.open(code, socket.data.participantId);

    socket.on('disconnect', onDisconnect);
    socket.on('room:command', onCommand);
    // Not `socket.onAny(onOther)`: that gives every connection a list of its own (grown to 17 slots at
    // its first push, and a property added to the socket: ~250 B a connection). Socket.IO only reads the
    // list, once per event; this one is shared: nothing here calls `onAny` or `offAny`, which would
    // change everyone's.
    (socket as unknown as { _anyListeners: readonly unknown[] })._anyListeners = catchAll;

    void welcome(socket, handshake);
  });

  async function welcome(
    socket: CercleSocket,
    { seat, resumeToken, resumed, lean, quiet, release }: Omit<HandshakeSeat, 'code'>,
  ): Promise<void> {
    const { code, participantId } = socket.data;
    // Resolves once this node listens to the room's fan-out channel (SC-1): no broadcast is missed after.
    const joined = socket.join([everyoneChannel(code), seatChannel(code, participantId)]);
    release(); // the socket's rooms hold the channel now
    await joined;
    if (!socket.connected) return;
    if (resumed) await service.presence(code, participantId, 'connected');
    if (!seat.admitted) {
      socket.emit('session:waiting', { participantId, resumeToken, serverTime: now() });
      log.debug({ event: 'waiting', participantId }, 'waiting for admission');
      return;
    }
    // Joined to the broadcasts before the snapshot is read: no change can fall between the two.
    socket.join(admittedChannel(code));
    const snapshot = await service.snapshot(code, participantId, unchangedSince(code, seat, quiet), lean);
    if (!socket.connected) return;
    if (!snapshot.ok) {
      // Store gone between handshake and snapshot: the client reconnects with its token.
      socket.disconnect(true);
      return;
    }
    budgets.sent(code, snapshot.value.json.text.length, 0, now()); // HT-9: paid for, never refused
    socket.emit(
      'session:welcome',
      wirePayload(
        jsonObject({ participantId, resumeToken, serverTime: now(), snapshot: snapshot.value.json }),
      ),
    );
    log.debug({ event: 'welcome', participantId, resumed, version: snapshot.value.version }, 'welcome');
  }

  /**
   * SC-8: the room's version the welcome may be drawn from without reading it, when the room cannot
   * have changed unseen: this node listened to the room's channel from before the seat was stored to
   * now (the socket is in the room's channels from now on), and heard no other node's message about it
   * meanwhile. Then every version stored since the seat is either this node's own (kept, at most the
   * version kept), or another node's whose broadcast has not reached this node yet, and will reach this
   * socket. Otherwise undefined: the store's version is read (one round trip).
   */
  function unchangedSince(code: string, seat: Seat, quiet: number | null): number | undefined {
    if (quiet === null || seat.version === undefined || quietMark(code) !== quiet) return undefined;
    const kept = service.keptVersion(code);
    return kept !== undefined && kept >= seat.version ? kept : undefined;
  }

  /** Away only when no tab of this person is connected to any node any more. */
  function markAwayIfGone(code: string, participantId: string): Promise<void> {
    return tracked(
      (async () => {
        try {
          const sockets = await io.in(seatChannel(code, participantId)).fetchSockets();
          if (sockets.length > 0) return;
        } catch {
          // another node did not answer: mark away; its socket's next command or reconnect sets it back
        }
        if (settled) return;
        await service.presence(code, participantId, 'away');
      })(),
    );
  }

  return {
    /** No new login from now on. */
    stop: () => {
      stopping = true;
    },
    /**
     * Waits (up to `boundMs`) for the store work sockets started, the aways of their disconnections
     * included, so that it ends before the store closes; an away not begun by then is skipped.
     */
    settle: async (boundMs: number) => {
      let timer: NodeJS.Timeout | undefined;
      const bound = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, boundMs);
      });
      // Work started while waiting (an away after its adapter's look) is waited for too.
      await new Promise((resolve) => setImmediate(resolve));
      const all = async () => {
        // Work started by work that just ended (an away after a disconnection) is waited for too.
        while (inFlight > 0) await new Promise<void>((resolve) => idle.push(resolve));
      };
      await Promise.race([all(), bound]).finally(() => clearTimeout(timer));
      settled = true;
    },
  };
}

function errorName(error: unknown): string {
  return error instanceof Error ? error.name : typeof error;
}
