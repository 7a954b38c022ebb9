import type { Effect, RoomEvent } from '../events.js';
import { type Refusal, refuse } from '../refusal.js';
import type { Participant, ParticipantId, Room } from '../room.js';

/** What a command handler returns: the next room (version not yet bumped), or a refusal. */
export type Accepted = { ok: true; room: Room; events: RoomEvent[]; effects: Effect[] };
export type Outcome = Accepted | Refusal;

/** Time and fresh ids come from the host, so the engine stays pure and tests stay deterministic. */
export type DecideContext = {
  actor: ParticipantId | null;
  now: number;
  newId: () => string;
  /** How long a dropped participant keeps their seat (RM-7); SEAT_GRACE_MS when not given. */
  seatGraceMs?: number;
};

export function accept(room: Room, events: RoomEvent[] = [], effects: Effect[] = []): Accepted {
  return { ok: true, room, events, effects };
}

/** Text rules shared by every command that writes text: not blank, not longer than the limit. */
export function checkText(text: string, limit: number, what: string): Refusal | null {
  const trimmed = text.trim();
  if (trimmed.length === 0) return refuse('invalid', `The ${what} is empty.`);
  if (trimmed.length > limit)
    return refuse('text_too_long', `The ${what} is longer than ${limit} characters.`);
  return null;
}

export function checkOptionalText(text: string, limit: number, what: string): Refusal | null {
  if (text.trim().length > limit)
    return refuse('text_too_long', `The ${what} is longer than ${limit} characters.`);
  return null;
}

/** Replace one seat, sharing every other one by reference. */
export function withParticipant(room: Room, participant: Participant): Room {
  // A record with no prototype, in the same order: a `{ ...seats, [id]: seat }` copy keyed by ids was
  // given a hidden class per id added (eight per room of eight), kept while the room lives.
  const seats = room.participants;
  const participants = Object.create(null) as Room['participants'];
  for (const id in seats) if (Object.hasOwn(seats, id)) participants[id] = seats[id]!;
  participants[participant.id] = participant;
  return { ...room, participants };
}

export { without } from '../entries.js';
