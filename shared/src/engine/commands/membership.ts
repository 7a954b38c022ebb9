import type { Command, SystemCommand } from '../../protocol/commands.js';
import type { Effect, RoomEvent } from '../events.js';
import { MAX_PARTICIPANTS, MAX_WAITING, TEXT_LIMITS, TIMER_TOLERANCE_MS } from '../limits.js';
import { isRoleName, nameSkeleton, normaliseName } from '../names.js';
import { own } from '../own.js';
import { admittedSeats, keyHolder, roleCount } from '../permissions.js';
import { refuse } from '../refusal.js';
import { MAX_REMEMBERED_PEOPLE, type Participant, type Room, SEAT_GRACE_MS } from '../room.js';
import type { Role } from '../template.js';
import { leaveFloor } from './floor.js';
import { accept, checkText, type DecideContext, type Outcome, without, withParticipant } from './outcome.js';

/**
 * A new seat's empty lists and record, one frozen each for every seat: rooms are never mutated (every
 * step copies), and a node holds thousands of seats, most of which never fill them.
 */
const NO_IDS = Object.freeze([]) as unknown as string[];
const NO_TEXTS = Object.freeze(Object.create(null)) as Record<string, string>;

type Cmd<T extends (Command | SystemCommand)['type']> = Extract<Command | SystemCommand, { type: T }>;

function slotOf(room: Room, role: Role) {
  return room.template.roles.find((slot) => slot.role === role);
}

/**
 * The seat a newcomer gets (RM-3): the method's join order fills the seats it needs first, then the
 * default role, then any seat with room left. The key seat is never given this way. Null when full.
 */
export function newcomerRole(room: Room): Role | null {
  for (const role of room.template.joinRoles) {
    const slot = slotOf(room, role);
    if (slot && roleCount(room, role) < slot.min) return role;
  }
  const fallback = slotOf(room, room.template.defaultRole);
  if (fallback && roleCount(room, fallback.role) < fallback.max) return fallback.role;
  for (const slot of room.template.roles) {
    if (slot.role !== room.template.keyRole && roleCount(room, slot.role) < slot.max) return slot.role;
  }
  return null;
}

/** While the session runs, every seat count stays within the method's bounds (RM-5, CD-6). */
function seatsWithinBounds(room: Room): boolean {
  return room.template.roles.every((slot) => {
    const count = roleCount(room, slot.role);
    return count >= slot.min && count <= slot.max;
  });
}

/**
 * Seats held: a released seat (RM-7) no longer counts against MAX_PARTICIPANTS, and people waiting in a
 * locked room are bounded apart (MAX_WAITING, RM-10), so a crowd at the door takes no one's seat.
 */
function seatsInUse(room: Room): number {
  return Object.values(room.participants).filter((p) => p.admission === 'admitted').length;
}

function waitingCount(room: Room): number {
  return Object.values(room.participants).filter((p) => p.admission === 'waiting').length;
}

