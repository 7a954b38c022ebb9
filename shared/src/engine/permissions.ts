import { type CommandType, commandTypes } from '../protocol/commands.js';
import type { RefusalCode } from '../protocol/errors.js';
import type { ParticipantId } from './room.js';
import type { CardKind, Phase, RecordKind, Role } from './template.js';
import type { ParticipantView, RoomView } from './views.js';

/**
 * The rules of who may do what, computed from what everyone can see: both `decide` (on the room) and
 * the page (on its public view) call them, so a lock drawn on screen is the lock the server applies.
 */
export type RulesView = Pick<
  RoomView,
  | 'status'
  | 'locked'
  | 'template'
  | 'phases'
  | 'phaseIndex'
  | 'coachingRound'
  | 'participants'
  | 'timer'
  | 'floor'
  | 'allowAnonymousCards'
>;

export type Refusal = { ok: false; code: RefusalCode; message: string };

export function refuse(code: RefusalCode, message: string): Refusal {
  return { ok: false, code, message };
}

export function currentPhase(view: Pick<RulesView, 'phases' | 'phaseIndex'>): Phase {
  // phaseIndex is kept in range by every transition; the fallback only guards against a corrupt store.
  return view.phases[view.phaseIndex] ?? view.phases[0]!;
}

export function admittedSeats(view: Pick<RulesView, 'participants'>): ParticipantView[] {
  return Object.values(view.participants).filter((p) => p.admission === 'admitted');
}

export function roleCount(view: Pick<RulesView, 'participants'>, role: Role): number {
  return admittedSeats(view).filter((p) => p.role === role).length;
}

/**
 * Why the driver may not remove this seat, or null when they may (RM-6): not themselves, not the key
 * seat, and while the session runs not the last seat of a role the method needs (RM-5). The page hides
 * the remove control with the same answer.
 */
export function removalBlocker(
  view: Pick<RulesView, 'participants' | 'template' | 'status'>,
  actor: string | null,
  targetId: string,
): 'unknown' | 'self' | 'key_seat' | 'needed' | null {
  const seat = view.participants[targetId];
  if (!seat) return 'unknown';
  if (seat.id === actor) return 'self';
  if (seat.admission !== 'admitted') return null;
  if (view.template.keyRole !== null && seat.role === view.template.keyRole) return 'key_seat';
  const slot = view.template.roles.find((s) => s.role === seat.role);
  if (view.status === 'running' && slot && roleCount(view, seat.role) <= slot.min) return 'needed';
  return null;
}

/** The holder of the facilitator key's seat, if the method has one and it is taken. */
export function keyHolder(view: Pick<RulesView, 'participants' | 'template'>): ParticipantView | undefined {
  const { keyRole } = view.template;
  if (keyRole === null) return undefined;
  return admittedSeats(view).find((p) => p.role === keyRole);
}

/** Who moves the session on: the key seat, or any member when the method has none (PC-1). */
export function isDriver(view: Pick<RulesView, 'participants' | 'template'>, actor: ParticipantId): boolean {
  const seat = view.participants[actor];
  if (seat?.admission !== 'admitted') return false;
  return view.template.driver === 'any_member' || seat.role === view.template.keyRole;
}

export function mayHoldFloor(view: RulesView, role: Role): boolean {
  return currentPhase(view).floor.includes(role);
}

export function mayPost(view: RulesView, role: Role, kind: CardKind): boolean {
  return currentPhase(view).board.some((policy) => policy.kind === kind && policy.roles.includes(role));
}

export function postableKinds(view: RulesView, role: Role): CardKind[] {
  return currentPhase(view)
    .board.filter((policy) => policy.roles.includes(role))
    .map((policy) => policy.kind);
}

export function mayRecord(view: RulesView, role: Role, record: RecordKind): boolean {
  return currentPhase(view).records.some((policy) => policy.record === record && policy.roles.includes(role));
}

const lobbyOnly = new Set<CommandType>(['start', 'edit_phase', 'add_phase', 'move_phase', 'remove_phase']);
const anyStatus = new Set<CommandType>(['logbook_add', 'logbook_edit', 'logbook_delete']);
const notEnded = new Set<CommandType>([
  'admit',
  'lock_room',
  'unlock_room',
  'remove_participant',
  'assign_role',
  'end',
]);
const driverOnly = new Set<CommandType>([
  'admit',
  'lock_room',
  'unlock_room',
  'remove_participant',
  'assign_role',
  'start',
  'end',
  'next_phase',
  'previous_phase',
  'jump_phase',
  'swap_roles',
  'pause_timer',
  'resume_timer',
  'add_time',
  'set_auto_advance',
  'give_floor',
  'start_round',
  'stop_round',
  'edit_phase',
  'add_phase',
  'move_phase',
  'remove_phase',
]);
const recordOf: Partial<Record<CommandType, RecordKind>> = {
  keep_card: 'card_triage',
  set_aside_card: 'card_triage',
  add_action: 'action_plan',
  edit_action: 'action_plan',
  remove_action: 'action_plan',
  set_confidence: 'confidence',
  add_learning: 'learnings',
  submit_evaluation: 'evaluation',
  review_indicator: 'indicator_review',
};
const statementRecords: RecordKind[] = [
  'client_request',
  'organisation_request',
  'coachee_request',
  'synthesis',
];

