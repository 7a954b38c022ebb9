import { z } from 'zod';
import {
  CIRCLE_LIMITS,
  circleIdSchema,
  circleKindSchema,
  memberIdSchema,
  sessionKindSchema,
} from '../circles/circle.js';
import { followUpStatusSchema } from '../engine/room.js';
import { localeSchema } from './events.js';

/**
 * The circles HTTP API (docs/protocol.md, "Circles"). Who calls is told by `Authorization: Bearer
 * <secret>`: the facilitator key, or a member's link secret (the part after `#k=` in their link).
 * A wrong, removed or reissued secret answers like a wrong circle id: 404 `circle_not_found`.
 */

/** `POST /api/circles` */
export const createCircleRequestSchema = z.strictObject({
  kind: circleKindSchema,
  title: z.string().trim().min(1).max(CIRCLE_LIMITS.title),
  locale: localeSchema.optional(),
});
export type CreateCircleRequest = z.infer<typeof createCircleRequestSchema>;

export const createCircleResponseSchema = z.object({
  circleId: circleIdSchema,
  /** Shown once; stored only as a hash. Sent back as `Authorization: Bearer <key>`. */
  facilitatorKey: z.string(),
  /** The page where people join the circle (their name, then their personal link). */
  joinUrl: z.string(),
});
export type CreateCircleResponse = z.infer<typeof createCircleResponseSchema>;

/** `POST /api/circles/:circleId/members`: someone joins (no auth), or the facilitator adds someone. */
export const joinCircleRequestSchema = z.strictObject({
  name: z.string().trim().min(1).max(CIRCLE_LIMITS.memberName),
  /** Tripartite: coachee or sponsor (default: the party not taken yet, coachee first). */
  role: z.enum(['coachee', 'sponsor']).optional(),
});
export const memberLinkResponseSchema = z.object({
  memberId: memberIdSchema,
  /** The member's personal link: `<origin>/c/<circleId>#k=<secret>`; the secret has 192 random bits. */
  link: z.string(),
  secret: z.string(),
});
export type MemberLinkResponse = z.infer<typeof memberLinkResponseSchema>;

/** `POST /api/circles/:circleId/sessions` (facilitator): opens the next session's room. */
export const openSessionRequestSchema = z.strictObject({
  kind: sessionKindSchema.optional(),
  /** Codev: another client than the one proposed. */
  clientId: memberIdSchema.optional(),
  /**
   * Codev: open with a topic round (CS-3): the proposed (or given) client holds the seat until the
   * facilitator confirms a member's case; its author then becomes the client.
   */
  topicRound: z.boolean().optional(),
});
export const openSessionResponseSchema = z.object({ number: z.number().int(), code: z.string() });
export type OpenSessionResponse = z.infer<typeof openSessionResponseSchema>;

/** `POST /api/circles/:circleId/sessions/:number/enter`: the caller's seat in the session's room. */
export const enterSessionRequestSchema = z.strictObject({
  /** The facilitator's name in the room (members enter under their circle name). */
  name: z.string().trim().min(1).max(CIRCLE_LIMITS.memberName).optional(),
});
export const enterSessionResponseSchema = z.object({
  code: z.string(),
  /** Connect with `auth: { code, resumeToken }` (or, for the facilitator, also `facilitatorKey`). */
  resumeToken: z.string(),
  participantId: z.string(),
});
export type EnterSessionResponse = z.infer<typeof enterSessionResponseSchema>;

/** `PATCH /api/circles/:circleId/follow-ups/:itemId` (the item's owner). */
export const followUpRequestSchema = z.strictObject({
  status: followUpStatusSchema,
  note: z.string().max(CIRCLE_LIMITS.followUpNote).optional(),
  confidenceNow: z.number().int().min(1).max(10).nullable().optional(),
});
export type FollowUpRequest = z.infer<typeof followUpRequestSchema>;

/** `POST /api/circles/import`: a circle file (see "Circle export format") -> a new circle. */
export const importCircleResponseSchema = createCircleResponseSchema.extend({
  links: z.array(z.object({ name: z.string(), link: z.string() })),
});
export type ImportCircleResponse = z.infer<typeof importCircleResponseSchema>;

/** Error codes of the circles API, in `{ error: { code, message } }`; the page words each one. */
export const circleErrorCodes = [
  'bad_request', // the body or a parameter failed its schema
  'circle_not_found', // wrong circle id, or a secret that is not (or no longer) valid there: one answer
  'not_facilitator', // a member's secret where the facilitator key is needed
  'not_yours', // a follow-up item of another member
  'not_invited', // a tripartite coaching session, for the sponsor (CI-14)
  'invalid', // well-formed but meaningless here (unknown member, blank title, ...)
  'limit_reached', // members, sessions or follow-up items
  'name_taken', // a member's name that is a role's, or looks like another member's (RM-9)
  'wrong_status', // a session that cannot be opened now, a session that is not open
  'room_not_found', // the session's room has ended or expired
  'rate_limited',
  'store_unavailable',
] as const;
export type CircleErrorCode = (typeof circleErrorCodes)[number];
