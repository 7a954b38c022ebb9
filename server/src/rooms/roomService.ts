import { hash } from 'node:crypto';
import {
  buildRoom,
  type Command,
  type CommandAck,
  type CreateRoomInput,
  type DecideContext,
  type Decision,
  decide,
  type EngineCommand,
  type ErrorCode,
  errorCodeSchema,
  pendingTimerIds,
  type Room,
  type RoomPatch,
  type WireError,
  withTimerCancels,
} from '@cercle/shared';
import type { FastifyBaseLogger } from 'fastify';
import { noObserver, type Observers } from '../observe/observer.js';
import {
  type AppliedBatch,
  type ApplyResult,
  MAX_STORE_WAIT_MS,
  type RoomHeader,
  type RoomStore,
  StoreUnavailableError,
} from '../store/interface.js';
import { Backstop } from './backstop.js';
import { RoomBroadcaster, snapshotOf } from './broadcaster.js';
import { wireError } from './errors.js';
import type { RoomPublisher } from './publisher.js';
import { hashSecret, newId, newParticipantId, newRoomCode, newSecret } from './secrets.js';
import { type EncodedSnapshot, SnapshotCache } from './snapshotCache.js';

export { snapshotOf };

export type EngineStore = RoomStore<Room, Decision>;

export type Outcome<T> = { ok: true; value: T } | { ok: false; error: WireError };

/**
 * The connection a command came on, while it waits for its acknowledgement: the patch telling its write
 * rides on the acknowledgement instead of coming as a `room:patch` of its own (one frame, not two).
 */
type Sender = { connection: string; patch: RoomPatch | undefined; answered: boolean };

/** Where a decision keeps its sender, for `stored` (the store hands back the step's own decisions). */
const SENDER = Symbol('sender');
type SentDecision = Decision & { [SENDER]?: Sender };

/** A seat given to a connection: by a first join or by a resume token. */
export type Seat = {
  participantId: string;
  admitted: boolean;
  /** Only on a first join: the token is made here and never stored in clear. */
  resumeToken?: string;
  /** Only on a first join: the room's version its seat was stored at (SC-8). */
  version?: number;
};

/** What anyone holding the code may learn before joining (`GET /api/rooms/:code`). */
export type RoomFacts = {
  template: string;
  title: string | null;
  locale: 'fr' | 'en';
  status: 'lobby' | 'running';
  people: number;
};

export type NewRoom = Omit<CreateRoomInput, 'code' | 'facilitatorKeyHash'>;

/** A room opened, or the engine's refusal of what was asked (a phase list it cannot run: CU-2). */
export type RoomOpening =
  | { ok: true; code: string; facilitatorKey: string | null; room: Room }
  | { ok: false; error: WireError & { phase?: number } };

type RoomServiceDeps = {
  store: EngineStore;
  logger: FastifyBaseLogger;
  /** Told of fired timers and of callers answered store_unavailable (metrics, debug log). */
  observer?: Observers;
  /**
   * The store's own bound (it answers `store_unavailable` within this once its backend stops answering);
   * this service adds a backstop above the store's longest wait, in case a store never settles a call.
   */
  storeTimeoutMs: number;
  /** How long a dropped participant keeps their seat (RM-7); the engine's SEAT_GRACE_MS when not given. */
  seatGraceMs?: number;
  now?: () => number;
};

const NO_CONNECTIONS: readonly string[] = [];

const fail = <T>(code: ErrorCode): Outcome<T> => ({ ok: false, error: wireError(code) });

/** A door that may open: the room exists, is not over and not locked (HT-5). */
const isOpen = (header: RoomHeader | null): boolean =>
  header !== null && header.status !== 'ended' && !header.locked;

/**
 * Load, decide, store atomically, publish, run effects. The rules are the engine's (`decide`); this
 * class only moves rooms between the store and the engine; telling people is the broadcaster's
 * (broadcaster.ts). Timers are the store's (leases, TM-10) and the poller's (store/timers.ts).
 */
