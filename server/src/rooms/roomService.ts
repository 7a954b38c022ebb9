import { randomBytes } from 'node:crypto';
import {
  type Command,
  type CommandAck,
  type CreateRoomInput,
  createRoom,
  type Decision,
  decide,
  diffView,
  type EngineCommand,
  type ErrorCode,
  errorCodeSchema,
  privateView,
  publicView,
  type Room,
  type Snapshot,
  type WireError,
} from '@cercle/shared';
import type { FastifyBaseLogger } from 'fastify';
import { type RoomStore, StoreUnavailableError } from '../store/interface.js';
import { wireError } from './errors.js';
import { type RoomPublisher, silentPublisher } from './publisher.js';
import { hashSecret, newParticipantId, newRoomCode, newSecret } from './secrets.js';

export type EngineStore = RoomStore<Room, Decision>;

export type Outcome<T> = { ok: true; value: T } | { ok: false; error: WireError };

/** A seat given to a connection: by a first join or by a resume token. */
export type Seat = {
  participantId: string;
  admitted: boolean;
  /** Only on a first join: the token is made here and never stored in clear. */
  resumeToken?: string;
};

/** What anyone holding the code may learn before joining (`GET /api/rooms/:code`). */
export type RoomFacts = { template: string; title: string | null; status: string; people: number };

export type NewRoom = Omit<CreateRoomInput, 'code' | 'facilitatorKeyHash'>;

type RoomServiceDeps = {
  store: EngineStore;
  logger: FastifyBaseLogger;
  /** A store call that takes longer is answered `store_unavailable` (the client may retry the same id). */
  storeTimeoutMs: number;
  now?: () => number;
};

const fail = <T>(code: ErrorCode): Outcome<T> => ({ ok: false, error: wireError(code) });
const newId = () => randomBytes(9).toString('base64url');

/**
 * Load, decide, store atomically, publish, run effects. The rules are the engine's (`decide`); this
 * class only moves rooms between the store and the engine and tells people what changed.
 */
export class RoomService {
  publisher: RoomPublisher = silentPublisher;
  private readonly store: EngineStore;
  private readonly log: FastifyBaseLogger;
  private readonly storeTimeoutMs: number;
  private readonly now: () => number;

  constructor(deps: RoomServiceDeps) {
    this.store = deps.store;
    this.log = deps.logger.child({ component: 'rooms' });
    // The store bounds its own calls to storeTimeoutMs; this is the backstop, still under 2 s.
    this.storeTimeoutMs = deps.storeTimeoutMs + 150;
    this.now = deps.now ?? Date.now;
  }

  /** A new room under a fresh code (retried on the rare collision) and, if the method has one, its key. */
  async createRoom(input: NewRoom): Promise<{ code: string; facilitatorKey: string | null; room: Room }> {
    for (let attempt = 0; attempt < 8; attempt++) {
      const code = newRoomCode();
      const facilitatorKey = newSecret();
      const room = createRoom({ ...input, code, facilitatorKeyHash: hashSecret(facilitatorKey) }, this.now());
      if (await this.guard(this.store.create(room))) {
        this.log.info({ event: 'room_created', template: room.template.id }, 'room created');
        return { code, facilitatorKey: room.facilitatorKeyHash === null ? null : facilitatorKey, room };
      }
    }
    throw new Error('no free room code after 8 attempts');
  }

  /** Public facts of an open room; null for a wrong, ended or locked code alike. */
  async facts(code: string): Promise<RoomFacts | null> {
    const room = await this.guard(this.store.load(code));
    if (!room || room.status === 'ended' || room.locked) return null;
    const title = (room as { title?: unknown }).title;
    return {
      template: room.template.id,
      title: typeof title === 'string' ? title : null,
      status: room.status,
      people: Object.values(room.participants).filter((p) => p.admission === 'admitted').length,
    };
  }

