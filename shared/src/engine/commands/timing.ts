import type { Command, SystemCommand } from '../../protocol/commands.js';
import type { Effect, RoomEvent } from '../events.js';
import { TIMER_TOLERANCE_MS } from '../limits.js';
import { refuse } from '../refusal.js';
import type { Room } from '../room.js';
import {
  adjustTimer,
  expireTimer,
  fireAt,
  pauseTimer,
  remainingMs,
  resumeTimer,
  type Timer,
} from '../timer.js';
import { advanceRound } from './floor.js';
import { graceUp } from './membership.js';
import { accept, type DecideContext, type Outcome } from './outcome.js';
import { canAutoAdvance, enterPhase } from './session.js';

type Cmd<T extends (Command | SystemCommand)['type']> = Extract<Command | SystemCommand, { type: T }>;

function scheduleFor(timer: Timer | null | undefined, now: number): Effect[] {
  return timer?.timerId ? [{ type: 'schedule_timer', timerId: timer.timerId, at: fireAt(timer, now) }] : [];
}

/** TM-2: pausing freezes the phase timer and any speaker timer; their pending firings go stale. */
export function pause(room: Room, ctx: DecideContext): Outcome {
  const round = room.floor.round;
  return accept(
    {
      ...room,
      timer: pauseTimer(room.timer!, ctx.now),
      floor: round
        ? { ...room.floor, round: { ...round, timer: pauseTimer(round.timer, ctx.now) } }
        : room.floor,
    },
    [{ type: 'timer_paused' }],
  );
}

/** TM-2: resuming moves each deadline by the paused span and schedules it anew. */
export function resume(room: Room, ctx: DecideContext): Outcome {
  const timer = resumeTimer(room.timer!, ctx.now, ctx.newId());
  const round = room.floor.round;
  const roundTimer =
    round && round.timer.pausedAt !== null ? resumeTimer(round.timer, ctx.now, ctx.newId()) : null;
  return accept(
    {
      ...room,
      timer,
      floor: round && roundTimer ? { ...room.floor, round: { ...round, timer: roundTimer } } : room.floor,
    },
    [{ type: 'timer_resumed' }],
    [...scheduleFor(timer, ctx.now), ...scheduleFor(roundTimer, ctx.now)],
  );
}

/** TM-3: add (or remove) time on the phase timer; a new firing replaces the pending one. */
export function addTime(room: Room, cmd: Cmd<'add_time'>, ctx: DecideContext): Outcome {
  const timer = adjustTimer(room.timer!, cmd.ms, ctx.now, ctx.newId());
  return accept(
    { ...room, timer },
    [{ type: 'time_adjusted', deltaMs: cmd.ms }],
    scheduleFor(timer, ctx.now),
  );
}

/** TM-8: how long before a phase's end everyone is warned (0: no warning). */
export function setWarning(room: Room, cmd: Cmd<'set_warning'>): Outcome {
  if (room.warnBeforeMs === cmd.ms) return refuse('invalid', 'The warning is already so.');
  return accept({ ...room, warnBeforeMs: cmd.ms }, [{ type: 'warning_changed', ms: cmd.ms }]);
}

export function setAutoAdvance(room: Room, cmd: Cmd<'set_auto_advance'>): Outcome {
  if (room.autoAdvance === cmd.enabled) return refuse('invalid', 'Auto-advance is already so.');
  return accept({ ...room, autoAdvance: cmd.enabled }, [
    { type: 'auto_advance_changed', enabled: cmd.enabled },
  ]);
}

/**
 * TM-9: the timer ids whose `time_up` would count now (see `timeUp`): every seat's grace timer, and
 * while the session runs the phase timer's and the round's. Any other id is stale.
 */
export function pendingTimerIds(room: Room): Set<string> {
  const ids = new Set<string>();
  for (const seat of Object.values(room.participants)) if (seat.grace) ids.add(seat.grace.timerId);
  if (room.status === 'running') {
    if (room.timer?.timerId) ids.add(room.timer.timerId);
    const roundTimer = room.floor.round?.timer.timerId;
    if (roundTimer) ids.add(roundTimer);
  }
  return ids;
}

