import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { axeViolations } from '../support/axe.js';
import {
  desktop,
  downloadText,
  horizontalOverflow,
  openPerson,
  type Person,
  phone,
  screenshot,
} from '../support/browser.js';
import { eventually, serverAndBrowser } from '../support/e2e.js';

const phaseName = (page: Page) => page.locator('#phase-name');
const myRoleBadge = (page: Page) =>
  page.locator('[data-testid=people] li', { hasText: /\((vous|you)\)/ }).locator('[data-role]');

describe('peer coaching in pairs, in real browsers', () => {
  const live = serverAndBrowser();
  const people: Person[] = [];

  it('lets both members drive, makes the swap for round two unmistakable, and ends with the record', {
    timeout: 180_000,
  }, async () => {
    const alice = await openPerson(live.browser, 'Alice', { locale: 'fr-FR', viewport: desktop });
    people.push(alice);
    const a = alice.page;
    await a.goto(live.server.url);
    await a.getByRole('radio', { name: /Coaching en binôme/ }).check();
    await a.getByLabel('Votre prénom').fill('Alice');
    await a.getByRole('button', { name: 'Créer la séance' }).click();
    const link = (await a.getByTestId('join-link').textContent()) ?? '';
    // No facilitator in a pair: no private facilitator link either.
    expect(await a.getByRole('button', { name: 'Copier mon lien privé' }).count()).toBe(0);

    const bob = await openPerson(live.browser, 'Bob', { locale: 'en-GB', viewport: phone });
    people.push(bob);
    const b = bob.page;
    await b.goto(live.server.url);
    await screenshot(b, 'home-phone');
    expect(await horizontalOverflow(b)).toEqual([]);
    // Bob types the code read aloud in the call, in lower case with a dash: it still works.
    const code = link.split('/r/')[1] ?? '';
    await b.getByLabel('Session code').fill(`${code.slice(0, 3).toLowerCase()}-${code.slice(3)}`);
    await b.getByRole('button', { name: 'Join', exact: true }).click();
    await eventually(() => b.url()).toBe(link);
    await b.getByLabel('Your first name').fill('Bob');
    await b.keyboard.press('Enter');
    await b.getByTestId('people').waitFor();

    // Seats come from the method: first the coachee, then the coach. Both may drive.
    await eventually(() => myRoleBadge(a).getAttribute('data-role')).toBe('coachee');
    await eventually(() => myRoleBadge(b).getAttribute('data-role')).toBe('coach');
    await eventually(() => a.getByTestId('console').count()).toBe(1);
    await eventually(() => b.getByTestId('console').count()).toBe(1);
    await screenshot(b, 'pair-lobby-phone');
    expect(await axeViolations(b), 'pair-lobby-phone').toEqual([]);
    await b.getByRole('button', { name: /Start the session/ }).click();
    await eventually(() => phaseName(a).textContent()).toBe('Introduction');

    // Sharing: the coachee speaks; the coach listens and cannot ask for the floor.
    await a.getByRole('button', { name: /Étape suivante/ }).click();
    await eventually(() => phaseName(b).textContent()).toBe('Sharing');
    await eventually(() => b.getByTestId('doing').textContent()).toBe('You listen: the coachee speaks.');
    expect(await b.getByRole('button', { name: /Raise hand/ }).count()).toBe(0);
    await eventually(() => a.getByTestId('doing').textContent()).toContain('vous avez la parole');

    // Goal: the coachee writes an objective; either member moves on.
    await b.getByRole('button', { name: /Next phase/ }).click();
    await eventually(() => phaseName(a).textContent()).toBe('Objectif de la séance');
    await a.getByTestId('post-box').locator('textarea').fill('Déléguer deux dossiers d’ici juin');
    await a.getByTestId('post-box').getByRole('button', { name: 'Publier' }).click();
    await eventually(() => b.getByTestId('board').textContent()).toContain('Déléguer deux dossiers');
    for (const expected of ['État des lieux', 'Options', 'Engagements']) {
      await a.getByRole('button', { name: /Étape suivante/ }).click();
      await eventually(() => phaseName(a).textContent()).toBe(expected);
    }

    // Commitments, round one: the coachee's plan and confidence.
    await a.getByLabel('Quoi').fill('Choisir les deux dossiers à déléguer');
    await a.getByRole('button', { name: 'Ajouter l’action' }).click();
    await a
      .getByRole('group', { name: /Ma confiance/ })
      .getByRole('button', { name: '7', exact: true })
      .click();
    await eventually(() => b.getByTestId('action-plan').textContent()).toContain('Choisir les deux dossiers');

    // The swap: both see it, in big letters, with their new role.
    await b.getByRole('button', { name: /Swap roles for round 2/ }).click();
    await eventually(() => a.getByTestId('swap-notice').textContent()).toContain(
      'Vous êtes maintenant Coach',
    );
    await eventually(() => b.getByTestId('swap-notice').textContent()).toContain('You are now Coachee');
    await eventually(() => myRoleBadge(a).getAttribute('data-role')).toBe('coach');
    await eventually(() => phaseName(b).textContent()).toBe('Sharing');
    await eventually(() => a.getByTestId('doing').textContent()).toBe('Vous écoutez : le coaché parle.');
    await screenshot(a, 'pair-swap-desktop');
    expect(await axeViolations(a), 'pair-swap-desktop').toEqual([]);
    await screenshot(b, 'pair-swap-phone');
    expect(await axeViolations(b), 'pair-swap-phone').toEqual([]);
    expect(await horizontalOverflow(b)).toEqual([]);
    await b.getByRole('button', { name: 'Got it' }).click();
    await eventually(() => b.getByTestId('swap-reminder').count()).toBe(1);

    // Round two runs to its commitments; then the end, and the record.
    for (const expected of ['Objectif de la séance', 'État des lieux', 'Options', 'Engagements']) {
      await a.getByRole('button', { name: /Étape suivante/ }).click();
      await eventually(() => phaseName(a).textContent()).toBe(expected);
    }
    await eventually(() => b.getByLabel('What').count()).toBe(1);
    await b.getByLabel('What').fill('Ask my manager for a mentor');
    await b.getByLabel('By when').fill('next Friday');
    await b.getByRole('button', { name: 'Add the action' }).click();
    await eventually(() => a.getByTestId('action-plan').textContent()).toContain(
      'Ask my manager for a mentor',
    );
    await b.getByRole('button', { name: /Finish the session/ }).click();
    await b
      .getByRole('alertdialog')
      .getByRole('button', { name: /Finish the session/ })
      .click();
    await a.getByTestId('record').waitFor();
    await b.getByTestId('record').waitFor();
    const record = await downloadText(b, () => b.getByTestId('download-record').click());
    expect(record.text).toContain('Ask my manager for a mentor');
    expect(record.text).toContain('Choisir les deux dossiers à déléguer');
    await eventually(() => a.getByRole('img', { name: /Temps prévu et temps réel/ }).count()).toBe(1);
    await screenshot(b, 'pair-record-phone');
    expect(await axeViolations(b), 'pair-record-phone').toEqual([]);

    for (const p of people) expect(p.problems, `${p.name}'s page`).toEqual([]);
  });
});