  /** A first join: a fresh seat and resume token (only its hash is stored). */
  async join(
    code: string,
    offer: { name: string; facilitatorKey?: string | undefined; locale?: string | undefined },
  ): Promise<Outcome<Seat>> {
    const participantId = newParticipantId();
    const resumeToken = newSecret();
    const command = {
      type: 'join',
      participantId,
      displayName: offer.name,
      tokenHash: hashSecret(resumeToken),
      ...(offer.facilitatorKey ? { facilitatorKeyHash: hashSecret(offer.facilitatorKey) } : {}),
    } satisfies EngineCommand;
    const result = await this.run(code, null, null, command);
    if (!result.ok) {
      // An ended room answers like a wrong code: nothing tells a guesser that a code was ever used.
      if (result.error.code === 'wrong_status') return fail('room_not_found');
      return result;
    }
    const seat = result.value.room?.participants[participantId];
    if (!seat) return fail('internal');
    return { ok: true, value: { participantId, admitted: seat.admission === 'admitted', resumeToken } };
  }

  /** Back in the seat the token was given for, on whichever node; a removed seat's token fails at once. */
  async resume(code: string, resumeToken: string): Promise<Outcome<Seat>> {
    const outcome = await this.loadRoom(code);
    if (!outcome.ok) return outcome;
    const tokenHash = hashSecret(resumeToken);
    const seat = Object.values(outcome.value.participants).find((p) => p.tokenHash === tokenHash);
    if (!seat) return fail('bad_token');
    return { ok: true, value: { participantId: seat.id, admitted: seat.admission === 'admitted' } };
  }

  /** Everything one admitted participant needs to draw the room now. */
  async snapshot(code: string, participantId: string): Promise<Outcome<Snapshot>> {
    const outcome = await this.loadRoom(code);
    if (!outcome.ok) return outcome;
    const seat = outcome.value.participants[participantId];
    if (!seat) return fail('bad_token');
    if (seat.admission !== 'admitted') return fail('waiting_for_admission');
    return { ok: true, value: snapshotOf(outcome.value, participantId) };
  }

  /** A client command, acknowledged only once the store's write returned. */
  async command(code: string, actor: string, commandId: string, command: Command): Promise<CommandAck> {
    const result = await this.run(code, actor, commandId, command as EngineCommand);
    this.log.debug(
      {
        event: 'command',
        commandType: command.type,
        participantId: actor,
        error: result.ok ? undefined : result.error.code,
      },
      'command',
    );
    if (!result.ok) return { ok: false, error: result.error };
    return { ok: true, version: result.value.version };
  }

  /** A participant's connection came or went (PR-*): the seat is kept either way. */
  async presence(code: string, participantId: string, presence: 'connected' | 'away'): Promise<void> {
    const result = await this.run(code, participantId, null, { type: 'presence', participantId, presence });
    if (!result.ok && result.error.code !== 'invalid') {
      this.log.debug({ event: 'presence_not_applied', participantId, error: result.error.code }, 'presence');
    }
  }

  /** A due timer claimed by this node: "time is up" (a stale timer is refused by the engine and changes nothing). */
  async fireTimer(code: string, timerId: string, due: number): Promise<void> {
    const result = await this.run(code, null, null, { type: 'time_up', timerId });
    const lateMs = this.now() - due;
    this.log.debug(
      { event: 'time_up', lateMs, error: result.ok ? undefined : result.error.code },
      'timer fired',
    );
    // Not stored: the poller puts the timer back and tries again.
    if (!result.ok && result.error.code === 'store_unavailable')
      throw new StoreUnavailableError('time_up not stored');
  }

  private async loadRoom(code: string): Promise<Outcome<Room>> {
    try {
      const room = await this.guard(this.store.load(code));
      return room ? { ok: true, value: room } : fail('room_not_found');
    } catch (error) {
      return this.failure(error);
    }
  }

