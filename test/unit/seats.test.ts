import { MAX_WAITING, privateView, publicView, removalBlocker, TEXT_LIMITS } from '@cercle/shared';
import { describe, expect, it } from 'vitest';
import { sealedOf } from '../support/sealed.js';
import { codevRoom, Host } from './fixtures.js';

describe('seats', () => {
  it('[RM-1] the facilitator key grants the facilitator seat; a wrong key is refused', () => {
    const host = new Host('codev');
    host.refused(
      null,
      { type: 'join', participantId: 'x', displayName: 'X', tokenHash: 't', facilitatorKeyHash: 'wrong' },
      'bad_facilitator_key',
    );
    const decision = host.ok(null, {
      type: 'join',
      participantId: 'f',
      displayName: 'Fanny',
      tokenHash: 'tf',
      facilitatorKeyHash: host.key,
    });
    expect(host.room.participants.f).toMatchObject({
      role: 'facilitator',
      admission: 'admitted',
      presence: 'connected',
    });
    expect(decision.events).toEqual([{ type: 'participant_joined', participantId: 'f' }]);
  });

  it('[RM-1] a key in a room without key seat is refused', () => {
    const host = new Host('peer-coaching', { facilitatorKeyHash: 'ignored' });
    expect(host.room.facilitatorKeyHash).toBeNull();
    host.refused(
      null,
      { type: 'join', participantId: 'x', displayName: 'X', tokenHash: 't', facilitatorKeyHash: 'ignored' },
      'bad_facilitator_key',
    );
  });

  it('[RM-1] the key on a second device takes the seat; the old seat steps down', () => {
    const host = codevRoom(false);
    host.join('f2', 'Fanny bis', true);
    expect(host.room.participants.f2?.role).toBe('facilitator');
    expect(host.room.participants.f?.role).toBe('consultant');
  });

  it('[RM-1] the key seat enters a locked room directly', () => {
    const host = new Host('codev');
    host.join('a', 'Alex');
    host.join('f', 'Fanny', true);
    host.ok('f', { type: 'lock_room' });
    host.join('f2', 'Fanny 2', true);
    expect(host.room.participants.f2?.admission).toBe('admitted');
  });

  it('[RM-2] a returning participant gets the same seat; another token is refused', () => {
    const host = codevRoom();
    host.ok(null, { type: 'presence', participantId: 'a', presence: 'away' });
    host.refused(null, { type: 'presence', participantId: 'a', presence: 'away' }, 'invalid');
    host.refused(null, { type: 'presence', participantId: 'ghost', presence: 'away' }, 'not_a_member');
    host.ok('a', { type: 'logbook_add', sealed: sealedOf('note') });
    const mine = privateView(host.room, 'a');
    const back = host.ok(null, {
      type: 'join',
      participantId: 'a',
      displayName: 'Other',
      tokenHash: 'token-a',
    });
    expect(back.events).toEqual([{ type: 'participant_returned', participantId: 'a' }]);
    expect(host.room.participants.a).toMatchObject({
      presence: 'connected',
      role: 'consultant',
      displayName: 'Alex',
    });
    expect(privateView(host.room, 'a').logbook).toEqual(mine.logbook);
    host.refused(
      null,
      { type: 'join', participantId: 'a', displayName: 'Alex', tokenHash: 'forged' },
      'invalid',
    );
  });

  it('[RM-3] names are unique regardless of case and bounded', () => {
    const host = codevRoom(false);
    host.refused(
      null,
      { type: 'join', participantId: 'z', displayName: 'ALEX', tokenHash: 't' },
      'name_taken',
    );
    host.refused(
      null,
      {
        type: 'join',
        participantId: 'z',
        displayName: 'x'.repeat(TEXT_LIMITS.displayName + 1),
        tokenHash: 't',
      },
      'text_too_long',
    );
    host.refused(null, { type: 'join', participantId: 'z', displayName: '   ', tokenHash: 't' }, 'invalid');
  });

  it('[RM-3] codev takes at most 10 people', () => {
    const host = codevRoom(false);
    for (const id of ['g', 'h', 'i', 'j', 'k']) host.join(id);
    expect(Object.keys(host.room.participants)).toHaveLength(10);
    host.refused(null, { type: 'join', participantId: 'l', displayName: 'l', tokenHash: 't' }, 'room_full');
  });

  it('[RM-3][RM-10] no more than MAX_WAITING people wait, apart from the seats', () => {
    const host = codevRoom(false);
    host.ok('f', { type: 'lock_room' });
    for (let i = 0; i < MAX_WAITING; i++) host.join(`w${i}`);
    host.refused(
      null,
      { type: 'join', participantId: 'last', displayName: 'last', tokenHash: 't' },
      'room_full',
    );
  });

  it('[RM-4] a newcomer to a locked room waits, can do nothing, and is admitted by the facilitator', () => {
    const host = codevRoom();
    host.refused('a', { type: 'lock_room' }, 'not_facilitator');
    host.ok('f', { type: 'lock_room' });
    host.refused('f', { type: 'lock_room' }, 'invalid');
    const waiting = host.ok(null, { type: 'join', participantId: 'w', displayName: 'Wes', tokenHash: 'tw' });
    expect(waiting.events).toEqual([{ type: 'participant_waiting', participantId: 'w' }]);
    host.refused('w', { type: 'logbook_add', sealed: sealedOf('hi') }, 'not_admitted');
    host.refused('f', { type: 'admit', participantId: 'a' }, 'invalid');
    host.ok('f', { type: 'unlock_room' });
    host.refused('f', { type: 'unlock_room' }, 'invalid');
    expect(host.room.participants.w?.admission).toBe('waiting');
    host.ok('f', { type: 'admit', participantId: 'w' });
    expect(host.room.participants.w).toMatchObject({ admission: 'admitted', role: 'consultant' });
  });

  it('[RM-4] admission respects the method’s capacity', () => {
    const host = new Host('peer-coaching', { facilitatorKeyHash: null });
    host.join('e');
    host.ok('e', { type: 'lock_room' });
    host.join('o');
    host.join('x');
    host.ok('e', { type: 'admit', participantId: 'o' });
    host.refused('e', { type: 'admit', participantId: 'x' }, 'room_full');
  });

  it('[RM-5] start needs enough people', () => {
    const host = new Host('codev');
    host.join('f', 'F', true);
    host.join('c');
    host.join('a');
    host.ok('f', { type: 'assign_role', participantId: 'c', role: 'client' });
    host.refused('f', { type: 'start' }, 'roles_incomplete');
    host.refused('c', { type: 'start' }, 'not_facilitator');
    host.refused(null, { type: 'start' }, 'not_a_member');
    host.refused('ghost', { type: 'start' }, 'not_a_member');
  });

  it('[RM-5] assign_role refuses unknown or waiting participants', () => {
    const host = codevRoom(false);
    host.refused('f', { type: 'assign_role', participantId: 'ghost', role: 'client' }, 'invalid');
  });

  it('[RM-6] removing a participant disconnects them and drops their hand and logbook', () => {
    const host = codevRoom();
    host.ok('a', { type: 'logbook_add', sealed: sealedOf('mine') });
    host.ok('f', { type: 'jump_phase', from: host.room.phaseIndex, index: 3 });
    host.ok('a', { type: 'raise_hand' });
    const decision = host.ok('f', { type: 'remove_participant', participantId: 'a' });
    expect(decision.effects).toEqual([{ type: 'disconnect', participantId: 'a', reason: 'removed' }]);
    expect(host.room.participants.a).toBeUndefined();
    expect(host.room.logbooks.a).toBeUndefined();
    expect(host.room.floor.hands).toEqual([]);
    host.refused('f', { type: 'remove_participant', participantId: 'f' }, 'invalid');
    host.refused('f', { type: 'remove_participant', participantId: 'a' }, 'invalid');
    host.refused('b', { type: 'remove_participant', participantId: 'd' }, 'not_facilitator');
    host.refused('a', { type: 'logbook_add', sealed: sealedOf('x') }, 'not_a_member');
  });

  it('[RM-6] the page asks the same rule: removalBlocker on the view agrees with decide for every seat', () => {
    for (const started of [false, true]) {
      const view = publicView(codevRoom(started).room);
      for (const id of Object.keys(view.participants)) {
        const accepted = codevRoom(started).try('f', { type: 'remove_participant', participantId: id }).ok;
        expect(removalBlocker(view, 'f', id) === null, `${id} (started: ${started})`).toBe(accepted);
      }
    }
  });

  it('[RM-6] the facilitator seat cannot be removed, even by a second key holder', () => {
    const host = codevRoom(false);
    host.join('f2', 'F2', true);
    host.refused('f2', { type: 'remove_participant', participantId: 'f2' }, 'invalid');
    host.ok('f2', { type: 'remove_participant', participantId: 'f' });
  });
});