export function join(room: Room, cmd: Cmd<'join'>, ctx: DecideContext): Outcome {
  if (room.status === 'ended') return refuse('wrong_status', 'The session has ended.');
  const existing = own(room.participants, cmd.participantId);
  if (existing) {
    // RM-2: a returning participant gets the same seat back, same role, same data.
    if (existing.tokenHash !== cmd.tokenHash) return refuse('invalid', 'This seat belongs to someone else.');
    if (existing.admission === 'released') return reseat(room, existing);
    const back: Participant = { ...existing, presence: 'connected', grace: null };
    return accept(withParticipant(room, back), [
      { type: 'participant_returned', participantId: existing.id },
    ]);
  }

  // RM-9: the name as people will see it; a look-alike of a name in the room, or a role's name, is taken.
  const displayName = normaliseName(cmd.displayName);
  const nameRefusal = checkText(displayName, TEXT_LIMITS.displayName, 'name');
  if (nameRefusal) return nameRefusal;
  const skeleton = nameSkeleton(displayName);
  if (
    isRoleName(displayName) ||
    Object.values(room.participants).some((p) => nameSkeleton(p.displayName) === skeleton)
  ) {
    return refuse('name_taken', 'Someone in the room already has this name.');
  }
  const withKey = cmd.facilitatorKeyHash !== undefined;
  // RM-1, RM-10: the key always finds its seat, whoever fills the room or waits at its door (the
  // remembered-people bound is doubled for it, so bots cannot fill it either).
  const remembered = Object.keys(room.participants).length;
  if (withKey ? remembered >= 2 * MAX_REMEMBERED_PEOPLE : remembered >= MAX_REMEMBERED_PEOPLE) {
    return refuse('room_full', 'The room is full.');
  }
  if (!withKey && !room.locked && seatsInUse(room) >= MAX_PARTICIPANTS) {
    return refuse('room_full', 'The room is full.');
  }
  if (!withKey && room.locked && waitingCount(room) >= MAX_WAITING) {
    return refuse('room_full', 'The waiting room is full.');
  }

  let base = room;
  let keyEvents: RoomEvent[] = [];
  let keyEffects: Effect[] = [];
  let role: Role | null;
  let admission: Participant['admission'];
  if (withKey) {
    // RM-1: the facilitator key grants the key seat, locked room or not.
    const { keyRole } = room.template;
    if (
      keyRole === null ||
      room.facilitatorKeyHash === null ||
      cmd.facilitatorKeyHash !== room.facilitatorKeyHash
    ) {
      return refuse('bad_facilitator_key', 'This facilitator key does not open this room.');
    }
    role = keyRole;
    admission = 'admitted';
    const holder = keyHolder(room);
    if (holder) {
      // The key moved to a new device: the old seat steps down so there is still one facilitator; in a
      // full room it is released instead (its token still brings it back, RM-8).
      const old = room.participants[holder.id]!;
      const demotedRole = newcomerRole(room);
      const roomy =
        demotedRole !== null &&
        seatsInUse(room) < MAX_PARTICIPANTS &&
        admittedSeats(room).length < room.template.maxPeople;
      if (roomy) {
        base = withParticipant(room, { ...old, role: demotedRole });
      } else {
        const left = leaveFloor(
          withParticipant(room, { ...old, admission: 'released', grace: null }),
          old.id,
          ctx,
        );
        base = left.room;
        keyEvents = [{ type: 'seat_released', participantId: old.id }, ...left.events];
        keyEffects = left.effects;
      }
    }
  } else {
    admission = room.locked ? 'waiting' : 'admitted';
    // Someone waiting gets a seat when admitted (`admit` chooses it then): a full room can still be waited at.
    role = newcomerRole(room) ?? (admission === 'waiting' ? room.template.defaultRole : null);
    if (role === null) return refuse('room_full', 'Every seat of this method is taken.');
    const admittedAfterJoin = admittedSeats(room).length + (admission === 'admitted' ? 1 : 0);
    if (admission === 'admitted' && admittedAfterJoin > room.template.maxPeople) {
      return refuse('room_full', 'The room is full.');
    }
  }

  const participant: Participant = {
    id: cmd.participantId,
    displayName,
    role,
    presence: 'connected',
    admission,
    grace: null,
    tokenHash: cmd.tokenHash,
    joinedAt: ctx.now,
    anonymousCardIds: NO_IDS,
    hiddenTexts: NO_TEXTS,
    stars: NO_IDS,
  };
  const next = withParticipant(base, participant);
  const eventType = admission === 'admitted' ? 'participant_joined' : 'participant_waiting';
  return accept(next, [...keyEvents, { type: eventType, participantId: participant.id }], keyEffects);
}

/**
 * RM-8: a released seat comes back with its token: its former role if that role has a seat free (never
 * the key seat, which is never released), else a newcomer's role; admitted even in a locked room, since
 * it was let in before. `room_full` when no seat is left.
 */
function reseat(room: Room, seat: Participant): Outcome {
  if (seatsInUse(room) >= MAX_PARTICIPANTS || admittedSeats(room).length >= room.template.maxPeople) {
    return refuse('room_full', 'The room is full.');
  }
  const slot = slotOf(room, seat.role);
  const formerFree =
    slot !== undefined && seat.role !== room.template.keyRole && roleCount(room, seat.role) < slot.max;
  const role = formerFree ? seat.role : newcomerRole(room);
  if (role === null) return refuse('room_full', 'Every seat of this method is taken.');
  const back: Participant = { ...seat, role, admission: 'admitted', presence: 'connected', grace: null };
  const events: RoomEvent[] = [{ type: 'participant_returned', participantId: seat.id }];
  if (role !== seat.role) events.push({ type: 'role_assigned', participantId: seat.id, role });
  return accept(withParticipant(room, back), events);
}

