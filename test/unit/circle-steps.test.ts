import {
  addMember,
  type CarriedAction,
  type Circle,
  captureSession,
  cardsInOrder,
  circleView,
  createCircle,
  openSession,
  pendingFollowUps,
  planSession,
  privateView,
  publicView,
  seatTaken,
} from '@cercle/shared';
import { describe, expect, it } from 'vitest';
import { codevRoom, Host } from './fixtures.js';

const item = (id: string, ownerId: string, what: string): CarriedAction => ({
  id,
  ownerId,
  ownerName: ownerId,
  what,
  byWhen: 'lundi',
  withWhom: '',
  fromSession: 1,
  status: 'open',
  note: '',
  confidenceThen: 6,
  confidenceNow: null,
  updatedAt: null,
});

describe('a circle session’s follow-up step', () => {
  it('[CS-1] a room given carried items opens with the follow-up step, then the method’s phases', () => {
    const host = codevRoom(false, { followUp: [item('s1-x', 'c', 'Entretiens'), item('s1-y', 'a', 'Lire')] });
    expect(host.room.phases.map((p) => p.id)).toEqual([
      'follow-up',
      'expose',
      'clarification',
      'contract',
      'consultation',
      'synthesis',
      'learning',
    ]);
    expect(Object.keys(host.room.followUp)).toEqual(['s1-x', 's1-y']);
    // Without items nothing is added; the topic round follows the follow-up step.
    expect(codevRoom(false).room.phases[0]!.id).toBe('expose');
    const both = codevRoom(false, { followUp: [item('s1-x', 'c', 'x')], topicRound: true });
    expect(both.room.phases.slice(0, 3).map((p) => p.id)).toEqual(['follow-up', 'topic-round', 'expose']);
  });

  it('[CS-2] only its owner marks an item, during the step, with a note and their confidence now', () => {
    const host = codevRoom(false, { followUp: [item('s1-x', 'c', 'Entretiens'), item('s1-y', 'a', 'Lire')] });
    host.refused('c', { type: 'mark_follow_up', itemId: 's1-x', status: 'done', note: '' }, 'wrong_status');
    host.ok('f', { type: 'start' });
    expect(host.phaseId).toBe('follow-up');
    host.refused('a', { type: 'mark_follow_up', itemId: 's1-x', status: 'done', note: '' }, 'not_your_card');
    host.refused(
      'f',
      { type: 'mark_follow_up', itemId: 's1-x', status: 'done', note: '' },
      'board_locked_in_phase',
    );
    host.refused('c', { type: 'mark_follow_up', itemId: 'toString', status: 'done', note: '' }, 'invalid');
    host.refused(
      'c',
      { type: 'mark_follow_up', itemId: 's1-x', status: 'done', note: 'x'.repeat(501) },
      'text_too_long',
    );
    const done = host.ok('c', {
      type: 'mark_follow_up',
      itemId: 's1-x',
      status: 'done',
      note: ' Fait avec chacun ',
      confidenceNow: 8,
    });
    expect(done.events).toEqual([{ type: 'follow_up_marked', itemId: 's1-x' }]);
    expect(host.room.followUp['s1-x']).toMatchObject({
      status: 'done',
      note: 'Fait avec chacun',
      confidenceThen: 6,
      confidenceNow: 8,
      updatedAt: host.now,
    });
    expect(publicView(host.room).followUp['s1-x']?.status).toBe('done');
    // Past the step, the items are read-only.
    host.ok('f', { type: 'next_phase', from: 0 });
    host.refused(
      'a',
      { type: 'mark_follow_up', itemId: 's1-y', status: 'done', note: '' },
      'board_locked_in_phase',
    );
  });
});

