import type { TemplateId } from '../engine/template.js';
import {
  CIRCLE_LIMITS,
  type Circle,
  type CircleOutcome,
  changed,
  type FollowUpItem,
  memberOf,
  refuseCircle,
  type Session,
  type SessionKind,
} from './circle.js';
import { pendingFollowUps } from './followUp.js';
import { nextFirstCoachee, proposeClient } from './rotation.js';

/** The engine template a session of each kind runs (its phase list stays editable as for any room). */
export const templateOfSession: Record<SessionKind, TemplateId> = {
  codev: 'codev',
  'peer-coaching': 'peer-coaching',
  framing: 'tripartite-framing',
  coaching: 'custom',
  midpoint: 'tripartite-closing',
  closing: 'tripartite-closing',
};

/**
 * CI-7: the kinds of session a circle may open next. Codev and peer coaching: their one meeting. A
 * tripartite engagement opens with its framing; then coaching sessions, an optional midpoint three-way
 * meeting (once), and the closing, after which nothing more.
 */
export function nextSessionKinds(circle: Circle): SessionKind[] {
  if (circle.kind !== 'tripartite') return [circle.kind];
  const kinds = circle.sessions.map((s) => s.kind);
  if (kinds.includes('closing')) return [];
  if (!kinds.includes('framing')) return ['framing'];
  return kinds.includes('midpoint') ? ['coaching', 'closing'] : ['coaching', 'midpoint', 'closing'];
}

/**
 * CI-7: what a midpoint or closing meeting starts with, from the framing's record: its objectives and
 * indicators, carried automatically (never retyped). Empty before the framing has a record.
 */
export function framingOutcome(circle: Circle): { objectives: string[]; indicators: string[] } {
  const framing = [...circle.sessions].reverse().find((s) => s.kind === 'framing' && s.record !== null);
  if (!framing?.record) return { objectives: [], indicators: [] };
  return {
    objectives: framing.record.objectives,
    indicators: framing.record.indicators.map((i) => i.text),
  };
}

/**
 * CI-14: a tripartite coaching session is the coach's and the coachee's alone; the framing, midpoint and
 * closing are the three parties'. Everything else is the whole circle's.
 */
export function sessionAudience(kind: SessionKind): 'coaching' | 'everyone' {
  return kind === 'coaching' ? 'coaching' : 'everyone';
}

/** CI-14: may this member enter and read session `kind`? A sponsor never sees a coaching session. */
export function memberMaySee(circle: Circle, memberId: string, kind: SessionKind): boolean {
  return !(sessionAudience(kind) === 'coaching' && memberOf(circle, memberId)?.role === 'sponsor');
}

/** CI-14: the session an item comes from has the audience of `kind` (coaching items stay in coaching). */
export function sameAudience(circle: Circle, item: FollowUpItem, kind: SessionKind): boolean {
  const from = circle.sessions[item.fromSession - 1];
  return from === undefined || sessionAudience(from.kind) === sessionAudience(kind);
}

export type SessionPlan = {
  kind: SessionKind;
  template: TemplateId;
  /** Codev: the client proposed (or picked); with a topic round, until a case is confirmed (CS-3). */
  clientId: string | null;
  /** Peer coaching: who is coached first. */
  firstCoacheeId: string | null;
  /** Midpoint and closing: the framing's objectives and indicators the room is seeded with (TR-4). */
  objectives: string[];
  indicators: string[];
  /** Codev: the session opens with a topic round (CS-3). */
  topicRound: boolean;
  /** The items the room's follow-up step shows (CS-1): every pending one, after the first session. */
  followUp: FollowUpItem[];
};

/**
 * CI-4, CI-5, CI-7: the session the circle would open now, of `kind` (default: the first allowed), with
 * `clientId` when the facilitator picked another client than the one proposed.
 */
export function planSession(
  circle: Circle,
  options: {
    kind?: SessionKind | undefined;
    clientId?: string | undefined;
    topicRound?: boolean | undefined;
  } = {},
): SessionPlan | { error: 'wrong_status' | 'invalid'; message: string } {
  const allowed = nextSessionKinds(circle);
  const kind = options.kind ?? allowed[0];
  if (kind === undefined || !allowed.includes(kind))
    return { error: 'wrong_status', message: 'This circle cannot open that session now.' };
  if (circle.sessions.length >= CIRCLE_LIMITS.sessions)
    return { error: 'wrong_status', message: 'This circle has held all its sessions.' };
  const topicRound = options.topicRound === true;
  if (topicRound && kind !== 'codev')
    return { error: 'invalid', message: 'Only a codev session opens with a topic round.' };
  let clientId: string | null = null;
  // With a topic round, this client holds the seat until the facilitator confirms a case (CS-3): the
  // method needs a client to start, and nobody's case is lost if none is posted.
  if (kind === 'codev') {
    if (options.clientId !== undefined && !memberOf(circle, options.clientId))
      return { error: 'invalid', message: 'No such member.' };
    clientId = options.clientId ?? proposeClient(circle)?.id ?? null;
  }
  const firstCoacheeId = kind === 'peer-coaching' ? (nextFirstCoachee(circle)?.id ?? null) : null;
  const carried = kind === 'midpoint' || kind === 'closing' ? framingOutcome(circle) : null;
  return {
    kind,
    template: templateOfSession[kind],
    clientId,
    firstCoacheeId,
    objectives: carried?.objectives ?? [],
    indicators: carried?.indicators ?? [],
    topicRound,
    followUp:
      circle.sessions.length > 0
        ? pendingFollowUps(circle).filter((item) => sameAudience(circle, item, kind))
        : [],
  };
}

/** The session whose room is open now: the last one, unless its record says it ended. */
export function currentSession(circle: Circle): Session | null {
  const last = circle.sessions.at(-1);
  return last && !last.record?.ended ? last : null;
}

/** CI-7: a session opened from the plan, in the room `roomCode`. */
export function openSession(circle: Circle, plan: SessionPlan, roomCode: string, now: number): CircleOutcome {
  const session: Session = {
    number: circle.sessions.length + 1,
    kind: plan.kind,
    roomCode,
    openedAt: now,
    clientId: plan.clientId,
    firstCoacheeId: plan.firstCoacheeId,
    seats: {},
    record: null,
  };
  return changed(circle, { ...circle, sessions: [...circle.sessions, session] }, now);
}

/** A member took a seat in a session's room: remembered, so records name them and their logbook follows. */
export function seatTaken(
  circle: Circle,
  sessionNumber: number,
  memberId: string,
  participantId: string,
  now: number,
): CircleOutcome {
  const session = circle.sessions[sessionNumber - 1];
  if (!session) return refuseCircle('not_found', 'No such session.');
  if (!memberOf(circle, memberId) && memberId !== FACILITATOR_SEAT)
    return refuseCircle('not_found', 'No such member.');
  const sessions = circle.sessions.with(sessionNumber - 1, {
    ...session,
    seats: { ...session.seats, [memberId]: participantId },
  });
  return changed(circle, { ...circle, sessions }, now);
}

/** The seat key of the facilitator (coach) in `Session.seats`: not a member id. */
export const FACILITATOR_SEAT = 'facilitator';
