import { z } from 'zod';
import { MAX_PHASES, MAX_WARNING_MS, TEXT_LIMITS } from '../engine/limits.js';
import { ROOM_TITLE_MAX } from '../engine/room.js';
import { localeSchema, templateIdSchema } from '../engine/template.js';
import { phaseChangeFields } from './commands.js';

/**
 * One phase of the list a room may be created with (CU-2): `from` starts from a phase of the template
 * (by id), the other fields change it; without `from` it is a new phase, which needs `name` and
 * `durationMs`. The engine checks the rest (`phasesFromSpecs`).
 */
export const phaseSpecSchema = z.strictObject({
  from: z.string().trim().min(1).max(64).optional(),
  ...phaseChangeFields,
});
export type PhaseSpecRequest = z.infer<typeof phaseSpecSchema>;

/**
 * `POST /api/rooms`. `phases`, when given, is the room's whole phase list, in order (CU-2); a custom
 * template's phases can also be edited in the lobby (phase commands, CU-1).
 */
export const createRoomRequestSchema = z.strictObject({
  template: templateIdSchema,
  title: z.string().trim().min(1).max(ROOM_TITLE_MAX).optional(),
  locale: localeSchema.optional(),
  allowAnonymousCards: z.boolean().optional(),
  autoAdvance: z.boolean().optional(),
  /** Move on once everyone expected in the phase is done (DN-3). */
  advanceWhenDone: z.boolean().optional(),
  /** Warn everyone this long before a phase ends (TM-8); 2 minutes by default, 0 for no warning. */
  warnBeforeMs: z.number().int().min(0).max(MAX_WARNING_MS).optional(),
  /** A closing meeting can start with the indicators agreed at framing (TR-2). */
  indicators: z.array(z.string().trim().min(1).max(TEXT_LIMITS.card)).max(20).optional(),
  phases: z.array(phaseSpecSchema).min(1).max(MAX_PHASES).optional(),
});
export type CreateRoomRequest = z.infer<typeof createRoomRequestSchema>;

export const createRoomResponseSchema = z.object({
  code: z.string(),
  /** The link to paste in the video call's chat. */
  joinUrl: z.string(),
  /** Grants the facilitator seat; shown once, stored only as a hash; null when the method has none. */
  facilitatorKey: z.string().nullable(),
});
export type CreateRoomResponse = z.infer<typeof createRoomResponseSchema>;

/** `GET /api/rooms/:code`: what anyone with the code may know before joining. */
export const roomFactsSchema = z.object({
  template: templateIdSchema,
  title: z.string().nullable(),
  locale: localeSchema,
  status: z.enum(['lobby', 'running']),
  people: z.number().int().nonnegative(),
});
export type RoomFacts = z.infer<typeof roomFactsSchema>;

/** `phase`: for a phase list the method refuses (CU-2), the position (0-based) of the phase at fault. */
export const httpErrorSchema = z.object({
  error: z.object({ code: z.string(), message: z.string(), phase: z.number().int().optional() }),
});
