import { z } from 'zod';

/** The languages a room is opened in (the page words everything in fr or en). */
export const localeSchema = z.enum(['fr', 'en']);
export type RoomLocale = z.infer<typeof localeSchema>;

/** Every seat a method can give. A template says which of them it uses. */
export const roleSchema = z.enum([
  'facilitator',
  'client',
  'consultant',
  'coach',
  'coachee',
  'sponsor',
  /** Listens in a coaching triad and speaks in its debrief (the phases say when). */
  'observer',
]);
export type Role = z.infer<typeof roleSchema>;

/** What can be pinned on the shared board. */
export const cardKindSchema = z.enum([
  'question',
  'answer',
  'suggestion',
  'option',
  'objective',
  'indicator',
  'note',
]);
export type CardKind = z.infer<typeof cardKindSchema>;

/** Written statements a room keeps, one of each kind (the contract's request, the framing's two levels...). */
export const statementKindSchema = z.enum([
  'client_request',
  'organisation_request',
  'coachee_request',
  'synthesis',
]);
export type StatementKind = z.infer<typeof statementKindSchema>;

/** What a phase lets someone write besides cards. Each is opened to roles per phase (BD-*, CD-*). */
export const recordKindSchema = z.enum([
  'client_request',
  'organisation_request',
  'coachee_request',
  'synthesis',
  'card_triage',
  'action_plan',
  'confidence',
  'learnings',
  'evaluation',
  'indicator_review',
  /** Private stars on cards, seen only by whoever sets them (PM-1). */
  'card_stars',
  /** A circle's follow-up step: each owner marks their carried action items (CS-2). */
  'follow_up',
  /** A codev circle's topic round: post a one-line case, vote (CS-3). */
  'topic_round',
]);
export type RecordKind = z.infer<typeof recordKindSchema>;

export const localizedTextSchema = z.object({ fr: z.string(), en: z.string() });
export type LocalizedText = z.infer<typeof localizedTextSchema>;
export const localizedListSchema = z.object({ fr: z.array(z.string()), en: z.array(z.string()) });
export type LocalizedList = z.infer<typeof localizedListSchema>;

export const boardPolicySchema = z.object({ kind: cardKindSchema, roles: z.array(roleSchema) });
export type BoardPolicy = z.infer<typeof boardPolicySchema>;
export const recordPolicySchema = z.object({ record: recordKindSchema, roles: z.array(roleSchema) });
export type RecordPolicy = z.infer<typeof recordPolicySchema>;

/**
 * One phase of a method. The locks of the methods live here as data: `floor` says which roles may hold
 * the floor, `board` which role may post which kind of card, `records` which role may write what.
 */
export const phaseSchema = z.object({
  id: z.string().min(1).max(64),
  name: localizedTextSchema,
  /** One line saying what the phase is for, shown to everyone. */
  purpose: localizedTextSchema,
  /** Questions shown to whoever leads the phase. */
  guide: localizedListSchema,
  /** Roles the guide questions are addressed to. */
  leadRoles: z.array(roleSchema),
  durationMs: z.number().int().positive(),
  floor: z.array(roleSchema),
  board: z.array(boardPolicySchema),
  records: z.array(recordPolicySchema),
  /** The phase is meant to be run as a round, each person in turn. */
  suggestsRound: z.boolean(),
  /**
   * Silent writing (SW-1): cards posted in this phase stay hidden from everyone but their author until
   * the driver reveals them. Absent is false.
   */
  silent: z.boolean().optional(),
});
export type Phase = z.infer<typeof phaseSchema>;

export const roleSlotSchema = z.object({
  role: roleSchema,
  min: z.number().int().min(0),
  max: z.number().int().min(1),
});
export type RoleSlot = z.infer<typeof roleSlotSchema>;

export const templateIdSchema = z.enum([
  'codev',
  'peer-coaching',
  'tripartite-framing',
  'tripartite-closing',
  'custom',
  'coaching-triad',
]);
export type TemplateId = z.infer<typeof templateIdSchema>;

/** Everything about a method except its phases (the room keeps its own, editable copy of those). */
export const templateInfoSchema = z.object({
  id: templateIdSchema,
  name: localizedTextSchema,
  description: localizedTextSchema,
  /** Rules reminded to everyone for the whole session. */
  rules: localizedListSchema,
  roles: z.array(roleSlotSchema),
  /** The seat the facilitator key grants; null when the method has none (peer coaching). */
  keyRole: roleSchema.nullable(),
  /** Who moves the session on: the holder of the key seat, or any admitted member (PC-1). */
  driver: z.enum(['key_role', 'any_member']),
  /** Seats given to newcomers in this order while they are below their minimum; then `defaultRole`. */
  joinRoles: z.array(roleSchema),
  defaultRole: roleSchema,
  minPeople: z.number().int().min(1),
  maxPeople: z.number().int().min(1),
  /** Two rounds with two roles swapped for the second (peer coaching, PC-3). */
  swap: z.object({ roles: z.tuple([roleSchema, roleSchema]), restartPhaseId: z.string() }).nullable(),
  /** The phases may be edited before the start (custom, CU-1). */
  editable: z.boolean(),
});
export type TemplateInfo = z.infer<typeof templateInfoSchema>;

export const templateSchema = templateInfoSchema.extend({ phases: z.array(phaseSchema).min(1) });
export type Template = z.infer<typeof templateSchema>;

/** Minutes to milliseconds, for readable template data. */
export const minutes = (n: number): number => n * 60_000;
