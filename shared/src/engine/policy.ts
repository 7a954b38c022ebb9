import { type Command, type CommandType, commandTypes } from '../protocol/commands.js';
import type { RefusalCode } from '../protocol/errors.js';
import { cardOf } from './cards.js';
import { TOPIC_ROUND_PHASE_ID } from './circle-steps.js';
import {
  currentPhase,
  isDriver,
  mayFinish,
  mayHoldFloor,
  mayPost,
  mayRecord,
  postsOnBoard,
  type RulesView,
  removalBlocker,
} from './permissions.js';
import { type Refusal, refuse } from './refusal.js';
import type { ParticipantId, RoomStatus } from './room.js';
import type { RecordKind, StatementKind } from './template.js';
import type { CardView, ParticipantView } from './views.js';

/**
 * Who may send what, and when: one entry per command type (VW-5). `decide` applies it before any
 * handler, and the page draws every control from it (`allowedCommands` for a type, `permits` for one
 * command on one card or person), so what the page offers is what the server accepts. The table's type
 * makes a new command type a compile error until it has its entry.
 */

/** Who sends: the person, with the anonymous cards only they know are theirs (BD-3). */
export type Viewer = { id: ParticipantId; anonymousCardIds?: readonly string[] | undefined };

/** What a check reads: the room as everyone sees it, the sender and their seat. */
export type GateContext = {
  view: RulesView;
  viewer: Viewer;
  seat: ParticipantView;
  driver: boolean;
};

type CommandOf<K extends CommandType> = Extract<Command, { type: K }>;

export type Gate<K extends CommandType> = {
  /** The statuses the command may be sent in (PH-2). */
  status: readonly RoomStatus[];
  /** Any admitted member, or only the driver (PH-3). */
  who: 'member' | 'driver';
  /** What the current phase must open to the sender's role (BD-4, CD-5, AP-1..3, TR-3). */
  record?: RecordKind;
  /**
   * PH-4: a move names where it starts; a late one (the room has left that phase or round) is answered
   * `stale_move` before anything else, so a double-click is "already done", never an error.
   */
  stale?: (ctx: GateContext, command: CommandOf<K>) => Refusal | null;
  /** Checks on the room, whatever the payload: `allowedCommands` offers a type only if this passes. */
  state?: (ctx: GateContext) => Refusal | null;
  /** Checks of one command's payload against the room: which phase, card, kind or person. */
  target?: (ctx: GateContext, command: CommandOf<K>) => Refusal | null;
};

export type Policy = { [K in CommandType]: Gate<K> };

/** The codes of a permission refusal: only the policy gives them, never a handler. */
export const permissionCodes: readonly RefusalCode[] = [
  'not_a_member',
  'not_admitted',
  'wrong_status',
  'not_facilitator',
  'wrong_role',
  'floor_locked',
  'board_locked_in_phase',
  'not_your_card',
];

const before: readonly RoomStatus[] = ['lobby', 'running'];
const running: readonly RoomStatus[] = ['running'];
const lobby: readonly RoomStatus[] = ['lobby'];
const always: readonly RoomStatus[] = ['lobby', 'running', 'ended'];

function ownsCard(ctx: GateContext, card: CardView): boolean {
  return card.authorId === ctx.viewer.id || (ctx.viewer.anonymousCardIds ?? []).includes(card.id);
}

/** PH-4: a move names where it starts; once the room has left that phase, it is late and does nothing. */
function staleFrom(ctx: GateContext, from: number): Refusal | null {
  return from === ctx.view.phaseIndex
    ? null
    : refuse('stale_move', 'The room already left the phase this move starts from.');
}

/** BD-1, BD-2: the card exists, is not seeded, and the phase lets the sender's role write its kind. */
function ownCardWritable(ctx: GateContext, cardId: string, verb: string): Refusal | null {
  const card = cardOf(ctx.view.cards, cardId);
  if (!card) return refuse('invalid', 'No such card.');
  if (card.seeded) return refuse('invalid', `Indicators from the framing cannot be ${verb} (TR-2).`);
  if (!ownsCard(ctx, card)) return refuse('not_your_card', `Only the author may do this to a card.`);
  if (!mayPost(ctx.view, ctx.seat.role, card.kind)) {
    return refuse('board_locked_in_phase', 'Your role may not touch this kind of card in this phase.');
  }
  return null;
}

