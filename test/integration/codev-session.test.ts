import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { converged, createRoom, join, type TestParticipant } from '../support/clients.js';
import { startTestServer, type TestServer } from '../support/testServer.js';

describe('a whole co-development session over the live protocol', () => {
  let server: TestServer;
  const people: TestParticipant[] = [];
  beforeAll(async () => {
    server = await startTestServer({ LOG_LEVEL: process.env.TEST_LOG || 'warn' });
  });
  afterAll(async () => {
    for (const p of people) p.close();
    await server.close();
    if (process.env.TEST_LOG) console.log(server.logs.join('\n'));
  });

  it('[CD-1..CD-6] runs six phases: the consultation lock refuses the client, keeps the request and plan', async () => {
    const { code, facilitatorKey, joinUrl } = await createRoom(server.url, { template: 'codev' });
    expect(code).toMatch(/^[ABCDEFGHJKMNPQRSTUVWXYZ23456789]{7}$/);
    expect(joinUrl).toBe(`${server.url}/r/${code}`);
    expect(facilitatorKey).toBeTruthy();

    const facilitator = await join(
      server.url,
      { code, name: 'Fanny', facilitatorKey: facilitatorKey! },
      'facilitator',
    );
    const client = await join(server.url, { code, name: 'Claire' }, 'client');
    const consultants = await Promise.all(
      ['Anne', 'Bruno', 'Chloé', 'David'].map((name) => join(server.url, { code, name }, name)),
    );
    const everyone = [facilitator, client, ...consultants];
    people.push(...everyone);
    expect(facilitator.seat?.role).toBe('facilitator');

    await facilitator.must({ type: 'assign_role', participantId: client.participantId, role: 'client' });
    await facilitator.must({ type: 'start' });
    await converged(everyone);
    expect(client.seat?.role).toBe('client');
    expect(consultants.every((c) => c.seat?.role === 'consultant')).toBe(true);
    expect(client.view?.status).toBe('running');

    // 1. Exposé: nobody posts.
    const closedBoard = await consultants[0]!.send({
      type: 'post_card',
      kind: 'question',
      text: 'Too early?',
    });
    expect(closedBoard).toMatchObject({ ok: false, error: { code: 'board_locked_in_phase' } });

    // 2. Clarification: consultants ask, the client answers.
    await facilitator.must({ type: 'next_phase', from: 0 });
    await consultants[0]!.must({ type: 'post_card', kind: 'question', text: 'Who decides the budget?' });
    await client.must({ type: 'post_card', kind: 'answer', text: 'My director.' });

    // 3. Contract: only the client writes the request.
    await facilitator.must({ type: 'next_phase', from: 1 });
    const notYours = await consultants[1]!.send({ type: 'set_statement', kind: 'client_request', text: 'x' });
    expect(notYours.ok).toBe(false);
    await client.must({ type: 'set_statement', kind: 'client_request', text: 'How do I win my team back?' });

    // 4. Consultation: the client's board input is locked; the consultants' cards go through.
    await facilitator.must({ type: 'next_phase', from: 2 });
    const locked = await client.send({ type: 'post_card', kind: 'suggestion', text: 'I would rather...' });
    expect(locked.ok).toBe(false);
    expect(['board_locked_in_phase', 'floor_locked', 'wrong_role']).toContain(
      locked.ok ? '' : locked.error.code,
    );
    for (const [i, consultant] of consultants.entries()) {
      await consultant.must({ type: 'post_card', kind: 'suggestion', text: `Suggestion ${i + 1}` });
    }
    await client.must({ type: 'logbook_add', text: 'What I feel while listening' });

    // 5. Synthesis: the client keeps or sets aside, and commits.
    await facilitator.must({ type: 'next_phase', from: 3 });
    await converged(everyone);
    const suggestions = Object.values(client.view!.cards).filter((c) => c.kind === 'suggestion');
    expect(suggestions).toHaveLength(4);
    await client.must({ type: 'keep_card', cardId: suggestions[0]!.id });
    await client.must({ type: 'keep_card', cardId: suggestions[2]!.id });
    await client.must({ type: 'set_aside_card', cardId: suggestions[1]!.id });
    const keepByConsultant = await consultants[0]!.send({ type: 'keep_card', cardId: suggestions[3]!.id });
    expect(keepByConsultant.ok).toBe(false);
    await client.must({
      type: 'add_action',
      what: 'One-to-one with each member',
      byWhen: 'Friday',
      withWhom: '',
    });
    await client.must({ type: 'set_confidence', value: 8 });

    // 6. Learning and regulation: each writes a learning and evaluates.
    await facilitator.must({ type: 'next_phase', from: 4 });
    for (const person of everyone) {
      await person.must({ type: 'add_learning', text: `Learned by ${person.label}` });
      await person.must({ type: 'submit_evaluation', rating: 4, comment: '' });
    }
    await facilitator.must({ type: 'end', purge: false });

    const version = await converged(everyone);
    expect(version).toBe(facilitator.version);
    const view = client.view!;
    expect(view.status).toBe('ended');
    expect(view.statements.client_request?.text).toBe('How do I win my team back?');
    const kept = Object.values(view.cards)
      .filter((c) => c.status === 'kept')
      .map((c) => c.text);
    expect(kept.sort()).toEqual(['Suggestion 1', 'Suggestion 3']);
    expect(Object.values(view.actionPlan).map((a) => a.what)).toEqual(['One-to-one with each member']);
    expect(view.confidence[client.participantId]).toBe(8);
    expect(Object.keys(view.learnings)).toHaveLength(6);

    // The logbook is the client's alone.
    expect(Object.values(client.mine!.logbook).map((e) => e.text)).toEqual(['What I feel while listening']);
    for (const other of [facilitator, ...consultants]) {
      expect(JSON.stringify(other.view)).not.toContain('What I feel while listening');
      expect(Object.keys(other.mine!.logbook)).toHaveLength(0);
    }
    // No view carries secrets.
    expect(JSON.stringify(view)).not.toContain('tokenHash');
    expect(JSON.stringify(view)).not.toContain('facilitatorKeyHash');
  });
});
