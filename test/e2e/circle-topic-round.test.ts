import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { desktop, openPerson, type Person, viewOf } from '../support/browser.js';
import { createCircle, joinCircle, type TestCircle, viewAs } from '../support/circles.js';
import { eventually, serverAndBrowser } from '../support/e2e.js';

const roleOf = (page: Page, name: string) =>
  page
    .locator('[data-testid=people] li', { hasText: name })
    .locator('[data-role]')
    .first()
    .getAttribute('data-role');

describe('a codev circle’s topic round, in real browsers', () => {
  const live = serverAndBrowser({ ROOMS_API_RATE: '10000', JOIN_RATE_PER_IP: '10000' });
  const people: Person[] = [];

  async function open(circle: TestCircle, name: string, secret: string, locale: 'fr-FR' | 'en-GB') {
    const person = await openPerson(live.browser, name, { locale, viewport: desktop });
    people.push(person);
    await person.page.goto(`${live.server.url}/c/${circle.circleId}#k=${secret}`);
    return person.page;
  }

  async function enter(page: Page, label: string) {
    await page.getByRole('button', { name: label }).click();
    await page.getByTestId('people').waitFor();
  }

  it('[CS-3][CS-4] members post one-line cases and vote; the facilitator confirms; the chosen member is the client', {
    timeout: 180_000,
  }, async () => {
    const circle = await createCircle(live.server.url, { kind: 'codev', title: 'Codev du mardi' });
    const anne = await joinCircle(circle, 'Anne');
    const bruno = await joinCircle(circle, 'Bruno');
    const chloe = await joinCircle(circle, 'Chloé');

    // The facilitator opens session 1 with the topic round, from the circle's page.
    const f = await open(circle, 'Fanny', circle.facilitatorKey, 'fr-FR');
    await f.getByLabel('Commencer par un tour des sujets', { exact: false }).check();
    await f.getByRole('button', { name: 'Ouvrir la séance 1' }).click();
    await enter(f, 'Entrer dans la séance 1');
    const a = await open(circle, 'Anne', anne.secret, 'fr-FR');
    await enter(a, 'Entrer dans la séance 1');
    const b = await open(circle, 'Bruno', bruno.secret, 'en-GB');
    await enter(b, 'Enter session 1');
    const c = await open(circle, 'Chloé', chloe.secret, 'fr-FR');
    await enter(c, 'Entrer dans la séance 1');

    // The client the rotation proposes (Anne) holds the seat until a case is confirmed.
    await eventually(() => roleOf(f, 'Anne')).toBe('client');
    await f.getByRole('button', { name: 'Lancer la séance' }).click();
    const round = (page: Page) => page.getByTestId('topic-round');
    await round(a).getByText('En attendant, Anne tient la place de client.').waitFor();

    // Cases, one line each, from the members' own pages (the facilitator posts none).
    expect(await round(f).getByLabel('Votre cas, en une ligne').count()).toBe(0);
    await round(b).getByLabel('Your case, in one line').fill('A budget to defend');
    await round(b).getByRole('button', { name: 'Offer my case' }).click();
    await round(c).getByLabel('Votre cas, en une ligne').fill('Un collègue qui décroche');
    await round(c).getByRole('button', { name: 'Proposer mon cas' }).click();
    await eventually(() => round(a).locator('li.card').count()).toBe(2);

    // Votes: Anne and Bruno for Chloé's case, Chloé for Bruno's.
    await round(a).getByRole('button', { name: 'Voter pour le cas de Chloé' }).click();
    await round(b).getByRole('button', { name: "Vote for Chloé's case" }).click();
    await round(c).getByRole('button', { name: 'Voter pour le cas de Bruno' }).click();
    const chloeCase = (page: Page) => round(page).locator('li.card', { hasText: 'Un collègue qui décroche' });
    await eventually(() => chloeCase(f).textContent()).toContain('2 voix');
    await eventually(() =>
      round(f).locator('li.card', { hasText: 'A budget to defend' }).textContent(),
    ).toContain('1 voix');
    // Each voter sees their own vote; nobody's page holds who voted for whom.
    await eventually(() =>
      round(b).getByRole('button', { name: "Vote for Chloé's case" }).getAttribute('aria-pressed'),
    ).toBe('true');
    expect(await chloeCase(a).textContent()).toContain('votre vote');
    expect(await chloeCase(c).textContent()).not.toContain('votre vote');
    for (const page of [f, a, b, c]) expect(JSON.stringify(await viewOf(page))).not.toContain('topicVote');
    // Only the facilitator confirms.
    expect(await round(a).getByRole('button', { name: 'Confirmer : Chloé devient client' }).count()).toBe(0);
    await round(f).getByRole('button', { name: 'Confirmer : Chloé devient client' }).click();

    // Chloé is the client on every page; Anne takes her consultant's seat.
    for (const page of [f, a, b, c]) {
      await eventually(() => roleOf(page, 'Chloé')).toBe('client');
      expect(await roleOf(page, 'Anne')).toBe('consultant');
    }
    await round(b).getByText('Case chosen: Chloé is the client.').waitFor();
    await f.getByRole('button', { name: 'Étape suivante' }).click();
    await eventually(() => round(f).count()).toBe(0);

    // The circle counts her as this session's client: the next proposed client is someone else.
    await eventually(
      async () => (await viewAs(circle, circle.facilitatorKey)).sessions[0]?.record?.clientName,
    ).toBe('Chloé');
    const next = (await viewAs(circle, circle.facilitatorKey)).next.clientId;
    expect(next).not.toBe(chloe.memberId);
    for (const person of people) expect(person.problems).toEqual([]);
  });
});
