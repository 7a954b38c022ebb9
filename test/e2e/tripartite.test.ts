import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { desktop, launchBrowser, openPerson, screenshot } from '../support/browser.js';
import { startTestServer, type TestServer } from '../support/testServer.js';

const eventually = <T>(read: () => Promise<T> | T) => expect.poll(read, { timeout: 10_000, interval: 100 });

describe('a tripartite closing meeting', () => {
  let server: TestServer;
  let browser: Browser;
  beforeAll(async () => {
    server = await startTestServer();
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('starts with the indicators agreed at framing on the board, unchanged', async () => {
    const coach = await openPerson(browser, 'Sophie', { locale: 'fr-FR', viewport: desktop });
    const page = coach.page;
    await page.goto(server.url);
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
    expect(coach.problems).toEqual([]);
  });
});
