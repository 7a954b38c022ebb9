import type { ErrorCode, WireError } from '@cercle/shared';

/**
 * The only messages that reach a client: one fixed sentence per code, never text built from a request
 * or from room content. The page words each code in its own language; these are for programs and logs.
 */
const messages: Record<ErrorCode, string> = {
  invalid: 'This does not apply here.',
  not_facilitator: 'Only the facilitator may do this.',
  not_a_member: 'You have no seat in this room.',
  wrong_role: 'Your role may not do this.',
  wrong_status: 'The session is not at a stage that allows this.',
  floor_locked: 'Your role does not have the floor in this phase.',
  board_locked_in_phase: 'Your role may not post this kind of card in this phase.',
  not_your_card: 'This card is not yours.',
  phase_out_of_range: 'There is no such phase.',
  room_full: 'The room is full.',
  board_full: 'The board is full.',
  text_too_long: 'The text is too long.',
  bad_facilitator_key: 'The facilitator key is wrong.',
  stale_timer: 'This timer is no longer running.',
  name_taken: 'Someone in the room already has this name.',
  not_admitted: 'Wait until the facilitator admits you.',
  roles_incomplete: 'The seats of this method are not filled as it requires.',
  limit_reached: 'This room has reached its limit for this.',
  stale_move: 'The room already left the phase this move starts from.',
  bad_request: 'The request is malformed.',
  room_not_found: 'No open room has this code.',
  bad_token: 'This seat is no longer yours: join again.',
  rate_limited: 'Too many attempts: wait a moment.',
  too_many_connections: 'Too many connections from your address.',
  store_unavailable: 'Not stored: the server cannot reach its storage. Try again.',
  id_reused: 'This command id was already used for another command: nothing was stored.',
  origin_not_allowed: 'Connections from this site are not allowed.',
  waiting_for_admission: 'Wait until the facilitator admits you.',
  not_found: 'Nothing here.',
  payload_too_large: 'The request is too large.',
  unsupported_media_type: 'The request must be JSON.',
  internal: 'Something went wrong on the server.',
};

export function wireError(code: ErrorCode): WireError {
  return { code, message: messages[code] ?? messages.internal };
}

/** A coded failure raised inside the transport (handshake refusals become `connect_error` with this data). */
export class CodedError extends Error {
  readonly data: { code: ErrorCode };
  constructor(readonly code: ErrorCode) {
    super(messages[code] ?? code);
    this.data = { code };
  }
}