/** TM-9: `timerId` is not among `room`'s pending timer ids (`pendingTimerIds`), without building them. */
function goneTimer(timerId: string, room: Room): boolean {
  if (room.status === 'running') {
    if (room.timer?.timerId === timerId) return false;
    if (room.floor.round?.timer.timerId === timerId) return false;
  }
  for (const id in room.participants) {
    if (Object.hasOwn(room.participants, id) && room.participants[id]!.grace?.timerId === timerId)
      return false;
  }
  return true;
}

/**
 * TM-9: the decision with a `cancel_timer` for each timer pending before it and not after (fired,
 * replaced by add_time or resume, paused, its phase or round over, its seat back), so the host's set of
 * deadlines holds only those that can still count, however often time is added. The host applies this
 * to each accepted decision (the engine's handlers return only what they schedule).
 */
export function withTimerCancels<D extends { ok: true; room: Room; effects: Effect[] } | { ok: false }>(
  before: Room,
  decision: D,
): D {
  if (!decision.ok) return decision;
  const after = decision.room;
  // What `pendingTimerIds` reads, all kept (a card, a hand, a record): no timer can have gone.
  if (
    after.participants === before.participants &&
    after.status === before.status &&
    after.timer === before.timer &&
    after.floor === before.floor
  )
    return decision;
  // The seats kept (a phase move, time added, a timer fired, a round): only the phase timer and the
  // round's can have gone, and they are looked at alone, without the two sets (same effects, same order).
  if (after.participants === before.participants && after.status === before.status) {
    if (before.status !== 'running') return decision;
    const phase = before.timer?.timerId;
    const round = before.floor.round?.timer.timerId;
    const goneA = phase ? goneTimer(phase, after) : false;
    const goneB = round && round !== phase ? goneTimer(round, after) : false;
    if (!goneA && !goneB) return decision;
    const cancels: Effect[] = [];
    if (goneA) cancels.push({ type: 'cancel_timer', timerId: phase! });
    if (goneB) cancels.push({ type: 'cancel_timer', timerId: round! });
    return { ...decision, effects: [...decision.effects, ...cancels] };
  }
  const was = pendingTimerIds(before);
  if (was.size === 0) return decision;
  const now = pendingTimerIds(decision.room);
  const cancels: Effect[] = [];
  for (const timerId of was) if (!now.has(timerId)) cancels.push({ type: 'cancel_timer', timerId });
  return cancels.length === 0 ? decision : { ...decision, effects: [...decision.effects, ...cancels] };
}

/**
 * TM-5: the host fires `time_up` with the id it was given. Only the pending id counts; any other is
 * stale and changes nothing. TM-7: with auto-advance, the room moves on to the next phase (or speaker).
 */
export function timeUp(room: Room, cmd: Cmd<'time_up'>, ctx: DecideContext): Outcome {
  // RM-7: a seat's grace timer, in any status (a seat may be released in the lobby too).
  const graced = Object.values(room.participants).find((seat) => seat.grace?.timerId === cmd.timerId);
  if (graced) return graceUp(room, graced, ctx);
  if (room.status !== 'running') return refuse('stale_timer', 'The session is not running.');
  const events: RoomEvent[] = [];
  if (room.timer && room.timer.timerId === cmd.timerId) {
    if (remainingMs(room.timer, ctx.now) > TIMER_TOLERANCE_MS) return refuse('stale_timer', 'Not due yet.');
    const expired: Room = { ...room, timer: expireTimer(room.timer, ctx.now) };
    events.push({ type: 'time_up', scope: 'phase' });
    if (room.autoAdvance && canAutoAdvance(room)) {
      const entered = enterPhase(expired, room.phaseIndex + 1, ctx);
      return accept(entered.room, [...events, ...entered.events], entered.effects);
    }
    return accept(expired, events);
  }
  const round = room.floor.round;
  if (round && round.timer.timerId === cmd.timerId) {
    if (remainingMs(round.timer, ctx.now) > TIMER_TOLERANCE_MS) return refuse('stale_timer', 'Not due yet.');
    const expired: Room = {
      ...room,
      floor: { ...room.floor, round: { ...round, timer: expireTimer(round.timer, ctx.now) } },
    };
    events.push({ type: 'time_up', scope: 'speaker' });
    if (room.autoAdvance) {
      const advanced = advanceRound(expired, ctx);
      return accept(advanced.room, [...events, ...advanced.events], advanced.effects);
    }
    return accept(expired, events);
  }
  return refuse('stale_timer', 'This timer was replaced or has already fired.');
}