describe('a codev circle session’s topic round', () => {
  const topicRoom = () => {
    const host = codevRoom(true, { topicRound: true });
    expect(host.phaseId).toBe('topic-round');
    return host;
  };

  it('[CS-3] members post one-line cases and vote; the facilitator confirms; its author becomes the client', () => {
    const host = topicRoom();
    expect(host.room.participants.c!.role).toBe('client');
    host.refused('a', { type: 'vote_topic', participantId: 'b' }, 'invalid'); // nothing posted yet
    host.refused('f', { type: 'post_topic', text: 'Mon cas' }, 'board_locked_in_phase');
    host.ok('a', { type: 'post_topic', text: 'Un collègue\nqui décroche' });
    expect(host.room.topicRound!.cases.a!.text).toBe('Un collègue qui décroche');
    host.refused('b', { type: 'post_topic', text: 'x'.repeat(141) }, 'text_too_long');
    host.ok('b', { type: 'post_topic', text: 'Un budget à défendre' });
    host.refused('d', { type: 'vote_topic', participantId: 'd' }, 'invalid'); // no case of d
    host.ok('d', { type: 'vote_topic', participantId: 'a' });
    host.ok('c', { type: 'vote_topic', participantId: 'a' });
    host.refused('c', { type: 'vote_topic', participantId: 'a' }, 'invalid');
    host.ok('b', { type: 'vote_topic', participantId: 'b' });
    host.refused('a', { type: 'confirm_topic', participantId: 'a' }, 'not_facilitator');
    host.refused('f', { type: 'confirm_topic', participantId: 'd' }, 'invalid');
    const confirmed = host.ok('f', { type: 'confirm_topic', participantId: 'a' });
    expect(confirmed.events).toEqual([
      { type: 'role_assigned', participantId: 'a', role: 'client' },
      { type: 'role_assigned', participantId: 'c', role: 'consultant' },
      { type: 'topic_confirmed', participantId: 'a' },
    ]);
    expect(host.room.participants.a!.role).toBe('client');
    expect(host.room.participants.c!.role).toBe('consultant');
    expect(host.room.topicRound!.chosenId).toBe('a');
    host.refused('f', { type: 'confirm_topic', participantId: 'a' }, 'invalid');
    // Only in the topic round.
    host.ok('f', { type: 'next_phase', from: 0 });
    host.refused('f', { type: 'confirm_topic', participantId: 'b' }, 'invalid');
    host.refused('b', { type: 'post_topic', text: 'Encore' }, 'board_locked_in_phase');
  });

  it('[CS-4] everyone sees the cases and the count of votes; only the voter sees their own vote', () => {
    const host = topicRoom();
    host.ok('a', { type: 'post_topic', text: 'Cas A' });
    host.ok('b', { type: 'post_topic', text: 'Cas B' });
    const vote = host.ok('d', { type: 'vote_topic', participantId: 'a' });
    expect(vote.events).toEqual([{ type: 'topic_voted' }]);
    host.ok('c', { type: 'vote_topic', participantId: 'a' });
    host.ok('b', { type: 'vote_topic', participantId: 'a' });
    host.ok('b', { type: 'vote_topic', participantId: 'b' }); // a vote moves
    const view = publicView(host.room);
    expect(view.topicRound).toEqual({
      cases: { a: { text: 'Cas A', at: host.now }, b: { text: 'Cas B', at: host.now } },
      tally: { a: 2, b: 1 },
      chosenId: null,
    });
    expect(Object.keys(view.topicRound!).sort()).toEqual(['cases', 'chosenId', 'tally']);
    expect(privateView(host.room, 'd').topicVote).toBe('a');
    expect(privateView(host.room, 'b').topicVote).toBe('b');
    expect(privateView(host.room, 'a').topicVote).toBeNull();
  });

  it('[CS-3] a room without a topic round refuses its commands', () => {
    const host = codevRoom();
    host.refused('a', { type: 'post_topic', text: 'Cas' }, 'board_locked_in_phase');
    const pair = new Host('peer-coaching', { facilitatorKeyHash: null, topicRound: true });
    pair.join('e');
    pair.join('o');
    pair.ok('e', { type: 'start' });
    pair.refused('e', { type: 'post_topic', text: 'Cas' }, 'invalid');
  });
});

describe('the closing room and the framing', () => {
  it('[TR-4] a closing room is seeded with the framing’s objectives and indicators, neither editable', () => {
    const host = new Host('tripartite-closing', {
      objectives: ['Déléguer davantage'],
      indicators: ['Deux dossiers délégués'],
    });
    const seeded = cardsInOrder(host.room.cards).map((c) => [c.id, c.kind, c.text, c.seeded]);
    expect(seeded).toEqual([
      ['seed-1', 'indicator', 'Deux dossiers délégués', true],
      ['seed-o1', 'objective', 'Déléguer davantage', true],
    ]);
  });
});

