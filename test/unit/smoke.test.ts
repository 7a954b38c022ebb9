import { allowedCommands, applyPatch, diffView, privateView, publicView } from '@cercle/shared';
import { describe, expect, it } from 'vitest';
import { codevRoom, goToPhase, pairRoom } from './fixtures.js';

describe('engine smoke', () => {
  it('[EN-1] runs a codev session from lobby to end', () => {
    const host = codevRoom();
    expect(host.room.status).toBe('running');
    expect(host.room.participants.c?.role).toBe('client');
    goToPhase(host, 'clarification');
    host.ok('a', { type: 'post_card', kind: 'question', text: 'Depuis quand ?' });
    goToPhase(host, 'consultation');
    host.refused('c', { type: 'post_card', kind: 'suggestion', text: 'Je réponds' }, 'board_locked_in_phase');
    host.ok('c', { type: 'logbook_add', text: 'secret canary' });
    const before = publicView(host.room);
    host.ok('a', { type: 'post_card', kind: 'suggestion', text: 'Essaie ça' });
    const after = publicView(host.room);
    expect(applyPatch(before, diffView(before, after))).toEqual(after);
    expect(JSON.stringify(after)).not.toContain('secret canary');
    expect(JSON.stringify(privateView(host.room, 'c'))).toContain('secret canary');
    expect(allowedCommands(after, 'c', host.now)).not.toContain('post_card');
    expect(allowedCommands(after, 'a', host.now)).toContain('post_card');
    const end = host.ok('f', { type: 'end', purge: true });
    expect(end.effects).toEqual([{ type: 'end_room', purge: true }]);
  });

  it('[PC-3] a pair swaps roles for round two', () => {
    const host = pairRoom();
    expect(host.room.participants.e?.role).toBe('coachee');
    host.ok('o', { type: 'jump_phase', index: 5 });
    host.ok('o', { type: 'swap_roles' });
    expect(host.room.participants.e?.role).toBe('coach');
    expect(host.room.coachingRound).toBe(2);
  });
});
