import type { Decision, Room } from '@cercle/shared';

/**
 * The storage contract every room store honours (docs/design.md, "Storage"). The store knows two things
 * of a room: its `code` and its `version`, the compare-and-set key; everything else is the engine's.
 * The types default to the engine's `Room` and `Decision`; tests may store a smaller stand-in room.
 */

/** What the store relies on in a room: its code and its version (+1 per accepted command). */
export type StoredRoom = { readonly code: string; readonly version: number };

/**
 * What a closed door needs of a room (HT-5), read without the room itself: its version, its status
 * (null for a room without one) and whether it is locked.
 */
export type RoomHeader = { version: number; status: string | null; locked: boolean };

/** An effect the store understands: a deadline at which the host calls decide(time_up{timerId}). */
export type ScheduleTimerEffect = { type: 'schedule_timer'; timerId: string; at: number };
/** An effect the store understands: the timer can no longer count (fired, replaced): forget it. */
export type CancelTimerEffect = { type: 'cancel_timer'; timerId: string };

/**
 * How long a claimed timer belongs to its claimer (TM-10). If its firing is not stored by then (the
 * claimer died, the store stalled, the claim's answer was lost), any node claims it again; the engine
 * refuses a second firing as stale, so it applies once.
 */
export const TIMER_LEASE_MS = 1_000;

/** The outcome of one step as the store sees it; the engine's `Decision` has this shape. */
export type StepDecision<R extends StoredRoom = StoredRoom> =
  | { ok: true; room: R; effects: readonly { type: string }[] }
  | { ok: false; code: string; message: string };

export type ApplyResult<R extends StoredRoom = Room, D extends StepDecision = Decision> =
  | {
      status: 'applied';
      before: R;
      decision: Extract<D, { ok: true }>;
      /**
       * Settles once the `onApplied` listeners' work on this write is done (see `AppliedListener`);
       * absent when they had none (no promise made per write for nothing to wait for). Never rejects.
       */
      handled?: Promise<void>;
    }
  | { status: 'duplicate'; version: number } // commandId seen before with this fingerprint: nothing re-applied
  | { status: 'reused' } // commandId seen before with another fingerprint: refused, nothing applied
  | { status: 'refused'; code: Extract<D, { ok: false }>['code']; message: string }
  | { status: 'not_found' };

/** A step's outcome before its write is told (an `applied` gets its `handled` then), or a bug in it. */
export type StepOutcome<R extends StoredRoom = Room, D extends StepDecision = Decision> =
  | Exclude<ApplyResult<R, D>, { status: 'applied' }>
  | Omit<Extract<ApplyResult<R, D>, { status: 'applied' }>, 'handled'>
  | { error: unknown };

/**
 * The commands of one room stored by one write: `decisions` in order, the first applied to `before`,
 * each to the previous one's room (versions `before.version + 1` to the last one's).
 */
export type AppliedBatch<R extends StoredRoom = Room, D extends StepDecision = Decision> = {
  before: R;
  decisions: Extract<D, { ok: true }>[];
};

/** A due timer leased to one caller; `at` is when it became claimable (its deadline, or a lapsed lease). */
export type DueTimer = { code: string; timerId: string; at: number };

/**
 * Told of a stored write. What it returns (the work the write calls for: the decisions' effects) is
 * handed to the write's callers as `handled`, so a caller answers only once that work is done.
 */
export type AppliedListener<R extends StoredRoom = Room, D extends StepDecision = Decision> = (
  code: string,
  applied: AppliedBatch<R, D>,
) => Promise<void> | void;

/** Tells every listener of a write; a listener's failure is its own (the write is stored). */
export function tellApplied<R extends StoredRoom, D extends StepDecision>(
  listeners: Iterable<AppliedListener<R, D>>,
  code: string,
  applied: AppliedBatch<R, D>,
): Promise<void> | undefined {
  let work: Promise<void> | Promise<void>[] | undefined;
  for (const listener of listeners) {
    try {
      const done = listener(code, applied);
      if (!done) continue;
      const caught = done.catch(ignore);
      if (work === undefined) work = caught;
      else if (Array.isArray(work)) work.push(caught);
      else work = [work, caught];
    } catch {
      // the write is stored all the same
    }
  }
  // Undefined when no listener has work left: the usual write, with no effects to run.
  return Array.isArray(work) ? Promise.all(work).then(ignore) : work;
}