export class RoomService {
  private readonly broadcaster: RoomBroadcaster;
  /** One encoded public view per room version for every snapshot of it (HT-8). */
  private readonly snapshots = new SnapshotCache();
  /** Per room, this node's commands sent to the store whose outcome is not back yet (RoomWatch, SR-2). */
  private readonly writing = new Map<string, number>();
  private readonly unsubscribe: () => void;
  private readonly store: EngineStore;
  private readonly log: FastifyBaseLogger;
  private readonly observer: Observers;
  /** Every store call's bound, above the store's own (see the constructor). */
  private readonly backstop: Backstop;
  private readonly now: () => number;
  private readonly seatGraceMs: number | undefined;

  constructor(deps: RoomServiceDeps) {
    this.store = deps.store;
    this.seatGraceMs = deps.seatGraceMs;
    this.log = deps.logger.child({ component: 'rooms' });
    this.observer = deps.observer ?? noObserver;
    // The store answers within storeTimeoutMs when its backend is silent, and lets a call wait its turn
    // behind answered ones up to MAX_STORE_WAIT_MS: this backstop is above both, for a store that hangs.
    this.backstop = new Backstop(
      Math.max(deps.storeTimeoutMs, MAX_STORE_WAIT_MS) + 1_000,
      () => new StoreTimeout(),
    );
    this.now = deps.now ?? Date.now;
    this.broadcaster = new RoomBroadcaster(this.now);
    // Every stored write is told from here, once, whether or not its callers still wait for it; what
    // `stored` returns (its effects) reaches the write's callers as `handled`.
    this.unsubscribe = this.store.onApplied((code, applied) => this.stored(code, applied));
  }

  /** Public views encoded for snapshots so far: one per room version, however many snapshots (HT-8). */
  get snapshotViewsEncoded(): number {
    return this.snapshots.encodedViews;
  }

  /** How the service reaches people (the realtime layer sets it; silent until then). */
  get publisher(): RoomPublisher {
    return this.broadcaster.publisher;
  }

  set publisher(publisher: RoomPublisher) {
    this.broadcaster.publisher = publisher;
  }

  /** The last version of a room this node sent the patch of to its people (RoomWatch, SR-2). */
  toldVersion(code: string): number | undefined {
    return this.broadcaster.toldVersion(code);
  }

  /** Forgets the versions told of rooms but `rooms`, those with people here (RoomWatch, SR-2). */
  forgetToldBut(rooms: ReadonlySet<string>): void {
    this.broadcaster.forgetToldBut(rooms);
  }

  /**
   * Whether this node has a command for the room at the store, its outcome not back yet (RoomWatch,
   * SR-2): a version the watch reads meanwhile may be that command's, stored but its patch still to go
   * out from here.
   */
  writingHere(code: string): boolean {
    return this.writing.has(code);
  }

  /**
   * A new room under a fresh code (retried on the rare collision) and, if the method has one, its key.
   * What the engine refuses (a title too long, a phase list the method cannot run) creates nothing.
   */
  async createRoom(input: NewRoom): Promise<RoomOpening> {
    for (let attempt = 0; attempt < 8; attempt++) {
      const code = newRoomCode();
      const facilitatorKey = newSecret();
      const built = buildRoom({ ...input, code, facilitatorKeyHash: hashSecret(facilitatorKey) }, this.now());
      if (!built.ok) {
        // The refusal's code and the phase's position only: its message may not go out (errors.ts).
        const code = errorCodeSchema.safeParse(built.code);
        const error = wireError(code.success ? code.data : 'invalid');
        this.log.debug({ event: 'room_refused', error: error.code, phase: built.phase }, 'room refused');
        return { ok: false, error: built.phase === undefined ? error : { ...error, phase: built.phase } };
      }
      const { room } = built;
      if (await this.guard(this.store.create(room))) {
        // Never the title or the phases' texts: user content.
        this.log.info(
          { event: 'room_created', template: room.template.id, phases: room.phases.length },
          'room created',
        );
        const key = room.facilitatorKeyHash === null ? null : facilitatorKey;
        return { ok: true, code, facilitatorKey: key, room };
      }
    }
    throw new Error('no free room code after 8 attempts');
  }

