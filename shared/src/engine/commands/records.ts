import type { Command } from '../../protocol/commands.js';
import { cardOf } from '../cards.js';
import { MAX_ACTION_ITEMS, MAX_LEARNINGS, TEXT_LIMITS } from '../limits.js';
import { own } from '../own.js';
import { refuse } from '../refusal.js';
import type { ActionItem, Room } from '../room.js';
import {
  accept,
  checkOptionalText,
  checkText,
  type DecideContext,
  type Outcome,
  without,
} from './outcome.js';

type Cmd<T extends Command['type']> = Extract<Command, { type: T }>;

/** CD-2, TR-1: each statement is written by the roles its phase names (the request, the framing's two levels). */
export function setStatement(room: Room, cmd: Cmd<'set_statement'>, ctx: DecideContext): Outcome {
  const seat = room.participants[ctx.actor!]!;
  const refusal = checkText(cmd.text, TEXT_LIMITS.statement, 'statement');
  if (refusal) return refusal;
  return accept(
    {
      ...room,
      statements: {
        ...room.statements,
        [cmd.kind]: { text: cmd.text.trim(), authorId: seat.id, at: ctx.now },
      },
    },
    [{ type: 'statement_set', kind: cmd.kind }],
  );
}

function checkActionTexts(cmd: { what: string; byWhen: string; withWhom: string }) {
  return (
    checkText(cmd.what, TEXT_LIMITS.actionWhat, 'action') ??
    checkOptionalText(cmd.byWhen, TEXT_LIMITS.actionByWhen, 'deadline') ??
    checkOptionalText(cmd.withWhom, TEXT_LIMITS.actionWithWhom, 'partner')
  );
}

/** AP-1: the action plan belongs to whoever commits (the client, the coachee): what, by when, with whom. */
export function addAction(room: Room, cmd: Cmd<'add_action'>, ctx: DecideContext): Outcome {
  const refusal = checkActionTexts(cmd);
  if (refusal) return refusal;
  if (Object.keys(room.actionPlan).length >= MAX_ACTION_ITEMS)
    return refuse('limit_reached', 'The plan is full.');
  const id = ctx.newId();
  if (room.actionPlan[id]) return refuse('invalid', 'Item id already in use.');
  const item: ActionItem = {
    id,
    ownerId: ctx.actor!,
    what: cmd.what.trim(),
    byWhen: cmd.byWhen.trim(),
    withWhom: cmd.withWhom.trim(),
    coachingRound: room.coachingRound,
    createdAt: ctx.now,
  };
  return accept({ ...room, actionPlan: { ...room.actionPlan, [id]: item } }, [
    { type: 'action_item_added', itemId: id },
  ]);
}

/** AP-1: the policy checked the item is the sender's. */
export function editAction(room: Room, cmd: Cmd<'edit_action'>, _ctx: DecideContext): Outcome {
  const item = own(room.actionPlan, cmd.itemId);
  if (!item) return refuse('invalid', 'No such item.');
  const refusal = checkActionTexts(cmd);
  if (refusal) return refusal;
  const edited: ActionItem = {
    ...item,
    what: cmd.what.trim(),
    byWhen: cmd.byWhen.trim(),
    withWhom: cmd.withWhom.trim(),
  };
  return accept({ ...room, actionPlan: { ...room.actionPlan, [item.id]: edited } }, [
    { type: 'action_item_edited', itemId: item.id },
  ]);
}

export function removeAction(room: Room, cmd: Cmd<'remove_action'>, _ctx: DecideContext): Outcome {
  const item = own(room.actionPlan, cmd.itemId);
  if (!item) return refuse('invalid', 'No such item.');
  return accept({ ...room, actionPlan: without(room.actionPlan, item.id) }, [
    { type: 'action_item_removed', itemId: item.id },
  ]);
}

/** AP-2: confidence from 1 to 10, one value per person who commits. */
export function setConfidence(room: Room, cmd: Cmd<'set_confidence'>, ctx: DecideContext): Outcome {
  if (!Number.isInteger(cmd.value) || cmd.value < 1 || cmd.value > 10)
    return refuse('invalid', 'From 1 to 10.');
  const actor = ctx.actor!;
  return accept({ ...room, confidence: { ...room.confidence, [actor]: cmd.value } }, [
    { type: 'confidence_set', participantId: actor },
  ]);
}

export function addLearning(room: Room, cmd: Cmd<'add_learning'>, ctx: DecideContext): Outcome {
  const refusal = checkText(cmd.text, TEXT_LIMITS.learning, 'learning');
  if (refusal) return refusal;
  if (Object.keys(room.learnings).length >= MAX_LEARNINGS)
    return refuse('limit_reached', 'Too many learnings.');
  const id = ctx.newId();
  if (room.learnings[id]) return refuse('invalid', 'Learning id already in use.');
  return accept(
    {
      ...room,
      learnings: {
        ...room.learnings,
        [id]: { id, authorId: ctx.actor!, text: cmd.text.trim(), at: ctx.now },
      },
    },
    [{ type: 'learning_added', learningId: id }],
  );
}

/** One evaluation per person; sending again replaces it. */
export function submitEvaluation(room: Room, cmd: Cmd<'submit_evaluation'>, ctx: DecideContext): Outcome {
  if (!Number.isInteger(cmd.rating) || cmd.rating < 1 || cmd.rating > 5)
    return refuse('invalid', 'From 1 to 5.');
  const refusal = checkOptionalText(cmd.comment, TEXT_LIMITS.evaluationComment, 'comment');
  if (refusal) return refusal;
  const actor = ctx.actor!;
  return accept(
    {
      ...room,
      evaluations: {
        ...room.evaluations,
        [actor]: { rating: cmd.rating, comment: cmd.comment.trim(), at: ctx.now },
      },
    },
    [{ type: 'evaluation_submitted', participantId: actor }],
  );
}

/**
 * TR-3: each party reviews each indicator card: met, partly met or not met, with a note. A review is the
 * reviewer's own: it replaces their earlier one, never another person's.
 */
export function reviewIndicator(room: Room, cmd: Cmd<'review_indicator'>, ctx: DecideContext): Outcome {
  const card = cardOf(room.cards, cmd.cardId);
  if (!card) return refuse('invalid', 'No such card.');
  const refusal = checkOptionalText(cmd.note, TEXT_LIMITS.indicatorNote, 'note');
  if (refusal) return refusal;
  return accept(
    {
      ...room,
      indicatorReviews: {
        ...room.indicatorReviews,
        [card.id]: {
          ...room.indicatorReviews[card.id],
          [ctx.actor!]: { verdict: cmd.verdict, note: cmd.note.trim(), reviewerId: ctx.actor!, at: ctx.now },
        },
      },
    },
    [{ type: 'indicator_reviewed', cardId: card.id }],
  );
}
