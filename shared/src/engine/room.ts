import { z } from 'zod';
import type { CardMap } from './cards.js';
import { circleSteps } from './circle-steps.js';
import {
  DEFAULT_WARNING_MS,
  MAX_CARRIED_ACTIONS,
  MAX_PARTICIPANTS,
  MAX_PHASES,
  MAX_WARNING_MS,
  TEXT_LIMITS,
} from './limits.js';
import { type PhaseListRefusal, type PhaseSpec, phasesFromSpecs } from './phase-list.js';
import { refuse } from './refusal.js';
import {
  cardKindSchema,
  localeSchema,
  phaseSchema,
  roleSchema,
  statementKindSchema,
  type TemplateInfo,
  templateIdSchema,
  templateInfoSchema,
} from './template.js';
import { getTemplate } from './templates/index.js';
import { timerSchema } from './timer.js';

export const participantIdSchema = z.string().min(1).max(64);
export type ParticipantId = z.infer<typeof participantIdSchema>;

/** How long a dropped participant keeps their seat, by default; the host may give another (RM-7). */
export const SEAT_GRACE_MS = 120_000;
/** People a room remembers in all, seated, waiting or released (RM-8): released seats keep their data. */
export const MAX_REMEMBERED_PEOPLE = 2 * MAX_PARTICIPANTS;
/** A room's title, in characters after trimming. */
export const ROOM_TITLE_MAX = 120;

/** The grace timer of a seat whose connection dropped: released at `until` if still away (RM-7). */
export const seatGraceSchema = z.object({ timerId: z.string(), until: z.number() });
export type SeatGrace = z.infer<typeof seatGraceSchema>;

export const participantSchema = z.object({
  id: participantIdSchema,
  displayName: z.string(),
  role: roleSchema,
  presence: z.enum(['connected', 'away']),
  /**
   * In a locked room a newcomer waits until the facilitator admits them. A seat left away past its grace
   * period is `released`: it holds no role any more, but its token can bring its owner back (RM-7, RM-8).
   */
  admission: z.enum(['admitted', 'waiting', 'released']),
  /** Set while an admitted seat is away and may still be released; null otherwise (RM-7). */
  grace: seatGraceSchema.nullable(),
  /** sha-256 hex of the resume token: never leaves the server (VW-2). */
  tokenHash: z.string(),
  joinedAt: z.number(),
  /** The anonymous cards this person wrote: private, so they can still edit or withdraw them (VW-3). */
  anonymousCardIds: z.array(z.string()),
  /**
   * The text of this person's cards still hidden by silent writing, by card id: the card on the board
   * holds no text until the reveal (SW-1). Only in this person's private view.
   */
  hiddenTexts: z.record(z.string(), z.string()),
  /** Cards this person starred for themselves (PM-1): only in their private view. */
  stars: z.array(z.string()),
  /** Whose case this person voted for in a topic round (CS-4): only in their private view. */
  topicVote: participantIdSchema.nullable().optional(),
});
export type Participant = z.infer<typeof participantSchema>;

export const cardStatusSchema = z.enum(['open', 'kept', 'set_aside']);
export type CardStatus = z.infer<typeof cardStatusSchema>;

export const cardSchema = z.object({
  id: z.string(),
  kind: cardKindSchema,
  text: z.string(),
  /** Absent on anonymous and seeded cards: the author is not stored on the card at all (VW-3). */
  authorId: participantIdSchema.optional(),
  anonymous: z.boolean(),
  /** Brought in at creation (a framing's indicators): cannot be edited or withdrawn (TR-2). */
  seeded: z.boolean(),
  /** Posted in a silent phase and not revealed yet: `text` is empty, the author's seat holds it (SW-1). */
  hidden: z.boolean(),
  status: cardStatusSchema,
  phaseId: z.string(),
  createdAt: z.number(),
  editedAt: z.number().nullable(),
});
export type Card = z.infer<typeof cardSchema>;

/** A "tour de table": each person in `order` speaks in turn, with their own timebox (TM-6). */
export const speakingRoundSchema = z.object({
  order: z.array(participantIdSchema),
  index: z.number().int().min(0),
  perSpeakerMs: z.number().int().positive(),
  timer: timerSchema,
});
export type SpeakingRound = z.infer<typeof speakingRoundSchema>;

export const floorSchema = z.object({
  speakerId: participantIdSchema.nullable(),
  /** Raised hands, first come first served. */
  hands: z.array(participantIdSchema),
  round: speakingRoundSchema.nullable(),
});
export type Floor = z.infer<typeof floorSchema>;

