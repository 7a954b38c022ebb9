import { z } from 'zod';

/**
 * Every error code the page may receive. Refusals come from the engine's rules; the others from the
 * transport and the store. The page shows each one in words (client i18n), never a raw message.
 */
export const refusalCodes = [
  'invalid', // well-formed but meaningless here (unknown card, empty plan item, ...)
  'not_facilitator', // only the facilitator (or, in peer coaching, a member) may do this
  'not_a_member', // the actor has no seat in this room
  'wrong_role', // the actor's role may not do this
  'wrong_status', // the room is not in a status that allows this (not started, ended)
  'floor_locked', // the phase does not give this role the floor
  'board_locked_in_phase', // the phase does not let this role post this kind of card
  'not_your_card', // only the author (or the client, for keep/set aside) may touch this card
  'phase_out_of_range',
  'room_full', // people per room limit
  'board_full', // cards per room limit
  'text_too_long',
  'bad_facilitator_key',
  'stale_timer', // a timer firing for a deadline that no longer exists
  'name_taken',
  'not_admitted', // the actor waits in a locked room until the facilitator admits them
  'roles_incomplete', // the method's seats are not filled as it requires (start, removal, reassignment)
  'limit_reached', // a per-room count limit other than cards (action items, learnings, logbook, phases)
  'stale_move', // the room already left the phase (or round) this move starts from: nothing changed (PH-4)
] as const;

export const transportErrorCodes = [
  'bad_request', // the payload failed its schema
  'room_not_found', // wrong, ended or unknown code: one answer for all
  'bad_token', // resume token unknown or revoked
  'rate_limited',
  'too_many_connections',
  'store_unavailable', // Redis did not answer in time: the command was not stored
  'id_reused', // this command id was already used in the room for another command or by someone else
  'origin_not_allowed',
  'waiting_for_admission', // the room is locked: wait until the facilitator admits you
  'not_found', // HTTP: no such route
  'payload_too_large', // HTTP: the body is over the limit
  'unsupported_media_type', // HTTP: the body is not JSON
  'internal',
] as const;

export const errorCodeSchema = z.enum([...refusalCodes, ...transportErrorCodes]);
export type ErrorCode = z.infer<typeof errorCodeSchema>;
export type RefusalCode = (typeof refusalCodes)[number];

export const wireErrorSchema = z.object({ code: errorCodeSchema, message: z.string().max(300) });
export type WireError = z.infer<typeof wireErrorSchema>;
