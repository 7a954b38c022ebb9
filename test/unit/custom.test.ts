import { MAX_PHASES } from '@cercle/shared';
import { describe, expect, it } from 'vitest';
import { codevRoom, Host } from './fixtures.js';

function customRoom(): Host {
  const host = new Host('custom');
  host.join('f', 'Fanny', true);
  host.join('a', 'Alex');
  return host;
}

describe('custom template', () => {
  it('[CU-1] rename, retime and change the policies of a phase before the start', () => {
    const host = customRoom();
    host.ok('f', {
      type: 'edit_phase',
      phaseId: 'consultation',
      name: { fr: 'Idées', en: 'Ideas' },
      durationMs: 12 * 60_000,
      floor: ['consultant', 'client'],
      board: [{ kind: 'suggestion', roles: ['consultant', 'client'] }],
    });
    const phase = host.room.phases.find((p) => p.id === 'consultation')!;
    expect(phase).toMatchObject({ name: { fr: 'Idées', en: 'Ideas' }, durationMs: 12 * 60_000 });
    expect(phase.board).toEqual([{ kind: 'suggestion', roles: ['consultant', 'client'] }]);
    host.refused('f', { type: 'edit_phase', phaseId: 'nope', durationMs: 60_000 }, 'invalid');
    host.refused('f', { type: 'edit_phase', phaseId: 'expose', floor: ['coach'] }, 'wrong_role');
    host.refused('f', { type: 'edit_phase', phaseId: 'expose', durationMs: 1000 }, 'invalid');
    host.refused(
      'f',
      { type: 'edit_phase', phaseId: 'expose', name: { fr: 'x'.repeat(61), en: 'x' } },
      'text_too_long',
    );
    host.refused('a', { type: 'edit_phase', phaseId: 'expose', durationMs: 60_000 }, 'not_facilitator');
  });

  it('[CU-1] add, move and remove phases', () => {
    const host = customRoom();
    host.ok('f', {
      type: 'add_phase',
      index: 0,
      name: { fr: 'Météo', en: 'Check-in' },
      durationMs: 5 * 60_000,
    });
    expect(host.room.phases[0]?.name.en).toBe('Check-in');
    expect(host.room.phases[0]?.floor).toEqual(['facilitator', 'client', 'consultant']);
    const added = host.room.phases[0]!.id;
    host.ok('f', { type: 'move_phase', phaseId: added, toIndex: 99 });
    expect(host.room.phases.at(-1)?.id).toBe(added);
    host.refused('f', { type: 'move_phase', phaseId: added, toIndex: 6 }, 'invalid');
    host.refused('f', { type: 'move_phase', phaseId: 'nope', toIndex: 0 }, 'invalid');
    host.ok('f', { type: 'remove_phase', phaseId: 'contract' });
    expect(host.room.phases.map((p) => p.id)).not.toContain('contract');
    host.refused('f', { type: 'remove_phase', phaseId: 'contract' }, 'invalid');
    while (host.room.phases.length < MAX_PHASES) {
      host.ok('f', { type: 'add_phase', index: 50, name: { fr: 'P', en: 'P' }, durationMs: 60_000 });
    }
    host.refused(
      'f',
      { type: 'add_phase', index: 0, name: { fr: 'P', en: 'P' }, durationMs: 60_000 },
      'limit_reached',
    );
    for (const phase of host.room.phases.slice(1)) host.ok('f', { type: 'remove_phase', phaseId: phase.id });
    host.refused('f', { type: 'remove_phase', phaseId: host.room.phases[0]!.id }, 'invalid');
  });

  it('[CU-1] only editable templates, and only before the start', () => {
    const codev = codevRoom(false);
    codev.refused('f', { type: 'remove_phase', phaseId: 'expose' }, 'invalid');
    const host = customRoom();
    host.ok('f', { type: 'start' });
    host.refused('f', { type: 'remove_phase', phaseId: 'expose' }, 'wrong_status');
  });
});
