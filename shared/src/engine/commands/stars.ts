import type { Command } from '../../protocol/commands.js';
import { refuse } from '../refusal.js';
import type { Room } from '../room.js';
import { accept, type DecideContext, type Outcome, withParticipant } from './outcome.js';

type Cmd<T extends Command['type']> = Extract<Command, { type: T }>;

/**
 * PM-1: a star is kept in the starrer's own seat, which only their private view shows; no event names
 * it. The policy checked the phase opens `card_stars` to their role and that the card is shown.
 */
export function starCard(room: Room, cmd: Cmd<'star_card'>, ctx: DecideContext): Outcome {
  const seat = room.participants[ctx.actor!]!;
  if (seat.stars.includes(cmd.cardId)) return refuse('invalid', 'Already starred.');
  return accept(withParticipant(room, { ...seat, stars: [...seat.stars, cmd.cardId] }));
}

export function unstarCard(room: Room, cmd: Cmd<'unstar_card'>, ctx: DecideContext): Outcome {
  const seat = room.participants[ctx.actor!]!;
  if (!seat.stars.includes(cmd.cardId)) return refuse('invalid', 'Not starred.');
  return accept(withParticipant(room, { ...seat, stars: seat.stars.filter((id) => id !== cmd.cardId) }));
}
