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
  let n = cardText.of(room.cards);
  for (const seat of Object.values(room.participants)) n += hiddenText.of(seat.hiddenTexts);
  for (const statement of Object.values(room.statements)) n += statement?.text.length ?? 0;
  for (const item of Object.values(room.actionPlan))
    n += item.what.length + item.byWhen.length + item.withWhom.length;
  for (const learning of Object.values(room.learnings)) n += learning.text.length;
  for (const evaluation of Object.values(room.evaluations)) n += evaluation.comment.length;
  for (const reviews of Object.values(room.indicatorReviews)) {
    for (const review of Object.values(reviews)) n += review.note.length;
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