/**
 * A participant's connection came or went. RM-7: an admitted seat that goes away keeps its role for the
 * grace period, with a grace timer the host fires as `time_up`; coming back clears it, so a later firing
 * is stale. The key seat is never released, so it gets no grace timer.
 */
export function presence(room: Room, cmd: Cmd<'presence'>, ctx: DecideContext): Outcome {
  const seat = own(room.participants, cmd.participantId);
  if (!seat) return refuse('not_a_member', 'No such seat.');
  if (seat.admission === 'released') return refuse('invalid', 'This seat was released: join again.');
  if (seat.presence === cmd.presence) return refuse('invalid', 'Presence unchanged.');
  const events: RoomEvent[] = [{ type: 'presence_changed', participantId: seat.id, presence: cmd.presence }];
  const graced =
    cmd.presence === 'away' &&
    seat.admission === 'admitted' &&
    room.status !== 'ended' &&
    !isKeySeat(room, seat);
  if (!graced) return accept(withParticipant(room, { ...seat, presence: cmd.presence, grace: null }), events);
  const grace = { timerId: ctx.newId(), until: ctx.now + Math.max(0, ctx.seatGraceMs ?? SEAT_GRACE_MS) };
  const effects: Effect[] = [{ type: 'schedule_timer', timerId: grace.timerId, at: grace.until }];
  return accept(withParticipant(room, { ...seat, presence: 'away', grace }), events, effects);
}

function isKeySeat(room: Room, seat: Participant): boolean {
  return room.template.keyRole !== null && seat.role === room.template.keyRole;
}

/**
 * RM-7: may this seat be released? Never the key seat; and while the session runs, never a seat whose
 * role would fall below the method's minimum (the codev client, the peer-coaching pair): those stay,
 * shown away, so the method keeps its seats (RM-5, CD-6).
 */
function releasable(room: Room, seat: Participant): boolean {
  if (isKeySeat(room, seat)) return false;
  if (room.status !== 'running') return true;
  const slot = slotOf(room, seat.role);
  return slot === undefined || roleCount(room, seat.role) - 1 >= slot.min;
}

/**
 * RM-7: the grace timer of `seat` fired. Still away: the seat is released (hand lowered, floor and turn
 * given up; it no longer counts against any capacity), or, when it may not be, kept and shown away.
 */
export function graceUp(room: Room, seat: Participant, ctx: DecideContext): Outcome {
  const grace = seat.grace;
  if (!grace || room.status === 'ended') return refuse('stale_timer', 'Nothing to release.');
  if (grace.until - ctx.now > TIMER_TOLERANCE_MS) return refuse('stale_timer', 'Not due yet.');
  if (seat.presence !== 'away' || seat.admission !== 'admitted' || !releasable(room, seat)) {
    return accept(withParticipant(room, { ...seat, grace: null }));
  }
  const released: Participant = { ...seat, admission: 'released', grace: null };
  const left = leaveFloor(withParticipant(room, released), seat.id, ctx);
  return accept(left.room, [{ type: 'seat_released', participantId: seat.id }, ...left.events], left.effects);
}

export function admit(room: Room, cmd: Cmd<'admit'>): Outcome {
  const seat = own(room.participants, cmd.participantId);
  if (seat?.admission !== 'waiting') return refuse('invalid', 'Nobody by this id is waiting.');
  if (admittedSeats(room).length >= room.template.maxPeople) return refuse('room_full', 'The room is full.');
  // The seat is chosen now, from the room as it is at admission.
  const role = newcomerRole(room);
  if (role === null) return refuse('room_full', 'Every seat of this method is taken.');
  return accept(withParticipant(room, { ...seat, role, admission: 'admitted' }), [
    { type: 'participant_admitted', participantId: seat.id },
  ]);
}

