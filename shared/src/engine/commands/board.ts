import type { Command } from '../../protocol/commands.js';
import { cardCount, cardOf, hasCard } from '../cards.js';
import { withChunk, withEntry, without, withoutChunk } from '../entries.js';
import { MAX_CARDS, TEXT_LIMITS } from '../limits.js';
import { currentPhase } from '../permissions.js';
import { refuse } from '../refusal.js';
import type { Card, CardStatus, Room } from '../room.js';
import { isRoomLiteral, roomLiteral } from '../roomShape.js';
import { CARD_TALLIES, HIDDEN_TALLIES } from '../roomText.js';
import { accept, checkText, type DecideContext, type Outcome, withParticipant } from './outcome.js';
import { postsHidden } from './silence.js';

type Cmd<T extends Command['type']> = Extract<Command, { type: T }>;

/**
 * BD-1: the phase says which role posts which kind (checked by the policy, as are anonymous cards being
 * allowed). BD-3: an anonymous card stores no author at all. SW-1: in a silent phase before the reveal,
 * the card holds no text; the author's seat keeps it.
 */
export function postCard(room: Room, cmd: Cmd<'post_card'>, ctx: DecideContext): Outcome {
  const seat = room.participants[ctx.actor!]!;
  const textRefusal = checkText(cmd.text, TEXT_LIMITS.card, 'card');
  if (textRefusal) return textRefusal;
  if (cardCount(room.cards) >= MAX_CARDS) return refuse('board_full', 'The board is full.');
  const anonymous = cmd.anonymous === true;
  const hidden = postsHidden(room);
  const id = ctx.newId();
  if (hasCard(room.cards, id)) return refuse('invalid', 'Card id already in use.');
  const text = cmd.text.trim();
  const phaseId = currentPhase(room).id;
  // Two literals rather than a spread of `authorId` into one: the same keys in the same order (the
  // stored JSON and the patch are unchanged), made without the slow path a spread in a literal takes.
  const card: Card = anonymous
    ? {
        id,
        kind: cmd.kind,
        text: hidden ? '' : text,
        anonymous,
        seeded: false,
        hidden,
        status: 'open',
        phaseId,
        createdAt: ctx.now,
        editedAt: null,
      }
    : {
        id,
        kind: cmd.kind,
        text: hidden ? '' : text,
        authorId: seat.id,
        anonymous,
        seeded: false,
        hidden,
        status: 'open',
        phaseId,
        createdAt: ctx.now,
        editedAt: null,
      };
  const cards = withChunk(room.cards, id, card, CARD_TALLIES);
  if (!anonymous && !hidden && isRoomLiteral(room)) {
    // The usual post: the next room made at once, at its version and time (`nextRoom` keeps it as it
    // is), rather than a spread of the room that `nextRoom` then copies again: one room copy, not two.
    const next = roomLiteral(room, room.version + 1, ctx.now);
    next.cards = cards;
    return accept(next, [{ type: 'card_posted', cardId: id }]);
  }
  const withCard: Room = { ...room, cards };
  const next =
    anonymous || hidden
      ? withParticipant(withCard, {
          ...seat,
          ...(anonymous ? { anonymousCardIds: [...seat.anonymousCardIds, id] } : {}),
          ...(hidden ? { hiddenTexts: withEntry(seat.hiddenTexts, id, text, HIDDEN_TALLIES) } : {}),
        })
      : withCard;
  return accept(next, [{ type: 'card_posted', cardId: id }]);
}

/** BD-2: the policy checked it is the author's, while the phase still lets their role post that kind. */
export function editCard(room: Room, cmd: Cmd<'edit_card'>, ctx: DecideContext): Outcome {
  const card = cardOf(room.cards, cmd.cardId);
  if (!card) return refuse('invalid', 'No such card.');
  const textRefusal = checkText(cmd.text, TEXT_LIMITS.card, 'card');
  if (textRefusal) return textRefusal;
  const text = cmd.text.trim();
  if (card.hidden) {
    // SW-1: a hidden card's text changes in its author's seat only.
    const seat = room.participants[ctx.actor!]!;
    const withText = withParticipant(room, {
      ...seat,
      hiddenTexts: withEntry(seat.hiddenTexts, card.id, text, HIDDEN_TALLIES),
    });
    const cards = withChunk<Card>(room.cards, card.id, { ...card, editedAt: ctx.now }, CARD_TALLIES);
    return accept({ ...withText, cards }, [{ type: 'card_edited', cardId: card.id }]);
  }
  const edited: Card = { ...card, text, editedAt: ctx.now };
  return accept({ ...room, cards: withChunk(room.cards, card.id, edited, CARD_TALLIES) }, [
    { type: 'card_edited', cardId: card.id },
  ]);
}

/** BD-2: the author while the phase lets them post, or the facilitator (moderation): the policy checked. */
export function withdrawCard(room: Room, cmd: Cmd<'withdraw_card'>, _ctx: DecideContext): Outcome {
  const card = cardOf(room.cards, cmd.cardId);
  if (!card) return refuse('invalid', 'No such card.');
  let next: Room = {
    ...room,
    cards: withoutChunk(room.cards, card.id, CARD_TALLIES),
    indicatorReviews: room.indicatorReviews[card.id]
      ? without(room.indicatorReviews, card.id)
      : room.indicatorReviews,
  };
  if (card.anonymous || card.hidden) {
    const author = Object.values(room.participants).find(
      (p) => p.anonymousCardIds.includes(card.id) || Object.hasOwn(p.hiddenTexts, card.id),
    );
    if (author) {
      next = withParticipant(next, {
        ...author,
        anonymousCardIds: card.anonymous
          ? author.anonymousCardIds.filter((id) => id !== card.id)
          : author.anonymousCardIds,
        hiddenTexts: card.hidden ? without(author.hiddenTexts, card.id, HIDDEN_TALLIES) : author.hiddenTexts,
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
  const card = cardOf(room.cards, cardId);
  if (!card) return refuse('invalid', 'No such card.');
  return accept({ ...room, cards: withChunk<Card>(room.cards, card.id, { ...card, status }, CARD_TALLIES) }, [
    { type: 'card_sorted', cardId: card.id, status },
  ]);
}
