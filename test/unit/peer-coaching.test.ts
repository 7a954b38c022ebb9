import { allowedCommands, publicView } from '@cercle/shared';
import { describe, expect, it } from 'vitest';
import { pairRoom } from './fixtures.js';

describe('peer coaching', () => {
  it('[PC-1] the first comer is coachee, the second coach, and either one drives', () => {
    const host = pairRoom(false);
    expect(host.room.participants.e?.role).toBe('coachee');
    expect(host.room.participants.o?.role).toBe('coach');
    expect(host.room.facilitatorKeyHash).toBeNull();
    host.ok('o', { type: 'assign_role', participantId: 'o', role: 'coachee' });
    expect(host.room.participants.e?.role).toBe('coach');
    host.ok('e', { type: 'start' });
    host.ok('o', { type: 'next_phase', from: host.room.phaseIndex });
    host.ok('e', { type: 'pause_timer' });
    host.ok('o', { type: 'resume_timer' });
  });

  it('[PC-2] sharing: the coach cannot take the floor', () => {
    const host = pairRoom();
    host.ok('e', { type: 'next_phase', from: host.room.phaseIndex });
    expect(host.phaseId).toBe('sharing');
    host.refused('o', { type: 'raise_hand' }, 'floor_locked');
    host.refused('o', { type: 'give_floor', participantId: 'o' }, 'floor_locked');
    host.refused('e', { type: 'give_floor', participantId: 'o' }, 'floor_locked');
    expect(allowedCommands(publicView(host.room), 'o', host.now)).not.toContain('raise_hand');
    host.ok('o', { type: 'give_floor', participantId: 'e' });
    expect(host.room.floor.speakerId).toBe('e');
  });

  it('[PC-3] at the last step of round one the roles swap and the steps restart at sharing', () => {
    const host = pairRoom();
    host.refused('e', { type: 'swap_roles', round: host.room.coachingRound }, 'invalid');
    host.ok('e', { type: 'jump_phase', from: host.room.phaseIndex, index: 5 });
    host.refused('e', { type: 'next_phase', from: host.room.phaseIndex }, 'phase_out_of_range');
    const decision = host.ok('o', { type: 'swap_roles', round: host.room.coachingRound });
    expect(decision.events[0]).toEqual({ type: 'roles_swapped', coachingRound: 2 });
    expect(decision.effects).toHaveLength(1);
    expect(host.room.participants.e?.role).toBe('coach');
    expect(host.room.participants.o?.role).toBe('coachee');
    expect(host.phaseId).toBe('sharing');
    expect(host.room.coachingRound).toBe(2);
    expect(host.room.phaseHistory.at(-1)).toMatchObject({ phaseId: 'sharing', coachingRound: 2 });
    host.refused('e', { type: 'raise_hand' }, 'floor_locked');
    host.ok('o', { type: 'jump_phase', from: host.room.phaseIndex, index: 5 });
    host.refused('o', { type: 'swap_roles', round: host.room.coachingRound }, 'invalid');
  });

  it('[PC-3] auto-advance does not cross the swap', () => {
    const host = pairRoom();
    host.ok('e', { type: 'set_auto_advance', enabled: true });
    host.ok('e', { type: 'jump_phase', from: host.room.phaseIndex, index: 5 });
    host.advance(10 * 60_000);
    host.ok(null, { type: 'time_up', timerId: host.room.timer!.timerId! });
    expect(host.room.coachingRound).toBe(1);
    expect(host.phaseId).toBe('commitments');
  });

  it('[PC-4] commitments: the coachee writes the plan and confidence, tagged by round', () => {
    const host = pairRoom();
    host.ok('e', { type: 'jump_phase', from: host.room.phaseIndex, index: 5 });
    host.refused('o', { type: 'set_confidence', value: 6 }, 'board_locked_in_phase');
    host.ok('e', { type: 'set_confidence', value: 6 });
    host.ok('e', { type: 'add_action', what: 'Appeler le client', byWhen: 'vendredi', withWhom: '' });
    host.ok('o', { type: 'swap_roles', round: host.room.coachingRound });
    host.ok('e', { type: 'jump_phase', from: host.room.phaseIndex, index: 5 });
    host.ok('o', { type: 'add_action', what: 'Préparer la réunion', byWhen: '', withWhom: 'équipe' });
    const rounds = Object.values(host.room.actionPlan).map((item) => [item.ownerId, item.coachingRound]);
    expect(rounds).toEqual([
      ['e', 1],
      ['o', 2],
    ]);
  });

  it('[PC-1] a third person cannot join a pair', () => {
    const host = pairRoom();
    host.refused(null, { type: 'join', participantId: 'x', displayName: 'X', tokenHash: 't' }, 'room_full');
  });
});
