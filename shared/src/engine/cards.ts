import { type EntryMap, entryCount, entryIn, hasEntry, valuesOf } from './entries.js';
import type { Card } from './room.js';

/**
 * The room's cards: a chunked map once the engine edited them (`ChunkedMap`, entries.ts), a plain
 * record as read back, built or shown (a view, the page). Readers go through these, which take both.
 */
export type CardMap<C = Card> = EntryMap<C>;

/** The card `id`, own entries only (EN-6). */
export const cardOf = <C>(cards: CardMap<C>, id: string): C | undefined => entryIn(cards, id);

export const hasCard = (cards: CardMap<unknown>, id: string): boolean => hasEntry(cards, id);

/** The cards in the map's order (the order they were posted in, as the stored map keeps it). */
export const cardsInOrder = <C>(cards: CardMap<C>): C[] => valuesOf(cards);

export const cardCount = (cards: CardMap<unknown>): number => entryCount(cards);