  /**
   * Public facts of an open room; null for a wrong, ended or locked code alike, told from the room's
   * header without reading the room (HT-5, SR-7): a closed door answers in a wrong code's time.
   */
  async facts(code: string): Promise<RoomFacts | null> {
    if (!isOpen(await this.guard(this.store.header(code)))) return null;
    const room = await this.guard(this.store.load(code));
    if (!room || room.status === 'ended' || room.locked) return null;
    return {
      template: room.template.id,
      // A room stored before titles existed has none.
      title: room.title ?? null,
      locale: room.locale ?? 'fr',
      status: room.status,
      people: Object.values(room.participants).filter((p) => p.admission === 'admitted').length,
    };
  }

  /**
   * Whether this node holds a copy of the room, not ended (SR-8): a join to it is checked by its
   * compare-and-set alone, and the room surely exists (the realtime layer listens to its channel ahead
   * of the join then: SC-8).
   */
  holdsOpen(code: string): boolean {
    const held = this.store.heldHeader?.(code) ?? null;
    return held !== null && held.status !== 'ended';
  }

  /** A first join: a fresh seat and resume token (only its hash is stored). */
  async join(
    code: string,
    offer: { name: string; facilitatorKey?: string | undefined; locale?: string | undefined },
  ): Promise<Outcome<Seat>> {
    // An unknown or ended room is refused from its header, the whole room unread (HT-5, SR-7); a locked
    // one has a waiting list, so the engine decides. A room this node holds open is not asked first:
    // the join's compare-and-set checks the copy (a stale one gets the stored room, ended or gone).
    const held = this.store.heldHeader?.(code) ?? null;
    if (held === null || held.status === 'ended') {
      const header = await this.header(code);
      if (!header.ok) return header;
      if (header.value === null || header.value.status === 'ended') return fail('room_not_found');
    }
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
    return {
      ok: true,
      value: {
        participantId,
        admitted: seat.admission === 'admitted',
        resumeToken,
        version: result.value.version,
      },
    };
  }

  /** Back in the seat the token was given for, on whichever node; a removed seat's token fails at once. */
  async resume(code: string, resumeToken: string): Promise<Outcome<Seat>> {
    // The seats alone, not the room (SR-7): a resume costs the same in a room of 10 cards or 1,000, and
    // a wrong token the same as a wrong code, near enough.
    let seats: Room['participants'] | null;
    try {
      seats = await this.guard(this.store.entries(code, 'participants'));
    } catch (error) {
      return this.failure(error);
    }
    if (!seats) return fail('room_not_found');
    const tokenHash = hashSecret(resumeToken);
    const seat = Object.values(seats).find((p) => p.tokenHash === tokenHash);
    // HT-5: a token that opens no seat gets the wrong code's answer: nothing tells a guesser the code is used.
    if (!seat) return fail('room_not_found');
    if (seat.admission === 'released') {
      // RM-8: the seat went to someone else's use after the grace period; take one again if there is room.
      const command = {
        type: 'join',
        participantId: seat.id,
        displayName: seat.displayName,
        tokenHash,
      } satisfies EngineCommand;
      const result = await this.run(code, null, null, command);
      if (!result.ok) return result.error.code === 'wrong_status' ? fail('room_not_found') : result;
      const back = result.value.room?.participants[seat.id];
      return { ok: true, value: { participantId: seat.id, admitted: back?.admission === 'admitted' } };
    }
    return { ok: true, value: { participantId: seat.id, admitted: seat.admission === 'admitted' } };
  }

  /**
   * Everything one admitted participant needs to draw the room now, as the JSON text sent (HT-8). The
   * store's version comes first, from the room's header fields: the room itself is read only when
   * this node holds no copy of that version (one it stored or read last), and its view text is shared.
   */
  async snapshot(
    code: string,
    participantId: string,
    /** The store's version, when the caller just read it. */
    known?: number,
    /** The view without the built-in texts: the connection holds them (VW-10). */
    lean = false,
  ): Promise<Outcome<EncodedSnapshot>> {
    const version = known === undefined ? await this.version(code) : { ok: true as const, value: known };
    if (!version.ok) return version;
    let room = this.snapshots.at(code, version.value);
    if (!room) {
      const outcome = await this.loadRoom(code);
      if (!outcome.ok) return outcome;
      room = outcome.value;
    }
    const seat = room.participants[participantId];
    if (!seat) return fail('bad_token');
    if (seat.admission !== 'admitted') return fail('waiting_for_admission');
    return { ok: true, value: this.snapshots.of(room, participantId, lean) };
  }

