import { isRoleName, nameSkeleton, normaliseName } from '../engine/names.js';
import {
  CIRCLE_LIMITS,
  type Circle,
  type CircleKind,
  type CircleOutcome,
  changed,
  cleanText,
  type MemberRole,
  memberOf,
  refuseCircle,
} from './circle.js';

export type NewCircle = {
  id: string;
  kind: CircleKind;
  title: string;
  locale: 'fr' | 'en';
  facilitatorKeyHash: string;
  seatKey: string;
};

/** CI-1: a new circle, no member, no session yet. The title is trimmed and must not be blank. */
export function createCircle(input: NewCircle, now: number): CircleOutcome {
  const title = cleanText(input.title, CIRCLE_LIMITS.title);
  if (title === null) return refuseCircle('invalid', 'A circle needs a title.');
  return {
    ok: true,
    circle: {
      id: input.id,
      version: 0,
      kind: input.kind,
      title,
      locale: input.locale,
      createdAt: now,
      lastActivityAt: now,
      facilitatorKeyHash: input.facilitatorKeyHash,
      seatKey: input.seatKey,
      members: {},
      sessions: [],
      followUps: {},
    },
  };
}

/**
 * CI-2: someone joins with a name and gets a personal link (the caller makes the secret and gives only
 * its hash). A circle has at most as many members as its method seats (codev 10, a pair 2, a tripartite
 * engagement its coachee and sponsor); in a tripartite circle the first to join is the coachee.
 */
export function addMember(
  circle: Circle,
  member: { id: string; name: string; secretHash: string; role?: MemberRole | undefined },
  now: number,
): CircleOutcome {
  const name = cleanText(normaliseName(member.name), CIRCLE_LIMITS.memberName);
  if (name === null) return refuseCircle('invalid', 'A member needs a name.');
  const members = Object.values(circle.members);
  // RM-9: the member enters every session's room under this name: one the rooms would take.
  const skeleton = nameSkeleton(name);
  if (isRoleName(name) || members.some((m) => nameSkeleton(m.name) === skeleton))
    return refuseCircle('name_taken', 'This name is a role’s or another member’s.');
  const limit = circle.kind === 'tripartite' ? 2 : CIRCLE_LIMITS.members[circle.kind];
  if (members.length >= limit)
    return refuseCircle('limit_reached', 'This circle has every member it can have.');
  if (Object.hasOwn(circle.members, member.id)) return refuseCircle('invalid', 'Member id taken.');
  // Strictly after the last one: the join order decides rotations, even for joins in the same millisecond.
  const joinedAt = Math.max(now, ...members.map((m) => m.joinedAt + 1));
  let role: MemberRole | null = null;
  if (circle.kind === 'tripartite') {
    const taken = new Set(members.map((m) => m.role));
    role =
      member.role && !taken.has(member.role) ? member.role : taken.has('coachee') ? 'sponsor' : 'coachee';
    if (taken.has(role)) return refuseCircle('limit_reached', 'Both parties have joined.');
  }
  return changed(
    circle,
    {
      ...circle,
      members: {
        ...circle.members,
        [member.id]: { id: member.id, name, role, secretHash: member.secretHash, joinedAt, logbook: [] },
      },
    },
    now,
  );
}

/** CI-3: a new link for a member; the old one stops working with this change. */
export function reissueLink(
  circle: Circle,
  memberId: string,
  secretHash: string,
  now: number,
): CircleOutcome {
  const member = memberOf(circle, memberId);
  if (!member) return refuseCircle('not_found', 'No such member.');
  return changed(
    circle,
    { ...circle, members: { ...circle.members, [memberId]: { ...member, secretHash } } },
    now,
  );
}

/**
 * CI-3: a member removed by the facilitator, or leaving on their own: their link stops working at once,
 * and their own data goes with them (logbook, follow-up items). The sessions' records keep what the
 * group wrote, but no longer say who: the member's name is replaced there and the link to them dropped.
 */
export function removeMember(circle: Circle, memberId: string, now: number): CircleOutcome {
  const member = memberOf(circle, memberId);
  if (!member) return refuseCircle('not_found', 'No such member.');
  const { [memberId]: _gone, ...members } = circle.members;
  const followUps = Object.fromEntries(
    Object.entries(circle.followUps).filter(([, f]) => f.ownerId !== memberId),
  );
  const anonymous = '—';
  const sessions = circle.sessions.map((session) => {
    const { [memberId]: _seat, ...seats } = session.seats;
    const record = session.record;
    return {
      ...session,
      seats,
      clientId: session.clientId === memberId ? null : session.clientId,
      firstCoacheeId: session.firstCoacheeId === memberId ? null : session.firstCoacheeId,
      record: record && {
        ...record,
        clientId: record.clientId === memberId ? null : record.clientId,
        clientName: record.clientId === memberId ? anonymous : record.clientName,
        firstCoacheeId: record.firstCoacheeId === memberId ? null : record.firstCoacheeId,
        actions: record.actions.map((a) =>
          a.ownerId === memberId ? { ...a, ownerId: null, ownerName: anonymous } : a,
        ),
        confidence: record.confidence.map((c) =>
          c.ownerId === memberId ? { ...c, ownerId: null, name: anonymous } : c,
        ),
        learnings: record.learnings.map((l) => (l.name === member.name ? { ...l, name: anonymous } : l)),
        evaluations: record.evaluations.map((e) => (e.name === member.name ? { ...e, name: anonymous } : e)),
      },
    };
  });
  return changed(circle, { ...circle, members, followUps, sessions }, now);
}

/** The member whose link secret hashes to `secretHash`, or null (a removed member's link finds none). */
export function memberByLink(circle: Circle, secretHash: string) {
  return Object.values(circle.members).find((m) => m.secretHash === secretHash) ?? null;
}
