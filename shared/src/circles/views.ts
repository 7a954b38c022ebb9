import type { Circle, CircleKind, FollowUpItem, MemberRole, Session, SessionKind } from './circle.js';
import { membersInOrder } from './circle.js';
import { pendingFollowUps } from './followUp.js';
import { framingOutcome, memberMaySee, nextSessionKinds, planSession } from './sessions.js';

/** `GET /api/circles/:circleId`: what anyone holding the circle's id may know (CI-11). */
export type CirclePublicFacts = {
  kind: CircleKind;
  title: string;
  locale: 'fr' | 'en';
  members: number;
  sessions: number;
};

export function circleFacts(circle: Circle): CirclePublicFacts {
  return {
    kind: circle.kind,
    title: circle.title,
    locale: circle.locale,
    members: Object.keys(circle.members).length,
    sessions: circle.sessions.length,
  };
}

export type CircleMemberView = { id: string; name: string; role: MemberRole | null; joinedAt: number };
export type CircleSessionView = Omit<Session, 'seats'> & { seated: string[] };

/**
 * What the facilitator or a member sees of the circle (CI-11): everything the group holds in common.
 * Never a secret hash, the seat key, or anyone's logbook but the viewer's own (`me.logbook`, CI-8).
 */
export type CircleView = {
  id: string;
  version: number;
  kind: CircleKind;
  title: string;
  locale: 'fr' | 'en';
  createdAt: number;
  lastActivityAt: number;
  members: CircleMemberView[];
  sessions: CircleSessionView[];
  /** The session whose room is open now (its number), or null. */
  current: number | null;
  next: {
    kinds: SessionKind[];
    /** Codev: the client the circle proposes for the next session. */
    clientId: string | null;
    /** Peer coaching: who is coached first next time. */
    firstCoacheeId: string | null;
    /** Tripartite: what the midpoint or closing meeting starts with. */
    objectives: string[];
    indicators: string[];
  };
  /** The follow-up step: items not done or dropped; `done` holds the others. */
  followUps: FollowUpItem[];
  done: FollowUpItem[];
  viewer:
    | { role: 'facilitator' }
    | { role: 'member'; memberId: string; logbook: Circle['members'][string]['logbook'] };
};

export function circleView(
  circle: Circle,
  viewer: { role: 'facilitator' } | { role: 'member'; memberId: string },
): CircleView {
  const plan = planSession(circle);
  const planned = 'error' in plan ? null : plan;
  const framing = framingOutcome(circle);
  const last = circle.sessions.at(-1);
  // CI-14: a sponsor sees a coaching session's date, never its record or the items it made.
  const hidden = new Set(
    circle.sessions
      .filter((s) => viewer.role === 'member' && !memberMaySee(circle, viewer.memberId, s.kind))
      .map((s) => s.number),
  );
  const pending = pendingFollowUps(circle).filter((f) => !hidden.has(f.fromSession));
  const open = new Set(pending.map((f) => f.id));
  return {
    id: circle.id,
    version: circle.version,
    kind: circle.kind,
    title: circle.title,
    locale: circle.locale,
    createdAt: circle.createdAt,
    lastActivityAt: circle.lastActivityAt,
    members: membersInOrder(circle).map(({ id, name, role, joinedAt }) => ({ id, name, role, joinedAt })),
    sessions: circle.sessions.map(({ seats, ...session }) => ({
      ...session,
      ...(hidden.has(session.number) ? { roomCode: '', record: null } : {}),
      seated: Object.keys(seats),
    })),
    current:
      last && last.roomCode !== '' && !last.record?.ended && !hidden.has(last.number) ? last.number : null,
    next: {
      kinds: nextSessionKinds(circle),
      clientId: planned?.clientId ?? null,
      firstCoacheeId: planned?.firstCoacheeId ?? null,
      objectives: circle.kind === 'tripartite' ? framing.objectives : [],
      indicators: circle.kind === 'tripartite' ? framing.indicators : [],
    },
    followUps: pending,
    done: Object.values(circle.followUps).filter((f) => !open.has(f.id) && !hidden.has(f.fromSession)),
    viewer:
      viewer.role === 'facilitator'
        ? { role: 'facilitator' }
        : {
            role: 'member',
            memberId: viewer.memberId,
            logbook: circle.members[viewer.memberId]?.logbook ?? [],
          },
  };
}
