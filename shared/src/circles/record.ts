import { cardsInOrder } from '../engine/cards.js';
import type { Room } from '../engine/room.js';
import {
  type CarriedEntry,
  CIRCLE_LIMITS,
  type Circle,
  type CircleOutcome,
  changed,
  type FollowUpItem,
  type Member,
  refuseCircle,
  type Session,
  type SessionRecord,
} from './circle.js';
import { FACILITATOR_SEAT } from './sessions.js';

/** Who holds each seat of the session's room, by participant id: a member id or the facilitator seat. */
function seatOwners(session: Session): Map<string, string> {
  return new Map(Object.entries(session.seats).map(([memberId, participantId]) => [participantId, memberId]));
}

/**
 * CI-9: what the circle keeps of a session's room: client, request, kept suggestions, action plan,
 * confidence, learnings, evaluations, objectives, indicators with each party's verdict, synthesis.
 * Never a logbook (those go to their owners only, CI-8) and never a token.
 */
export function recordOfRoom(session: Session, room: Room, now: number): SessionRecord {
  const owners = seatOwners(session);
  const member = (participantId: string): string | null => {
    const id = owners.get(participantId);
    return id && id !== FACILITATOR_SEAT ? id : null;
  };
  const nameOf = (participantId: string) => room.participants[participantId]?.displayName ?? '—';
  const seats = Object.values(room.participants).filter((p) => p.admission !== 'released');
  const client = seats.find((p) => p.role === 'client') ?? null;
  // Peer coaching swaps roles for round two: the first coachee is then the one coaching.
  const firstRoundCoachee = seats.find((p) => p.role === (room.coachingRound === 2 ? 'coach' : 'coachee'));
  const cards = cardsInOrder(room.cards)
    .filter((c) => c.status !== 'set_aside')
    .sort((a, b) => a.createdAt - b.createdAt);
  const request =
    room.statements.client_request?.text ??
    room.statements.coachee_request?.text ??
    room.statements.organisation_request?.text ??
    null;
  return {
    capturedAt: now,
    ended: room.status === 'ended',
    clientId: client ? member(client.id) : null,
    clientName: client ? client.displayName : null,
    firstCoacheeId:
      session.kind === 'peer-coaching' && firstRoundCoachee ? member(firstRoundCoachee.id) : null,
    request,
    keptSuggestions: cards.filter((c) => c.kind === 'suggestion' && c.status === 'kept').map((c) => c.text),
    actions: Object.values(room.actionPlan)
      .sort((a, b) => a.createdAt - b.createdAt)
      .map((a) => ({
        ownerId: member(a.ownerId),
        ownerName: nameOf(a.ownerId),
        what: a.what,
        byWhen: a.byWhen,
        withWhom: a.withWhom,
      })),
    confidence: Object.entries(room.confidence).map(([id, value]) => ({
      ownerId: member(id),
      name: nameOf(id),
      value,
    })),
    learnings: Object.values(room.learnings)
      .sort((a, b) => a.at - b.at)
      .map((l) => ({ name: nameOf(l.authorId), text: l.text })),
    evaluations: Object.entries(room.evaluations).map(([id, e]) => ({
      name: nameOf(id),
      rating: e.rating,
      comment: e.comment,
    })),
    objectives: cards.filter((c) => c.kind === 'objective').map((c) => c.text),
    indicators: cards
      .filter((c) => c.kind === 'indicator')
      .map((c) => ({
        text: c.text,
        reviews: Object.values(room.indicatorReviews[c.id] ?? {}).map((r) => ({
          name: nameOf(r.reviewerId),
          party: room.participants[r.reviewerId]?.role ?? '',
          verdict: r.verdict,
          note: r.note,
        })),
      })),
    synthesis: room.statements.synthesis?.text ?? null,
  };
}

/**
 * CI-6, CI-8, CI-9: the circle after looking at its session's room: the session's record, its action
 * items carried over as follow-up items (until their owner marks them done or dropped), and each
 * seated member's logbook as it stands in the room (entries carried in from earlier sessions keep
 * their session number). Called on every phase change and at the end, so an ended room's record stays
 * even after the room is purged.
 */
