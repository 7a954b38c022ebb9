import { z } from 'zod';
import { followUpStatusSchema, indicatorVerdictSchema } from '../engine/room.js';
import { localeSchema } from '../protocol/events.js';

/**
 * A circle: a lasting group that meets over several sessions (docs/design.md, "Circles"). Pure data,
 * stored as one JSON document with a version (+1 per change), like a room. Secrets are never in it:
 * the facilitator key and each member's link secret are kept as sha-256 hashes only (CI-2).
 */

export const circleKindSchema = z.enum(['codev', 'peer-coaching', 'tripartite']);
export type CircleKind = z.infer<typeof circleKindSchema>;

/** What a session of a circle is: the method's meeting (codev, peer coaching) or a tripartite stage. */
export const sessionKindSchema = z.enum([
  'codev',
  'peer-coaching',
  'framing',
  'coaching',
  'midpoint',
  'closing',
]);
export type SessionKind = z.infer<typeof sessionKindSchema>;

/** Tripartite parties other than the coach (who holds the facilitator key). */
export const memberRoleSchema = z.enum(['coachee', 'sponsor']);
export type MemberRole = z.infer<typeof memberRoleSchema>;

export const CIRCLE_LIMITS = {
  title: 120,
  memberName: 40,
  members: { codev: 10, 'peer-coaching': 2, tripartite: 3 } satisfies Record<CircleKind, number>,
  sessions: 100,
  followUpNote: 500,
  followUps: 400,
  logbookEntries: 200,
} as const;

export const circleIdSchema = z.string().regex(/^c_[A-Za-z0-9_-]{16,32}$/);
export const memberIdSchema = z.string().regex(/^m_[A-Za-z0-9_-]{8,32}$/);

/**
 * A logbook entry kept for its owner between sessions (LG rules: only its owner ever sees it), sealed in
 * their page as in the room (LG-5): the circle holds the ciphertext only.
 */
export const carriedEntrySchema = z.object({
  sealed: z.string(),
  /** The session it was written in (1-based). */
  session: z.number().int().min(1),
  at: z.number(),
});
export type CarriedEntry = z.infer<typeof carriedEntrySchema>;

export const memberSchema = z.object({
  id: memberIdSchema,
  name: z.string().min(1).max(CIRCLE_LIMITS.memberName),
  /** Tripartite only: coachee or sponsor; null elsewhere. */
  role: memberRoleSchema.nullable(),
  /** sha-256 hex of the member's personal link secret (CI-2). */
  secretHash: z.string(),
  joinedAt: z.number(),
  /** The member's private logbook, carried from session to session (CI-8). */
  logbook: z.array(carriedEntrySchema),
});
export type Member = z.infer<typeof memberSchema>;

export const actionRecordSchema = z.object({
  ownerId: memberIdSchema.nullable(),
  ownerName: z.string(),
  what: z.string(),
  byWhen: z.string(),
  withWhom: z.string(),
});
export type ActionRecord = z.infer<typeof actionRecordSchema>;

export const indicatorRecordSchema = z.object({
  text: z.string(),
  /** Each party's own verdict and comment, side by side (TR-3). */
  reviews: z.array(
    z.object({ name: z.string(), party: z.string(), verdict: indicatorVerdictSchema, note: z.string() }),
  ),
});
export type IndicatorRecord = z.infer<typeof indicatorRecordSchema>;

/** What the circle keeps of a session once its room has run: the record, without logbooks. */
export const sessionRecordSchema = z.object({
  capturedAt: z.number(),
  ended: z.boolean(),
  clientId: memberIdSchema.nullable(),
  clientName: z.string().nullable(),
  /** Who was coached in the first round (peer coaching). */
  firstCoacheeId: memberIdSchema.nullable(),
  request: z.string().nullable(),
  keptSuggestions: z.array(z.string()),
  actions: z.array(actionRecordSchema),
  confidence: z.array(z.object({ ownerId: memberIdSchema.nullable(), name: z.string(), value: z.number() })),
  learnings: z.array(z.object({ name: z.string(), text: z.string() })),
  evaluations: z.array(z.object({ name: z.string(), rating: z.number(), comment: z.string() })),
  objectives: z.array(z.string()),
  indicators: z.array(indicatorRecordSchema),
  synthesis: z.string().nullable(),
});
export type SessionRecord = z.infer<typeof sessionRecordSchema>;

