import type { CircleExport } from '@cercle/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, createCircle, enterSession, joinCircle, openSession, viewAs } from '../support/circles.js';
import { converged, type TestParticipant } from '../support/clients.js';
import { sealedOf } from '../support/sealed.js';
import { startTestServer, type TestServer } from '../support/testServer.js';

describe('circles over HTTP and the live protocol (embedded store)', () => {
  let server: TestServer;
  const people: TestParticipant[] = [];
  beforeAll(async () => {
    // Debug logs on, to check that none carries circle content; many calls from one address.
    server = await startTestServer({ LOG_LEVEL: 'debug', ROOMS_API_RATE: '10000' });
  });
  afterAll(async () => {
    for (const p of people) p.close();
    await server.close();
  });

  it('[CI-1][CI-11] creates a circle: 201 with id, key and join URL; public facts; one 404 for wrong ids and secrets', async () => {
    const made = await call(server.url, 'POST', '/api/circles', {
      body: { kind: 'codev', title: 'Groupe des cadres', locale: 'fr' },
    });
    expect(made.status).toBe(201);
    const { circleId, facilitatorKey, joinUrl } = made.body as Record<string, string>;
    expect(circleId).toMatch(/^c_[A-Za-z0-9_-]{22}$/);
    expect(joinUrl).toBe(`${server.url}/c/${circleId}`);
    expect(facilitatorKey!.length).toBeGreaterThanOrEqual(22);
    expect((await call(server.url, 'GET', `/api/circles/${circleId}`)).body).toEqual({
      kind: 'codev',
      title: 'Groupe des cadres',
      locale: 'fr',
      members: 0,
      sessions: 0,
    });
    const wrongId = await call(server.url, 'GET', '/api/circles/c_AAAAAAAAAAAAAAAAAAAAAA');
    const wrongSecret = await call(server.url, 'GET', `/api/circles/${circleId}/view`, {
      secret: 'A'.repeat(32),
    });
    const noSecret = await call(server.url, 'GET', `/api/circles/${circleId}/view`);
    for (const res of [wrongId, wrongSecret, noSecret]) {
      expect(res.status).toBe(404);
      expect(res.body).toMatchObject({ error: { code: 'circle_not_found' } });
    }
    expect(
      (await call(server.url, 'POST', '/api/circles', { body: { kind: 'book-club', title: 'x' } })).status,
    ).toBe(400);
    expect(
      (await call(server.url, 'POST', '/api/circles', { body: { kind: 'codev', title: '   ' } })).status,
    ).toBe(400);
  });

  it('[CI-2][CI-4][CI-6][CI-8][CI-9][CI-10][CS-1][CS-2] a codev circle of five holds two sessions: rotation, follow-up in the room, logbook, export', async () => {
    const circle = await createCircle(server.url, { kind: 'codev', title: 'Codev du jeudi', locale: 'fr' });
    const names = ['Anne', 'Bruno', 'Chloé', 'David', 'Emma'];
    for (const name of names) await joinCircle(circle, name);
    const secret = (name: string) => circle.members[name]!.secret;
    const idOf = (name: string) => circle.members[name]!.memberId;
    expect(circle.members.Anne!.link).toBe(`${server.url}/c/${circle.circleId}#k=${secret('Anne')}`);

    // Session 1: the circle proposes the first to join as client.
    const before = await viewAs(circle, circle.facilitatorKey);
    expect(before.next.clientId).toBe(idOf('Anne'));
    const s1 = await openSession(circle);
    expect(s1.number).toBe(1);
    const fac = await enterSession(circle, 1, circle.facilitatorKey, 'facilitator');
    const seats: Record<string, TestParticipant> = {};
    for (const name of names) seats[name] = await enterSession(circle, 1, secret(name), name);
    const everyone = [fac, ...Object.values(seats)];
    people.push(...everyone);
    await converged(everyone);
    expect(fac.seat?.role).toBe('facilitator');
    expect(seats.Anne!.seat?.displayName).toBe('Anne');
    expect(seats.Anne!.seat?.role).toBe('client'); // set by the circle when both were there
    // The same member entering again (another device) gets the same seat.
    const again = await enterSession(circle, 1, secret('Bruno'), 'Bruno again');
    people.push(again);
    expect(again.participantId).toBe(seats.Bruno!.participantId);

    const anne = seats.Anne!;
    await fac.must({ type: 'start' });
    await fac.must({ type: 'next_phase', from: fac.view!.phaseIndex });
    await fac.must({ type: 'next_phase', from: fac.view!.phaseIndex });
    await anne.must({ type: 'set_statement', kind: 'client_request', text: 'Comment relancer mon équipe ?' });
    await fac.must({ type: 'next_phase', from: fac.view!.phaseIndex });
    await seats.Bruno!.must({ type: 'post_card', kind: 'suggestion', text: 'Un point hebdo' });
    await anne.must({ type: 'logbook_add', sealed: sealedOf('Note privée de la séance 1') });
    await seats.Chloé!.must({ type: 'logbook_add', sealed: sealedOf('Carnet de Chloé') });
    await fac.must({ type: 'next_phase', from: fac.view!.phaseIndex });
    await converged(everyone);
    const card = Object.values(anne.view!.cards).find((c) => c.text === 'Un point hebdo')!;
    await anne.must({ type: 'keep_card', cardId: card.id });
    await anne.must({ type: 'add_action', what: 'Entretien avec chacun', byWhen: 'vendredi', withWhom: '' });
    await anne.must({
      type: 'add_action',
      what: 'Réunion de lancement',
      byWhen: 'lundi',
      withWhom: 'mon N+1',
    });
    await anne.must({ type: 'set_confidence', value: 6 });
    await fac.must({ type: 'next_phase', from: fac.view!.phaseIndex });
    await seats.David!.must({ type: 'add_learning', text: 'Écouter avant de conseiller' });
    await fac.must({ type: 'end', purge: false });

    // The record came back to the circle with the end.
    const after1 = await viewAs(circle, secret('Bruno'));
    const record = after1.sessions[0]!.record!;
    expect(record.ended).toBe(true);
    expect(record.clientId).toBe(idOf('Anne'));
    expect(record.request).toBe('Comment relancer mon équipe ?');
    expect(record.keptSuggestions).toEqual(['Un point hebdo']);
    expect(record.actions.map((a) => a.what)).toEqual(['Entretien avec chacun', 'Réunion de lancement']);
    expect(record.learnings).toEqual([{ name: 'David', text: 'Écouter avant de conseiller' }]);
    // A logbook never reaches another member's view of the circle (CI-8).
    expect(JSON.stringify(after1)).not.toContain('Note privée');
    expect(after1.viewer).toEqual({ role: 'member', memberId: idOf('Bruno'), logbook: [] });

    // Session 2: another client proposed; the follow-up step holds Anne's two items.
    expect(after1.next.clientId).not.toBe(idOf('Anne'));
    expect(after1.next.clientId).toBe(idOf('Bruno'));
    expect(after1.followUps.map((f) => [f.what, f.ownerId, f.fromSession, f.confidenceThen])).toEqual([
      ['Entretien avec chacun', idOf('Anne'), 1, 6],
      ['Réunion de lancement', idOf('Anne'), 1, 6],
    ]);
    const item = after1.followUps[0]!;
    const notOwner = await call(
      server.url,
      'PATCH',
      `/api/circles/${circle.circleId}/follow-ups/${item.id}`,
      {
        secret: secret('Bruno'),
        body: { status: 'done' },
      },
    );
    expect(notOwner.status).toBe(403);
    const done = await call(server.url, 'PATCH', `/api/circles/${circle.circleId}/follow-ups/${item.id}`, {
      secret: secret('Anne'),
      body: { status: 'done', note: 'Fait avec les cinq', confidenceNow: 8 },
    });
    expect(done.status).toBe(204);
    const afterFollowUp = await viewAs(circle, secret('Anne'));
    expect(afterFollowUp.followUps.map((f) => f.what)).toEqual(['Réunion de lancement']);
    expect(afterFollowUp.done).toMatchObject([
      { what: 'Entretien avec chacun', status: 'done', confidenceNow: 8 },
    ]);
    // The owner sees their own logbook on the circle's page.
    expect(afterFollowUp.viewer).toMatchObject({
      logbook: [{ sealed: sealedOf('Note privée de la séance 1'), session: 1 }],
    });

    const s2 = await openSession(circle);
    expect(s2.number).toBe(2);
    const fac2 = await enterSession(circle, 2, circle.facilitatorKey, 'facilitator 2');
    const anne2 = await enterSession(circle, 2, secret('Anne'), 'Anne 2');
    const bruno2 = await enterSession(circle, 2, secret('Bruno'), 'Bruno 2');
    const chloe2 = await enterSession(circle, 2, secret('Chloé'), 'Chloé 2');
    people.push(fac2, anne2, bruno2, chloe2);
    await converged([fac2, anne2, bruno2, chloe2]);
    expect(bruno2.seat?.role).toBe('client');
    // Session 1's logbook entries are in their author's logbook, and nobody else's.
    expect(Object.values(anne2.mine!.logbook).map((e) => e.sealed)).toEqual([
      sealedOf('Note privée de la séance 1'),
    ]);
    expect(Object.values(chloe2.mine!.logbook).map((e) => e.sealed)).toEqual([sealedOf('Carnet de Chloé')]);
    expect(Object.values(bruno2.mine!.logbook)).toEqual([]);
    for (const other of [fac2, bruno2, chloe2])
      expect(JSON.stringify(other.view)).not.toContain(sealedOf('Note privée de la séance 1'));

    // CS-1, CS-2: the room opens with the follow-up step: Anne's pending item, owned by her seat; she marks
    // it there, nobody else may, and the mark is written back to the circle.
    expect(fac2.view!.phases[0]!.id).toBe('follow-up');
    expect(
      Object.values(fac2.view!.followUp).map((f) => [f.what, f.ownerId, f.ownerName, f.confidenceThen]),
    ).toEqual([['Réunion de lancement', anne2.participantId, 'Anne', 6]]);
    const carriedId = Object.keys(fac2.view!.followUp)[0]!;
    await fac2.must({ type: 'start' });
    const mark = { type: 'mark_follow_up', itemId: carriedId, status: 'in_progress', note: 'Date fixée' };
    expect(await bruno2.send(mark)).toMatchObject({ ok: false, error: { code: 'not_your_card' } });
    await anne2.must({ ...mark, confidenceNow: 7 });
    await expect
      .poll(async () => (await viewAs(circle, secret('Anne'))).followUps[0])
      .toMatchObject({
        what: 'Réunion de lancement',
        status: 'in_progress',
        note: 'Date fixée',
        confidenceThen: 6,
        confidenceNow: 7,
      });
    await fac2.must({ type: 'next_phase', from: 0 });
    expect(await anne2.send({ ...mark, status: 'done' })).toMatchObject({
      ok: false,
      error: { code: 'board_locked_in_phase' },
    });

    // Export: both sessions, no secret, no logbook; JSON imports into a new circle.
    const json = await call(server.url, 'GET', `/api/circles/${circle.circleId}/export?format=json`, {
      secret: circle.facilitatorKey,
    });
    expect(json.status).toBe(200);
    const file = json.body as CircleExport;
    expect(file.format).toBe('cercle-circle');
    expect(file.sessions.map((s) => s.number)).toEqual([1, 2]);
    expect(file.sessions[0]!.record!.keptSuggestions).toEqual(['Un point hebdo']);
    expect(json.text).not.toContain('Note privée');
    expect(json.text).not.toContain(secret('Anne'));
    expect(json.text).not.toContain('secretHash');
    const md = await call(server.url, 'GET', `/api/circles/${circle.circleId}/export?format=md`, {
      secret: circle.facilitatorKey,
    });
    expect(md.text).toContain('# Codev du jeudi');
    expect(md.text).toContain('Séance 1');
    expect(md.text).toContain('Séance 2');
    expect(md.text).toContain('Entretien avec chacun');
    const memberExport = await call(server.url, 'GET', `/api/circles/${circle.circleId}/export`, {
      secret: secret('Anne'),
    });
    expect(memberExport.status).toBe(403);
    const imported = await call(server.url, 'POST', '/api/circles/import', { body: file });
    expect(imported.status).toBe(201);
    const copy = imported.body as {
      circleId: string;
      facilitatorKey: string;
      links: { name: string; link: string }[];
    };
    expect(copy.links.map((l) => l.name)).toEqual(names);
    const copyView = await viewAs({ ...circle, circleId: copy.circleId }, copy.facilitatorKey);
    expect(copyView.sessions.map((s) => s.record?.request ?? null)).toEqual([
      'Comment relancer mon équipe ?',
      null,
    ]);
    expect(copyView.followUps.map((f) => f.what)).toEqual(['Réunion de lancement']);
    // The copy keeps who has been the client: Anne, then Bruno; Chloé is proposed next.
    expect(copyView.members.map((m) => m.name)).toEqual(names);
    expect(copyView.next.clientId).toBe(copyView.members[2]!.id);

    // No circle content in any log line.
    const logs = server.logs.join('\n');
    for (const secretText of [
      'Codev du jeudi',
      'Anne',
      'Chloé',
      circle.circleId,
      circle.facilitatorKey,
      secret('Anne'),
      'Entretien avec chacun',
    ]) {
      expect(logs).not.toContain(secretText);
    }
  });

  it('[CS-3][CS-4] a codev session opened with a topic round: cases, votes as counts, the confirmed author is the client', async () => {
    const circle = await createCircle(server.url, { kind: 'codev', title: 'Codev du mardi', locale: 'fr' });
    for (const name of ['Anne', 'Bruno', 'Chloé']) await joinCircle(circle, name);
    const secret = (name: string) => circle.members[name]!.secret;
    const bad = await call(server.url, 'POST', `/api/circles/${circle.circleId}/sessions`, {
      secret: circle.facilitatorKey,
      body: { topicRound: 'yes' },
    });
    expect(bad.status).toBe(400);
    await openSession(circle, { topicRound: true });
    const fac = await enterSession(circle, 1, circle.facilitatorKey, 'facilitator');
    const anne = await enterSession(circle, 1, secret('Anne'), 'Anne');
    const bruno = await enterSession(circle, 1, secret('Bruno'), 'Bruno');
    const chloe = await enterSession(circle, 1, secret('Chloé'), 'Chloé');
    const everyone = [fac, anne, bruno, chloe];
    people.push(...everyone);
    await converged(everyone);
    // The proposed client (Anne, first to join) holds the seat until a case is confirmed.
    expect(anne.seat?.role).toBe('client');
    await fac.must({ type: 'start' });
    expect(fac.view!.phases[fac.view!.phaseIndex]!.id).toBe('topic-round');
    await anne.must({ type: 'post_topic', text: 'Un collègue qui décroche' });
    await chloe.must({ type: 'post_topic', text: 'Un budget à défendre' });
    await bruno.must({ type: 'vote_topic', participantId: chloe.participantId });
    await anne.must({ type: 'vote_topic', participantId: chloe.participantId });
    await chloe.must({ type: 'vote_topic', participantId: anne.participantId });
    await converged(everyone);
    // Everyone sees counts; each voter only their own vote.
    expect(fac.view!.topicRound).toMatchObject({
      tally: { [chloe.participantId]: 2, [anne.participantId]: 1 },
      chosenId: null,
    });
    expect(JSON.stringify(fac.view)).not.toContain('"votes"');
    expect(bruno.mine!.topicVote).toBe(chloe.participantId);
    expect(fac.mine!.topicVote).toBeNull();
    expect(await anne.send({ type: 'confirm_topic', participantId: chloe.participantId })).toMatchObject({
      ok: false,
      error: { code: 'not_facilitator' },
    });
    await fac.must({ type: 'confirm_topic', participantId: chloe.participantId });
    await converged(everyone);
    expect(chloe.seat?.role).toBe('client');
    expect(anne.seat?.role).toBe('consultant');
    expect(Object.values(fac.view!.participants).filter((p) => p.role === 'client')).toHaveLength(1);
    // The circle knows her as this session's client, and proposes someone else next.
    await expect
      .poll(async () => (await viewAs(circle, circle.facilitatorKey)).sessions[0]!.record?.clientId)
      .toBe(circle.members.Chloé!.memberId);
    expect((await viewAs(circle, circle.facilitatorKey)).next.clientId).toBe(circle.members.Anne!.memberId);
  });

  it('[CI-3] removal refuses the link at once; a reissued link replaces the old one; a member may leave', async () => {
    const circle = await createCircle(server.url, { kind: 'codev', title: 'Groupe B' });
    for (const name of ['Anne', 'Bruno', 'Chloé']) await joinCircle(circle, name);
    const anne = circle.members.Anne!;
    expect(
      (await call(server.url, 'GET', `/api/circles/${circle.circleId}/view`, { secret: anne.secret })).status,
    ).toBe(200);
    // A member may not remove someone else.
    const byMember = await call(
      server.url,
      'DELETE',
      `/api/circles/${circle.circleId}/members/${circle.members.Bruno!.memberId}`,
      {
        secret: anne.secret,
      },
    );
    expect(byMember.status).toBe(403);
    const removed = await call(
      server.url,
      'DELETE',
      `/api/circles/${circle.circleId}/members/${anne.memberId}`,
      {
        secret: circle.facilitatorKey,
      },
    );
    expect(removed.status).toBe(204);
    expect(
      (await call(server.url, 'GET', `/api/circles/${circle.circleId}/view`, { secret: anne.secret })).status,
    ).toBe(404);

    const bruno = circle.members.Bruno!;
    const reissued = await call(
      server.url,
      'POST',
      `/api/circles/${circle.circleId}/members/${bruno.memberId}/link`,
      {
        secret: circle.facilitatorKey,
      },
    );
    expect(reissued.status).toBe(200);
    const fresh = reissued.body as { secret: string; link: string };
    expect(fresh.link).toContain(`#k=${fresh.secret}`);
    expect(
      (await call(server.url, 'GET', `/api/circles/${circle.circleId}/view`, { secret: bruno.secret }))
        .status,
    ).toBe(404);
    expect(
      (await call(server.url, 'GET', `/api/circles/${circle.circleId}/view`, { secret: fresh.secret }))
        .status,
    ).toBe(200);

    const chloe = circle.members.Chloé!;
    const left = await call(
      server.url,
      'DELETE',
      `/api/circles/${circle.circleId}/members/${chloe.memberId}`,
      {
        secret: chloe.secret,
      },
    );
    expect(left.status).toBe(204);
    const view = await viewAs(circle, circle.facilitatorKey);
    expect(view.members.map((m) => m.name)).toEqual(['Bruno']);
  });

  it('[CI-5] a peer-coaching pair: the second session starts with the other member coached first', async () => {
    const circle = await createCircle(server.url, { kind: 'peer-coaching', title: 'Binôme', locale: 'en' });
    await joinCircle(circle, 'Ines');
    await joinCircle(circle, 'Jules');
    expect(
      (await call(server.url, 'POST', `/api/circles/${circle.circleId}/members`, { body: { name: 'Karim' } }))
        .status,
    ).toBe(409);
    const ines = circle.members.Ines!;
    const jules = circle.members.Jules!;
    await openSession(circle);
    // Jules comes in first; Ines is still coached first, as planned.
    const j1 = await enterSession(circle, 1, jules.secret, 'Jules');
    const i1 = await enterSession(circle, 1, ines.secret, 'Ines');
    people.push(j1, i1);
    await converged([j1, i1]);
    expect(i1.seat?.role).toBe('coachee');
    expect(j1.seat?.role).toBe('coach');
    await i1.must({ type: 'start' });
    await i1.must({ type: 'end', purge: true });

    const view = await viewAs(circle, jules.secret);
    expect(view.sessions[0]!.record?.firstCoacheeId).toBe(ines.memberId);
    expect(view.next.firstCoacheeId).toBe(jules.memberId);
    await openSession(circle);
    const i2 = await enterSession(circle, 2, ines.secret, 'Ines 2');
    const j2 = await enterSession(circle, 2, jules.secret, 'Jules 2');
    people.push(i2, j2);
    await converged([i2, j2]);
    expect(j2.seat?.role).toBe('coachee');
    expect(i2.seat?.role).toBe('coach');
  });

  it('[CI-7][CI-14][TR-3][TR-4] a tripartite engagement: framing, a coaching session the sponsor cannot enter, closing with the framing’s objectives, indicators and three verdicts', async () => {
    const circle = await createCircle(server.url, { kind: 'tripartite', title: 'Accompagnement de Léa' });
    await joinCircle(circle, 'Léa', 'coachee');
    await joinCircle(circle, 'Marc', 'sponsor');
    const lea = circle.members.Léa!;
    const marc = circle.members.Marc!;
    expect((await viewAs(circle, circle.facilitatorKey)).next.kinds).toEqual(['framing']);

    await openSession(circle, { kind: 'framing' });
    // The sponsor enters before the coachee: the circle's parties decide the roles, not the order.
    const m1 = await enterSession(circle, 1, marc.secret, 'Marc');
    const l1 = await enterSession(circle, 1, lea.secret, 'Léa');
    const k1 = await enterSession(circle, 1, circle.facilitatorKey, 'coach');
    people.push(m1, l1, k1);
    await converged([m1, l1, k1]);
    expect([k1.seat?.role, l1.seat?.role, m1.seat?.role]).toEqual(['coach', 'coachee', 'sponsor']);
    await k1.must({ type: 'start' });
    while (!k1.view!.phases[k1.view!.phaseIndex]!.board.some((b) => b.kind === 'objective'))
      await k1.must({ type: 'next_phase', from: k1.view!.phaseIndex });
    await l1.must({ type: 'post_card', kind: 'objective', text: 'Déléguer davantage' });
    while (!k1.view!.phases[k1.view!.phaseIndex]!.board.some((b) => b.kind === 'indicator'))
      await k1.must({ type: 'next_phase', from: k1.view!.phaseIndex });
    await m1.must({ type: 'post_card', kind: 'indicator', text: 'Deux dossiers confiés par mois' });
    await l1.must({ type: 'post_card', kind: 'indicator', text: 'Réunions tenues en 45 minutes' });
    await k1.must({ type: 'end', purge: true });

    const afterFraming = await viewAs(circle, circle.facilitatorKey);
    expect(afterFraming.next.kinds).toEqual(['coaching', 'midpoint', 'closing']);
    expect(afterFraming.next.objectives).toEqual(['Déléguer davantage']);
    expect(afterFraming.next.indicators).toEqual([
      'Deux dossiers confiés par mois',
      'Réunions tenues en 45 minutes',
    ]);

    await openSession(circle, { kind: 'coaching' });
    // CI-14: the coaching session is the coach's and the coachee's: the sponsor cannot enter, nor read it.
    const sponsorEnters = await call(server.url, 'POST', `/api/circles/${circle.circleId}/sessions/2/enter`, {
      secret: marc.secret,
      body: {},
    });
    expect(sponsorEnters.status).toBe(403);
    expect(sponsorEnters.body).toMatchObject({ error: { code: 'not_invited' } });
    const coachee2 = await enterSession(circle, 2, lea.secret, 'Léa 2');
    people.push(coachee2);
    await coachee2.must({ type: 'logbook_add', sealed: sealedOf('x') });
    const sponsorView = await viewAs(circle, marc.secret);
    expect(sponsorView.sessions[1]).toMatchObject({ kind: 'coaching', roomCode: '', record: null });
    expect(sponsorView.current).toBeNull();
    expect((await viewAs(circle, lea.secret)).current).toBe(2);
    const closing = await openSession(circle, { kind: 'closing' });
    expect(closing.number).toBe(3);
    const k3 = await enterSession(circle, 3, circle.facilitatorKey, 'coach 3');
    const l3 = await enterSession(circle, 3, lea.secret, 'Léa 3');
    const m3 = await enterSession(circle, 3, marc.secret, 'Marc 3');
    people.push(k3, l3, m3);
    await converged([k3, l3, m3]);
    const seeded = Object.values(k3.view!.cards).filter((c) => c.kind === 'indicator');
    expect(seeded.map((c) => [c.text, c.seeded])).toEqual([
      ['Deux dossiers confiés par mois', true],
      ['Réunions tenues en 45 minutes', true],
    ]);
    // TR-4: the framing's objectives come with them.
    expect(
      Object.values(k3.view!.cards)
        .filter((c) => c.kind === 'objective')
        .map((c) => [c.text, c.seeded]),
    ).toEqual([['Déléguer davantage', true]]);
    await k3.must({ type: 'start' });
    while (k3.view!.phases[k3.view!.phaseIndex]!.id !== 'indicator-review')
      await k3.must({ type: 'next_phase', from: k3.view!.phaseIndex });
    const first = seeded[0]!.id;
    await k3.must({ type: 'review_indicator', cardId: first, verdict: 'met', note: 'Vu en réunion' });
    await l3.must({ type: 'review_indicator', cardId: first, verdict: 'partly_met', note: 'Un sur deux' });
    await m3.must({ type: 'review_indicator', cardId: first, verdict: 'not_met', note: 'Pas encore' });
    await k3.must({ type: 'end', purge: true });

    const final = await viewAs(circle, lea.secret);
    expect(final.next.kinds).toEqual([]);
    expect(final.sessions[2]!.record!.objectives).toEqual(['Déléguer davantage']);
    const indicators = final.sessions[2]!.record!.indicators;
    expect(indicators[0]!.reviews.map((r) => [r.party, r.verdict, r.note])).toEqual([
      ['coach', 'met', 'Vu en réunion'],
      ['coachee', 'partly_met', 'Un sur deux'],
      ['sponsor', 'not_met', 'Pas encore'],
    ]);
  });

  it('[CI-12] erase: every session room and the circle are gone; the links answer 404', async () => {
    const circle = await createCircle(server.url, { kind: 'codev', title: 'À effacer' });
    await joinCircle(circle, 'Anne');
    const session = await openSession(circle);
    const anne = await enterSession(circle, 1, circle.members.Anne!.secret, 'Anne');
    people.push(anne);
    expect(
      (
        await call(server.url, 'DELETE', `/api/circles/${circle.circleId}`, {
          secret: circle.members.Anne!.secret,
        })
      ).status,
    ).toBe(403);
    expect(
      (await call(server.url, 'DELETE', `/api/circles/${circle.circleId}`, { secret: circle.facilitatorKey }))
        .status,
    ).toBe(204);
    expect((await call(server.url, 'GET', `/api/circles/${circle.circleId}`)).status).toBe(404);
    expect(
      (
        await call(server.url, 'GET', `/api/circles/${circle.circleId}/view`, {
          secret: circle.members.Anne!.secret,
        })
      ).status,
    ).toBe(404);
    expect(await server.app.rooms.facts(session.code)).toBeNull();
  });
});