/** A card on the board whose text everyone can read: not one still hidden by silent writing (SW-1). */
function shownCard(ctx: GateContext, cardId: string): CardView | Refusal {
  const card = cardOf(ctx.view.cards, cardId);
  if (!card) return refuse('invalid', 'No such card.');
  if (card.hidden) return refuse('invalid', 'This card is not revealed yet.');
  return card;
}

function triage(ctx: GateContext, cardId: string, status: CardView['status']): Refusal | null {
  const card = shownCard(ctx, cardId);
  if ('ok' in card) return card;
  if (card.status === status) return refuse('invalid', 'The card already has this status.');
  return null;
}

function ownAction(ctx: GateContext, itemId: string): Refusal | null {
  const item = Object.hasOwn(ctx.view.actionPlan, itemId) ? ctx.view.actionPlan[itemId] : undefined;
  if (!item) return refuse('invalid', 'No such action item.');
  if (item.ownerId !== ctx.viewer.id)
    return refuse('not_your_card', 'Only its owner changes an action item.');
  return null;
}

/** FL-2: someone the phase gives the floor to, admitted. */
function mayBeGivenFloor(ctx: GateContext, id: string): Refusal | null {
  const seat = Object.hasOwn(ctx.view.participants, id) ? ctx.view.participants[id] : undefined;
  if (seat?.admission !== 'admitted') return refuse('invalid', 'No such participant.');
  if (!mayHoldFloor(ctx.view, seat.role)) {
    return refuse('floor_locked', 'This role does not hold the floor in this phase.');
  }
  return null;
}

const statementRecords: StatementKind[] = [
  'client_request',
  'organisation_request',
  'coachee_request',
  'synthesis',
];

/** CU-1: the lobby's phase edits, for an editable method only. */
const phaseEdit = <K extends CommandType>(): Gate<K> => ({
  status: lobby,
  who: 'driver',
  state: ({ view }) =>
    view.template.editable ? null : refuse('invalid', 'This method’s phases cannot be edited (CU-1).'),
});

/** CS-3: the room was opened with a topic round, for a method with a client. */
const topicRoundOn = ({ view }: GateContext): Refusal | null =>
  view.topicRound !== null && view.template.roles.some((slot) => slot.role === 'client')
    ? null
    : refuse('invalid', 'This session has no topic round.');

const casesPosted = ({ view }: GateContext): Refusal | null =>
  Object.keys(view.topicRound?.cases ?? {}).length > 0 ? null : refuse('invalid', 'No case is posted yet.');

function postedCase({ view }: GateContext, authorId: string): Refusal | null {
  const cases = view.topicRound?.cases ?? {};
  return Object.hasOwn(cases, authorId) ? null : refuse('invalid', 'No such case.');
}

const noRound = ({ view }: GateContext): Refusal | null =>
  view.floor.round === null ? null : refuse('invalid', 'A round is going: move it on or stop it.');

