import { z } from 'zod';
import {
  MAX_PHASE_DURATION_MS,
  MAX_SPEAKER_MS,
  MAX_TIME_ADJUST_MS,
  MAX_WARNING_MS,
  MAX_WIRE_TEXT,
  MIN_SPEAKER_MS,
} from '../engine/limits.js';
import { isWireId } from '../engine/own.js';
import {
  boardPolicySchema,
  cardKindSchema,
  localizedListSchema,
  localizedTextSchema,
  recordPolicySchema,
  roleSchema,
  statementKindSchema,
} from '../engine/template.js';
import { sealedEntrySchema } from '../logbook/sealed.js';

/**
 * Commands on the wire. Every object is strict (an unknown key is a `bad_request`) and every string is
 * trimmed and bounded by MAX_WIRE_TEXT; the engine then applies the finer TEXT_LIMITS as `text_too_long`.
 */
const text = z.string().trim().min(1).max(MAX_WIRE_TEXT);
const optionalText = z.string().trim().max(MAX_WIRE_TEXT);
/** EN-6: an id matches ID_PATTERN and names no built-in member (`isWireId`). */
const id = z.string().trim().refine(isWireId, 'not an id');
const phaseIndex = z.number().int().min(0).max(50);
const bare = <T extends string>(type: T) => z.strictObject({ type: z.literal(type) });

/** The wire shapes of a phase's fields, shared by the phase commands and `POST /api/rooms` (CU-1, CU-2). */
export const wireLocalizedText = z.strictObject({ fr: text, en: text });
export const wireLocalizedList = z.strictObject({ fr: z.array(text).max(10), en: z.array(text).max(10) });
export const phaseDuration = z.number().int().positive().max(MAX_PHASE_DURATION_MS);
export const wireRoles = z.array(roleSchema).max(6);
export const wireBoard = z.array(z.strictObject({ kind: cardKindSchema, roles: wireRoles })).max(7);
export const wireRecords = z
  .array(z.strictObject({ record: recordPolicySchema.shape.record, roles: wireRoles }))
  .max(10);

/** What may change in a phase: a lobby edit (`edit_phase`) and a phase given at creation share it. */
export const phaseChangeFields = {
  name: wireLocalizedText.optional(),
  purpose: wireLocalizedText.optional(),
  guide: wireLocalizedList.optional(),
  durationMs: phaseDuration.optional(),
  floor: wireRoles.optional(),
  board: wireBoard.optional(),
  records: wireRecords.optional(),
  suggestsRound: z.boolean().optional(),
  /** Silent writing (SW-1): cards stay hidden from all but their author until the reveal. */
  silent: z.boolean().optional(),
};