/** RM-10: everyone waiting is sent away in one command (each gets the removal's disconnect). */
export function clearWaiting(room: Room): Outcome {
  const waiting = Object.values(room.participants).filter((p) => p.admission === 'waiting');
  if (waiting.length === 0) return refuse('invalid', 'Nobody is waiting.');
  let participants = room.participants;
  for (const seat of waiting) participants = without(participants, seat.id);
  return accept(
    { ...room, participants },
    waiting.map((seat) => ({ type: 'participant_removed', participantId: seat.id }) as RoomEvent),
    waiting.map((seat) => ({ type: 'disconnect', participantId: seat.id, reason: 'removed' }) as Effect),
  );
}

export function lockRoom(room: Room): Outcome {
  if (room.locked) return refuse('invalid', 'The room is already locked.');
  return accept({ ...room, locked: true }, [{ type: 'room_locked' }]);
}

/** RM-4: unlocking lets later newcomers in; those already waiting still need to be admitted. */
export function unlockRoom(room: Room): Outcome {
  if (!room.locked) return refuse('invalid', 'The room is not locked.');
  return accept({ ...room, locked: false }, [{ type: 'room_unlocked' }]);
}

export function removeParticipant(room: Room, cmd: Cmd<'remove_participant'>, _ctx: DecideContext): Outcome {
  // RM-6: the policy checked the seat may go (not oneself, not the key seat, not a seat the method needs).
  const seat = own(room.participants, cmd.participantId);
  if (!seat) return refuse('invalid', 'No such seat.');
  const { floor } = room;
  const next: Room = {
    ...room,
    participants: without(room.participants, seat.id),
    logbooks: room.logbooks[seat.id] ? without(room.logbooks, seat.id) : room.logbooks,
    floor:
      floor.speakerId === seat.id || floor.hands.includes(seat.id) || floor.round?.order.includes(seat.id)
        ? {
            speakerId: floor.speakerId === seat.id ? null : floor.speakerId,
            hands: floor.hands.filter((id) => id !== seat.id),
            // A round that loses its speaker stops; the facilitator can start a new one.
            round: floor.round && floor.speakerId !== seat.id ? withoutSpeaker(floor.round, seat.id) : null,
          }
        : floor,
  };
  return accept(
    next,
    [{ type: 'participant_removed', participantId: seat.id }],
    [{ type: 'disconnect', participantId: seat.id, reason: 'removed' }],
  );
}

function withoutSpeaker(round: NonNullable<Room['floor']['round']>, id: string): Room['floor']['round'] {
  const current = round.order[round.index];
  const order = round.order.filter((p) => p !== id);
  const index = Math.max(0, order.indexOf(current ?? ''));
  return order.length === 0 ? null : { ...round, order, index };
}

export function assignRole(room: Room, cmd: Cmd<'assign_role'>): Outcome {
  const seat = own(room.participants, cmd.participantId);
  if (seat?.admission !== 'admitted') return refuse('invalid', 'No such admitted participant.');
  // RM-5: the policy checked the role exists in the method and is not the key seat's.
  const slot = slotOf(room, cmd.role)!;
  if (seat.role === cmd.role) return refuse('invalid', 'This participant already has this role.');
  let participants = { ...room.participants, [seat.id]: { ...seat, role: cmd.role } };
  const events: RoomEvent[] = [{ type: 'role_assigned', participantId: seat.id, role: cmd.role }];
  if (roleCount(room, cmd.role) >= slot.max) {
    if (slot.max !== 1) return refuse('invalid', 'This role has no seat left.');
    // RM-5: a single seat changes hands: its holder takes the other's role, so counts do not move.
    const holder = Object.values(room.participants).find(
      (p) => p.admission === 'admitted' && p.role === cmd.role,
    )!;
    participants = { ...participants, [holder.id]: { ...holder, role: seat.role } };
    events.push({ type: 'role_assigned', participantId: holder.id, role: seat.role });
  }
  const next: Room = { ...room, participants };
  if (room.status === 'running' && !seatsWithinBounds(next)) {
    return refuse('roles_incomplete', 'The method needs this seat filled.');
  }
  return accept(next, events);
}

export { seatsWithinBounds };