export const policy: Policy = {
  admit: { status: before, who: 'driver' },
  clear_waiting: {
    status: before,
    who: 'driver',
    state: ({ view }) =>
      Object.values(view.participants).some((p) => p.admission === 'waiting')
        ? null
        : refuse('invalid', 'Nobody is waiting.'),
  },
  lock_room: {
    status: before,
    who: 'driver',
    state: ({ view }) => (view.locked ? refuse('invalid', 'The room is already locked.') : null),
  },
  unlock_room: {
    status: before,
    who: 'driver',
    state: ({ view }) => (view.locked ? null : refuse('invalid', 'The room is not locked.')),
  },
  remove_participant: {
    status: before,
    who: 'driver',
    // RM-6: the same answer hides the page's remove button.
    target: ({ view, viewer }, c) => {
      switch (removalBlocker(view, viewer.id, c.participantId)) {
        case 'unknown':
          return refuse('invalid', 'No such participant.');
        case 'self':
          return refuse('invalid', 'You cannot remove yourself.');
        case 'key_seat':
          return refuse('invalid', 'The facilitator seat cannot be removed.');
        case 'needed':
          return refuse(
            'roles_incomplete',
            'The method needs this seat; give the role to someone else first.',
          );
        default:
          return null;
      }
    },
  },
  assign_role: {
    status: before,
    who: 'driver',
    target: ({ view }, c) => {
      const { keyRole, roles } = view.template;
      if (!roles.some((slot) => slot.role === c.role))
        return refuse('wrong_role', 'This method has no such role.');
      const seat = Object.hasOwn(view.participants, c.participantId)
        ? view.participants[c.participantId]
        : undefined;
      if (keyRole !== null && (c.role === keyRole || seat?.role === keyRole)) {
        return refuse('wrong_role', 'The facilitator seat comes with the facilitator key.');
      }
      return null;
    },
  },
  start: { status: lobby, who: 'driver' },
  end: { status: before, who: 'driver' },
  next_phase: {
    status: running,
    who: 'driver',
    stale: (ctx, c) => staleFrom(ctx, c.from),
    state: ({ view }) =>
      view.phaseIndex >= view.phases.length - 1
        ? refuse('phase_out_of_range', 'This is the last phase.')
        : null,
  },
  previous_phase: {
    status: running,
    who: 'driver',
    target: (ctx, c) => staleFrom(ctx, c.from),
    state: ({ view }) =>
      view.phaseIndex <= 0 ? refuse('phase_out_of_range', 'This is the first phase.') : null,
  },
  jump_phase: {
    status: running,
    who: 'driver',
    stale: (ctx, c) => staleFrom(ctx, c.from),
    target: (ctx, c) => {
      if (c.index >= ctx.view.phases.length) return refuse('phase_out_of_range', 'No such phase.');
      if (c.index === ctx.view.phaseIndex) return refuse('invalid', 'The room is already in this phase.');
      return null;
    },
    state: ({ view }) =>
      view.phases.length < 2 ? refuse('phase_out_of_range', 'There is one phase.') : null,
  },
  swap_roles: {
    status: running,
    who: 'driver',
    stale: ({ view }, c) =>
      c.round === view.coachingRound
        ? null
        : refuse('stale_move', 'The room already left the round this swap starts from.'),
    state: ({ view }) => {
      if (view.template.swap === null) return refuse('invalid', 'This method has no second round.');
      if (view.coachingRound !== 1 || view.phaseIndex !== view.phases.length - 1) {
        return refuse('invalid', 'Roles swap at the end of the first round (PC-3).');
      }
      return null;
    },
  },
  pause_timer: {
    status: running,
    who: 'driver',
    state: ({ view }) =>
      !view.timer || view.timer.pausedAt !== null ? refuse('invalid', 'No running timer.') : null,
  },
  resume_timer: {
    status: running,
    who: 'driver',
    state: ({ view }) =>
      !view.timer || view.timer.pausedAt === null ? refuse('invalid', 'The timer is not paused.') : null,
  },
  add_time: {
    status: running,
    who: 'driver',
    state: ({ view }) => (view.timer ? null : refuse('invalid', 'No timer.')),
  },
  set_auto_advance: { status: running, who: 'driver' },
  set_warning: { status: before, who: 'driver' },
  set_advance_when_done: { status: before, who: 'driver' },
  set_done: {
    status: running,
    who: 'member',
    // DN-2: whoever has something to finish in this phase; never the facilitator's seat.
    state: ({ view, seat }) =>
      mayFinish(view, seat.role) ? null : refuse('wrong_role', 'Your role has nothing to finish here.'),
    target: ({ view, viewer }, c) =>
      view.done.includes(viewer.id) === c.done
        ? refuse('invalid', c.done ? 'You already said you are done.' : 'You had not said you are done.')
        : null,
  },
  raise_hand: {
    status: running,
    who: 'member',
    state: ({ view, viewer, seat }) => {
      // CD-3, PC-2: a role without the floor in this phase cannot ask for it either.
      if (!mayHoldFloor(view, seat.role))
        return refuse('floor_locked', 'Your role does not speak in this phase.');
      if (view.floor.hands.includes(viewer.id)) return refuse('invalid', 'Your hand is already raised.');
      return null;
    },
  },
  lower_hand: {
    status: running,
    who: 'member',
    state: ({ view, viewer, driver }) => {
      if (view.floor.hands.length === 0) return refuse('invalid', 'No hand is raised.');
      if (!view.floor.hands.includes(viewer.id) && !driver)
        return refuse('invalid', 'Your hand is not raised.');
      return null;
    },
    target: ({ view, viewer, driver }, c) => {
      const target = c.participantId ?? viewer.id;
      if (target !== viewer.id && !driver) {
        return refuse('not_facilitator', 'Only the facilitator lowers someone else’s hand.');
      }
      if (!view.floor.hands.includes(target)) return refuse('invalid', 'This hand is not raised.');
      return null;
    },
  },
  give_floor: {
    status: running,
    who: 'driver',
    // FL-2: not while a round gives the floor in turn.
    state: noRound,
    target: (ctx, c) => {
      const target = c.participantId ?? ctx.view.floor.hands[0];
      if (target === undefined) return refuse('invalid', 'No hand is raised.');
      if (target === ctx.view.floor.speakerId) return refuse('invalid', 'This person already has the floor.');
      return mayBeGivenFloor(ctx, target);
    },
  },
  release_floor: {
    status: running,
    who: 'member',
    state: (ctx) => {
      const { view, viewer, driver } = ctx;
      const round = noRound(ctx);
      if (round) return round;
      if (view.floor.speakerId === null) return refuse('invalid', 'Nobody holds the floor.');
      if (view.floor.speakerId !== viewer.id && !driver) {
        return refuse('not_facilitator', 'Only the speaker or the facilitator releases the floor.');
      }
      return null;
    },
  },
  start_round: {
    status: running,
    who: 'driver',
    state: (ctx) => {
      const round = noRound(ctx);
      if (round) return round;
      const speakers = Object.values(ctx.view.participants).filter(
        (p) => p.admission === 'admitted' && mayHoldFloor(ctx.view, p.role),
      );
      return speakers.length === 0 ? refuse('invalid', 'Nobody may speak in this phase.') : null;
    },
    target: (ctx, c) => {
      if (!c.order) return null;
      if (new Set(c.order).size !== c.order.length)
        return refuse('invalid', 'Someone appears twice in the round.');
      for (const id of c.order) {
        const refusal = mayBeGivenFloor(ctx, id);
        if (refusal) return refusal;
      }
      return null;
    },
  },
  next_speaker: {
    status: running,
    who: 'member',
    state: ({ view, viewer, driver }) => {
      if (view.floor.round === null) return refuse('invalid', 'No round is going.');
      if (view.floor.speakerId !== viewer.id && !driver) {
        return refuse('not_facilitator', 'Only the speaker or the facilitator moves the round on.');
      }
      return null;
    },
  },
  stop_round: {
    status: running,
    who: 'driver',
    state: ({ view }) => (view.floor.round === null ? refuse('invalid', 'No round is going.') : null),
  },
  post_card: {
    status: running,
    who: 'member',
    // BD-1, CD-1, CD-4: the phase says which role posts which kind.
    state: ({ view, seat }) =>
      !postsOnBoard(view, seat.role)
        ? refuse('board_locked_in_phase', 'Your role does not write on the board in this phase.')
        : null,
    target: ({ view, seat }, c) => {
      if (!mayPost(view, seat.role, c.kind)) {
        return refuse('board_locked_in_phase', 'Your role may not post this kind of card in this phase.');
      }
      if (c.anonymous === true && !view.allowAnonymousCards) {
        return refuse('invalid', 'This room does not take anonymous cards.');
      }
      return null;
    },
  },
  edit_card: {
    status: running,
    who: 'member',
    state: ({ view, seat }) =>
      !postsOnBoard(view, seat.role)
        ? refuse('board_locked_in_phase', 'Your role does not write on the board in this phase.')
        : null,
    target: (ctx, c) => ownCardWritable(ctx, c.cardId, 'changed'),
  },
  withdraw_card: {
    status: running,
    who: 'member',
    // BD-2: the author while their role writes that kind; the driver any card (moderation).
    state: ({ view, seat, driver }) =>
      driver || postsOnBoard(view, seat.role)
        ? null
        : refuse('board_locked_in_phase', 'Your role does not write on the board in this phase.'),
    target: (ctx, c) => {
      if (!ctx.driver) return ownCardWritable(ctx, c.cardId, 'withdrawn');
      const card = cardOf(ctx.view.cards, c.cardId);
      if (!card) return refuse('invalid', 'No such card.');
      if (card.seeded) return refuse('invalid', 'Indicators from the framing cannot be withdrawn (TR-2).');
      return null;
    },
  },
  keep_card: {
    status: running,
    who: 'member',
    record: 'card_triage',
    target: (ctx, c) => triage(ctx, c.cardId, 'kept'),
  },
  set_aside_card: {
    status: running,
    who: 'member',
    record: 'card_triage',
    target: (ctx, c) => triage(ctx, c.cardId, 'set_aside'),
  },
  reopen_card: {
    status: running,
    who: 'member',
    record: 'card_triage',
    target: (ctx, c) => triage(ctx, c.cardId, 'open'),
  },
  reveal_cards: {
    status: running,
    who: 'driver',
    // SW-2: once per visit of a silent phase.
    state: ({ view }) => {
      if (currentPhase(view).silent !== true) return refuse('invalid', 'This phase is not silent.');
      return view.revealed ? refuse('invalid', 'The cards are already revealed.') : null;
    },
  },
  star_card: {
    status: running,
    who: 'member',
    record: 'card_stars',
    target: (ctx, c) => {
      const card = shownCard(ctx, c.cardId);
      return 'ok' in card ? card : null;
    },
  },
  unstar_card: { status: running, who: 'member', record: 'card_stars' },
  set_statement: {
    status: running,
    who: 'member',
    state: ({ view, seat }) =>
      statementRecords.some((record) => mayRecord(view, seat.role, record))
        ? null
        : refuse('board_locked_in_phase', 'Your role does not write a statement in this phase.'),
    target: ({ view, seat }, c) =>
      mayRecord(view, seat.role, c.kind)
        ? null
        : refuse('board_locked_in_phase', 'Your role may not write this statement in this phase.'),
  },
  add_action: { status: running, who: 'member', record: 'action_plan' },
  edit_action: {
    status: running,
    who: 'member',
    record: 'action_plan',
    target: (ctx, c) => ownAction(ctx, c.itemId),
  },
  remove_action: {
    status: running,
    who: 'member',
    record: 'action_plan',
    target: (ctx, c) => ownAction(ctx, c.itemId),
  },
  set_confidence: { status: running, who: 'member', record: 'confidence' },
  add_learning: { status: running, who: 'member', record: 'learnings' },
  submit_evaluation: { status: running, who: 'member', record: 'evaluation' },
  review_indicator: {
    status: running,
    who: 'member',
    record: 'indicator_review',
    target: ({ view }, c) => {
      const card = cardOf(view.cards, c.cardId);
      return card?.kind === 'indicator' ? null : refuse('invalid', 'No such indicator.');
    },
  },
  mark_follow_up: {
    status: running,
    who: 'member',
    record: 'follow_up',
    // CS-2: only the item's owner marks it.
    target: ({ view, viewer }, c) => {
      const item = Object.hasOwn(view.followUp, c.itemId) ? view.followUp[c.itemId] : undefined;
      if (!item) return refuse('invalid', 'No such action item.');
      return item.ownerId === viewer.id
        ? null
        : refuse('not_your_card', 'Only its owner marks an action item.');
    },
  },
  post_topic: { status: running, who: 'member', record: 'topic_round', state: topicRoundOn },
  vote_topic: {
    status: running,
    who: 'member',
    record: 'topic_round',
    state: (ctx) => topicRoundOn(ctx) ?? casesPosted(ctx),
    target: (ctx, c) => postedCase(ctx, c.participantId),
  },
  confirm_topic: {
    status: running,
    who: 'driver',
    // CS-3: in the topic round, a posted case whose author holds a seat that can become the client's.
    state: (ctx) => {
      const off = topicRoundOn(ctx);
      if (off) return off;
      if (currentPhase(ctx.view).id !== TOPIC_ROUND_PHASE_ID)
        return refuse('invalid', 'Only during the topic round.');
      return casesPosted(ctx);
    },
    target: (ctx, c) => {
      const missing = postedCase(ctx, c.participantId);
      if (missing) return missing;
      if (ctx.view.topicRound?.chosenId === c.participantId)
        return refuse('invalid', 'This case is already the one chosen.');
      const seat = Object.hasOwn(ctx.view.participants, c.participantId)
        ? ctx.view.participants[c.participantId]
        : undefined;
      if (seat?.admission !== 'admitted') return refuse('invalid', 'Its author is not in the room.');
      if (seat.role === ctx.view.template.keyRole)
        return refuse('wrong_role', 'The facilitator seat cannot become the client.');
      return null;
    },
  },
  // LG-2: the logbook is open in every phase and status, whatever the role.
  logbook_add: { status: always, who: 'member' },
  logbook_edit: { status: always, who: 'member' },
  logbook_delete: { status: always, who: 'member' },
  edit_phase: phaseEdit(),
  add_phase: phaseEdit(),
  move_phase: phaseEdit(),
  remove_phase: phaseEdit(),
};

