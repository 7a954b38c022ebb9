import type { Command } from '../../protocol/commands.js';
import type { RoomEvent } from '../events.js';
import { TEXT_LIMITS } from '../limits.js';
import { refuse } from '../refusal.js';
import type { CarriedAction, Room } from '../room.js';
import { assignRole } from './membership.js';
import {
  accept,
  checkOptionalText,
  checkText,
  type DecideContext,
  type Outcome,
  withParticipant,
} from './outcome.js';

type Cmd<T extends Command['type']> = Extract<Command, { type: T }>;

/** CS-2: the owner marks a carried action item (the policy checked it is theirs) with a note. */
export function markFollowUp(room: Room, cmd: Cmd<'mark_follow_up'>, ctx: DecideContext): Outcome {
  const item = room.followUp[cmd.itemId]!;
  const refusal = checkOptionalText(cmd.note, TEXT_LIMITS.followUpNote, 'note');
  if (refusal) return refusal;
  const marked: CarriedAction = {
    ...item,
    status: cmd.status,
    note: cmd.note.trim(),
    confidenceNow: cmd.confidenceNow === undefined ? item.confidenceNow : cmd.confidenceNow,
    updatedAt: ctx.now,
  };
  return accept({ ...room, followUp: { ...room.followUp, [item.id]: marked } }, [
    { type: 'follow_up_marked', itemId: item.id },
  ]);
}

/** CS-3: a member's case for today, in one line; posting again replaces it. */
export function postTopic(room: Room, cmd: Cmd<'post_topic'>, ctx: DecideContext): Outcome {
  const round = room.topicRound!;
  const text = cmd.text.replace(/\s+/g, ' ').trim();
  const refusal = checkText(text, TEXT_LIMITS.topicCase, 'case');
  if (refusal) return refusal;
  const actor = ctx.actor!;
  return accept(
    { ...room, topicRound: { ...round, cases: { ...round.cases, [actor]: { text, at: ctx.now } } } },
    [{ type: 'topic_posted', participantId: actor }],
  );
}

/** CS-3, CS-4: one vote per member, for a posted case; voting again moves it. The event names nobody. */
export function voteTopic(room: Room, cmd: Cmd<'vote_topic'>, ctx: DecideContext): Outcome {
  const seat = room.participants[ctx.actor!]!;
  if (seat.topicVote === cmd.participantId) return refuse('invalid', 'You already voted for this case.');
  return accept(withParticipant(room, { ...seat, topicVote: cmd.participantId }), [{ type: 'topic_voted' }]);
}

/** CS-3: the facilitator confirms a case: its author becomes the client (the seats swap, RM-5). */
export function confirmTopic(room: Room, cmd: Cmd<'confirm_topic'>, _ctx: DecideContext): Outcome {
  const seat = room.participants[cmd.participantId]!;
  let next = room;
  const events: RoomEvent[] = [];
  if (seat.role !== 'client') {
    const assigned = assignRole(room, { type: 'assign_role', participantId: seat.id, role: 'client' });
    if (!assigned.ok) return assigned;
    next = assigned.room;
    events.push(...assigned.events);
  }
  const round = next.topicRound!;
  events.push({ type: 'topic_confirmed', participantId: seat.id });
  return accept({ ...next, topicRound: { ...round, chosenId: seat.id } }, events);
}
