import {
  MAX_PARTICIPANTS,
  MAX_REMEMBERED_PEOPLE,
  privateView,
  publicView,
  roleCount,
  SEAT_GRACE_MS,
  TIMER_TOLERANCE_MS,
} from '@cercle/shared';
import { describe, expect, it } from 'vitest';
import { sealedOf } from '../support/sealed.js';
import { codevRoom, goToPhase, Host, pairRoom } from './fixtures.js';

/** Drop `id`'s connection; returns the grace timer id the engine scheduled. */
function drop(host: Host, id: string): string {
  const decision = host.ok(null, { type: 'presence', participantId: id, presence: 'away' });
  const effect = decision.effects.find((e) => e.type === 'schedule_timer');
  if (effect?.type !== 'schedule_timer') throw new Error(`no grace timer for ${id}`);
  return effect.timerId;
}

/** Let the grace period of `id` run out and fire its timer. */
function expire(host: Host, id: string, timerId: string) {
  host.now = host.room.participants[id]!.grace!.until;
  return host.ok(null, { type: 'time_up', timerId });
}

const back = (id: string) =>
  ({ type: 'join', participantId: id, displayName: id, tokenHash: `token-${id}` }) as const;

describe('seat grace period', () => {
  it('[RM-7] going away schedules a grace timer at now + SEAT_GRACE_MS, or the host’s period', () => {
    const host = codevRoom();
    const decision = host.ok(null, { type: 'presence', participantId: 'a', presence: 'away' });
    const grace = host.room.participants.a!.grace!;
    expect(grace.until).toBe(host.now + SEAT_GRACE_MS);
    expect(decision.effects).toEqual([{ type: 'schedule_timer', timerId: grace.timerId, at: grace.until }]);
    expect(decision.events).toEqual([{ type: 'presence_changed', participantId: 'a', presence: 'away' }]);
    expect(publicView(host.room).participants.a).toMatchObject({ presence: 'away', admission: 'admitted' });

    host.seatGraceMs = 5_000;
    drop(host, 'b');
    expect(host.room.participants.b!.grace!.until).toBe(host.now + 5_000);
  });

  it('[RM-7] before the deadline the timer is stale; a return makes it stale for good', () => {
    const host = codevRoom();
    const timerId = drop(host, 'a');
    host.advance(SEAT_GRACE_MS - TIMER_TOLERANCE_MS - 1);
    host.refused(null, { type: 'time_up', timerId }, 'stale_timer');
    host.ok(null, { type: 'presence', participantId: 'a', presence: 'connected' });
    expect(host.room.participants.a!.grace).toBeNull();
    host.advance(10 * SEAT_GRACE_MS);
    host.refused(null, { type: 'time_up', timerId }, 'stale_timer');

    // Coming back through `join` with the token does the same.
    const second = drop(host, 'b');
    host.ok(null, back('b'));
    host.advance(10 * SEAT_GRACE_MS);
    host.refused(null, { type: 'time_up', timerId: second }, 'stale_timer');
    expect(host.room.participants.b).toMatchObject({ presence: 'connected', admission: 'admitted' });
  });

  it('[RM-7] still away at the deadline: the seat is released, its hand lowered, and it counts for nothing', () => {
    const host = codevRoom();
    goToPhase(host, 'clarification');
    host.ok('a', { type: 'raise_hand' });
    const consultants = roleCount(host.room, 'consultant');
    const timerId = drop(host, 'a');
    const decision = expire(host, 'a', timerId);
    expect(decision.events).toEqual([
      { type: 'seat_released', participantId: 'a' },
      { type: 'hand_lowered', participantId: 'a' },
    ]);
    expect(host.room.participants.a).toMatchObject({ admission: 'released', presence: 'away', grace: null });
    expect(host.room.floor.hands).not.toContain('a');
    expect(roleCount(host.room, 'consultant')).toBe(consultants - 1);
    // A released seat may send nothing, and its presence does not change any more.
    host.refused('a', { type: 'logbook_add', sealed: sealedOf('x') }, 'not_admitted');
    host.refused(null, { type: 'presence', participantId: 'a', presence: 'connected' }, 'invalid');
    // Fired twice: the second firing is stale.
    host.refused(null, { type: 'time_up', timerId }, 'stale_timer');
  });

  it('[RM-7] the floor held by a released seat is released', () => {
    const host = codevRoom();
    goToPhase(host, 'clarification');
    host.ok('f', { type: 'give_floor', participantId: 'b' });
    const timerId = drop(host, 'b');
    const decision = expire(host, 'b', timerId);
    expect(decision.events).toContainEqual({ type: 'floor_given', participantId: null });
    expect(host.room.floor.speakerId).toBeNull();
  });

  it('[RM-7] a released speaker’s turn in a round goes to the next person; others leave the order', () => {
    const host = codevRoom();
    // Two more consultants, so that two of them may be released (codev needs two while running).
    host.join('g', 'Gil');
    host.join('h', 'Hugo');
    goToPhase(host, 'consultation');
    host.ok('f', { type: 'start_round', perSpeakerMs: 60_000, order: ['a', 'b', 'd'] });
    host.seatGraceMs = 10_000;
    // Not speaking: out of the order, the current speaker keeps the floor.
    const dTimer = drop(host, 'd');
    expire(host, 'd', dTimer);
    expect(host.room.floor.round).toMatchObject({ order: ['a', 'b'], index: 0 });
    expect(host.room.floor.speakerId).toBe('a');
    // Speaking: the next person speaks with a fresh timer.
    const aTimer = drop(host, 'a');
    const decision = expire(host, 'a', aTimer);
    expect(host.room.floor.speakerId).toBe('b');
    expect(host.room.floor.round).toMatchObject({ order: ['b'], index: 0 });
    const roundTimer = host.room.floor.round!.timer;
    expect(roundTimer.startedAt).toBe(host.now);
    expect(decision.effects).toEqual([
      { type: 'schedule_timer', timerId: roundTimer.timerId, at: host.now + 60_000 },
    ]);
    expect(decision.events).toContainEqual({ type: 'speaker_changed', participantId: 'b' });
  });

  it('[RM-7] the last speaker of a round released: the round ends', () => {
    const host = codevRoom();
    host.join('g', 'Gil');
    goToPhase(host, 'consultation');
    host.ok('f', { type: 'start_round', perSpeakerMs: 60_000, order: ['a'] });
    const timerId = drop(host, 'a');
    const decision = expire(host, 'a', timerId);
    expect(host.room.floor).toMatchObject({ speakerId: null, round: null });
    expect(decision.events).toContainEqual({ type: 'round_stopped' });
  });

  it('[RM-7] the key seat is never released: no grace timer, only shown away', () => {
    const host = codevRoom();
    const decision = host.ok(null, { type: 'presence', participantId: 'f', presence: 'away' });
    expect(decision.effects).toEqual([]);
    expect(host.room.participants.f).toMatchObject({ presence: 'away', admission: 'admitted', grace: null });
  });

  it('[RM-7][CD-6] while codev runs, the client is kept (shown away); in the lobby the seat is released', () => {
    const running = codevRoom();
    const timerId = drop(running, 'c');
    const decision = expire(running, 'c', timerId);
    expect(decision.events).toEqual([]);
    expect(running.room.participants.c).toMatchObject({
      role: 'client',
      admission: 'admitted',
      presence: 'away',
      grace: null,
    });
    expect(roleCount(running.room, 'client')).toBe(1);

    const lobby = codevRoom(false);
    expire(lobby, 'c', drop(lobby, 'c'));
    expect(lobby.room.participants.c?.admission).toBe('released');
    expect(roleCount(lobby.room, 'client')).toBe(0);
    lobby.refused('f', { type: 'start' }, 'roles_incomplete');
  });

  it('[RM-7][RM-5] while running, a seat is released only if its role stays at the method’s minimum', () => {
    // Codev needs two consultants while running: of a, b and d, one may go, not a second one.
    const host = codevRoom();
    host.seatGraceMs = 1_000;
    expire(host, 'a', drop(host, 'a'));
    expect(host.room.participants.a?.admission).toBe('released');
    expire(host, 'b', drop(host, 'b'));
    expect(host.room.participants.b).toMatchObject({ admission: 'admitted', presence: 'away', grace: null });
    expect(roleCount(host.room, 'consultant')).toBe(2);
  });

  it('[RM-7][PC-2] a running peer-coaching pair keeps both seats', () => {
    const host = pairRoom();
    expire(host, 'o', drop(host, 'o'));
    expect(host.room.participants.o).toMatchObject({ admission: 'admitted', role: 'coach' });
  });

  it('[RM-7][RM-8] a released seat frees the place for someone else; the token brings its owner back when there is room', () => {
    const host = pairRoom(false);
    host.ok('e', { type: 'logbook_add', sealed: sealedOf('my note') });
    expire(host, 'o', drop(host, 'o'));
    // Peer coaching takes two people: the newcomer takes the released coach seat.
    host.join('n', 'Nina');
    expect(host.room.participants.n?.role).toBe('coach');
    host.refused(null, back('o'), 'room_full');
    // Nina drops too and her seat is released: Olga's token brings her back, as coach again.
    expire(host, 'n', drop(host, 'n'));
    const decision = host.ok(null, back('o'));
    expect(decision.events).toEqual([{ type: 'participant_returned', participantId: 'o' }]);
    expect(host.room.participants.o).toMatchObject({
      role: 'coach',
      admission: 'admitted',
      presence: 'connected',
      displayName: 'Olga',
      grace: null,
    });
  });

  it('[RM-8] back with the same id and logbook; the former role if free, else a newcomer’s role; even in a locked room', () => {
    const host = codevRoom(false);
    host.ok('c', { type: 'logbook_add', sealed: sealedOf('private') });
    const logbook = privateView(host.room, 'c').logbook;
    expire(host, 'c', drop(host, 'c'));
    host.ok('f', { type: 'assign_role', participantId: 'a', role: 'client' });
    host.ok('f', { type: 'lock_room' });
    const decision = host.ok(null, back('c'));
    expect(decision.events).toEqual([
      { type: 'participant_returned', participantId: 'c' },
      { type: 'role_assigned', participantId: 'c', role: 'consultant' },
    ]);
    expect(host.room.participants.c).toMatchObject({ role: 'consultant', admission: 'admitted' });
    expect(privateView(host.room, 'c').logbook).toEqual(logbook);
    // A forged token gets nothing back.
    expire(host, 'b', drop(host, 'b'));
    host.refused(null, { ...back('b'), tokenHash: 'forged' }, 'invalid');
  });

  it('[RM-3][RM-7] released seats do not count against MAX_PARTICIPANTS; a room remembers at most MAX_REMEMBERED_PEOPLE', () => {
    // A custom room takes MAX_PARTICIPANTS people: fill it up.
    const host = new Host('custom');
    host.seatGraceMs = 1_000;
    host.join('f', 'Fanny', true);
    for (let i = 1; i < MAX_PARTICIPANTS; i++) host.join(`p${i}`);
    const newcomer = (id: string) =>
      ({ type: 'join', participantId: id, displayName: id, tokenHash: 't' }) as const;
    host.refused(null, newcomer('x0'), 'room_full');
    // Each seat released makes room for one newcomer; the released ones are still remembered.
    let last = 'p1';
    for (let n = 0; Object.keys(host.room.participants).length < MAX_REMEMBERED_PEOPLE; n++) {
      expire(host, last, drop(host, last));
      last = `x${n}`;
      host.ok(null, newcomer(last));
      expect(host.room.participants[last]?.admission).toBe('admitted');
    }
    expire(host, last, drop(host, last));
    host.refused(null, newcomer('one-too-many'), 'room_full');
    // A remembered owner still comes back into the free seat.
    host.ok(null, back('p1'));
    expect(host.room.participants.p1?.admission).toBe('admitted');
  });

  it('[RM-7] a grace timer in an ended room is stale', () => {
    const host = codevRoom();
    const timerId = drop(host, 'a');
    host.ok('f', { type: 'end', purge: false });
    host.advance(SEAT_GRACE_MS);
    host.refused(null, { type: 'time_up', timerId }, 'stale_timer');
  });
});