const statusWords: Record<RoomStatus, string> = {
  lobby: 'Only before the session starts.',
  running: 'Only while the session runs.',
  ended: 'The session has ended.',
};

/**
 * The policy for one type, or for one command when `command` is given (then its payload is checked
 * too). Order: seat, status, driver, the phase's record, a late move, the room's state, the payload.
 */
function check<K extends CommandType>(
  view: RulesView,
  viewer: Viewer | ParticipantId,
  type: K,
  command?: CommandOf<K>,
): Refusal | null {
  const who: Viewer = typeof viewer === 'string' ? { id: viewer } : viewer;
  const seat = Object.hasOwn(view.participants, who.id) ? view.participants[who.id] : undefined;
  if (!seat) return refuse('not_a_member', 'You have no seat in this room.');
  if (seat.admission !== 'admitted') return refuse('not_admitted', 'Wait until the facilitator lets you in.');
  const gate = policy[type] as Gate<K>;
  if (!gate.status.includes(view.status)) {
    const lobbyOnly = !gate.status.includes('running');
    return refuse(
      'wrong_status',
      statusWords[view.status === 'ended' ? 'ended' : lobbyOnly ? 'lobby' : 'running'],
    );
  }
  const driver = isDriver(view, who.id);
  if (gate.who === 'driver' && !driver) return refuse('not_facilitator', 'Only the facilitator may do this.');
  if (gate.record && !mayRecord(view, seat.role, gate.record)) {
    return refuse('board_locked_in_phase', 'Your role may not write this in this phase.');
  }
  const ctx: GateContext = { view, viewer: who, seat, driver };
  const late = command && gate.stale ? gate.stale(ctx, command) : null;
  if (late) return late;
  const state = gate.state ? gate.state(ctx) : null;
  if (state) return state;
  return command && gate.target ? gate.target(ctx, command) : null;
}

/** May `viewer` send a command of this type now, whatever its payload? */
export function commandGate(
  view: RulesView,
  viewer: Viewer | ParticipantId,
  type: CommandType,
): Refusal | null {
  return check(view, viewer, type);
}

/** May `viewer` send exactly this command now? `decide` asks this first; the page asks it per card and person. */
export function permits(view: RulesView, viewer: Viewer | ParticipantId, command: Command): Refusal | null {
  return check(view, viewer, command.type, command as CommandOf<typeof command.type>);
}

/** Every command type `viewer` may send now, from the public view: the page draws its locks from it (VW-5). */
export function allowedCommands(
  view: RulesView,
  viewer: Viewer | ParticipantId,
  _now: number,
): CommandType[] {
  return commandTypes.filter((type) => commandGate(view, viewer, type) === null);
}

export { currentPhase };
