import { cardsInOrder, publicView } from '@cercle/shared';
import { describe, expect, it } from 'vitest';
import { goToPhase, Host } from './fixtures.js';

function framing(): Host {
  const host = new Host('tripartite-framing');
  host.join('k', 'Karim', true);
  host.join('e', 'Léa');
  host.join('s', 'Marc');
  host.ok('k', { type: 'start' });
  return host;
}

describe('tripartite meetings', () => {
  it('[TR-1] framing seats: the key gives the coach; newcomers fill coachee then sponsor', () => {
    const host = framing();
    expect(host.room.participants.k?.role).toBe('coach');
    expect(host.room.participants.e?.role).toBe('coachee');
    expect(host.room.participants.s?.role).toBe('sponsor');
    host.refused('s', { type: 'next_phase', from: host.room.phaseIndex }, 'not_facilitator');
  });

  it('[TR-1] framing records the two levels of request, objectives, indicators and the synthesis', () => {
    const host = framing();
    goToPhase(host, 'organisation-request', 'k');
    host.refused(
      'e',
      { type: 'set_statement', kind: 'organisation_request', text: 'x' },
      'board_locked_in_phase',
    );
    host.ok('s', { type: 'set_statement', kind: 'organisation_request', text: 'Mieux piloter le projet' });
    goToPhase(host, 'coachee-request', 'k');
    host.ok('e', { type: 'set_statement', kind: 'coachee_request', text: 'Gagner en assurance' });
    goToPhase(host, 'objectives', 'k');
    host.ok('s', { type: 'post_card', kind: 'objective', text: 'Animer le comité' });
    host.refused('s', { type: 'post_card', kind: 'indicator', text: 'x' }, 'board_locked_in_phase');
    goToPhase(host, 'indicators', 'k');
    host.ok('e', { type: 'post_card', kind: 'indicator', text: 'Comité tenu en 45 min' });
    goToPhase(host, 'framing-synthesis', 'k');
    host.refused('e', { type: 'set_statement', kind: 'synthesis', text: 'x' }, 'board_locked_in_phase');
    host.ok('k', { type: 'set_statement', kind: 'synthesis', text: 'Deux demandes cohérentes.' });
    expect(Object.keys(host.room.statements).sort()).toEqual([
      'coachee_request',
      'organisation_request',
      'synthesis',
    ]);
  });

  it('[TR-2] a closing seeded with the framing’s indicators keeps them unchanged', () => {
    const host = new Host('tripartite-closing', {
      indicators: ['Comité tenu en 45 min', 'Équipe réorganisée'],
    });
    host.join('k', 'Karim', true);
    host.join('e', 'Léa');
    host.join('s', 'Marc');
    host.ok('k', { type: 'start' });
    const seeded = cardsInOrder(host.room.cards);
    expect(seeded.map((card) => [card.kind, card.text, card.seeded])).toEqual([
      ['indicator', 'Comité tenu en 45 min', true],
      ['indicator', 'Équipe réorganisée', true],
    ]);
    expect(publicView(host.room).cards['seed-1']).not.toHaveProperty('authorId');
    host.refused('k', { type: 'edit_card', cardId: 'seed-1', text: 'autre' }, 'board_locked_in_phase');
    goToPhase(host, 'recommendations', 'k');
    host.refused('k', { type: 'withdraw_card', cardId: 'seed-1' }, 'invalid');
  });

  it('[TR-3] closing reviews each indicator, each party’s verdict and comment beside the others’', () => {
    const host = new Host('tripartite-closing', { indicators: ['Comité tenu en 45 min'] });
    host.join('k', 'Karim', true);
    host.join('e', 'Léa');
    host.join('s', 'Marc');
    host.ok('k', { type: 'start' });
    host.refused(
      's',
      { type: 'review_indicator', cardId: 'seed-1', verdict: 'met', note: '' },
      'board_locked_in_phase',
    );
    goToPhase(host, 'indicator-review', 'k');
    host.ok('s', {
      type: 'review_indicator',
      cardId: 'seed-1',
      verdict: 'partly_met',
      note: 'Une fois sur deux',
    });
    host.refused('s', { type: 'review_indicator', cardId: 'nope', verdict: 'met', note: '' }, 'invalid');
    host.ok('e', { type: 'review_indicator', cardId: 'seed-1', verdict: 'met', note: 'Tous les lundis' });
    // TR-3: the second review sits beside the first, which keeps its verdict and comment.
    expect(host.room.indicatorReviews['seed-1']?.s).toMatchObject({
      verdict: 'partly_met',
      note: 'Une fois sur deux',
      reviewerId: 's',
    });
    expect(host.room.indicatorReviews['seed-1']?.e).toMatchObject({ verdict: 'met', reviewerId: 'e' });
    host.refused(
      'e',
      { type: 'review_indicator', cardId: 'seed-1', verdict: 'met', note: 'x'.repeat(501) },
      'text_too_long',
    );
  });
});