describe('guessing circles', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ JOIN_FAILURES_PER_IP: '3', ROOMS_API_RATE: '10000' });
  });
  afterAll(async () => {
    await server.close();
  });

  it('[HT-2][CI-11] a wrong circle id or secret is a guess counted like a refused handshake; right ones cost nothing', async () => {
    const circle = await createCircle(server.url, { kind: 'codev', title: 'Codev' });
    const anne = await joinCircle(circle, 'Anne');
    // Requests that find their circle give their guess back: as many as one likes.
    for (let i = 0; i < 6; i++) expect((await viewAs(circle, anne.secret)).members).toHaveLength(1);
    // Three wrong tries (a wrong secret, a wrong id, no secret) use the allowance up...
    const view = (id: string, secret?: string) =>
      call(server.url, 'GET', `/api/circles/${id}/view`, secret ? { secret } : {});
    expect((await view(circle.circleId, 'A'.repeat(32))).status).toBe(404);
    expect((await view('c_AAAAAAAAAAAAAAAAAAAAAA', anne.secret)).status).toBe(404);
    expect((await view(circle.circleId)).status).toBe(404);
    // ...then this address is refused before anything is tried, the right secret included.
    for (const res of [
      await view(circle.circleId, 'B'.repeat(32)),
      await view(circle.circleId, anne.secret),
    ]) {
      expect(res.status).toBe(429);
      expect(res.body).toMatchObject({ error: { code: 'rate_limited' } });
    }
    // Opening a circle names none: not a guess.
    expect(
      (await call(server.url, 'POST', '/api/circles', { body: { kind: 'codev', title: 'Autre' } })).status,
    ).toBe(201);
  });
});
