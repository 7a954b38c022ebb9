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
/** SW-2: how many cards are hidden, so a phase change on a board with none need not look at each card. */
export const hiddenCards = new Tally<Card>((card) => (card.hidden ? 1 : 0));

/** What a write of the card map carries (constant lists: no array per edit). */
export const CARD_TALLIES = [cardText, hiddenCards] as const;
export const HIDDEN_TALLIES = [hiddenText] as const;

/**
 * The words outside the cards (seats' hidden texts, statements, the plan, learnings, evaluations,
 * reviews), remembered per seat map with the other records it was summed with: a command that changed
 * none of them (a card posted, edited, sorted) costs one look-up and five comparisons, not a walk of
 * every seat and record. Records are never mutated, so a sum stays true while its objects are the same.
 */
type RestSum = {
  statements: Room['statements'];
  actionPlan: Room['actionPlan'];
  learnings: Room['learnings'];
  evaluations: Room['evaluations'];
  indicatorReviews: Room['indicatorReviews'];
  sum: number;
};
const restSums = new WeakMap<Room['participants'], RestSum>();

function restTextLength(room: Room): number {
  const { participants, statements, actionPlan, learnings, evaluations, indicatorReviews } = room;
  const known = restSums.get(participants);
  if (
    known !== undefined &&
    known.statements === statements &&
    known.actionPlan === actionPlan &&
    known.learnings === learnings &&
    known.evaluations === evaluations &&
    known.indicatorReviews === indicatorReviews
  )
    return known.sum;
  // Own keys only, walked without making arrays of the records.
  let n = 0;
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
  restSums.set(participants, { statements, actionPlan, learnings, evaluations, indicatorReviews, sum: n });
  return n;
}

/** EN-7: the room's words in characters, exact (cards by their running total, the rest remembered). */
export function roomTextLength(room: Room): number {
  return cardText.of(room.cards) + restTextLength(room);
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
