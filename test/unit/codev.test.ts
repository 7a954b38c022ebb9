import { allowedCommands, cardOf, publicView, roleCount } from '@cercle/shared';
import { describe, expect, it } from 'vitest';
import { sealedOf } from '../support/sealed.js';
import { codevRoom, goToPhase } from './fixtures.js';

describe('co-development', () => {
  it('[CD-1] exposé: nobody posts on the board, only the client may be given the floor', () => {
    const host = codevRoom();
    expect(host.phaseId).toBe('expose');
    host.refused('a', { type: 'post_card', kind: 'question', text: 'Pourquoi ?' }, 'board_locked_in_phase');
    host.refused('c', { type: 'post_card', kind: 'answer', text: 'Parce que' }, 'board_locked_in_phase');
    host.refused('a', { type: 'raise_hand' }, 'floor_locked');
    host.refused('f', { type: 'give_floor', participantId: 'a' }, 'floor_locked');
    host.ok('f', { type: 'give_floor', participantId: 'c' });
    expect(host.room.floor.speakerId).toBe('c');
  });

  it('[CD-7] clarification: consultants post questions, the client answers, nobody suggests', () => {
    const host = codevRoom();
    goToPhase(host, 'clarification');
    host.ok('a', { type: 'post_card', kind: 'question', text: 'Depuis quand ?' });
    host.ok('c', { type: 'post_card', kind: 'answer', text: 'Six mois' });
    host.refused('c', { type: 'post_card', kind: 'question', text: 'Et vous ?' }, 'board_locked_in_phase');
    host.refused('a', { type: 'post_card', kind: 'suggestion', text: 'Essaie' }, 'board_locked_in_phase');
  });

  it('[CD-2] contract: only the client writes the one-sentence request', () => {
    const host = codevRoom();
    goToPhase(host, 'contract');
    host.refused(
      'a',
      { type: 'set_statement', kind: 'client_request', text: 'Comment…' },
      'board_locked_in_phase',
    );
    host.refused('c', { type: 'set_statement', kind: 'synthesis', text: 'x' }, 'board_locked_in_phase');
    const decision = host.ok('c', {
      type: 'set_statement',
      kind: 'client_request',
      text: '  Comment déléguer ?  ',
    });
    expect(host.room.statements.client_request).toEqual({
      text: 'Comment déléguer ?',
      authorId: 'c',
      at: host.now,
    });
    expect(decision.events).toEqual([{ type: 'statement_set', kind: 'client_request' }]);
  });

  it('[CD-3] consultation: the client cannot raise a hand or be given the floor', () => {
    const host = codevRoom();
    goToPhase(host, 'consultation');
    host.refused('c', { type: 'raise_hand' }, 'floor_locked');
    host.refused('f', { type: 'give_floor', participantId: 'c' }, 'floor_locked');
    host.ok('a', { type: 'raise_hand' });
    host.ok('b', { type: 'raise_hand' });
    host.ok('f', { type: 'give_floor' });
    expect(host.room.floor).toMatchObject({ speakerId: 'a', hands: ['b'] });
  });

  it('[CD-4] consultation refuses the client’s card, accepts the consultant’s, keeps the logbook open', () => {
    const host = codevRoom();
    goToPhase(host, 'clarification');
    const answer = host.ok('c', { type: 'post_card', kind: 'answer', text: 'Six mois' }).events[0];
    const answerId = answer?.type === 'card_posted' ? answer.cardId : '';
    goToPhase(host, 'consultation');
    host.refused('c', { type: 'post_card', kind: 'suggestion', text: 'Je réponds' }, 'board_locked_in_phase');
    host.refused('c', { type: 'post_card', kind: 'answer', text: 'Non, car…' }, 'board_locked_in_phase');
    host.refused('c', { type: 'edit_card', cardId: answerId, text: 'Non' }, 'board_locked_in_phase');
    host.refused('c', { type: 'withdraw_card', cardId: answerId }, 'board_locked_in_phase');
    host.ok('a', { type: 'post_card', kind: 'suggestion', text: 'Et si tu lui en parlais ?' });
    host.ok('c', { type: 'logbook_add', sealed: sealedOf('Idée à creuser') });
    const view = publicView(host.room);
    expect(allowedCommands(view, 'c', host.now)).not.toContain('post_card');
    expect(allowedCommands(view, 'c', host.now)).toContain('logbook_add');
    expect(allowedCommands(view, 'a', host.now)).toContain('post_card');
  });

  it('[CD-5] synthesis: only the client sorts cards and writes the plan and confidence', () => {
    const host = codevRoom();
    goToPhase(host, 'consultation');
    const posted = host.ok('a', { type: 'post_card', kind: 'suggestion', text: 'Idée' }).events[0];
    const cardId = posted?.type === 'card_posted' ? posted.cardId : '';
    host.refused('c', { type: 'keep_card', cardId }, 'board_locked_in_phase');
    goToPhase(host, 'synthesis');
    host.refused('a', { type: 'keep_card', cardId }, 'board_locked_in_phase');
    host.ok('c', { type: 'keep_card', cardId });
    expect(cardOf(host.room.cards, cardId)?.status).toBe('kept');
    host.refused('c', { type: 'keep_card', cardId }, 'invalid');
    host.ok('c', { type: 'set_aside_card', cardId });
    expect(cardOf(host.room.cards, cardId)?.status).toBe('set_aside');
    host.refused('c', { type: 'keep_card', cardId: 'missing' }, 'invalid');
    host.refused('a', { type: 'set_confidence', value: 8 }, 'board_locked_in_phase');
    host.ok('c', { type: 'set_confidence', value: 7 });
    expect(host.room.confidence).toEqual({ c: 7 });
    host.refused('a', { type: 'add_action', what: 'x', byWhen: '', withWhom: '' }, 'board_locked_in_phase');
    host.ok('c', { type: 'add_action', what: 'Parler à Léa', byWhen: 'lundi', withWhom: 'Léa' });
  });

  it('[CD-6] the client seat changes hands instead of doubling; start needs a client', () => {
    const host = codevRoom(false);
    host.ok('f', { type: 'assign_role', participantId: 'a', role: 'client' });
    expect(host.room.participants.a?.role).toBe('client');
    expect(host.room.participants.c?.role).toBe('consultant');
    expect(roleCount(host.room, 'client')).toBe(1);
    host.refused('f', { type: 'assign_role', participantId: 'b', role: 'facilitator' }, 'wrong_role');
    host.refused('f', { type: 'assign_role', participantId: 'f', role: 'client' }, 'wrong_role');
    host.refused('f', { type: 'assign_role', participantId: 'a', role: 'coach' }, 'wrong_role');
    host.refused('f', { type: 'assign_role', participantId: 'a', role: 'client' }, 'invalid');
    host.ok('f', { type: 'assign_role', participantId: 'a', role: 'consultant' });
    host.refused('f', { type: 'start' }, 'roles_incomplete');
  });

  it('[CD-6] while running, the client cannot be removed or left without a seat', () => {
    const host = codevRoom();
    host.refused('f', { type: 'remove_participant', participantId: 'c' }, 'roles_incomplete');
    host.refused('f', { type: 'assign_role', participantId: 'c', role: 'consultant' }, 'roles_incomplete');
    host.ok('f', { type: 'assign_role', participantId: 'a', role: 'client' });
    expect(roleCount(host.room, 'client')).toBe(1);
  });

  it('[PH-1] the facilitator moves phases for everyone and the history records actual times', () => {
    const host = codevRoom();
    host.refused('a', { type: 'next_phase', from: host.room.phaseIndex }, 'not_facilitator');
    host.refused('f', { type: 'previous_phase', from: host.room.phaseIndex }, 'phase_out_of_range');
    host.advance(12 * 60_000);
    host.ok('f', { type: 'next_phase', from: host.room.phaseIndex });
    host.ok('f', { type: 'previous_phase', from: host.room.phaseIndex });
    host.refused('f', { type: 'jump_phase', from: host.room.phaseIndex, index: 9 }, 'phase_out_of_range');
    host.ok('f', { type: 'jump_phase', from: host.room.phaseIndex, index: 5 });
    host.refused('f', { type: 'next_phase', from: host.room.phaseIndex }, 'phase_out_of_range');
    const [first, second] = host.room.phaseHistory;
    expect(first).toMatchObject({
      phaseId: 'expose',
      plannedMs: 15 * 60_000,
      endedAt: first!.startedAt + 12 * 60_000,
    });
    expect(second?.phaseId).toBe('clarification');
    expect(host.room.phaseHistory.at(-1)).toMatchObject({ phaseId: 'learning', endedAt: null });
  });

  it('[PH-2] end returns end_room with purge; afterwards only logbook commands pass', () => {
    const host = codevRoom();
    host.refused('a', { type: 'end', purge: false }, 'not_facilitator');
    const decision = host.ok('f', { type: 'end', purge: false });
    expect(decision.effects).toEqual([{ type: 'end_room', purge: false }]);
    expect(host.room.status).toBe('ended');
    expect(host.room.timer).toBeNull();
    expect(host.room.phaseHistory.at(-1)?.endedAt).toBe(host.now);
    host.refused('f', { type: 'next_phase', from: host.room.phaseIndex }, 'wrong_status');
    host.refused('f', { type: 'end', purge: true }, 'wrong_status');
    host.refused(
      null,
      { type: 'join', participantId: 'z', displayName: 'Zoé', tokenHash: 't' },
      'wrong_status',
    );
    host.ok('a', { type: 'logbook_add', sealed: sealedOf('après coup') });
  });

  it('[PH-2] start only from the lobby; commands of the session wait for the start', () => {
    const host = codevRoom(false);
    host.refused('a', { type: 'raise_hand' }, 'wrong_status');
    host.refused('f', { type: 'pause_timer' }, 'wrong_status');
    host.ok('f', { type: 'start' });
    host.refused('f', { type: 'start' }, 'wrong_status');
  });

  it('[FL-1] a hand is raised once; [FL-3] lowered by its owner or the facilitator', () => {
    const host = codevRoom();
    goToPhase(host, 'consultation');
    host.ok('a', { type: 'raise_hand' });
    host.refused('a', { type: 'raise_hand' }, 'invalid');
    host.ok('b', { type: 'raise_hand' });
    host.refused('d', { type: 'lower_hand' }, 'invalid');
    host.ok('d', { type: 'raise_hand' });
    host.refused('d', { type: 'lower_hand', participantId: 'a' }, 'not_facilitator');
    host.ok('d', { type: 'lower_hand' });
    host.ok('a', { type: 'lower_hand' });
    host.ok('f', { type: 'lower_hand', participantId: 'b' });
    expect(host.room.floor.hands).toEqual([]);
    host.refused('f', { type: 'lower_hand', participantId: 'b' }, 'invalid');
  });

  it('[FL-2] give the floor to the first hand, release it; not during a round', () => {
    const host = codevRoom();
    goToPhase(host, 'consultation');
    host.refused('f', { type: 'give_floor' }, 'invalid');
    host.refused('f', { type: 'release_floor' }, 'invalid');
    host.ok('b', { type: 'raise_hand' });
    host.ok('f', { type: 'give_floor' });
    expect(host.room.floor.speakerId).toBe('b');
    host.refused('a', { type: 'release_floor' }, 'not_facilitator');
    host.ok('b', { type: 'release_floor' });
    host.refused('f', { type: 'give_floor', participantId: 'nobody' }, 'invalid');
    host.ok('f', { type: 'start_round', perSpeakerMs: 60_000 });
    host.refused('f', { type: 'start_round', perSpeakerMs: 60_000 }, 'invalid');
    host.refused('f', { type: 'give_floor', participantId: 'a' }, 'invalid');
    host.refused('f', { type: 'release_floor' }, 'invalid');
    host.ok('f', { type: 'stop_round' });
    host.refused('f', { type: 'stop_round' }, 'invalid');
    host.refused('f', { type: 'next_speaker' }, 'invalid');
  });

  it('[TM-6] a round lists only roles with the floor; naming the client in consultation is refused', () => {
    const host = codevRoom();
    goToPhase(host, 'consultation');
    host.refused('f', { type: 'start_round', perSpeakerMs: 60_000, order: ['a', 'c'] }, 'floor_locked');
    host.refused('f', { type: 'start_round', perSpeakerMs: 60_000, order: ['a', 'a'] }, 'invalid');
    host.refused('f', { type: 'start_round', perSpeakerMs: 60_000, order: ['a', 'ghost'] }, 'invalid');
    host.ok('f', { type: 'start_round', perSpeakerMs: 60_000 });
    expect(host.room.floor.round?.order).toEqual(['a', 'b', 'd']);
  });
});
