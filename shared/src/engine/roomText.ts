import type { Room } from './room.js';

/**
 * EN-7: the words people write into a room, counted in characters: cards (and the texts of hidden ones,
 * kept in their authors' seats), statements, the action plan, learnings, evaluation comments, indicator
 * notes. Bounded by MAX_ROOM_TEXT, so a room's snapshot and patches stay small whatever is posted.
 */
export const MAX_ROOM_TEXT = 256 * 1024;

export function roomTextLength(room: Room): number {
  let n = 0;
  for (const card of Object.values(room.cards)) n += card.text.length;
  for (const seat of Object.values(room.participants)) {
    for (const text of Object.values(seat.hiddenTexts)) n += text.length;
  }
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