export const statementSchema = z.object({ text: z.string(), authorId: participantIdSchema, at: z.number() });
export type Statement = z.infer<typeof statementSchema>;

export const actionItemSchema = z.object({
  id: z.string(),
  ownerId: participantIdSchema,
  what: z.string(),
  byWhen: z.string(),
  withWhom: z.string(),
  coachingRound: z.number().int().min(1).max(2),
  createdAt: z.number(),
});
export type ActionItem = z.infer<typeof actionItemSchema>;

export const learningSchema = z.object({
  id: z.string(),
  authorId: participantIdSchema,
  text: z.string(),
  at: z.number(),
});
export type Learning = z.infer<typeof learningSchema>;

export const evaluationSchema = z.object({
  rating: z.number().int().min(1).max(5),
  comment: z.string(),
  at: z.number(),
});
export type Evaluation = z.infer<typeof evaluationSchema>;

export const indicatorVerdictSchema = z.enum(['met', 'partly_met', 'not_met']);
export const indicatorReviewSchema = z.object({
  verdict: indicatorVerdictSchema,
  note: z.string(),
  reviewerId: participantIdSchema,
  at: z.number(),
});
export type IndicatorReview = z.infer<typeof indicatorReviewSchema>;

export const logbookEntrySchema = z.object({
  id: z.string(),
  /** The note sealed in its owner's page (LG-5): the server never holds its text. */
  sealed: z.string(),
  /** The phase the note was taken in, or null before the start / after the end. */
  phaseId: z.string().nullable(),
  createdAt: z.number(),
  updatedAt: z.number(),
});
export type LogbookEntry = z.infer<typeof logbookEntrySchema>;

/**
 * CS-1: an action item carried into a circle's session for its follow-up step: made in an earlier
 * session, not done or dropped yet. `ownerId` is the seat its owner takes in this room (the circle
 * derives it before anyone enters); only that seat marks it (CS-2). `updatedAt` is null until marked here.
 */
export const followUpStatusSchema = z.enum(['open', 'in_progress', 'done', 'dropped']);
export type FollowUpStatus = z.infer<typeof followUpStatusSchema>;
export const carriedActionSchema = z.object({
  id: z.string().min(1).max(64),
  ownerId: participantIdSchema,
  ownerName: z.string(),
  what: z.string(),
  byWhen: z.string(),
  withWhom: z.string(),
  fromSession: z.number().int().min(1),
  status: followUpStatusSchema,
  note: z.string(),
  /** The owner's confidence (1-10) when committing, and now. */
  confidenceThen: z.number().nullable(),
  confidenceNow: z.number().nullable(),
  updatedAt: z.number().nullable(),
});
export type CarriedAction = z.infer<typeof carriedActionSchema>;

/**
 * CS-3: the topic round of a codev circle's session: each member may post a one-line case, members vote,
 * the facilitator confirms who becomes the client. Each vote is kept on its voter's seat (`topicVote`),
 * private: the public view holds only counts (CS-4).
 */
export const topicRoundSchema = z.object({
  cases: z.record(participantIdSchema, z.object({ text: z.string(), at: z.number() })),
  chosenId: participantIdSchema.nullable(),
});
export type TopicRound = z.infer<typeof topicRoundSchema>;

/** Actual start and end of a phase, for a planned-vs-actual chart. */
export const phaseRunSchema = z.object({
  phaseId: z.string(),
  index: z.number().int().min(0),
  coachingRound: z.number().int().min(1).max(2),
  plannedMs: z.number().int().min(0),
  startedAt: z.number(),
  endedAt: z.number().nullable(),
});
export type PhaseRun = z.infer<typeof phaseRunSchema>;

/**
 * The clock of a phase left before its end (PH-5): its timebox as adjusted, and the time already spent in
 * it (pauses excluded). Going back resumes from there rather than from a full timebox.
 */
export const phaseClockSchema = z.object({
  durationMs: z.number().int().min(0),
  spentMs: z.number().min(0),
});
export type PhaseClock = z.infer<typeof phaseClockSchema>;

/** The key of a phase's clock: the round and the phase index (engine-made, never from a client). */
export const phaseClockKey = (coachingRound: number, index: number): string => `${coachingRound}:${index}`;

