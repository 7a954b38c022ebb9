import {
  buildRoom,
  type CreateRoomInput,
  codevTemplate,
  createRoom,
  MAX_PHASE_DURATION_MS,
  MAX_PHASES,
  type PhaseSpec,
  peerCoachingTemplate,
  publicView,
  ROOM_TITLE_MAX,
  TEXT_LIMITS,
} from '@cercle/shared';
import { describe, expect, it } from 'vitest';
import { Host } from './fixtures.js';

const now = 1_000_000;
const base = { code: 'ROOM123', templateId: 'codev', facilitatorKeyHash: 'key' } as const;
const build = (input: Partial<CreateRoomInput>) => buildRoom({ ...base, ...input }, now);
const name = (text: string) => ({ fr: text, en: text });

/** The refusal code (and phase) of a phase list, or 'accepted'. */
function refusalOf(input: Partial<CreateRoomInput>) {
  const built = build(input);
  return built.ok ? 'accepted' : { code: built.code, phase: built.phase };
}

describe('creating a room', () => {
  it('[RC-1] the title is trimmed and bounded, blank is none; the locale defaults to fr; both are public', () => {
    const room = createRoom({ ...base, title: '  Codev du mardi  ', locale: 'en' }, now);
    expect(room).toMatchObject({ title: 'Codev du mardi', locale: 'en' });
    expect(publicView(room)).toMatchObject({ title: 'Codev du mardi', locale: 'en' });
    expect(createRoom(base, now)).toMatchObject({ title: null, locale: 'fr' });
    expect(createRoom({ ...base, title: '   ' }, now).title).toBeNull();
    expect(build({ title: ` ${'t'.repeat(ROOM_TITLE_MAX)} ` }).ok).toBe(true);
    expect(refusalOf({ title: 't'.repeat(ROOM_TITLE_MAX + 1) })).toEqual({
      code: 'text_too_long',
      phase: undefined,
    });
    expect(() => createRoom({ ...base, title: 't'.repeat(ROOM_TITLE_MAX + 1) }, now)).toThrow(
      /text_too_long/,
    );
  });

  it('[CU-2] a room can start from its template’s phases renamed, reordered, retimed, with some dropped and one added', () => {
    const specs: PhaseSpec[] = [
      { from: 'expose', durationMs: 5 * 60_000 },
      { from: 'consultation', name: name('  Suggestions  '), floor: ['consultant', 'facilitator'] },
      { name: name('Pause'), durationMs: 2 * 60_000 },
      { from: 'synthesis', board: [{ kind: 'note', roles: ['client'] }] },
    ];
    const room = createRoom({ ...base, phases: specs }, now);
    expect(room.phases.map((p) => p.id)).toEqual(['expose', 'consultation', 'added-1', 'synthesis']);
    const template = (id: string) => codevTemplate.phases.find((p) => p.id === id)!;
    expect(room.phases[0]).toEqual({ ...template('expose'), durationMs: 5 * 60_000 });
    expect(room.phases[1]).toEqual({
      ...template('consultation'),
      name: name('Suggestions'),
      floor: ['consultant', 'facilitator'],
    });
    expect(room.phases[2]).toEqual({
      id: 'added-1',
      name: name('Pause'),
      purpose: name(''),
      guide: { fr: [], en: [] },
      leadRoles: ['facilitator'],
      durationMs: 2 * 60_000,
      floor: ['facilitator', 'client', 'consultant'],
      board: [],
      records: [],
      suggestsRound: false,
    });
    expect(room.phases[3]!.board).toEqual([{ kind: 'note', roles: ['client'] }]);
    // The template itself is untouched.
    expect(codevTemplate.phases.map((p) => p.id)).toContain('clarification');
  });

  it('[CU-2] the room runs on its own list: phases in that order, each with its timebox and its locks', () => {
    const host = new Host('codev', {
      phases: [
        { from: 'consultation', durationMs: 3 * 60_000, floor: ['consultant', 'client'] },
        { from: 'expose' },
      ],
    });
    host.join('f', 'Fanny', true);
    for (const id of ['c', 'a', 'b']) host.join(id);
    host.ok('f', { type: 'assign_role', participantId: 'c', role: 'client' });
    const started = host.ok('f', { type: 'start' });
    expect(host.phaseId).toBe('consultation');
    expect(started.effects).toEqual([
      { type: 'schedule_timer', timerId: host.room.timer!.timerId, at: host.now + 3 * 60_000 },
    ]);
    // The floor policy given at creation, not codev's usual CD-3 lock.
    host.ok('c', { type: 'raise_hand' });
    host.ok('f', { type: 'next_phase', from: host.room.phaseIndex });
    expect(host.phaseId).toBe('expose');
    host.refused('f', { type: 'next_phase', from: host.room.phaseIndex }, 'phase_out_of_range');
  });

  it('[CU-2] a list the method cannot run is refused, with the position of the phase at fault', () => {
    expect(refusalOf({ phases: [] })).toEqual({ code: 'invalid', phase: undefined });
    expect(refusalOf({ phases: [{ from: 'expose' }, { from: 'nope' }] })).toEqual({
      code: 'invalid',
      phase: 1,
    });
    expect(refusalOf({ phases: [{ from: 'expose' }, { from: 'expose' }] })).toEqual({
      code: 'invalid',
      phase: 1,
    });
    expect(refusalOf({ phases: [{ name: name('No duration') }] })).toEqual({ code: 'invalid', phase: 0 });
    expect(refusalOf({ phases: [{ durationMs: 60_000 }] })).toEqual({ code: 'invalid', phase: 0 });
    expect(refusalOf({ phases: [{ from: 'expose', durationMs: 59_999 }] })).toEqual({
      code: 'invalid',
      phase: 0,
    });
    expect(refusalOf({ phases: [{ from: 'expose', durationMs: MAX_PHASE_DURATION_MS + 1 }] })).toEqual({
      code: 'invalid',
      phase: 0,
    });
    expect(refusalOf({ phases: [{ from: 'expose', name: name('   ') }] })).toEqual({
      code: 'invalid',
      phase: 0,
    });
    expect(
      refusalOf({ phases: [{ from: 'expose', name: name('n'.repeat(TEXT_LIMITS.phaseName + 1)) }] }),
    ).toEqual({ code: 'text_too_long', phase: 0 });
    expect(
      refusalOf({
        phases: [{ from: 'expose', guide: { fr: ['g'.repeat(TEXT_LIMITS.guideQuestion + 1)], en: [] } }],
      }),
    ).toEqual({ code: 'text_too_long', phase: 0 });
    const many = Array.from({ length: MAX_PHASES + 1 }, (_, i) => ({
      name: name(`P${i}`),
      durationMs: 60_000,
    }));
    expect(refusalOf({ phases: many })).toEqual({ code: 'limit_reached', phase: undefined });
    expect(build({ phases: many.slice(0, MAX_PHASES) }).ok).toBe(true);
  });

  it('[CU-2][CU-1] policies may name only the method’s roles, as in the lobby’s phase edits', () => {
    const foreign: PhaseSpec = { records: [{ record: 'learnings', roles: ['consultant'] }] };
    // Peer coaching has no consultant: at creation...
    expect(
      buildRoom(
        { code: 'ROOM123', templateId: 'peer-coaching', phases: [{ from: 'sharing', ...foreign }] },
        now,
      ),
    ).toMatchObject({ ok: false, code: 'wrong_role', phase: 0 });
    expect(
      buildRoom(
        { code: 'ROOM123', templateId: 'peer-coaching', phases: [{ from: 'goal', floor: ['sponsor'] }] },
        now,
      ),
    ).toMatchObject({ ok: false, code: 'wrong_role' });
    expect(
      buildRoom(
        {
          code: 'ROOM123',
          templateId: 'peer-coaching',
          phases: [{ from: 'goal', board: [{ kind: 'note', roles: ['coach'] }] }],
        },
        now,
      ).ok,
    ).toBe(true);
    // ...and the same check, with the same answer, as a lobby edit of a custom room (one rule, CU-1).
    const custom = new Host('custom');
    custom.join('f', 'Fanny', true);
    custom.refused(
      'f',
      { type: 'edit_phase', phaseId: custom.room.phases[0]!.id, floor: ['coach'] },
      'wrong_role',
    );
    expect(
      buildRoom(
        {
          code: 'ROOM123',
          templateId: 'custom',
          phases: [{ name: name('x'), durationMs: 60_000, floor: ['coach'] }],
        },
        now,
      ),
    ).toMatchObject({ ok: false, code: 'wrong_role', phase: 0 });
  });

  it('[CU-2][PC-3] a peer-coaching list without its sharing step restarts round two at the first phase', () => {
    const host = new Host('peer-coaching', {
      facilitatorKeyHash: null,
      phases: [{ from: 'goal' }, { from: 'commitments' }],
    });
    host.join('e', 'Eve');
    host.join('o', 'Olga');
    host.ok('e', { type: 'start' });
    host.ok('e', { type: 'next_phase', from: host.room.phaseIndex });
    host.ok('e', { type: 'swap_roles', round: host.room.coachingRound });
    expect(host.room).toMatchObject({ phaseIndex: 0, coachingRound: 2 });
    expect(peerCoachingTemplate.swap?.restartPhaseId).toBe('sharing');
  });
});
