import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { desktop, launchBrowser, openPerson, type Person, phone } from '../support/browser.js';
import { eventually } from '../support/e2e.js';
import { startTestServer, type TestServer } from '../support/testServer.js';

/** A training room's server on the local network, reached by name over plain http. */
const HOST = 'salle-formation.lan';

describe('[HT-7] the page over plain http on a LAN host name', () => {
  let server: TestServer;
  let browser: Browser;
  const people: Person[] = [];

  beforeAll(async () => {
    server = await startTestServer();
    // The name resolves to this machine in this browser only: not localhost, so Chromium treats the
    // origin as an ordinary http one (no secure-context exception).
    browser = await launchBrowser([`--host-resolver-rules=MAP ${HOST} 127.0.0.1`]);
  });
  afterAll(async () => {
    for (const p of people) await p.context.close();
    await browser?.close();
    await server?.close();
  });

  it('loads, creates a session and lets someone join by the link', { timeout: 60_000 }, async () => {
    const origin = `http://${HOST}:${server.port}`;
    const fanny = await openPerson(browser, 'Fanny', { locale: 'fr-FR', viewport: desktop });
    people.push(fanny);
    const f = fanny.page;
    const response = await f.goto(origin);
    const csp = response?.headers()['content-security-policy'] ?? '';
    expect(csp).not.toContain('upgrade-insecure-requests');
    expect(response?.headers()['strict-transport-security']).toBeUndefined();
    await f.getByLabel('Votre prénom').fill('Fanny');
    await f.getByRole('button', { name: 'Créer la séance' }).click();
    const link = (await f.getByTestId('join-link').textContent()) ?? '';
    expect(link.startsWith(`${origin}/r/`)).toBe(true);

    const anne = await openPerson(browser, 'Anne', { locale: 'fr-FR', viewport: phone });
    people.push(anne);
    await anne.page.goto(link);
    await anne.page.getByLabel(/Votre prénom|Your first name/).fill('Anne');
    await anne.page.keyboard.press('Enter');
    await anne.page.getByTestId('people').waitFor();
    await eventually(() => f.locator('[data-testid=people] li').count()).toBe(2);
    // Each name comes with its role badge (RM-9).
    await eventually(() =>
      f.locator('[data-testid=people] .badge.role, [data-testid=people] select[data-role]').count(),
    ).toBe(2);
    expect([...fanny.problems, ...anne.problems]).toEqual([]);
  });
});