  /**
   * The last version of the room this node stored or read, if it keeps one (HT-8): every version this
   * node stored up to now is at most this one, and a snapshot of it needs no read (SC-8).
   */
  keptVersion(code: string): number | undefined {
    return this.snapshots.keptVersion(code);
  }

  /** The room's stored version, from the store's header read (not the room): `room:sync`'s "current" (HT-8). */
  async version(code: string): Promise<Outcome<number>> {
    const header = await this.header(code);
    if (!header.ok) return header;
    return header.value ? { ok: true, value: header.value.version } : fail('room_not_found');
  }

  /**
   * A client command, acknowledged only once the store's write returned. With `connection` (the
   * sender's), the acknowledgement of a stored write carries its patch, which that connection is then not
   * sent as a `room:patch`.
   */
  async command(
    code: string,
    actor: string,
    commandId: string,
    command: Command,
    connection?: string,
  ): Promise<CommandAck> {
    const sender = connection === undefined ? undefined : { connection, patch: undefined, answered: false };
    const result = await this.run(code, actor, commandId, command as EngineCommand, sender);
    if (!result.ok) return { ok: false, error: result.error };
    const patch = sender?.patch;
    return patch
      ? { ok: true, version: result.value.version, patch }
      : { ok: true, version: result.value.version };
  }

  /** Which of these commands (given up on by the sender's page) were in fact stored: their ids (SR-5). */
  async storedCommands(code: string, actor: string, commands: readonly { id: string; command: Command }[]) {
    if (commands.length === 0) return [];
    const stored = await this.guard(
      this.store.commandsStored(
        code,
        commands.map(({ id, command }) => ({
          id,
          fingerprint: commandFingerprint(actor, command as EngineCommand),
        })),
      ),
    );
    return commands.filter((_, i) => stored[i]).map(({ id }) => id);
  }

  /** A participant's connection came or went: away, the seat is kept for the grace period (RM-7). */
  async presence(code: string, participantId: string, presence: 'connected' | 'away'): Promise<void> {
    const result = await this.run(code, participantId, null, { type: 'presence', participantId, presence });
    if (!result.ok && result.error.code !== 'invalid') {
      this.log.debug({ event: 'presence_not_applied', participantId, error: result.error.code }, 'presence');
    }
  }

  /**
   * A due timer leased to this node: "time is up" (a stale timer is refused by the engine and changes
   * nothing). Its write also removes the timer from the store (TM-9). When the store is unavailable the
   * firing was not stored: this rejects with StoreUnavailableError and the timer stays in the store, to
   * be claimed again by any node once its lease ends (TM-10); the engine applies it once (TM-5).
   */
  async fireTimer(code: string, timerId: string, due: number): Promise<void> {
    const result = await this.run(code, null, null, { type: 'time_up', timerId });
    this.observer.timerFired(result.ok ? 'ok' : result.error.code, this.now() - due);
    if (result.ok) return; // stored: its write removed the timer (cancel_timer, TM-9)
    if (result.error.code === 'store_unavailable') throw new StoreUnavailableError('time_up not stored');
    if (result.error.code === 'stale_timer') await this.forgetIfStale(code, timerId);
  }

  /**
   * A firing refused as stale: the timer is dropped from the store if no longer pending (a leftover),
   * kept if it is only not due yet on this node's clock (its lease brings it back).
   */
  private async forgetIfStale(code: string, timerId: string): Promise<void> {
    try {
      const room = await this.guard(this.store.load(code));
      if (room && pendingTimerIds(room).has(timerId)) return;
      await this.guard(this.store.cancelTimer(code, timerId));
    } catch {
      // the lease brings it back and the check runs again
    }
  }

  /** Stops telling writes (shutdown). */
  stop(): void {
    this.unsubscribe();
  }

