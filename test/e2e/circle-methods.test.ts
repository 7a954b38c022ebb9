import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { desktop, openPerson, type Person } from '../support/browser.js';
import { createCircle, enterSession, joinCircle, openSession, type TestCircle } from '../support/circles.js';
import type { TestParticipant } from '../support/clients.js';
import { eventually, serverAndBrowser } from '../support/e2e.js';

const roleOf = (page: Page, name: string) =>
  page
    .locator('[data-testid=people] li', { hasText: name })
    .locator('[data-role]')
    .first()
    .getAttribute('data-role');

describe('a pair and a tripartite engagement as circles, in real browsers', () => {
  const live = serverAndBrowser({ ROOMS_API_RATE: '10000', JOIN_RATE_PER_IP: '10000' });
  const people: Person[] = [];
  const sockets: TestParticipant[] = [];

  /** Opens a person's personal link and enters session `n` from the circle's page, without a name. */
  async function enterFromLink(
    circle: TestCircle,
    name: string,
    secret: string,
    n: number,
    locale: 'fr-FR' | 'en-GB',
  ) {
    const person = await openPerson(live.browser, name, { locale, viewport: desktop });
    people.push(person);
    await person.page.goto(`${live.server.url}/c/${circle.circleId}#k=${secret}`);
    const label = locale === 'fr-FR' ? `Entrer dans la séance ${n}` : `Enter session ${n}`;
    await person.page.getByRole('button', { name: label }).click();
    await person.page.getByTestId('people').waitFor();
    return person.page;
  }

  it('[CI-5] a peer-coaching pair’s second session starts with the other member coached first', {
    timeout: 120_000,
  }, async () => {
    const circle = await createCircle(live.server.url, {
      kind: 'peer-coaching',
      title: 'Binôme',
      locale: 'en',
    });
    const ines = await joinCircle(circle, 'Ines');
    const jules = await joinCircle(circle, 'Jules');
    await openSession(circle);
    const i1 = await enterFromLink(circle, 'Ines', ines.secret, 1, 'en-GB');
    await eventually(() => roleOf(i1, 'Ines')).toBe('coachee');
    const j1 = await enterFromLink(circle, 'Jules', jules.secret, 1, 'en-GB');
    await eventually(() => roleOf(j1, 'Jules')).toBe('coach');
    const seat = await enterSession(circle, 1, ines.secret, 'Ines seat');
    sockets.push(seat);
    await seat.must({ type: 'start' });
    await seat.must({ type: 'end', purge: false });

    // The circle's page says who comes first next time; the second session's room seats them so.
    await j1.goto(`${live.server.url}/c/${circle.circleId}`);
    await j1.getByText('Coached first this time: Jules').waitFor();
    await openSession(circle);
    // Ines comes in first this time: Jules is coached first all the same.
    const i2 = await enterFromLink(circle, 'Ines 2', ines.secret, 2, 'en-GB');
    const j2 = await enterFromLink(circle, 'Jules 2', jules.secret, 2, 'en-GB');
    await eventually(() => roleOf(j2, 'Jules')).toBe('coachee');
    await eventually(() => roleOf(i2, 'Ines')).toBe('coach');
    for (const s of sockets.splice(0)) s.close();
  });

  it('[CI-7][TR-3][TR-4] framing, a coaching session, then the closing with the framing’s objectives, indicators and three verdicts side by side', {
    timeout: 180_000,
  }, async () => {
    const circle = await createCircle(live.server.url, {
      kind: 'tripartite',
      title: 'Accompagnement de Léa',
    });
    const lea = await joinCircle(circle, 'Léa', 'coachee');
    const marc = await joinCircle(circle, 'Marc', 'sponsor');

    // Framing, run over the live protocol: an objective and two indicators.
    await openSession(circle, { kind: 'framing' });
    const coach = await enterSession(circle, 1, circle.facilitatorKey, 'coach');
    const leaSeat = await enterSession(circle, 1, lea.secret, 'Léa');
    const marcSeat = await enterSession(circle, 1, marc.secret, 'Marc');
    sockets.push(coach, leaSeat, marcSeat);
    await coach.must({ type: 'start' });
    const boardHas = (kind: string) =>
      coach.view!.phases[coach.view!.phaseIndex]!.board.some((b) => b.kind === kind);
    while (!boardHas('objective')) await coach.must({ type: 'next_phase', from: coach.view!.phaseIndex });
    await leaSeat.must({ type: 'post_card', kind: 'objective', text: 'Déléguer davantage' });
    while (!boardHas('indicator')) await coach.must({ type: 'next_phase', from: coach.view!.phaseIndex });
    await marcSeat.must({ type: 'post_card', kind: 'indicator', text: 'Deux dossiers confiés par mois' });
    await leaSeat.must({ type: 'post_card', kind: 'indicator', text: 'Réunions tenues en 45 minutes' });
    await coach.must({ type: 'end', purge: true });
    for (const s of sockets.splice(0)) s.close();

    // One coaching session, then the closing: the coach's page shows what the closing starts with.
    await openSession(circle, { kind: 'coaching' });
    const coachPerson = await openPerson(live.browser, 'Coach', { locale: 'fr-FR', viewport: desktop });
    people.push(coachPerson);
    const k = coachPerson.page;
    await k.goto(`${live.server.url}/c/${circle.circleId}#k=${circle.facilitatorKey}`);
    await k.getByLabel('Type de séance').selectOption('closing');
    await k.getByRole('heading', { name: 'Repris du cadrage' }).waitFor();
    await k.getByText('Déléguer davantage').first().waitFor();
    await k.getByText('Deux dossiers confiés par mois').first().waitFor();
    await k.getByRole('button', { name: 'Ouvrir la séance 3' }).click();
    await k.getByRole('button', { name: 'Entrer dans la séance 3' }).click();
    await k.getByTestId('people').waitFor();
    const l = await enterFromLink(circle, 'Léa', lea.secret, 3, 'fr-FR');
    const m = await enterFromLink(circle, 'Marc', marc.secret, 3, 'fr-FR');
    // The objectives and indicators are on the closing's board, brought by the circle, not pasted.
    await eventually(() => l.locator('[data-testid=board] .card .text').allTextContents()).toEqual(
      expect.arrayContaining([
        'Déléguer davantage',
        'Deux dossiers confiés par mois',
        'Réunions tenues en 45 minutes',
      ]),
    );

    // Each party gives a verdict on the first indicator from their own page.
    const closingCoach = await enterSession(circle, 3, circle.facilitatorKey, 'coach 3');
    sockets.push(closingCoach);
    await closingCoach.must({ type: 'start' });
    while (closingCoach.view!.phases[closingCoach.view!.phaseIndex]!.id !== 'indicator-review')
      await closingCoach.must({ type: 'next_phase', from: closingCoach.view!.phaseIndex });
    const review = async (page: Page, verdict: string, note: string) => {
      const row = page
        .locator('#indicators-title')
        .locator('..')
        .locator('li.card', { hasText: 'Deux dossiers confiés par mois' });
      await row.getByLabel('Commentaire').fill(note);
      await row.getByRole('button', { name: verdict, exact: true }).click();
    };
    await review(k, 'Atteint', 'Vu en comité');
    await review(l, 'En partie', 'Un mois sur deux');
    await review(m, 'Non atteint', 'Pas encore visible');
    // The three verdicts and comments stand side by side, none overwriting another.
    const verdicts = l
      .locator('li.card', { hasText: 'Deux dossiers confiés par mois' })
      .locator('.verdicts li');
    await eventually(() => verdicts.count()).toBe(3);
    const texts = (await verdicts.allTextContents()).join(' | ');
    for (const part of [
      'Atteint',
      'Vu en comité',
      'En partie',
      'Un mois sur deux',
      'Non atteint',
      'Pas encore visible',
    ])
      expect(texts).toContain(part);
    await closingCoach.must({ type: 'end', purge: false });
    // The closing's own record holds the framing's objective beside its indicators.
    await eventually(() => l.getByTestId('record').textContent()).toContain('Déléguer davantage');

    // The circle's record keeps them too.
    await k.goto(`${live.server.url}/c/${circle.circleId}`);
    await k.getByText('L’accompagnement est bouclé.').waitFor();
    const closingRecord = k.locator('.session-record', { hasText: 'Réunion de bouclage' });
    const record = closingRecord.locator('.verdicts li');
    await eventually(() => record.count()).toBe(3);
    expect(await closingRecord.textContent()).toContain('Déléguer davantage');
    for (const s of sockets.splice(0)) s.close();
    for (const person of people) expect(person.problems).toEqual([]);
  });
});