/**
 * May `actor` send a command of this type now, whatever its payload? `decide` runs this first and then
 * checks the payload (which card, which kind, which target); `allowedCommands` is this over every type.
 */
export function commandGate(view: RulesView, actor: ParticipantId, type: CommandType): Refusal | null {
  const seat = view.participants[actor];
  if (!seat) return refuse('not_a_member', 'You have no seat in this room.');
  if (seat.admission !== 'admitted') return refuse('not_admitted', 'Wait until the facilitator lets you in.');

  if (!anyStatus.has(type)) {
    if (lobbyOnly.has(type)) {
      if (view.status !== 'lobby') return refuse('wrong_status', 'Only before the session starts.');
    } else if (notEnded.has(type)) {
      if (view.status === 'ended') return refuse('wrong_status', 'The session has ended.');
    } else if (view.status !== 'running') {
      return refuse('wrong_status', 'Only while the session runs.');
    }
  }
  if (driverOnly.has(type) && !isDriver(view, actor)) {
    return refuse('not_facilitator', 'Only the facilitator may do this.');
  }

  const lastIndex = view.phases.length - 1;
  switch (type) {
    case 'edit_phase':
    case 'add_phase':
    case 'move_phase':
    case 'remove_phase':
      if (!view.template.editable) return refuse('invalid', 'This method’s phases cannot be edited (CU-1).');
      return null;
    case 'lock_room':
      if (view.locked) return refuse('invalid', 'The room is already locked.');
      return null;
    case 'unlock_room':
      if (!view.locked) return refuse('invalid', 'The room is not locked.');
      return null;
    case 'set_auto_advance':
      return null;
    case 'next_phase':
      if (view.phaseIndex >= lastIndex) return refuse('phase_out_of_range', 'This is the last phase.');
      return null;
    case 'previous_phase':
      if (view.phaseIndex <= 0) return refuse('phase_out_of_range', 'This is the first phase.');
      return null;
    case 'swap_roles':
      if (view.template.swap === null) return refuse('invalid', 'This method has no second round.');
      if (view.coachingRound !== 1 || view.phaseIndex !== lastIndex) {
        return refuse('invalid', 'Roles swap at the end of the first round (PC-3).');
      }
      return null;
    case 'pause_timer':
      if (!view.timer || view.timer.pausedAt !== null) return refuse('invalid', 'No running timer.');
      return null;
    case 'resume_timer':
      if (!view.timer || view.timer.pausedAt === null) return refuse('invalid', 'The timer is not paused.');
      return null;
    case 'add_time':
      if (!view.timer) return refuse('invalid', 'No timer.');
      return null;
    case 'raise_hand':
      // CD-3, PC-2: a role without the floor in this phase cannot ask for it either.
      if (!mayHoldFloor(view, seat.role))
        return refuse('floor_locked', 'Your role does not speak in this phase.');
      if (view.floor.hands.includes(actor)) return refuse('invalid', 'Your hand is already raised.');
      return null;
    case 'lower_hand':
      if (view.floor.hands.length === 0) return refuse('invalid', 'No hand is raised.');
      if (!view.floor.hands.includes(actor) && !isDriver(view, actor)) {
        return refuse('invalid', 'Your hand is not raised.');
      }
      return null;
    case 'release_floor':
      if (view.floor.speakerId === null) return refuse('invalid', 'Nobody holds the floor.');
      if (view.floor.speakerId !== actor && !isDriver(view, actor)) {
        return refuse('not_facilitator', 'Only the speaker or the facilitator releases the floor.');
      }
      return null;
    case 'start_round':
      if (view.floor.round !== null) return refuse('invalid', 'A round is already going.');
      return null;
    case 'stop_round':
      if (view.floor.round === null) return refuse('invalid', 'No round is going.');
      return null;
    case 'next_speaker':
      if (view.floor.round === null) return refuse('invalid', 'No round is going.');
      if (view.floor.speakerId !== actor && !isDriver(view, actor)) {
        return refuse('not_facilitator', 'Only the speaker or the facilitator moves the round on.');
      }
      return null;
    case 'post_card':
    case 'edit_card':
      // BD-1, CD-1, CD-4: the phase says which role posts which kind.
      if (postableKinds(view, seat.role).length === 0) {
        return refuse('board_locked_in_phase', 'Your role does not write on the board in this phase.');
      }
      return null;
    case 'set_statement':
      if (!statementRecords.some((record) => mayRecord(view, seat.role, record))) {
        return refuse('board_locked_in_phase', 'Your role does not write a statement in this phase.');
      }
      return null;
    default: {
      const record = recordOf[type];
      if (record && !mayRecord(view, seat.role, record)) {
        return refuse('board_locked_in_phase', 'Your role may not write this in this phase.');
      }
      return null;
    }
  }
}

/** Every command type `viewer` may send now, from the public view: the page draws its locks from it (VW-5). */
export function allowedCommands(view: RulesView, viewer: ParticipantId, _now: number): CommandType[] {
  return commandTypes.filter((type) => commandGate(view, viewer, type) === null);
}