export const commandSchema = z.discriminatedUnion('type', [
  // seats and the room
  z.strictObject({ type: z.literal('admit'), participantId: id }),
  bare('lock_room'),
  bare('unlock_room'),
  z.strictObject({ type: z.literal('remove_participant'), participantId: id }),
  /** Everyone waiting in a locked room is sent away at once (RM-10). */
  bare('clear_waiting'),
  z.strictObject({ type: z.literal('assign_role'), participantId: id, role: roleSchema }),
  bare('start'),
  z.strictObject({ type: z.literal('end'), purge: z.boolean() }),
  // phases
  // A move names where it starts (PH-4): the phase index the sender sees, or the round it leaves; one that
  // no longer matches the room is `stale_move` and changes nothing (a double-click moves once).
  z.strictObject({ type: z.literal('next_phase'), from: phaseIndex }),
  z.strictObject({ type: z.literal('previous_phase'), from: phaseIndex }),
  z.strictObject({ type: z.literal('jump_phase'), from: phaseIndex, index: phaseIndex }),
  z.strictObject({ type: z.literal('swap_roles'), round: z.number().int().min(1).max(2) }),
  // timer
  bare('pause_timer'),
  bare('resume_timer'),
  z.strictObject({
    type: z.literal('add_time'),
    ms: z
      .number()
      .int()
      .min(-MAX_TIME_ADJUST_MS)
      .max(MAX_TIME_ADJUST_MS)
      .refine((ms) => ms !== 0),
  }),
  z.strictObject({ type: z.literal('set_auto_advance'), enabled: z.boolean() }),
  /** How long before a phase's end everyone is warned (TM-8); 0 turns the warning off. */
  z.strictObject({ type: z.literal('set_warning'), ms: z.number().int().min(0).max(MAX_WARNING_MS) }),
  /** Move on by itself once everyone expected in the phase is done (DN-3). */
  z.strictObject({ type: z.literal('set_advance_when_done'), enabled: z.boolean() }),
  // "I'm done" in this phase, or not any more (DN-1)
  z.strictObject({ type: z.literal('set_done'), done: z.boolean() }),
  // floor
  bare('raise_hand'),
  z.strictObject({ type: z.literal('lower_hand'), participantId: id.optional() }),
  /** Without a participantId, the floor goes to the first raised hand. */
  z.strictObject({ type: z.literal('give_floor'), participantId: id.optional() }),
  bare('release_floor'),
  z.strictObject({
    type: z.literal('start_round'),
    perSpeakerMs: z.number().int().min(MIN_SPEAKER_MS).max(MAX_SPEAKER_MS),
    order: z.array(id).min(1).max(20).optional(),
  }),
  bare('next_speaker'),
  bare('stop_round'),
  // board
  z.strictObject({
    type: z.literal('post_card'),
    kind: cardKindSchema,
    text,
    anonymous: z.boolean().optional(),
  }),
  z.strictObject({ type: z.literal('edit_card'), cardId: id, text }),
  z.strictObject({ type: z.literal('withdraw_card'), cardId: id }),
  z.strictObject({ type: z.literal('keep_card'), cardId: id }),
  z.strictObject({ type: z.literal('set_aside_card'), cardId: id }),
  /** Undoes a keep or a set-aside: the card is undecided again (BD-4). */
  z.strictObject({ type: z.literal('reopen_card'), cardId: id }),
  /** Shows every card of the silent phase at once (SW-2). */
  bare('reveal_cards'),
  /** A private star on a card, seen only by whoever sets it (PM-1). */
  z.strictObject({ type: z.literal('star_card'), cardId: id }),
  z.strictObject({ type: z.literal('unstar_card'), cardId: id }),
  // what the session records
  z.strictObject({ type: z.literal('set_statement'), kind: statementKindSchema, text }),
  z.strictObject({ type: z.literal('add_action'), what: text, byWhen: optionalText, withWhom: optionalText }),
  z.strictObject({
    type: z.literal('edit_action'),
    itemId: id,
    what: text,
    byWhen: optionalText,
    withWhom: optionalText,
  }),
  z.strictObject({ type: z.literal('remove_action'), itemId: id }),
  z.strictObject({ type: z.literal('set_confidence'), value: z.number().int().min(1).max(10) }),
  z.strictObject({ type: z.literal('add_learning'), text }),
  z.strictObject({
    type: z.literal('submit_evaluation'),
    rating: z.number().int().min(1).max(5),
    comment: optionalText,
  }),
  z.strictObject({
    type: z.literal('review_indicator'),
    cardId: id,
    verdict: z.enum(['met', 'partly_met', 'not_met']),
    note: optionalText,
  }),
  // a circle's session: the follow-up step (CS-2) and the topic round (CS-3)
  z.strictObject({
    type: z.literal('mark_follow_up'),
    itemId: id,
    status: z.enum(['open', 'in_progress', 'done', 'dropped']),
    note: optionalText,
    confidenceNow: z.number().int().min(1).max(10).nullable().optional(),
  }),
  z.strictObject({ type: z.literal('post_topic'), text }),
  z.strictObject({ type: z.literal('vote_topic'), participantId: id }),
  z.strictObject({ type: z.literal('confirm_topic'), participantId: id }),
  // private logbook: sealed in the page, never text (LG-5)
  z.strictObject({ type: z.literal('logbook_add'), sealed: sealedEntrySchema }),
  z.strictObject({ type: z.literal('logbook_edit'), entryId: id, sealed: sealedEntrySchema }),
  z.strictObject({ type: z.literal('logbook_delete'), entryId: id }),
  // custom template, before the start
  z.strictObject({
    type: z.literal('edit_phase'),
    phaseId: id,
    ...phaseChangeFields,
  }),
  z.strictObject({
    type: z.literal('add_phase'),
    /** Insert at this index (clamped to the end). */
    index: z.number().int().min(0).max(50),
    name: wireLocalizedText,
    durationMs: phaseDuration,
    purpose: wireLocalizedText.optional(),
    guide: wireLocalizedList.optional(),
    floor: wireRoles.optional(),
    board: wireBoard.optional(),
    records: wireRecords.optional(),
    silent: z.boolean().optional(),
  }),
  z.strictObject({ type: z.literal('move_phase'), phaseId: id, toIndex: z.number().int().min(0).max(50) }),
  z.strictObject({ type: z.literal('remove_phase'), phaseId: id }),
]);
export type Command = z.infer<typeof commandSchema>;
export type CommandType = Command['type'];
export const commandTypes = commandSchema.options.map((option) => option.shape.type.value) as CommandType[];

/** Commands only the server issues; never accepted from a socket. */
export const systemCommandSchema = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('join'),
    participantId: id,
    displayName: z.string().trim().min(1).max(MAX_WIRE_TEXT),
    /** sha-256 hex of the resume token the server made. */
    tokenHash: z.string().min(1).max(128),
    /** sha-256 hex of the facilitator key offered, if any. */
    facilitatorKeyHash: z.string().min(1).max(128).optional(),
  }),
  z.strictObject({ type: z.literal('presence'), participantId: id, presence: z.enum(['connected', 'away']) }),
  z.strictObject({ type: z.literal('time_up'), timerId: id }),
]);
export type SystemCommand = z.infer<typeof systemCommandSchema>;
export type SystemCommandType = SystemCommand['type'];

export type EngineCommand = Command | SystemCommand;
export type EngineCommandType = EngineCommand['type'];

// Kept as values so the page and tests can build phase edits with the same shapes.
export { boardPolicySchema, localizedListSchema, localizedTextSchema, recordPolicySchema };
