import type { Command } from '../../protocol/commands.js';
import type { Effect, RoomEvent } from '../events.js';
import { admittedSeats, mayHoldFloor } from '../permissions.js';
import { refuse } from '../refusal.js';
import type { Room } from '../room.js';
import { fireAt, startTimer } from '../timer.js';
import { accept, type DecideContext, type Outcome } from './outcome.js';

type Cmd<T extends Command['type']> = Extract<Command, { type: T }>;

/** FL-1: only a role the phase gives the floor to may raise a hand (checked by the gate). */
export function raiseHand(room: Room, ctx: DecideContext): Outcome {
  const actor = ctx.actor!;
  return accept({ ...room, floor: { ...room.floor, hands: [...room.floor.hands, actor] } }, [
    { type: 'hand_raised', participantId: actor },
  ]);
}

export function lowerHand(room: Room, cmd: Cmd<'lower_hand'>, ctx: DecideContext): Outcome {
  // The policy checked whose hand it is and that it is raised (FL-3).
  const target = cmd.participantId ?? ctx.actor!;
  return accept(
    { ...room, floor: { ...room.floor, hands: room.floor.hands.filter((id) => id !== target) } },
    [{ type: 'hand_lowered', participantId: target }],
  );
}

/**
 * FL-2: the floor goes to a named person, or to the first raised hand; the policy checked there is one,
 * that no round runs, and that the phase gives their role the floor.
 */
export function giveFloor(room: Room, cmd: Cmd<'give_floor'>): Outcome {
  const target = (cmd.participantId ?? room.floor.hands[0])!;
  return accept(
    {
      ...room,
      floor: { ...room.floor, speakerId: target, hands: room.floor.hands.filter((id) => id !== target) },
    },
    [{ type: 'floor_given', participantId: target }],
  );
}

export function releaseFloor(room: Room): Outcome {
  return accept({ ...room, floor: { ...room.floor, speakerId: null } }, [
    { type: 'floor_given', participantId: null },
  ]);
}

/** FL-3 / TM-6: a round gives each person the floor in turn, each with a timer of their own. */
export function startRound(room: Room, cmd: Cmd<'start_round'>, ctx: DecideContext): Outcome {
  const order =
    cmd.order ??
    admittedSeats(room)
      .filter((seat) => mayHoldFloor(room, seat.role))
      .sort((a, b) => a.joinedAt - b.joinedAt)
      .map((seat) => seat.id);
  // The policy checked the order given (each once, each admitted and given the floor by the phase).
  if (order.length === 0) return refuse('invalid', 'Nobody may speak in this phase.');
  const timerId = ctx.newId();
  const timer = startTimer(cmd.perSpeakerMs, ctx.now, timerId);
  return accept(
    {
      ...room,
      floor: {
        speakerId: order[0]!,
        hands: [],
        round: { order, index: 0, perSpeakerMs: cmd.perSpeakerMs, timer },
      },
    },
    [{ type: 'round_started' }, { type: 'speaker_changed', participantId: order[0]! }],
    [{ type: 'schedule_timer', timerId, at: fireAt(timer, ctx.now) }],
  );
}

/** The next person in the round gets the floor and a fresh timer; after the last one the round ends. */
export function advanceRound(
  room: Room,
  ctx: DecideContext,
): { room: Room; events: RoomEvent[]; effects: Effect[] } {
  const round = room.floor.round!;
  const index = round.index + 1;
  const speakerId = round.order[index];
  if (speakerId === undefined) {
    return {
      room: { ...room, floor: { ...room.floor, speakerId: null, round: null } },
      events: [{ type: 'round_stopped' }, { type: 'speaker_changed', participantId: null }],
      effects: [],
    };
  }
  const timerId = ctx.newId();
  const timer = startTimer(round.perSpeakerMs, ctx.now, timerId);
  return {
    room: { ...room, floor: { ...room.floor, speakerId, round: { ...round, index, timer } } },
    events: [{ type: 'speaker_changed', participantId: speakerId }],
    effects: [{ type: 'schedule_timer', timerId, at: fireAt(timer, ctx.now) }],
  };
}

export function nextSpeaker(room: Room, ctx: DecideContext): Outcome {
  const advanced = advanceRound(room, ctx);
  return accept(advanced.room, advanced.events, advanced.effects);
}

export function stopRound(room: Room): Outcome {
  return accept({ ...room, floor: { ...room.floor, speakerId: null, round: null } }, [
    { type: 'round_stopped' },
  ]);
}

/**
 * RM-7: someone leaves the floor for good (their seat was released): their hand is lowered, the floor
 * they held is released, and their turn in a round is given up: the round moves on to the next person
 * (or ends after the last), and they are out of the rest of its order.
 */
export function leaveFloor(
  room: Room,
  id: string,
  ctx: DecideContext,
): { room: Room; events: RoomEvent[]; effects: Effect[] } {
  const { floor } = room;
  const events: RoomEvent[] = [];
  const effects: Effect[] = [];
  if (floor.hands.includes(id)) events.push({ type: 'hand_lowered', participantId: id });
  const hands = floor.hands.filter((p) => p !== id);
  const round = floor.round;
  if (round?.order.includes(id)) {
    const speaking = round.order[round.index] === id;
    const order = round.order.filter((p) => p !== id);
    if (!speaking) {
      const index = order.indexOf(round.order[round.index] ?? '');
      return {
        room: { ...room, floor: { ...floor, hands, round: { ...round, order, index } } },
        events,
        effects,
      };
    }
    // Their turn is given up: the next person in the round speaks, with a fresh timer.
    const shortened: Room = {
      ...room,
      floor: { ...floor, hands, round: { ...round, order, index: round.index - 1 } },
    };
    const advanced = advanceRound(shortened, ctx);
    return { room: advanced.room, events: [...events, ...advanced.events], effects: advanced.effects };
  }
  if (floor.speakerId === id) {
    events.push({ type: 'floor_given', participantId: null });
    return { room: { ...room, floor: { ...floor, hands, speakerId: null } }, events, effects };
  }
  if (hands.length === floor.hands.length) return { room, events, effects };
  return { room: { ...room, floor: { ...floor, hands } }, events, effects };
}
