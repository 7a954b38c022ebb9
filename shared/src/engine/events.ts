import type { CardStatus, ParticipantId } from './room.js';
import type { Role, StatementKind } from './template.js';

/**
 * What happened, broadcast to the whole room with the patch. Events carry ids, never content: no card
 * text, no author of an anonymous card, nothing about anyone's logbook (VW-4).
 */
export type RoomEvent =
  | { type: 'participant_joined'; participantId: ParticipantId }
  | { type: 'participant_returned'; participantId: ParticipantId }
  | { type: 'participant_waiting'; participantId: ParticipantId }
  | { type: 'participant_admitted'; participantId: ParticipantId }
  | { type: 'participant_removed'; participantId: ParticipantId }
  | { type: 'presence_changed'; participantId: ParticipantId; presence: 'connected' | 'away' }
  /** The seat stayed away past its grace period: it holds no role any more (RM-7). */
  | { type: 'seat_released'; participantId: ParticipantId }
  | { type: 'role_assigned'; participantId: ParticipantId; role: Role }
  | { type: 'room_locked' }
  | { type: 'room_unlocked' }
  | { type: 'session_started' }
  | { type: 'phase_changed'; phaseIndex: number; coachingRound: number }
  | { type: 'roles_swapped'; coachingRound: number }
  | { type: 'timer_paused' }
  | { type: 'timer_resumed' }
  | { type: 'time_adjusted'; deltaMs: number }
  | { type: 'time_up'; scope: 'phase' | 'speaker' }
  | { type: 'auto_advance_changed'; enabled: boolean }
  | { type: 'warning_changed'; ms: number }
  | { type: 'advance_when_done_changed'; enabled: boolean }
  /** DN-1: who said they are done (or took it back); the count is in the view. */
  | { type: 'done_changed'; participantId: ParticipantId; done: boolean }
  /** SW-2: the silent phase's cards are shown, by id. */
  | { type: 'cards_revealed'; cardIds: string[] }
  | { type: 'hand_raised'; participantId: ParticipantId }
  | { type: 'hand_lowered'; participantId: ParticipantId }
  | { type: 'floor_given'; participantId: ParticipantId | null }
  | { type: 'round_started' }
  | { type: 'speaker_changed'; participantId: ParticipantId | null }
  | { type: 'round_stopped' }
  | { type: 'card_posted'; cardId: string }
  | { type: 'card_edited'; cardId: string }
  | { type: 'card_withdrawn'; cardId: string }
  | { type: 'card_sorted'; cardId: string; status: CardStatus }
  | { type: 'statement_set'; kind: StatementKind }
  | { type: 'action_item_added'; itemId: string }
  | { type: 'action_item_edited'; itemId: string }
  | { type: 'action_item_removed'; itemId: string }
  | { type: 'confidence_set'; participantId: ParticipantId }
  | { type: 'learning_added'; learningId: string }
  | { type: 'evaluation_submitted'; participantId: ParticipantId }
  | { type: 'indicator_reviewed'; cardId: string }
  /** CS-2: the owner marked a carried action item. */
  | { type: 'follow_up_marked'; itemId: string }
  /** CS-3, CS-4: a case posted; a vote given (never by whom, nor for whom); the client confirmed. */
  | { type: 'topic_posted'; participantId: ParticipantId }
  | { type: 'topic_voted' }
  | { type: 'topic_confirmed'; participantId: ParticipantId }
  | { type: 'phases_edited' }
  | { type: 'session_ended'; purge: boolean };

export type RoomEventType = RoomEvent['type'];

/** Work for the host, returned as data and never run by the engine. */
export type Effect =
  /** Call decide(time_up{timerId}) at `at` (epoch ms). */
  | { type: 'schedule_timer'; timerId: string; at: number }
  /** A timer pending before this command no longer is (fired, replaced, paused, ended): forget it (TM-9). */
  | { type: 'cancel_timer'; timerId: string }
  /** Close this participant's connections. */
  | { type: 'disconnect'; participantId: ParticipantId; reason: 'removed' }
  /** The session is over; with `purge`, delete the room's data now. */
  | { type: 'end_room'; purge: boolean };