describe('circle sessions plan their steps', () => {
  const t0 = 1_700_000_000_000;
  const ok = (o: { ok: true; circle: Circle } | { ok: false; message: string }) => {
    if (!o.ok) throw new Error(o.message);
    return o.circle;
  };
  const circle = (kind: Circle['kind']) => {
    let c = ok(
      createCircle(
        {
          id: 'c_0123456789abcdefghij',
          kind,
          title: 'G',
          locale: 'fr',
          facilitatorKeyHash: 'f',
          seatKey: 'k',
        },
        t0,
      ),
    );
    c = ok(addMember(c, { id: 'm_anne0000', name: 'Anne', secretHash: 'a' }, t0));
    return ok(addMember(c, { id: 'm_bruno000', name: 'Bruno', secretHash: 'b' }, t0 + 1));
  };

  it('[CS-1][CS-3] the first session has no follow-up; with a topic round the proposed client holds the seat until then', () => {
    const c = circle('codev');
    expect(planSession(c)).toMatchObject({ followUp: [], topicRound: false, clientId: 'm_anne0000' });
    expect(planSession(c, { topicRound: true })).toMatchObject({ topicRound: true, clientId: 'm_anne0000' });
    expect(planSession(c, { topicRound: true, clientId: 'm_bruno000' })).toMatchObject({
      clientId: 'm_bruno000',
    });
    expect(planSession(circle('peer-coaching'), { topicRound: true })).toMatchObject({ error: 'invalid' });
  });

  it('[CS-1][CS-2] pending items go to the next session; a mark in its room is written back to the circle', () => {
    let c = circle('codev');
    const first = planSession(c);
    if ('error' in first) throw new Error(first.message);
    c = ok(openSession(c, first, 'ROOM1', t0));
    c = ok(seatTaken(c, 1, 'm_anne0000', 'p_anne', t0));
    const room1 = codevRoom(true).room;
    const held = {
      ...room1,
      code: 'ROOM1',
      participants: { p_anne: { ...room1.participants.c!, id: 'p_anne' } },
      actionPlan: {
        a1: {
          id: 'a1',
          ownerId: 'p_anne',
          what: 'Entretiens',
          byWhen: '',
          withWhom: '',
          coachingRound: 1,
          createdAt: t0,
        },
      },
    };
    c = ok(captureSession(c, 1, held, t0 + 10));
    const second = planSession(c);
    if ('error' in second) throw new Error(second.message);
    expect(second.followUp.map((f) => [f.id, f.what])).toEqual([['s1-a1', 'Entretiens']]);
    c = ok(openSession(c, second, 'ROOM2', t0 + 20));
    // The room's step: Anne marks it done there; capturing the room writes it back.
    const host = codevRoom(true, {
      followUp: [{ ...item('s1-a1', 'c', 'Entretiens'), ownerName: 'Anne' }],
    });
    host.now = t0 + 30;
    host.ok('c', { type: 'mark_follow_up', itemId: 's1-a1', status: 'done', note: 'Fait', confidenceNow: 9 });
    c = ok(captureSession(c, 2, { ...host.room, code: 'ROOM2' }, t0 + 40));
    expect(c.followUps['s1-a1']).toMatchObject({ status: 'done', note: 'Fait', confidenceNow: 9 });
    expect(pendingFollowUps(c)).toEqual([]);
  });

  it('[CI-14] a sponsor never sees a coaching session; items stay with the audience that made them', () => {
    let c = ok(
      createCircle(
        {
          id: 'c_0123456789abcdefghij',
          kind: 'tripartite',
          title: 'T',
          locale: 'fr',
          facilitatorKeyHash: 'f',
          seatKey: 'k',
        },
        t0,
      ),
    );
    c = ok(addMember(c, { id: 'm_lea000000', name: 'Léa', secretHash: 'l', role: 'coachee' }, t0));
    c = ok(addMember(c, { id: 'm_marc00000', name: 'Marc', secretHash: 'm', role: 'sponsor' }, t0 + 1));
    const base = codevRoom(true).room;
    const hold = (kind: 'framing' | 'coaching', what: string) => {
      const plan = planSession(c, { kind });
      if ('error' in plan) throw new Error(plan.message);
      const code = `ROOM${c.sessions.length}`;
      c = ok(openSession(c, plan, code, t0));
      c = ok(seatTaken(c, c.sessions.length, 'm_lea000000', 'p_lea', t0));
      const room = {
        ...base,
        code,
        participants: { p_lea: { ...base.participants.c!, id: 'p_lea' } },
        actionPlan: {
          a: { id: 'a', ownerId: 'p_lea', what, byWhen: '', withWhom: '', coachingRound: 1, createdAt: t0 },
        },
      };
      c = ok(captureSession(c, c.sessions.length, room, t0 + 1));
      return plan;
    };
    hold('framing', 'Parler au comité');
    hold('coaching', 'Déléguer un dossier');
    const whats = (kind: 'coaching' | 'closing') => {
      const plan = planSession(c, { kind });
      if ('error' in plan) throw new Error(plan.message);
      return plan.followUp.map((f) => f.what);
    };
    expect(whats('closing')).toEqual(['Parler au comité']);
    expect(whats('coaching')).toEqual(['Déléguer un dossier']);
    const sponsor = circleView(c, { role: 'member', memberId: 'm_marc00000' });
    expect(sponsor.sessions[1]).toMatchObject({ kind: 'coaching', roomCode: '', record: null });
    expect(sponsor.followUps.map((f) => f.what)).toEqual(['Parler au comité']);
    expect(JSON.stringify(sponsor)).not.toContain('Déléguer un dossier');
    const coachee = circleView(c, { role: 'member', memberId: 'm_lea000000' });
    expect(coachee.followUps.map((f) => f.what)).toEqual(['Parler au comité', 'Déléguer un dossier']);
    expect(coachee.sessions[1]!.record?.actions.map((a) => a.what)).toEqual(['Déléguer un dossier']);
  });
});
