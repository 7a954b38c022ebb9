import {
  type CommandAck,
  clientEventSchemas,
  commandRequestSchema,
  type ErrorCode,
  handshakeAuthSchema,
  pingRequestSchema,
  type SyncAck,
  syncRequestSchema,
} from '@cercle/shared';
import type { FastifyBaseLogger } from 'fastify';
import type { z } from 'zod';
import type { Config } from '../config.js';
import { clientAddress, trustFunction } from '../http/clientAddress.js';
import { noObserver, type Observers } from '../observe/observer.js';
import { CodedError, wireError } from '../rooms/errors.js';
import type { RoomService, Seat } from '../rooms/roomService.js';
import {
  admittedChannel,
  type CercleServer,
  type CercleSocket,
  everyoneChannel,
  seatChannel,
} from './channels.js';
import { isOriginAllowed } from './origin.js';
import { KeyedBuckets, TokenBucket } from './tokenBucket.js';

type RealtimeDeps = {
  io: CercleServer;
  service: RoomService;
  config: Config;
  logger: FastifyBaseLogger;
  /** Told of every handshake, join and command answered (metrics, debug log, refusal summary). */
  observer?: Observers;
  now?: () => number;
};

/** A refused payload: too-long texts get their own code, so the page can say which limit was hit. */
function payloadError(error: z.ZodError): ErrorCode {
  const tooLong = error.issues.some((issue) => issue.code === 'too_big' && issue.origin === 'string');
  return tooLong ? 'text_too_long' : 'bad_request';
}

/**
 * The live transport: handshake (origin, limits, credentials), then for each event validate, dispatch
 * to the room service, acknowledge. No rule of any method is decided here.
 */