export function captureSession(
  circle: Circle,
  sessionNumber: number,
  room: Room,
  now: number,
): CircleOutcome {
  const session = circle.sessions[sessionNumber - 1];
  if (!session) return refuseCircle('not_found', 'No such session.');
  if (session.roomCode !== room.code) return refuseCircle('invalid', 'Not this session’s room.');
  const record = recordOfRoom(session, room, now);

  const followUps = { ...circle.followUps };
  const owners = seatOwners(session);
  const prefix = `s${sessionNumber}-`;
  for (const [id, item] of Object.entries(followUps)) {
    // An item removed from the room's plan before anyone worked on it goes too.
    if (id.startsWith(prefix) && item.status === 'open' && !room.actionPlan[id.slice(prefix.length)])
      delete followUps[id];
  }
  for (const action of Object.values(room.actionPlan).sort((a, b) => a.createdAt - b.createdAt)) {
    const ownerId = owners.get(action.ownerId);
    if (!ownerId || ownerId === FACILITATOR_SEAT || !Object.hasOwn(circle.members, ownerId)) continue;
    const id = `${prefix}${action.id}`;
    const existing = followUps[id];
    const fields = { what: action.what, byWhen: action.byWhen, withWhom: action.withWhom };
    if (existing) {
      followUps[id] = { ...existing, ...fields, confidenceThen: room.confidence[action.ownerId] ?? null };
      continue;
    }
    if (Object.keys(followUps).length >= CIRCLE_LIMITS.followUps) continue;
    const item: FollowUpItem = {
      id,
      ownerId,
      ...fields,
      fromSession: sessionNumber,
      status: 'open',
      note: '',
      confidenceThen: room.confidence[action.ownerId] ?? null,
      confidenceNow: null,
      updatedAt: now,
    };
    followUps[id] = item;
  }

  // CS-2: what owners marked in the room's follow-up step, unless marked later on the circle's page.
  for (const marked of Object.values(room.followUp)) {
    const item = Object.hasOwn(followUps, marked.id) ? followUps[marked.id] : undefined;
    if (!item || marked.updatedAt === null || marked.updatedAt <= item.updatedAt) continue;
    followUps[marked.id] = {
      ...item,
      status: marked.status,
      note: marked.note,
      confidenceNow: marked.confidenceNow,
      updatedAt: marked.updatedAt,
    };
  }

  const members: Record<string, Member> = { ...circle.members };
  for (const [memberId, participantId] of Object.entries(session.seats)) {
    const member = Object.hasOwn(members, memberId) ? members[memberId] : undefined;
    if (!member) continue;
    const entries = Object.values(room.logbooks[participantId] ?? {}).sort(
      (a, b) => a.createdAt - b.createdAt,
    );
    members[memberId] = { ...member, logbook: carryLogbook(member.logbook, entries, sessionNumber) };
  }

  const sessions = circle.sessions.with(sessionNumber - 1, { ...session, record });
  return changed(circle, { ...circle, sessions, followUps, members }, now);
}

/**
 * CI-8: the owner's logbook after a session: what the room's logbook holds now (it started with the
 * carried entries, so edits and deletions made in the session count); an entry carried in unchanged
 * (the same sealed bytes: LG-5, the circle never sees the text) keeps the session it was first written in.
 */
export function carryLogbook(
  before: CarriedEntry[],
  roomEntries: { sealed: string; createdAt: number }[],
  sessionNumber: number,
): CarriedEntry[] {
  const earlier = new Map<string, CarriedEntry[]>();
  for (const entry of before) {
    if (entry.session >= sessionNumber) continue;
    earlier.set(entry.sealed, [...(earlier.get(entry.sealed) ?? []), entry]);
  }
  const carried: CarriedEntry[] = [];
  for (const entry of roomEntries) {
    const match = earlier.get(entry.sealed)?.shift();
    carried.push(match ?? { sealed: entry.sealed, session: sessionNumber, at: entry.createdAt });
  }
  return carried.slice(-CIRCLE_LIMITS.logbookEntries);
}
