import {
  cardOf,
  MAX_ACTION_ITEMS,
  MAX_CARDS,
  MAX_LEARNINGS,
  privateView,
  publicView,
  TEXT_LIMITS,
} from '@cercle/shared';
import { describe, expect, it } from 'vitest';
import { codevRoom, goToPhase, type Host } from './fixtures.js';

function postedId(host: Host, actor: string, text: string, anonymous?: boolean): string {
  const decision = host.ok(actor, {
    type: 'post_card',
    kind: 'suggestion',
    text,
    ...(anonymous ? { anonymous } : {}),
  });
  const event = decision.events[0];
  return event?.type === 'card_posted' ? event.cardId : '';
}

describe('board', () => {
  it('[BD-1] a card records kind, trimmed text, author and phase; limits are refusals', () => {
    const host = codevRoom();
    goToPhase(host, 'consultation');
    const id = postedId(host, 'a', '  Une idée  ');
    expect(cardOf(host.room.cards, id)).toMatchObject({
      kind: 'suggestion',
      text: 'Une idée',
      authorId: 'a',
      status: 'open',
    });
    expect(cardOf(host.room.cards, id)?.phaseId).toBe('consultation');
    const tooLong = 'x'.repeat(TEXT_LIMITS.card + 1);
    host.refused('a', { type: 'post_card', kind: 'suggestion', text: tooLong }, 'text_too_long');
    host.refused('a', { type: 'post_card', kind: 'suggestion', text: '   ' }, 'invalid');
  });

  it('[BD-1] the board holds at most MAX_CARDS cards', () => {
    const host = codevRoom();
    goToPhase(host, 'consultation');
    for (let i = 0; i < MAX_CARDS; i++) postedId(host, 'a', `idée ${i}`);
    host.refused('b', { type: 'post_card', kind: 'suggestion', text: 'une de trop' }, 'board_full');
  });

  it('[BD-2] only the author edits or withdraws; the facilitator may withdraw any card', () => {
    const host = codevRoom();
    goToPhase(host, 'consultation');
    const id = postedId(host, 'a', 'Idée');
    host.refused('b', { type: 'edit_card', cardId: id, text: 'Autre' }, 'not_your_card');
    host.refused('b', { type: 'withdraw_card', cardId: id }, 'not_your_card');
    host.refused('a', { type: 'edit_card', cardId: 'nope', text: 'Autre' }, 'invalid');
    host.refused('a', { type: 'edit_card', cardId: id, text: 'x'.repeat(501) }, 'text_too_long');
    host.ok('a', { type: 'edit_card', cardId: id, text: 'Idée précisée' });
    expect(cardOf(host.room.cards, id)).toMatchObject({ text: 'Idée précisée', editedAt: host.now });
    host.ok('f', { type: 'withdraw_card', cardId: id });
    expect(cardOf(host.room.cards, id)).toBeUndefined();
    host.refused('f', { type: 'withdraw_card', cardId: id }, 'invalid');
    const own = postedId(host, 'b', 'La mienne');
    host.ok('b', { type: 'withdraw_card', cardId: own });
  });

  it('[BD-3] anonymous cards store no author; the author can still edit and withdraw', () => {
    const host = codevRoom(true, { allowAnonymousCards: true });
    goToPhase(host, 'consultation');
    const id = postedId(host, 'a', 'Sans nom', true);
    expect(cardOf(host.room.cards, id)).not.toHaveProperty('authorId');
    expect(cardOf(host.room.cards, id)?.anonymous).toBe(true);
    expect(privateView(host.room, 'a').seat?.anonymousCardIds).toEqual([id]);
    expect(publicView(host.room).participants.a).not.toHaveProperty('anonymousCardIds');
    host.refused('b', { type: 'edit_card', cardId: id, text: 'x' }, 'not_your_card');
    host.ok('a', { type: 'edit_card', cardId: id, text: 'Toujours sans nom' });
    host.ok('a', { type: 'withdraw_card', cardId: id });
    expect(host.room.participants.a?.anonymousCardIds).toEqual([]);
  });

  it('[BD-3] anonymous cards are refused when the room does not allow them', () => {
    const host = codevRoom();
    goToPhase(host, 'consultation');
    host.refused('a', { type: 'post_card', kind: 'suggestion', text: 'x', anonymous: true }, 'invalid');
  });

  it('[BD-4] only the roles given card triage sort cards (covered in CD-5); withdrawing a moderated anonymous card clears its owner list', () => {
    const host = codevRoom(true, { allowAnonymousCards: true });
    goToPhase(host, 'consultation');
    const id = postedId(host, 'a', 'Sans nom', true);
    host.ok('f', { type: 'withdraw_card', cardId: id });
    expect(host.room.participants.a?.anonymousCardIds).toEqual([]);
  });
});