  /** The room's header (SR-7), or the store's failure as an outcome. */
  private async header(code: string): Promise<Outcome<RoomHeader | null>> {
    try {
      return { ok: true, value: await this.guard(this.store.header(code)) };
    } catch (error) {
      return this.failure(error);
    }
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
    sender?: Sender,
  ): Promise<Outcome<{ version: number; room: Room | null }>> {
    // Told to the room by `stored` as soon as stored (before this resolves), even if the answer below
    // already went out as store_unavailable; the answer waits for the decision's effects. The clock is
    // read by the step, when the engine decides (a command may wait its turn behind its room's others):
    // "time is up" is stamped when decided, just before its write and its patch go out.
    this.writing.set(code, (this.writing.get(code) ?? 0) + 1); // before the store: it may tell at once
    const applying = this.store.apply(
      code,
      commandId,
      (room) => {
        const decision: SentDecision = withTimerCancels(room, decide(room, command, this.context(actor)));
        if (sender && decision.ok) decision[SENDER] = sender;
        return decision;
      },
      commandId === null ? undefined : commandFingerprint(actor, command),
    );
    let result: ApplyResult<Room, Decision>;
    try {
      result = await this.guardApplied(applying);
    } catch (error) {
      if (sender) {
        sender.answered = true;
        // Stored, and left out of its broadcast for the acknowledgement that now cannot carry it.
        if (sender.patch) this.publisher.patchTo(sender.connection, sender.patch);
      }
      return this.failure(error, command.type);
    } finally {
      const left = (this.writing.get(code) ?? 1) - 1;
      if (left > 0) this.writing.set(code, left);
      else this.writing.delete(code);
    }
    switch (result.status) {
      case 'not_found':
        return fail('room_not_found');
      case 'duplicate':
        return { ok: true, value: { version: result.version, room: null } };
      case 'reused':
        return fail('id_reused');
      case 'refused': {
        const code = errorCodeSchema.safeParse(result.code);
        return fail(code.success ? code.data : 'invalid');
      }
      case 'applied':
        return { ok: true, value: { version: result.decision.room.version, room: result.decision.room } };
    }
  }

  /**
   * Tells the room about a write the store made: one patch `from` the first version `to` the last, with
   * all the events of the commands stored together (the store writes a room's queued commands in one
   * batch), computed once: one diff over the room and one message per person for a batch, instead of one
   * per command, each O(cards) to compute, send and apply. Called by the store before any of the
   * commands' callers is answered, so the patch goes out before the acknowledgements (which carry it to
   * the senders still waiting, left out of the broadcast: SC-7); and also for a
   * write that landed after its callers were answered store_unavailable, so no stored version is left
   * untold (a client that sees a gap must fetch a whole snapshot). Then runs the decisions' effects:
   * the promise returned is handed by the store to the write's callers (`handled`), who answer after it.
   */
  private stored(
    code: string,
    { before, decisions }: AppliedBatch<Room, Decision>,
  ): Promise<void> | undefined {
    const last = decisions[decisions.length - 1];
    if (!last) return undefined;
    const events = decisions.length === 1 ? last.events : decisions.flatMap((d) => d.events);
    this.snapshots.remember(last.room); // the next snapshots of this version need no read (HT-8)
    // The senders still waiting get the patch in their acknowledgement, not as a broadcast: a connection
    // with several commands in this write, in the first one's only.
    let senders: Sender[] | undefined;
    for (const decision of decisions as SentDecision[]) {
      const sender = decision[SENDER];
      if (!sender || sender.answered) continue;
      if (!senders) senders = [sender];
      else if (!senders.some((other) => other.connection === sender.connection)) senders.push(sender);
    }
    try {
      const except = senders ? senders.map((sender) => sender.connection) : NO_CONNECTIONS;
      const patch = this.broadcaster.tellChanges(before, last.room, events, except);
      if (senders) for (const sender of senders) sender.patch = patch;
    } catch (error) {
      this.log.error({ event: 'publish_failed', error: errorName(error) }, 'publish failed');
    }
    // The usual write has no effects: nothing to run, no array made to find out.
    if (!decisions.some(hasEffects)) return undefined;
    return (async () => {
      for (const decision of decisions) {
        if (!hasEffects(decision)) continue;
        await this.runEffects(code, decision).catch((error: unknown) => {
          this.log.error({ event: 'effect_failed', error: errorName(error) }, 'effect failed');
        });
      }
    })();
  }

