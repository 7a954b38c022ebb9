import { z } from 'zod';
import { TEXT_LIMITS } from '../engine/limits.js';
import { templateIdSchema } from '../engine/template.js';
import { localeSchema } from './events.js';

/** `POST /api/rooms`. A custom template's phases are edited in the lobby (phase commands), not here. */
export const createRoomRequestSchema = z.strictObject({
  template: templateIdSchema,
  title: z.string().trim().min(1).max(120).optional(),
  locale: localeSchema.optional(),
  allowAnonymousCards: z.boolean().optional(),
  autoAdvance: z.boolean().optional(),
  /** A closing meeting can start with the indicators agreed at framing (TR-2). */
  indicators: z.array(z.string().trim().min(1).max(TEXT_LIMITS.card)).max(20).optional(),
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
  status: z.enum(['lobby', 'running']),
  people: z.number().int().nonnegative(),
});
export type RoomFacts = z.infer<typeof roomFactsSchema>;

export const httpErrorSchema = z.object({ error: z.object({ code: z.string(), message: z.string() }) });
