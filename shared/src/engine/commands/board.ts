import type { Command } from '../../protocol/commands.js';
import { MAX_CARDS, TEXT_LIMITS } from '../limits.js';
import { currentPhase } from '../permissions.js';
import { refuse } from '../refusal.js';
import type { Card, CardStatus, Room } from '../room.js';
import { accept, checkText, type DecideContext, type Outcome, without, withParticipant } from './outcome.js';

type Cmd<T extends Command['type']> = Extract<Command, { type: T }>;

/**
 * BD-1: the phase says which role posts which kind (checked by the policy, as are anonymous cards being
 * allowed). BD-3: an anonymous card stores no author at all.
 */
export function postCard(room: Room, cmd: Cmd<'post_card'>, ctx: DecideContext): Outcome {
  const seat = room.participants[ctx.actor!]!;
  const textRefusal = checkText(cmd.text, TEXT_LIMITS.card, 'card');
  if (textRefusal) return textRefusal;
  if (Object.keys(room.cards).length >= MAX_CARDS) return refuse('board_full', 'The board is full.');
  const anonymous = cmd.anonymous === true;
  const id = ctx.newId();
  if (room.cards[id]) return refuse('invalid', 'Card id already in use.');
  const card: Card = {
    id,
    kind: cmd.kind,
    text: cmd.text.trim(),
    ...(anonymous ? {} : { authorId: seat.id }),
    anonymous,
    seeded: false,
    status: 'open',
    phaseId: currentPhase(room).id,
    createdAt: ctx.now,
    editedAt: null,
  };
  const withCard: Room = { ...room, cards: { ...room.cards, [id]: card } };
  const next = anonymous
    ? withParticipant(withCard, { ...seat, anonymousCardIds: [...seat.anonymousCardIds, id] })
    : withCard;
  return accept(next, [{ type: 'card_posted', cardId: id }]);
}

/** BD-2: the policy checked it is the author's, while the phase still lets their role post that kind. */
export function editCard(room: Room, cmd: Cmd<'edit_card'>, ctx: DecideContext): Outcome {
  const card = room.cards[cmd.cardId]!;
  const textRefusal = checkText(cmd.text, TEXT_LIMITS.card, 'card');
  if (textRefusal) return textRefusal;
  const edited: Card = { ...card, text: cmd.text.trim(), editedAt: ctx.now };
  return accept({ ...room, cards: { ...room.cards, [card.id]: edited } }, [
    { type: 'card_edited', cardId: card.id },
  ]);
}

/** BD-2: the author while the phase lets them post, or the facilitator (moderation): the policy checked. */
export function withdrawCard(room: Room, cmd: Cmd<'withdraw_card'>, _ctx: DecideContext): Outcome {
  const card = room.cards[cmd.cardId]!;
  let next: Room = {
    ...room,
    cards: without(room.cards, card.id),
    indicatorReviews: room.indicatorReviews[card.id]
      ? without(room.indicatorReviews, card.id)
      : room.indicatorReviews,
  };
  if (card.anonymous) {
    const author = Object.values(room.participants).find((p) => p.anonymousCardIds.includes(card.id));
    if (author) {
      next = withParticipant(next, {
        ...author,
        anonymousCardIds: author.anonymousCardIds.filter((id) => id !== card.id),
      });
    }
  }
  return accept(next, [{ type: 'card_withdrawn', cardId: card.id }]);
}

/**
 * CD-5, BD-4: in synthesis the client keeps, sets aside or reopens what they received (the policy checked
 * the role, the card and that its status changes).
 */
export function sortCard(room: Room, cardId: string, status: CardStatus): Outcome {
  const card = room.cards[cardId]!;
  return accept({ ...room, cards: { ...room.cards, [card.id]: { ...card, status } } }, [
    { type: 'card_sorted', cardId: card.id, status },
  ]);
}