export const sessionSchema = z.object({
  number: z.number().int().min(1),
  kind: sessionKindSchema,
  roomCode: z.string(),
  openedAt: z.number(),
  /** Codev: the client the facilitator confirmed when opening the session (CI-4). */
  clientId: memberIdSchema.nullable(),
  /** Peer coaching: who is coached first in this session (CI-5). */
  firstCoacheeId: memberIdSchema.nullable(),
  /** The seat each member took in the session's room: member id -> participant id. */
  seats: z.record(z.string(), z.string()),
  record: sessionRecordSchema.nullable(),
});
export type Session = z.infer<typeof sessionSchema>;

/** An action item carried from the session that made it until its owner marks it done or dropped (CI-6). */
export const followUpItemSchema = z.object({
  id: z.string(),
  ownerId: memberIdSchema,
  what: z.string(),
  byWhen: z.string(),
  withWhom: z.string(),
  fromSession: z.number().int().min(1),
  status: followUpStatusSchema,
  note: z.string(),
  /** The owner's confidence when committing (1-10), and now. */
  confidenceThen: z.number().nullable(),
  confidenceNow: z.number().nullable(),
  updatedAt: z.number(),
});
export type FollowUpItem = z.infer<typeof followUpItemSchema>;

export const circleSchema = z.object({
  id: circleIdSchema,
  version: z.number().int().min(0),
  kind: circleKindSchema,
  title: z.string().min(1).max(CIRCLE_LIMITS.title),
  locale: localeSchema,
  createdAt: z.number(),
  lastActivityAt: z.number(),
  /** sha-256 hex of the facilitator (coach) key. */
  facilitatorKeyHash: z.string(),
  /**
   * Server-side random key from which each member's seat token in a session's room is derived
   * (HMAC of member and room): never sent to anyone, erased with the circle.
   */
  seatKey: z.string(),
  members: z.record(z.string(), memberSchema),
  sessions: z.array(sessionSchema),
  followUps: z.record(z.string(), followUpItemSchema),
});
export type Circle = z.infer<typeof circleSchema>;

export type CircleRefusal = {
  ok: false;
  code: 'invalid' | 'not_found' | 'forbidden' | 'limit_reached' | 'wrong_status' | 'name_taken';
  message: string;
};
export type CircleOutcome = { ok: true; circle: Circle } | CircleRefusal;

export const refuseCircle = (code: CircleRefusal['code'], message: string): CircleRefusal => ({
  ok: false,
  code,
  message,
});

/** An accepted change: version +1 and the activity clock moved (retention counts from it). */
export function changed(
  circle: Circle,
  next: Omit<Circle, 'version' | 'lastActivityAt'>,
  now: number,
): CircleOutcome {
  return { ok: true, circle: { ...next, version: circle.version + 1, lastActivityAt: now } };
}

/** Members in the order they joined (ties by id): the order every proposal and list uses. */
export function membersInOrder(circle: Circle): Member[] {
  return Object.values(circle.members).sort((a, b) => a.joinedAt - b.joinedAt || (a.id < b.id ? -1 : 1));
}

/** A client-supplied id is data: only an own key of the record counts (never the prototype's). */
export function memberOf(circle: Circle, memberId: string): Member | null {
  return Object.hasOwn(circle.members, memberId) ? circle.members[memberId]! : null;
}

/** Trims a text and checks its length: null when it is blank or too long. */
export function cleanText(text: string, max: number): string | null {
  const trimmed = text.trim();
  return trimmed.length === 0 || [...trimmed].length > max ? null : trimmed;
}
