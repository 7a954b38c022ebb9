import type { CardMap } from './cards.js';
import { own } from './own.js';
import type { ParticipantId } from './room.js';
import type { CardKind, Phase, RecordKind, Role } from './template.js';
import type { CardView, ParticipantView, RoomView, TopicRoundView } from './views.js';

/**
 * What the rules read of a room, all of it in the public view: both `decide` (on the room) and the page
 * (on its view) apply the policy (policy.ts) to it, so a lock drawn on screen is the lock the server applies.
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
  | 'actionPlan'
  | 'followUp'
  | 'done'
  | 'revealed'
> & {
  /** The room's card map or the view's plain record: read through `cardOf` and the like (cards.ts). */
  cards: CardMap<CardView>;
  /** The topic round's cases and choice: public in both the room and its view (the votes are not, CS-4). */
  topicRound: Pick<TopicRoundView, 'cases' | 'chosenId'> | null;
};

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
  const seat = Object.hasOwn(view.participants, targetId) ? view.participants[targetId] : undefined;
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
  const seat = own(view.participants, actor);
  if (seat?.admission !== 'admitted') return false;
  return view.template.driver === 'any_member' || seat.role === view.template.keyRole;
}

export function mayHoldFloor(view: RulesView, role: Role): boolean {
  return currentPhase(view).floor.includes(role);
}

/**
 * BD-1: the phase lets this role post this kind of card. Asked for every card command (by `decide` and
 * the page): a loop over the phase's few board policies, with no array or closure made per call.
 */
export function mayPost(view: RulesView, role: Role, kind: CardKind): boolean {
  const { board } = currentPhase(view);
  for (let i = 0; i < board.length; i++) {
    const policy = board[i]!;
    if (policy.kind === kind && policy.roles.includes(role)) return true;
  }
  return false;
}

/** BD-1: the phase lets this role post some kind of card (what `postableKinds` is non-empty for, without the list). */
export function postsOnBoard(view: RulesView, role: Role): boolean {
  const { board } = currentPhase(view);
  for (let i = 0; i < board.length; i++) if (board[i]!.roles.includes(role)) return true;
  return false;
}

export function postableKinds(view: RulesView, role: Role): CardKind[] {
  return currentPhase(view)
    .board.filter((policy) => policy.roles.includes(role))
    .map((policy) => policy.kind);
}

export function mayRecord(view: RulesView, role: Role, record: RecordKind): boolean {
  return currentPhase(view).records.some((policy) => policy.record === record && policy.roles.includes(role));
}

/**
 * DN-2: a role has something to finish in this phase (the floor, a kind of card or a record); the key
 * seat (the facilitator) keeps the process and is never waited for.
 */
export function mayFinish(view: Pick<RulesView, 'phases' | 'phaseIndex' | 'template'>, role: Role): boolean {
  if (view.template.keyRole !== null && role === view.template.keyRole) return false;
  const phase = currentPhase(view);
  return (
    phase.floor.includes(role) ||
    phase.board.some((policy) => policy.roles.includes(role)) ||
    // Private stars are no task to finish (PM-1): the codev client still listens in the consultation.
    phase.records.some((policy) => policy.record !== 'card_stars' && policy.roles.includes(role))
  );
}

/** DN-2: the admitted seats expected to say "I'm done" in this phase. */
export function expectedToFinish(
  view: Pick<RulesView, 'phases' | 'phaseIndex' | 'template' | 'participants'>,
): ParticipantView[] {
  return admittedSeats(view).filter((seat) => mayFinish(view, seat.role));
}
