import type { Command } from '../../protocol/commands.js';
import { expectedToFinish } from '../permissions.js';
import { refuse } from '../refusal.js';
import type { Room } from '../room.js';
import { accept, type DecideContext, type Outcome } from './outcome.js';
import { canAutoAdvance, enterPhase } from './session.js';

type Cmd<T extends Command['type']> = Extract<Command, { type: T }>;

/**
 * DN-1: "I'm done" in this phase, or not any more (the policy checked the seat is expected, DN-2).
 * DN-3: with `advanceWhenDone`, the last of those expected to say it moves the room to the next phase
 * (never past the last one, never across the peer-coaching swap).
 */
export function setDone(room: Room, cmd: Cmd<'set_done'>, ctx: DecideContext): Outcome {
  const actor = ctx.actor!;
  const already = room.done.includes(actor);
  if (already === cmd.done) return refuse('invalid', cmd.done ? 'Already done.' : 'Not marked done.');
  const done = cmd.done ? [...room.done, actor] : room.done.filter((id) => id !== actor);
  const next: Room = { ...room, done };
  const event = { type: 'done_changed', participantId: actor, done: cmd.done } as const;
  if (cmd.done && room.advanceWhenDone && canAutoAdvance(room) && everyoneDone(next)) {
    const entered = enterPhase(next, room.phaseIndex + 1, ctx);
    return accept(entered.room, [event, ...entered.events], entered.effects);
  }
  return accept(next, [event]);
}

function everyoneDone(room: Room): boolean {
  const expected = expectedToFinish(room);
  return expected.length > 0 && expected.every((seat) => room.done.includes(seat.id));
}

export function setAdvanceWhenDone(room: Room, cmd: Cmd<'set_advance_when_done'>): Outcome {
  if (room.advanceWhenDone === cmd.enabled) return refuse('invalid', 'Already so.');
  return accept({ ...room, advanceWhenDone: cmd.enabled }, [
    { type: 'advance_when_done_changed', enabled: cmd.enabled },
  ]);
}