export const roomStatusSchema = z.enum(['lobby', 'running', 'ended']);
export type RoomStatus = z.infer<typeof roomStatusSchema>;

/** The whole authoritative state of a room, stored as JSON. */
export const roomSchema = z.object({
  code: z.string().min(1).max(32),
  version: z.number().int().min(0),
  status: roomStatusSchema,
  locked: z.boolean(),
  createdAt: z.number(),
  lastActivityAt: z.number(),
  /** Given at creation, trimmed; user content: shown to members, never logged. */
  title: z.string().min(1).max(ROOM_TITLE_MAX).nullable(),
  /** The language the room was opened in (each page still chooses its own). */
  locale: localeSchema,
  template: templateInfoSchema,
  /** The room's own copy of the phases: the custom template edits it before the start. */
  phases: z.array(phaseSchema).min(1),
  phaseIndex: z.number().int().min(0),
  /** Peer coaching runs the steps twice, roles swapped for round 2 (PC-3); 1 elsewhere. */
  coachingRound: z.number().int().min(1).max(2),
  participants: z.record(participantIdSchema, participantSchema),
  timer: timerSchema.nullable(),
  /** Phases left before their end, by `phaseClockKey`: where their countdown resumes (PH-5). */
  phaseClocks: z.record(z.string(), phaseClockSchema),
  /** How long before a phase's end everyone is warned; 0 for no warning (TM-8). */
  warnBeforeMs: z.number().int().min(0).max(MAX_WARNING_MS),
  autoAdvance: z.boolean(),
  /** Move on once everyone expected in the phase said they are done (DN-3). */
  advanceWhenDone: z.boolean(),
  /** Who said "I'm done" in the current phase; emptied at each phase change (DN-1). */
  done: z.array(participantIdSchema),
  /** The current phase's silent cards were revealed: cards posted from now on are visible (SW-2). */
  revealed: z.boolean(),
  allowAnonymousCards: z.boolean(),
  floor: floorSchema,
  cards: z.record(z.string(), cardSchema),
  statements: z.partialRecord(statementKindSchema, statementSchema),
  actionPlan: z.record(z.string(), actionItemSchema),
  /** Confidence from 1 to 10, by the participant who committed. */
  confidence: z.record(participantIdSchema, z.number().int().min(1).max(10)),
  learnings: z.record(z.string(), learningSchema),
  evaluations: z.record(participantIdSchema, evaluationSchema),
  /**
   * Closing meeting: per indicator card, each party's own review, by reviewer (TR-3): a review never
   * overwrites another person's verdict or comment.
   */
  indicatorReviews: z.record(z.string(), z.record(participantIdSchema, indicatorReviewSchema)),
  /** A circle's session: the action items of earlier sessions, for the follow-up step (CS-1). */
  followUp: z.record(z.string(), carriedActionSchema),
  /** A codev circle's session opened with a topic round (CS-3); null otherwise. */
  topicRound: topicRoundSchema.nullable(),
  /** Private notes, by owner: never in a public view, only in the owner's private view (LG-1). */
  logbooks: z.record(participantIdSchema, z.record(z.string(), logbookEntrySchema)),
  phaseHistory: z.array(phaseRunSchema),
  /** sha-256 hex of the facilitator key; null when the method has no key seat (peer coaching). */
  facilitatorKeyHash: z.string().nullable(),
});
/**
 * A room as the engine holds it: the schema's, but for its cards, which the engine's edits keep as a
 * chunked map (a read-back room's plain record is converted on its first edit: `cards.ts`).
 */
export type Room = Omit<z.infer<typeof roomSchema>, 'cards'> & { cards: CardMap };

export const createRoomInputSchema = z.strictObject({
  code: z.string().min(1).max(32),
  templateId: templateIdSchema,
  facilitatorKeyHash: z.string().min(1).max(128).nullable().optional(),
  title: z.string().optional(),
  locale: localeSchema.optional(),
  allowAnonymousCards: z.boolean().optional(),
  autoAdvance: z.boolean().optional(),
  advanceWhenDone: z.boolean().optional(),
  warnBeforeMs: z.number().int().min(0).max(MAX_WARNING_MS).optional(),
  /** A closing meeting can start with the indicators set at framing (TR-2). */
  indicators: z.array(z.string().trim().min(1).max(TEXT_LIMITS.card)).max(20).optional(),
  /** ... and with the framing's objectives (TR-4). */
  objectives: z.array(z.string().trim().min(1).max(TEXT_LIMITS.card)).max(20).optional(),
  /** A circle's session after the first opens with a follow-up step on these items (CS-1). */
  followUp: z.array(carriedActionSchema).max(MAX_CARRIED_ACTIONS).optional(),
  /** A codev circle's session opens with a topic round (CS-3). */
  topicRound: z.boolean().optional(),
  /** The template's phases as the facilitator adjusted them before creating the room (CU-2). */
  /** Checked by `buildRoom` with the phase-edit rules; the wire shape is `createRoomRequestSchema`'s. */
  phases: z.array(z.custom<PhaseSpec>()).optional(),
});
export type CreateRoomInput = z.input<typeof createRoomInputSchema>;

