import { Tally } from './entries.js';
import type { Card, Room } from './room.js';

/**
 * EN-7: the words people write into a room, counted in characters: cards (and the texts of hidden ones,
 * kept in their authors' seats), statements, the action plan, learnings, evaluation comments, indicator
 * notes. Bounded by MAX_ROOM_TEXT, so a room's snapshot and patches stay small whatever is posted.
 */
export const MAX_ROOM_TEXT = 256 * 1024;

/**
 * EN-7: the two records that grow with the board (the cards, each seat's hidden texts) keep their text
 * as a running total: the steps write them through `withEntry`/`without` with these tallies, so a write
 * costs the difference of its one entry instead of a recount of every card.
 */
export const cardText = new Tally<Card>((card) => card.text.length);
export const hiddenText = new Tally<string>((text) => text.length);

export function roomTextLength(room: Room): number {
  // Own keys only, walked without making arrays of the records (this runs for every text command).
  let n = cardText.of(room.cards);
  const { participants, statements, actionPlan, learnings, evaluations, indicatorReviews } = room;
  for (const id in participants)
    if (Object.hasOwn(participants, id)) n += hiddenText.of(participants[id]!.hiddenTexts);
  for (const kind in statements) {
    if (Object.hasOwn(statements, kind)) n += statements[kind as keyof typeof statements]?.text.length ?? 0;
  }
  for (const id in actionPlan) {
    if (!Object.hasOwn(actionPlan, id)) continue;
    const item = actionPlan[id]!;
    n += item.what.length + item.byWhen.length + item.withWhom.length;
  }
  for (const id in learnings) if (Object.hasOwn(learnings, id)) n += learnings[id]!.text.length;
  for (const id in evaluations) if (Object.hasOwn(evaluations, id)) n += evaluations[id]!.comment.length;
  for (const cardId in indicatorReviews) {
    if (!Object.hasOwn(indicatorReviews, cardId)) continue;
    const reviews = indicatorReviews[cardId]!;
    for (const id in reviews) if (Object.hasOwn(reviews, id)) n += reviews[id]!.note.length;
  }
  return n;
}

/** Commands that can add words to a room: only these are measured (the others cannot grow it). */
export const TEXT_COMMANDS = new Set([
  'post_card',
  'edit_card',
  'set_statement',
  'add_action',
  'edit_action',
  'add_learning',
  'submit_evaluation',
  'review_indicator',
]);
