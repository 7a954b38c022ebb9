import type { Command } from '../../protocol/commands.js';
import { MAX_CARDS, TEXT_LIMITS } from '../limits.js';
import { currentPhase, isDriver, mayPost, refuse } from '../permissions.js';
import type { Card, CardStatus, Participant, Room } from '../room.js';
import { accept, checkText, type DecideContext, type Outcome, without, withParticipant } from './outcome.js';

type Cmd<T extends Command['type']> = Extract<Command, { type: T }>;

function owns(seat: Participant, card: Card): boolean {
  return card.authorId === seat.id || seat.anonymousCardIds.includes(card.id);
}

/** BD-1: the phase says which role posts which kind. BD-3: an anonymous card stores no author at all. */
export function postCard(room: Room, cmd: Cmd<'post_card'>, ctx: DecideContext): Outcome {
  const seat = room.participants[ctx.actor!]!;
  if (!mayPost(room, seat.role, cmd.kind)) {
    return refuse('board_locked_in_phase', 'Your role may not post this kind of card in this phase.');
  }
  const textRefusal = checkText(cmd.text, TEXT_LIMITS.card, 'card');
  if (textRefusal) return textRefusal;
  if (Object.keys(room.cards).length >= MAX_CARDS) return refuse('board_full', 'The board is full.');
  const anonymous = cmd.anonymous === true;
  if (anonymous && !room.allowAnonymousCards)
    return refuse('invalid', 'This room does not take anonymous cards.');
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

/** BD-2: only the author edits, and only while the phase still lets their role post that kind. */
export function editCard(room: Room, cmd: Cmd<'edit_card'>, ctx: DecideContext): Outcome {
  const seat = room.participants[ctx.actor!]!;
  const card = room.cards[cmd.cardId];
  if (!card) return refuse('invalid', 'No such card.');
  if (card.seeded) return refuse('invalid', 'Indicators from the framing cannot be changed (TR-2).');
  if (!owns(seat, card)) return refuse('not_your_card', 'Only the author edits a card.');
  if (!mayPost(room, seat.role, card.kind)) {
    return refuse('board_locked_in_phase', 'Your role may not write this kind of card in this phase.');
  }
  const textRefusal = checkText(cmd.text, TEXT_LIMITS.card, 'card');
  if (textRefusal) return textRefusal;
  const edited: Card = { ...card, text: cmd.text.trim(), editedAt: ctx.now };
  return accept({ ...room, cards: { ...room.cards, [card.id]: edited } }, [
    { type: 'card_edited', cardId: card.id },
  ]);
}

/** BD-2: the author withdraws while the phase lets them post; the facilitator may always (moderation). */
export function withdrawCard(room: Room, cmd: Cmd<'withdraw_card'>, ctx: DecideContext): Outcome {
  const seat = room.participants[ctx.actor!]!;
  const card = room.cards[cmd.cardId];
  if (!card) return refuse('invalid', 'No such card.');
  if (card.seeded) return refuse('invalid', 'Indicators from the framing cannot be withdrawn (TR-2).');
  const moderator = isDriver(room, seat.id);
  if (!moderator) {
    if (!owns(seat, card)) return refuse('not_your_card', 'Only the author withdraws a card.');
    if (!mayPost(room, seat.role, card.kind)) {
      return refuse('board_locked_in_phase', 'Your role may not touch this kind of card in this phase.');
    }
  }
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

/** CD-5: in synthesis the client keeps or sets aside what they received (the gate checks the role). */
export function sortCard(room: Room, cardId: string, status: CardStatus): Outcome {
  const card = room.cards[cardId];
  if (!card) return refuse('invalid', 'No such card.');
  if (card.status === status) return refuse('invalid', 'The card already has this status.');
  return accept({ ...room, cards: { ...room.cards, [card.id]: { ...card, status } } }, [
    { type: 'card_sorted', cardId: card.id, status },
  ]);
}