const ignore = () => {};

export interface RoomStore<R extends StoredRoom = Room, D extends StepDecision = Decision> {
  readonly kind: 'memory' | 'sqlite' | 'redis';
  /** Stores a new room (TTL starts now); false when the code is taken. */
  create(room: R): Promise<boolean>;
  /**
   * The stored room (SR-8: a node's copy only when it is the stored one). It may be the very room the
   * store keeps and runs the next step on: read it, never change it (the engine never mutates a room).
   */
  load(code: string): Promise<R | null>;
  /**
   * The room's header (version, status, locked), read without the room (SR-7): a closed door (an
   * unknown, ended or locked room) is answered from it, in the time a wrong code takes. Null: no room.
   */
  header(code: string): Promise<RoomHeader | null>;
  /**
   * The header of this node's copy of the room, unchecked (another node may have written since), with no
   * read; null when it holds none. Only a store whose reads are round trips has it (Redis): a step run
   * on a copy is checked by the compare-and-set anyway, so a join to a room held open skips the header.
   */
  heldHeader?(code: string): RoomHeader | null;
  /**
   * The entries of one of the room's id-keyed maps (`ENTRY_MAPS`: `participants`, `cards`...), read
   * without the rest of the room (SR-7: a resume finds its seat in the seats alone, whatever the room
   * holds besides), in no particular order. Null: no room.
   */
  entries<K extends keyof R & string>(code: string, map: K): Promise<R[K] | null>;
  /**
   * Runs `step` on the current room and stores its result atomically (version must become +1).
   * A refusal stores nothing. A `commandId` already applied to this room (remembered for the room's
   * lifetime, with its `fingerprint`) returns `duplicate` when the fingerprint is the same and `reused`
   * when it differs (another payload, another sender: SR-1); neither applies anything.
   * The decision's `schedule_timer` effects are scheduled in the same atomic write, so a timer is never
   * lost between the write and a later `scheduleTimer` call (calling it anyway is harmless); its
   * `cancel_timer` effects are removed in that write too, so a fired timer is gone with its firing.
   * `step` must be pure: it may run more than once (on a version conflict) and must not mutate its input.
   */
  apply(
    code: string,
    commandId: string | null,
    step: (room: R) => D,
    fingerprint?: string,
  ): Promise<ApplyResult<R, D>>;
  /**
   * Tells `listener` of every write this instance stored, once per write, synchronously before any of its
   * `apply` callers is answered, and also when those callers were already answered `store_unavailable`
   * (a write that landed after its deadline): a stored change is always told, whoever still waits for it.
   * What the listeners return reaches the write's callers as `handled`.
   */
  onApplied(listener: AppliedListener<R, D>): () => void;
  /** Refreshes the room's TTL without changing it; false when the room does not exist. */
  touch(code: string): Promise<boolean>;
  /** Deletes every key of the room and its pending timers, at once. */
  purge(code: string): Promise<void>;
  /** Schedules (or re-schedules) `code|timerId` at `at` (epoch ms); a no-op when the room is gone. */
  scheduleTimer(code: string, timerId: string, at: number): Promise<void>;
  /**
   * Claims up to `limit` timers due at `now`, each leased to this caller until `now` + the lease (TM-10):
   * no other caller gets it before. It leaves the set when a write cancels it (its firing, stored); if
   * none does within the lease, it is claimable again. Timers of rooms that no longer exist are dropped.
   */
  claimDueTimers(now: number, limit: number): Promise<DueTimer[]>;
  /** Forgets `code|timerId` (a timer found stale); a no-op when it is not scheduled. */
  cancelTimer(code: string, timerId: string): Promise<void>;
  /** Tells `listener` of every deadline scheduled through this instance, so a poller can wake at it. */
  onTimerScheduled(listener: (at: number) => void): () => void;
  /** For each (id, fingerprint): was that command applied to the room (SR-1, SR-5)? Applies nothing. */
  commandsStored(code: string, commands: readonly { id: string; fingerprint: string }[]): Promise<boolean[]>;
  /**
   * The stored version of each room (null: no such room, expired or vanished), for the room watch
   * (SR-2, SR-3): one round trip for all, off the command path (Redis: on a connection of its own).
   */
  versions(codes: readonly string[]): Promise<(number | null)[]>;
  /** True while the backend answers (for /readyz); never throws. */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

/**
 * However the backend answers, a store call fails after waiting this long (a backstop against a queue
 * that never moves). A store answers sooner, within its call timeout, when the backend stops answering.
 */
export const MAX_STORE_WAIT_MS = 15_000;

/**
 * The backend did not answer in time or is unreachable: nothing is known to be stored.
 * The transport answers `store_unavailable`; the client may retry with the same command id.
 */
export class StoreUnavailableError extends Error {
  override readonly name = 'StoreUnavailableError';
  readonly code = 'store_unavailable';
}

/** The decision's `schedule_timer` effects, checked field by field (effects are plain data). */
export function scheduleTimerEffects(decision: {
  effects: readonly { type: string }[];
}): ScheduleTimerEffect[] {
  const timers: ScheduleTimerEffect[] = [];
  for (const effect of decision.effects) {
    if (effect.type !== 'schedule_timer') continue;
    const { timerId, at } = effect as Partial<ScheduleTimerEffect>;
    if (typeof timerId === 'string' && typeof at === 'number' && Number.isFinite(at)) {
      timers.push({ type: 'schedule_timer', timerId, at });
    }
  }
  return timers;
}

/** The timers a write adds (member -> deadline) and removes. */
export type TimerChanges = { schedule: ReadonlyMap<string, number>; cancel: ReadonlySet<string> };

const NO_TIMER_CHANGES: TimerChanges = Object.freeze({
  schedule: new Map<string, number>(),
  cancel: new Set<string>(),
});

const hasNoEffects = (decision: { effects: readonly unknown[] }) => decision.effects.length === 0;

/**
 * The net change to a room's timers of decisions applied in order: deadlines to set (`code|timerId` ->
 * at) and timers to forget. A timer scheduled then cancelled by a later decision is only forgotten.
 */
export function timerChanges(
  code: string,
  decisions: readonly { effects: readonly { type: string }[] }[],
): TimerChanges {
  // The usual write schedules and cancels nothing: one shared empty answer, no map and set per write.
  if (decisions.every(hasNoEffects)) return NO_TIMER_CHANGES;
  const schedule = new Map<string, number>();
  const cancel = new Set<string>();
  for (const decision of decisions) {
    for (const effect of decision.effects) {
      if (effect.type === 'schedule_timer') {
        const { timerId, at } = effect as Partial<ScheduleTimerEffect>;
        if (typeof timerId !== 'string' || typeof at !== 'number' || !Number.isFinite(at)) continue;
        const member = timerMember(code, timerId);
        cancel.delete(member);
        schedule.set(member, at);
      } else if (effect.type === 'cancel_timer') {
        const { timerId } = effect as Partial<CancelTimerEffect>;
        if (typeof timerId !== 'string') continue;
        const member = timerMember(code, timerId);
        schedule.delete(member);
        cancel.add(member);
      }
    }
  }
  return { schedule, cancel };
}

/** Throws when a step broke the store's invariants: that is a bug in the step, not a refusal. */
export function checkStepResult(before: StoredRoom, after: StoredRoom): void {
  if (after.code !== before.code) throw new Error('step changed the room code');
  if (after.version !== before.version + 1) throw new Error('step must return version = previous + 1');
}

/** `code|timerId`: the member of the timers set (codes never contain `|`). */
export function timerMember(code: string, timerId: string): string {
  return `${code}|${timerId}`;
}

export function parseTimerMember(member: string, at: number): DueTimer {
  const bar = member.indexOf('|');
  return { code: member.slice(0, bar), timerId: member.slice(bar + 1), at };
}
