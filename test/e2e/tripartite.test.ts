import { describe, expect, it } from 'vitest';
import { axeViolations } from '../support/axe.js';
import { desktop, openPerson, screenshot } from '../support/browser.js';
import { eventually, serverAndBrowser } from '../support/e2e.js';

describe('a tripartite closing meeting', () => {
  const live = serverAndBrowser();

  it('starts with the indicators agreed at framing on the board, unchanged', async () => {
    const coach = await openPerson(live.browser, 'Sophie', { locale: 'fr-FR', viewport: desktop });
    const page = coach.page;
    await page.goto(live.server.url);
    await page.getByRole('radio', { name: /Tripartite de bouclage/ }).check();
    await page
      .getByLabel(/Indicateurs convenus au cadrage/)
      .fill('Délègue deux dossiers par mois\nAnime la réunion d’équipe seule');
    await page.getByLabel('Votre prénom').fill('Sophie');
    await page.getByRole('button', { name: 'Créer la séance' }).click();
    const board = page.getByTestId('board');
    await eventually(() => board.locator('.card .text').allTextContents()).toEqual([
      'Délègue deux dossiers par mois',
      'Anime la réunion d’équipe seule',
    ]);
    // Seeded indicators cannot be edited or withdrawn.
    expect(await board.getByRole('button', { name: /Modifier|Retirer/ }).count()).toBe(0);
    await screenshot(page, 'closing-lobby-desktop');
    expect(await axeViolations(page)).toEqual([]);
    expect(coach.problems).toEqual([]);
  });
});
