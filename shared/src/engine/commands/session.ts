import type { Command } from '../../protocol/commands.js';
import type { Effect, RoomEvent } from '../events.js';
import { admittedSeats, currentPhase } from '../permissions.js';
import { refuse } from '../refusal.js';
import { type PhaseClock, phaseClockKey, type Room } from '../room.js';
import { fireAt, startTimer, type Timer } from '../timer.js';
import { seatsWithinBounds } from './membership.js';
import { accept, type DecideContext, type Outcome } from './outcome.js';
import { revealAll } from './silence.js';

type Cmd<T extends Command['type']> = Extract<Command, { type: T }>;

const emptyFloor: Room['floor'] = { speakerId: null, hands: [], round: null };

/** Close the open entry of the phase history at `now`. */
function closeHistory(history: Room['phaseHistory'], now: number): Room['phaseHistory'] {
  const last = history[history.length - 1];
  if (!last || last.endedAt !== null) return history;
  return [...history.slice(0, -1), { ...last, endedAt: now }];
}

/** PH-5: the clock of the phase being left: its timebox as adjusted and the time spent, pauses excluded. */
function clockOf(timer: Timer, now: number): PhaseClock {
  const spentMs = Math.max(0, (timer.pausedAt ?? now) - timer.startedAt - timer.pausedTotalMs);
  return { durationMs: timer.durationMs, spentMs };
}

/**
 * The timer of a phase entered at `now`: a fresh timebox, or, for a phase left before (PH-5), its own
 * clock resumed where it was. A phase left in overtime comes back expired: it needs no firing (and so
 * cannot bounce the room forward again with auto-advance).
 */
function timerOnEntry(
  durationMs: number,
  clock: PhaseClock | undefined,
  now: number,
  timerId: string,
): Timer {
  if (!clock) return startTimer(durationMs, now, timerId);
  const resumed = startTimer(clock.durationMs, now - clock.spentMs, timerId);
  return clock.spentMs >= clock.durationMs ? { ...resumed, timerId: null, expiredAt: now } : resumed;
}

/**
 * Move everyone to phase `index` (PH-1): the phase timer gets a fresh id, so a pending firing of the
 * previous phase goes stale (TM-5); the floor is cleared since its rules change with the phase. The phase
 * left keeps its clock and the phase entered resumes its own, if it had one (PH-5).
 */
export function enterPhase(
  leaving: Room,
  index: number,
  ctx: DecideContext,
  coachingRound = leaving.coachingRound,
): { room: Room; events: RoomEvent[]; effects: Effect[] } {
  const phase = leaving.phases[index]!;
  // SW-2: leaving a silent phase shows what was written in it; DN-1: "done" is per phase.
  const revealed = revealAll(leaving);
  // One copy of the room, at the end (a room has 34 fields): `done` and `revealed` change nothing read here.
  const room = revealed.room;
  const revealEvents: RoomEvent[] =
    revealed.cardIds.length > 0 ? [{ type: 'cards_revealed', cardIds: revealed.cardIds }] : [];
  const timerId = ctx.newId();
  const phaseClocks =
    room.status === 'running' && room.timer && room.phaseHistory.length > 0
      ? {
          ...room.phaseClocks,
          [phaseClockKey(room.coachingRound, room.phaseIndex)]: clockOf(room.timer, ctx.now),
        }
      : room.phaseClocks;
  const timer = timerOnEntry(
    phase.durationMs,
    phaseClocks[phaseClockKey(coachingRound, index)],
    ctx.now,
    timerId,
  );
  const phaseHistory = [
    ...closeHistory(room.phaseHistory, ctx.now),
    {
      phaseId: phase.id,
      index,
      coachingRound,
      plannedMs: phase.durationMs,
      startedAt: ctx.now,
      endedAt: null,
    },
  ];
  return {
    room: {
      ...room,
      done: leaving.done.length > 0 ? [] : leaving.done,
      revealed: false,
      phaseIndex: index,
      coachingRound,
      timer,
      phaseClocks,
      floor: emptyFloor,
      phaseHistory,
    },
    events: [...revealEvents, { type: 'phase_changed', phaseIndex: index, coachingRound }],
    effects: timer.timerId ? [{ type: 'schedule_timer', timerId, at: fireAt(timer, ctx.now) }] : [],
  };
}

export function start(room: Room, ctx: DecideContext): Outcome {
  if (admittedSeats(room).length < room.template.minPeople) {
    return refuse('roles_incomplete', `This method needs at least ${room.template.minPeople} people.`);
  }
  if (!seatsWithinBounds(room))
    return refuse('roles_incomplete', 'Some roles of the method are not given yet.');
  const entered = enterPhase({ ...room, status: 'running' }, 0, ctx, 1);
  return accept(entered.room, [{ type: 'session_started' }, ...entered.events], entered.effects);
}

export function end(room: Room, cmd: Cmd<'end'>, ctx: DecideContext): Outcome {
  // SW-2: nothing written stays hidden in the record.
  const revealed = revealAll(room);
  const next: Room = {
    ...revealed.room,
    done: [],
    status: 'ended',
    timer: null,
    floor: emptyFloor,
    phaseHistory: closeHistory(room.phaseHistory, ctx.now),
  };
  return accept(
    next,
    [
      ...(revealed.cardIds.length > 0
        ? [{ type: 'cards_revealed' as const, cardIds: revealed.cardIds }]
        : []),
      { type: 'session_ended', purge: cmd.purge },
    ],
    [{ type: 'end_room', purge: cmd.purge }],
  );
}

/** PH-1: the policy already checked the move's starting point (PH-4) and range. */
function goTo(room: Room, index: number, ctx: DecideContext): Outcome {
  if (!Number.isInteger(index) || index < 0 || index >= room.phases.length) {
    return refuse('phase_out_of_range', 'No such phase.');
  }
  const entered = enterPhase(room, index, ctx);
  return accept(entered.room, entered.events, entered.effects);
}

export const nextPhase = (room: Room, ctx: DecideContext): Outcome => goTo(room, room.phaseIndex + 1, ctx);
export const previousPhase = (room: Room, ctx: DecideContext): Outcome =>
  goTo(room, room.phaseIndex - 1, ctx);
export const jumpPhase = (room: Room, cmd: Cmd<'jump_phase'>, ctx: DecideContext): Outcome =>
  goTo(room, cmd.index, ctx);

/** Is there a phase after this one that time_up may move to on its own (TM-7)? */
export function canAutoAdvance(room: Room): boolean {
  return room.phaseIndex < room.phases.length - 1;
}

/** PC-3: at the end of round one the two roles swap and the steps start again from `restartPhaseId`. */
export function swapRoles(room: Room, ctx: DecideContext): Outcome {
  const swap = room.template.swap!;
  const [a, b] = swap.roles;
  const participants = { ...room.participants };
  for (const seat of Object.values(room.participants)) {
    if (seat.role === a) participants[seat.id] = { ...seat, role: b };
    else if (seat.role === b) participants[seat.id] = { ...seat, role: a };
  }
  const restart = Math.max(
    0,
    room.phases.findIndex((phase) => phase.id === swap.restartPhaseId),
  );
  const entered = enterPhase({ ...room, participants }, restart, ctx, 2);
  return accept(
    entered.room,
    [{ type: 'roles_swapped', coachingRound: 2 }, ...entered.events],
    entered.effects,
  );
}

export { currentPhase };