export type RoomCreation = { ok: true; room: Room } | PhaseListRefusal;

/**
 * A new room in the lobby at version 0, or the refusal of its input (RC-1, CU-2): a title too long, a
 * phase list the method cannot run. Nothing is created on a refusal.
 */
export function buildRoom(input: CreateRoomInput, now: number): RoomCreation {
  const template = getTemplate(input.templateId);
  const { phases: templatePhases, ...info } = template;
  const templateInfo: TemplateInfo = info;
  const title = input.title?.trim() ?? '';
  if (title.length > ROOM_TITLE_MAX)
    return refuse('text_too_long', `A title has at most ${ROOM_TITLE_MAX} characters.`);
  let phases = templatePhases;
  if (input.phases !== undefined) {
    const built = phasesFromSpecs(template, input.phases);
    if (!built.ok) return built;
    phases = built.phases;
  }
  // CS-1, CS-3: a circle's session opens with its follow-up step, then its topic round.
  const steps = circleSteps(templateInfo, {
    followUp: (input.followUp ?? []).length > 0,
    topicRound: input.topicRound === true,
  });
  if (steps.length > 0) {
    if (phases.length + steps.length > MAX_PHASES) return refuse('invalid', 'Too many phases.');
    phases = [...steps, ...phases];
  }
  const cards: Record<string, Card> = {};
  // TR-2, TR-4: the framing's indicators, then its objectives (ids `seed-<n>`, then `seed-o<n>`).
  const seeds = [
    ...(input.indicators ?? []).map((text, i) => ({ id: `seed-${i + 1}`, kind: 'indicator' as const, text })),
    ...(input.objectives ?? []).map((text, i) => ({
      id: `seed-o${i + 1}`,
      kind: 'objective' as const,
      text,
    })),
  ];
  for (const { id, kind, text } of seeds) {
    cards[id] = {
      id,
      kind,
      text,
      anonymous: false,
      seeded: true,
      hidden: false,
      status: 'open',
      phaseId: 'framing',
      createdAt: now,
      editedAt: null,
    };
  }
  const followUp: Room['followUp'] = {};
  for (const item of input.followUp ?? []) followUp[item.id] = item;
  const room: Room = {
    code: input.code,
    version: 0,
    status: 'lobby',
    locked: false,
    createdAt: now,
    lastActivityAt: now,
    title: title.length > 0 ? title : null,
    locale: input.locale ?? 'fr',
    template: templateInfo,
    phases,
    phaseIndex: 0,
    coachingRound: 1,
    participants: {},
    timer: null,
    phaseClocks: {},
    warnBeforeMs: input.warnBeforeMs ?? DEFAULT_WARNING_MS,
    autoAdvance: input.autoAdvance ?? false,
    advanceWhenDone: input.advanceWhenDone ?? false,
    done: [],
    revealed: false,
    allowAnonymousCards: input.allowAnonymousCards ?? false,
    floor: { speakerId: null, hands: [], round: null },
    cards,
    statements: {},
    actionPlan: {},
    confidence: {},
    learnings: {},
    evaluations: {},
    indicatorReviews: {},
    followUp,
    topicRound: input.topicRound === true ? { cases: {}, chosenId: null } : null,
    logbooks: {},
    phaseHistory: [],
    // PC-1: a method without a key seat has no facilitator key at all.
    facilitatorKeyHash: template.keyRole === null ? null : (input.facilitatorKeyHash ?? null),
  };
  return { ok: true, room };
}

/** A new room in the lobby at version 0; throws on an input `buildRoom` refuses. */
export function createRoom(input: CreateRoomInput, now: number): Room {
  const built = buildRoom(input, now);
  if (!built.ok) throw new Error(`createRoom: ${built.code}: ${built.message}`);
  return built.room;
}