  private async runEffects(code: string, decision: Extract<Decision, { ok: true }>): Promise<void> {
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
          this.broadcaster.forget(code);
          this.snapshots.forget(code);
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

  /** `command`: the command's type (never its content), when the failure answers one. */
  private failure<T>(error: unknown, command?: string): Outcome<T> {
    if (error instanceof StoreUnavailableError) {
      this.observer.storeUnavailable();
      // The reason is one of the store's own fixed messages (never stored data), the command its type.
      this.log.warn(
        { event: 'store_unavailable', error: errorName(error), reason: error.message, commandType: command },
        'store unavailable',
      );
      return fail('store_unavailable');
    }
    this.log.error({ event: 'internal_error', error: errorName(error) }, 'internal error');
    return fail('internal');
  }

  /** What the engine is told besides the room and the command; the clock read when it decides. */
  private context(actor: string | null): DecideContext {
    const context: DecideContext = { actor, now: this.now(), newId };
    if (this.seatGraceMs !== undefined) context.seatGraceMs = this.seatGraceMs;
    return context;
  }

  /**
   * Bounds every store call, so an answer (maybe `store_unavailable`) always comes within the limit. A
   * late outcome after the timeout is dropped (already answered). One promise per call; the backstop's
   * one timer watches every call.
   */
  private guard<T>(promise: Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const held = this.backstop.hold(reject);
      promise.then(
        (value) => {
          this.backstop.release(held);
          resolve(value);
        },
        (error: unknown) => {
          this.backstop.release(held);
          reject(error);
        },
      );
    });
  }

  /**
   * `guard` of a command's write, settled once the write's effects ran too (`handled`): its caller
   * answers after them. One promise for both, and none more when there are no effects to wait for.
   */
  private guardApplied(applying: Promise<ApplyResult<Room, Decision>>): Promise<ApplyResult<Room, Decision>> {
    return new Promise((resolve, reject) => {
      const held = this.backstop.hold(reject);
      applying.then(
        (result) => {
          const handled = result.status === 'applied' ? result.handled : undefined;
          if (handled === undefined) {
            this.backstop.release(held);
            resolve(result);
            return;
          }
          const done = () => {
            this.backstop.release(held);
            resolve(result);
          };
          handled.then(done, done);
        },
        (error: unknown) => {
          this.backstop.release(held);
          reject(error);
        },
      );
    });
  }
}

/**
 * Effects this service runs once a write is stored. A timer's scheduling and cancelling are the store's,
 * in the write itself: a phase change or a "time is up" has nothing left to run, and its callers are
 * answered without an effects pass.
 */
function hasEffects(decision: Decision): boolean {
  if (!decision.ok) return false;
  for (const effect of decision.effects)
    if (effect.type !== 'schedule_timer' && effect.type !== 'cancel_timer') return true;
  return false;
}

/** The store did not answer within the backstop: as unavailable as an error from it. */
class StoreTimeout extends StoreUnavailableError {}

/**
 * SR-1: what a command id is remembered with, so that a retry (same sender, same payload) is told from a
 * reuse of the id for something else: a hash of the sender and the command as validated.
 */
export function commandFingerprint(actor: string | null, command: EngineCommand): string {
  // The one-shot hash: the same SHA-256 as a Hash object, without building one per command.
  const digest = hash('sha256', `${actor ?? ''}\n${JSON.stringify(command)}`, 'base64url');
  // Joined from two short slices, not one slice of the digest: V8 makes a slice of 13 characters or more
  // a view that keeps its 43-character parent alive, and the store's id cache keeps a fingerprint for
  // the room's last 64 commands (SR-1), past scavenges: a flat copy is 40 B there instead of ~100 B.
  return [digest.slice(0, 11), digest.slice(11, 22)].join('');
}

/** Only the class of an error reaches the log: messages may quote stored data. */
function errorName(error: unknown): string {
  return error instanceof Error ? error.name : typeof error;
}
