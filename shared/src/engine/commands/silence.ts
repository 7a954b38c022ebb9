import { cardOf, cardsInOrder } from '../cards.js';
import { ChunkedMap, keysOf } from '../entries.js';
import { currentPhase } from '../permissions.js';
import type { Card, Participant, Room } from '../room.js';
import { hiddenCards } from '../roomText.js';
import { accept, type Outcome } from './outcome.js';

/**
 * Silent writing (SW-1, SW-2). A card posted in a silent phase before its reveal is stored without its
 * text; the text sits in its author's seat (`hiddenTexts`), which only their private view shows. So no
 * public view, patch or snapshot can hold it, by construction. The reveal moves every text onto its card.
 */

/** SW-1: cards posted now stay hidden: the phase is silent and its cards are not revealed yet. */
export function postsHidden(room: Room): boolean {
  return currentPhase(room).silent === true && !room.revealed;
}

/**
 * SW-2: every hidden card gets its text back from its author's seat and is shown; a hidden card whose
 * text no seat holds any more (its author was removed) is dropped, never shown blank.
 */
export function revealAll(room: Room): { room: Room; cardIds: string[] } {
  // Every phase change asks: a board with no hidden card (the count is carried by the card edits) is
  // answered without a look at each card.
  if (hiddenCards.of(room.cards) === 0) return { room, cardIds: [] };
  const hidden = cardsInOrder(room.cards).filter((card) => card.hidden);
  if (hidden.length === 0) return { room, cardIds: [] };
  const texts = new Map<string, string>();
  const participants: Record<string, Participant> = { ...room.participants };
  for (const seat of Object.values(room.participants)) {
    const entries = Object.entries(seat.hiddenTexts);
    if (entries.length === 0) continue;
    for (const [cardId, text] of entries) texts.set(cardId, text);
    participants[seat.id] = { ...seat, hiddenTexts: {} };
  }
  // The cards in their order, each hidden one shown or dropped: one new map for the whole reveal.
  const shown = new Map<string, Card | null>();
  const cardIds: string[] = [];
  for (const card of hidden) {
    const text = texts.get(card.id);
    if (text === undefined) {
      shown.set(card.id, null);
      continue;
    }
    shown.set(card.id, { ...card, text, hidden: false });
    cardIds.push(card.id);
  }
  const pairs: [string, Card][] = [];
  for (const id of keysOf(room.cards)) {
    const card = shown.has(id) ? shown.get(id) : cardOf(room.cards, id);
    if (card) pairs.push([id, card]);
  }
  return { room: { ...room, cards: ChunkedMap.fromEntries(pairs), participants }, cardIds };
}

/** SW-2: the driver shows the phase's cards all at once; later cards of the phase are posted visible. */
export function revealCards(room: Room): Outcome {
  const revealed = revealAll(room);
  return accept({ ...revealed.room, revealed: true }, [
    { type: 'cards_revealed', cardIds: revealed.cardIds },
  ]);
}