  /**
   * One command through the store: the engine decides on the current room inside the store's atomic
   * step; then the change is published and its effects run. Never reports success unless stored.
   */
  private async run(
    code: string,
    actor: string | null,
    commandId: string | null,
    command: EngineCommand,
  ): Promise<Outcome<{ version: number; room: Room | null }>> {
    const now = this.now();
    // Published as soon as stored, even if the answer below already went out as a timeout.
    const applying = this.store
      .apply(code, commandId, (room) => decide(room, command, { actor, now, newId }))
      .then(async (result) => {
        if (result.status === 'applied') {
          this.publish(result.before, result.decision);
          await this.runEffects(result.decision);
        }
        return result;
      });
    let result: Awaited<typeof applying>;
    try {
      result = await this.guard(applying);
    } catch (error) {
      return this.failure(error);
    }
    switch (result.status) {
      case 'not_found':
        return fail('room_not_found');
      case 'duplicate':
        return { ok: true, value: { version: result.version, room: null } };
      case 'refused': {
        const code = errorCodeSchema.safeParse(result.code);
        return fail(code.success ? code.data : 'invalid');
      }
      case 'applied':
        return { ok: true, value: { version: result.decision.room.version, room: result.decision.room } };
    }
  }

  /** Everyone admitted gets the public patch; each participant whose own data changed gets it alone. */
  private publish(before: Room, decision: Extract<Decision, { ok: true }>): void {
    const after = decision.room;
    const patch = diffView(publicView(before), publicView(after));
    this.publisher.patch(after.code, {
      from: before.version,
      to: after.version,
      patch,
      events: decision.events,
    });
    for (const [participantId, seat] of Object.entries(after.participants)) {
      if (seat.admission !== 'admitted') continue;
      const was = before.participants[participantId];
      if (was && was.admission !== 'admitted') {
        this.publisher.admitted(after.code, participantId, {
          participantId,
          serverTime: this.now(),
          snapshot: snapshotOf(after, participantId),
        });
        continue;
      }
      const mine = privateView(after, participantId);
      if (!was || JSON.stringify(privateView(before, participantId)) !== JSON.stringify(mine)) {
        this.publisher.private(after.code, participantId, { version: after.version, mine });
      }
    }
  }

  private async runEffects(decision: Extract<Decision, { ok: true }>): Promise<void> {
    const code = decision.room.code;
    for (const effect of decision.effects) {
      switch (effect.type) {
        case 'schedule_timer':
          // Scheduled by the store in the same atomic write as the command (store contract).
          break;
        case 'disconnect':
          this.publisher.removed(code, effect.participantId);
          break;
        case 'end_room':
          // Ended without purge, the room stays readable (the record to take away): the patch says it.
          if (!effect.purge) break;
          try {
            await this.guard(this.store.purge(code));
          } catch (error) {
            this.log.error({ event: 'purge_failed', error: errorName(error) }, 'purge failed');
          }
          // After the acknowledgement of `end` has gone out on the same connections.
          setImmediate(() => this.publisher.ended(code, 'purged'));
          break;
      }
    }
  }

  private failure<T>(error: unknown): Outcome<T> {
    if (error instanceof StoreUnavailableError) {
      this.log.warn({ event: 'store_unavailable', error: errorName(error) }, 'store unavailable');
      return fail('store_unavailable');
    }
    this.log.error({ event: 'internal_error', error: errorName(error) }, 'internal error');
    return fail('internal');
  }

  /** Bounds every store call, so an answer (maybe `store_unavailable`) always comes within the limit. */
  private guard<T>(promise: Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new StoreTimeout()), this.storeTimeoutMs);
    });
    promise.catch(() => {}); // a late failure after the timeout is already answered
    return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
  }
}

/** The store did not answer within the backstop: as unavailable as an error from it. */
class StoreTimeout extends StoreUnavailableError {}

export function snapshotOf(room: Room, participantId: string): Snapshot {
  return { version: room.version, view: publicView(room), mine: privateView(room, participantId) };
}

/** Only the class of an error reaches the log: messages may quote stored data. */
function errorName(error: unknown): string {
  return error instanceof Error ? error.name : typeof error;
}