export function attachRealtime({
  io,
  service,
  config,
  logger,
  observer = noObserver,
  now = Date.now,
}: RealtimeDeps): {
  stop: () => void;
} {
  const log = logger.child({ component: 'realtime' });
  const originPolicy = {
    publicUrl: config.PUBLIC_URL,
    allowed: config.ALLOWED_ORIGINS,
    trustProxy: config.TRUST_PROXY !== undefined,
  };
  const trust = trustFunction(config.TRUST_PROXY);
  const joinsPerAddress = new KeyedBuckets(config.JOIN_RATE_PER_IP, config.JOIN_RATE_PER_IP / 60);
  const failuresPerAddress = new KeyedBuckets(config.JOIN_FAILURES_PER_IP, config.JOIN_FAILURES_PER_IP / 60);
  const joinsOverall = new TokenBucket(config.JOIN_RATE_TOTAL * 2, config.JOIN_RATE_TOTAL, now());
  const connections = new Map<string, number>();
  let stopping = false;

  const release = (address: string) => {
    const n = (connections.get(address) ?? 1) - 1;
    if (n <= 0) connections.delete(address);
    else connections.set(address, n);
  };

  /** HT-1: the same rule as HTTP's: the nearest address no trusted proxy added. */
  const addressOf = (socket: CercleSocket): string => clientAddress(socket.request, trust);

  io.use(async (socket, next) => {
    let address: string | null = null;
    try {
      if (stopping) throw new CodedError('internal');
      if (!isOriginAllowed(socket.handshake.headers, originPolicy))
        throw new CodedError('origin_not_allowed');
      address = addressOf(socket);
      const held = connections.get(address) ?? 0;
      if (held >= config.MAX_CONNECTIONS_PER_IP) {
        address = null; // not counted, so nothing to release
        throw new CodedError('too_many_connections');
      }
      connections.set(address, held + 1);
      const t = now();
      if (!failuresPerAddress.has(address, t) || !joinsPerAddress.take(address, t) || !joinsOverall.take(t)) {
        throw new CodedError('rate_limited');
      }
      const auth = handshakeAuthSchema.safeParse(socket.handshake.auth);
      if (!auth.success) {
        failuresPerAddress.take(address, t);
        throw new CodedError('bad_request');
      }
      const { code, resumeToken, name, facilitatorKey, locale } = auth.data;
      const outcome = resumeToken
        ? await service.resume(code, resumeToken)
        : name !== undefined
          ? await service.join(code, { name, facilitatorKey, locale })
          : ({ ok: false, error: wireError('bad_request') } as const);
      observer.join(resumeToken ? 'resume' : 'join', outcome.ok ? 'ok' : outcome.error.code);
      if (!outcome.ok) {
        if (outcome.error.code !== 'store_unavailable') failuresPerAddress.take(address, now());
        throw new CodedError(outcome.error.code);
      }
      const seat = outcome.value;
      socket.data = {
        code,
        participantId: seat.participantId,
        address,
        commands: new TokenBucket(config.COMMAND_BURST, config.COMMAND_RATE, now()),
      };
      connectionSeats.set(socket.id, {
        seat,
        resumeToken: resumeToken ?? seat.resumeToken ?? '',
        resumed: !!resumeToken,
      });
      observer.handshake(seat.admitted ? 'admitted' : 'waiting');
      next();
    } catch (error) {
      if (address !== null) release(address);
      const coded = error instanceof CodedError ? error : new CodedError('internal');
      if (!(error instanceof CodedError))
        log.error({ event: 'handshake_error', error: errorName(error) }, 'handshake failed');
      observer.handshake(coded.code);
      next(coded);
    }
  });

  /** What the handshake found, for the connection handler (not kept on socket.data: it holds the token). */
  const connectionSeats = new Map<string, { seat: Seat; resumeToken: string; resumed: boolean }>();

  io.on('connection', (socket) => {
    const handshake = connectionSeats.get(socket.id);
    connectionSeats.delete(socket.id);
    const { code, participantId, address } = socket.data;
    if (!handshake) {
      socket.disconnect(true);
      return;
    }
    const isAdmitted = () => socket.rooms.has(admittedChannel(code));

    socket.on('disconnect', (reason) => {
      release(address);
      log.debug({ event: 'disconnected', participantId, reason }, 'disconnected');
      if (stopping) return;
      void markAwayIfGone(code, participantId);
    });

    socket.on('room:command', async (payload: unknown, ack: unknown) => {
      if (typeof ack !== 'function') return; // a command without acknowledgement is not a command
      const received = performance.now();
      let type = 'unparsed';
      const answer = (response: CommandAck) => {
        (ack as (response: CommandAck) => void)(response);
        const outcome = response.ok ? 'ok' : response.error.code;
        observer.command({ type, outcome, ms: performance.now() - received, participantId });
      };
      if (!isAdmitted()) return answer({ ok: false, error: wireError('waiting_for_admission') });
      if (!socket.data.commands.take(now())) return answer({ ok: false, error: wireError('rate_limited') });
      const request = commandRequestSchema.safeParse(payload);
      if (!request.success) {
        return answer({ ok: false, error: wireError(payloadError(request.error)) });
      }
      type = request.data.command.type;
      answer(await service.command(code, participantId, request.data.id, request.data.command));
    });

    socket.on('room:sync', async (payload: unknown, ack: unknown) => {
      if (typeof ack !== 'function') return;
      const answer = ack as (response: SyncAck) => void;
      if (!syncRequestSchema.safeParse(payload ?? {}).success) {
        return answer({ ok: false, error: wireError('bad_request') });
      }
      if (!socket.data.commands.take(now())) return answer({ ok: false, error: wireError('rate_limited') });
      const snapshot = await service.snapshot(code, participantId);
      answer(snapshot.ok ? { ok: true, snapshot: snapshot.value } : { ok: false, error: snapshot.error });
    });

    socket.on('time:ping', (payload: unknown, ack: unknown) => {
      if (typeof ack !== 'function') return;
      const request = pingRequestSchema.safeParse(payload);
      if (!request.success) return ack({ ok: false, error: wireError('bad_request') });
      ack({ clientTime: request.data.clientTime, serverTime: now() });
    });

    // Events nobody listens to are dropped by Socket.IO; one that asks for an answer gets `bad_request`.
    socket.onAny((event: unknown, ...args: unknown[]) => {
      // Own keys only: `toString` or `__proto__` is no event of ours (HT-6).
      if (typeof event === 'string' && Object.hasOwn(clientEventSchemas, event)) return;
      const last = args.at(-1);
      if (typeof last === 'function') last({ ok: false, error: wireError('bad_request') });
    });

    void welcome(socket, handshake);
  });

  async function welcome(
    socket: CercleSocket,
    { seat, resumeToken, resumed }: { seat: Seat; resumeToken: string; resumed: boolean },
  ): Promise<void> {
    const { code, participantId } = socket.data;
    socket.join([everyoneChannel(code), seatChannel(code, participantId)]);
    if (resumed) await service.presence(code, participantId, 'connected');
    if (!seat.admitted) {
      socket.emit('session:waiting', { participantId, resumeToken, serverTime: now() });
      log.debug({ event: 'waiting', participantId }, 'waiting for admission');
      return;
    }
    // Joined to the broadcasts before the snapshot is read: no change can fall between the two.
    socket.join(admittedChannel(code));
    const snapshot = await service.snapshot(code, participantId);
    if (!socket.connected) return;
    if (!snapshot.ok) {
      // Store gone between handshake and snapshot: the client reconnects with its token.
      socket.disconnect(true);
      return;
    }
    socket.emit('session:welcome', {
      participantId,
      resumeToken,
      serverTime: now(),
      snapshot: snapshot.value,
    });
    log.debug({ event: 'welcome', participantId, resumed, version: snapshot.value.version }, 'welcome');
  }

  /** Away only when no tab of this person is connected to any node any more. */
  async function markAwayIfGone(code: string, participantId: string): Promise<void> {
    try {
      const sockets = await io.in(seatChannel(code, participantId)).fetchSockets();
      if (sockets.length > 0) return;
    } catch {
      // another node did not answer: mark away; its socket's next command or reconnect sets it back
    }
    await service.presence(code, participantId, 'away');
  }

  return {
    stop: () => {
      stopping = true;
    },
  };
}

function errorName(error: unknown): string {
  return error instanceof Error ? error.name : typeof error;
}