describe('records', () => {
  it('[AP-1] action items: owner edits and removes; limits', () => {
    const host = codevRoom();
    goToPhase(host, 'synthesis');
    const added = host.ok('c', { type: 'add_action', what: 'Appeler Léa', byWhen: 'lundi', withWhom: 'Léa' });
    const event = added.events[0];
    const itemId = event?.type === 'action_item_added' ? event.itemId : '';
    expect(host.room.actionPlan[itemId]).toMatchObject({
      ownerId: 'c',
      what: 'Appeler Léa',
      byWhen: 'lundi',
    });
    host.ok('c', { type: 'edit_action', itemId, what: 'Appeler Léa et Max', byWhen: 'mardi', withWhom: '' });
    expect(host.room.actionPlan[itemId]?.withWhom).toBe('');
    host.refused(
      'c',
      { type: 'edit_action', itemId: 'nope', what: 'x', byWhen: '', withWhom: '' },
      'invalid',
    );
    host.refused(
      'c',
      { type: 'add_action', what: 'x', byWhen: 'y'.repeat(61), withWhom: '' },
      'text_too_long',
    );
    host.refused('c', { type: 'add_action', what: ' ', byWhen: '', withWhom: '' }, 'invalid');
    host.ok('f', { type: 'assign_role', participantId: 'a', role: 'client' });
    host.refused('a', { type: 'edit_action', itemId, what: 'x', byWhen: '', withWhom: '' }, 'not_your_card');
    host.refused('a', { type: 'remove_action', itemId }, 'not_your_card');
    host.refused('a', { type: 'remove_action', itemId: 'nope' }, 'invalid');
    host.ok('f', { type: 'assign_role', participantId: 'c', role: 'client' });
    host.ok('c', { type: 'remove_action', itemId });
    expect(host.room.actionPlan).toEqual({});
    for (let i = 0; i < MAX_ACTION_ITEMS; i++)
      host.ok('c', { type: 'add_action', what: `a${i}`, byWhen: '', withWhom: '' });
    host.refused('c', { type: 'add_action', what: 'one more', byWhen: '', withWhom: '' }, 'limit_reached');
  });

  it('[AP-2] confidence is 1 to 10 and can be changed', () => {
    const host = codevRoom();
    goToPhase(host, 'synthesis');
    host.ok('c', { type: 'set_confidence', value: 4 });
    host.ok('c', { type: 'set_confidence', value: 9 });
    expect(host.room.confidence.c).toBe(9);
    host.refused('c', { type: 'set_confidence', value: 11 }, 'invalid');
  });

  it('[AP-3] learnings and evaluations in the learning phase; a second evaluation replaces the first', () => {
    const host = codevRoom();
    host.refused('a', { type: 'add_learning', text: 'trop tôt' }, 'board_locked_in_phase');
    goToPhase(host, 'learning');
    host.ok('a', { type: 'add_learning', text: 'Écouter avant de proposer' });
    host.ok('f', { type: 'add_learning', text: 'Tenir le temps' });
    host.refused('a', { type: 'add_learning', text: 'x'.repeat(501) }, 'text_too_long');
    host.ok('a', { type: 'submit_evaluation', rating: 3, comment: '' });
    host.ok('a', { type: 'submit_evaluation', rating: 5, comment: 'Très utile' });
    expect(host.room.evaluations.a).toMatchObject({ rating: 5, comment: 'Très utile' });
    host.refused('a', { type: 'submit_evaluation', rating: 6, comment: '' }, 'invalid');
    host.refused('a', { type: 'submit_evaluation', rating: 4, comment: 'x'.repeat(501) }, 'text_too_long');
    while (Object.keys(host.room.learnings).length < MAX_LEARNINGS)
      host.ok('b', { type: 'add_learning', text: 'encore' });
    host.refused('b', { type: 'add_learning', text: 'encore' }, 'limit_reached');
  });
});
