import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import {
  desktop,
  downloadText,
  horizontalOverflow,
  openPerson,
  type Person,
  phone,
  reopenPage,
  screenshot,
  sendFrom,
  unnamedControls,
  viewOf,
} from '../support/browser.js';
import { eventually, serverAndBrowser } from '../support/e2e.js';

const board = (page: Page) => page.getByTestId('board');
const row = (page: Page, name: string) =>
  page.getByTestId('people').locator('.people li', { has: page.locator('.who', { hasText: name }) });

/** Seats are released 3 s after a connection drops here (120 s by default), so the test sees it happen. */
const graceSeconds = 3;

describe('facilitation in real browsers: anonymous cards, seats that drop, removal, end and erase', () => {
  const live = serverAndBrowser({ SEAT_GRACE_SECONDS: String(graceSeconds) });
  const people: Person[] = [];

  it('says in words why a room was not created, and which phase is at fault', async () => {
    const person = await openPerson(live.browser, 'Marc', { locale: 'fr-FR', viewport: phone });
    const page = person.page;
    await page.goto(live.server.url);
    await page.getByRole('radio', { name: /Sur mesure/ }).check();
    await page.getByLabel('Votre prénom').fill('Marc');
    // A blank phase name is caught before anything is sent.
    await page.getByLabel('Nom de l’étape 2').fill('  ');
    await page.getByRole('button', { name: 'Créer la séance' }).click();
    await eventually(() => page.getByTestId('create-error').textContent()).toBe('Donnez un nom à l’étape 2.');
    await page.getByLabel('Nom de l’étape 2').fill('Questions');
    // A refusal from the server (stood in for here: the form cannot produce one the engine refuses)
    // is its code in words, with the phase it names.
    await page.route('**/api/rooms', (route) =>
      route.fulfill({
        status: 400,
        contentType: 'application/json',
        body: JSON.stringify({
          error: { code: 'limit_reached', message: 'Phase 3: At most 12 phases.', phase: 2 },
        }),
      }),
    );
    await page.getByRole('button', { name: 'Créer la séance' }).click();
    await eventually(() => page.getByTestId('create-error').textContent()).toBe(
      'Étape 3 : Limite atteinte pour cette séance.',
    );
    expect(await page.locator('.phase-edit li.invalid').count()).toBe(1);
    await screenshot(page, 'home-refused-phone');
    expect(person.problems.filter((p) => !/400/.test(p))).toEqual([]);
  });

  it('keeps anonymous authors unknown, shows away then left, removes someone, and ends with erasure', {
    timeout: 180_000,
  }, async () => {
    // A custom room created through the API with one phase: consultants post suggestions, anonymously
    // if they wish. The facilitator comes in with the private link.
    const created = await fetch(`${live.server.url}/api/rooms`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        template: 'custom',
        title: 'Atelier du mardi',
        locale: 'fr',
        allowAnonymousCards: true,
        phases: [{ from: 'consultation', durationMs: 20 * 60_000 }],
      }),
    });
    expect(created.status).toBe(201);
    const { code, joinUrl, facilitatorKey } = (await created.json()) as {
      code: string;
      joinUrl: string;
      facilitatorKey: string;
    };
    const join = async (name: string, url: string, options: Parameters<typeof openPerson>[2]) => {
      const person = await openPerson(live.browser, name, options);
      people.push(person);
      await person.page.goto(url);
      await person.page.getByLabel(/Votre prénom|Your first name/).fill(name);
      await person.page.keyboard.press('Enter');
      await person.page.getByTestId('people').waitFor();
      return person;
    };
    const fanny = await join('Fanny', `${joinUrl}#key=${encodeURIComponent(facilitatorKey)}`, {
      locale: 'fr-FR',
      viewport: desktop,
    });
    const anne = await join('Anne', joinUrl, { locale: 'fr-FR', viewport: phone });
    const bruno = await join('Bruno', joinUrl, { locale: 'en-GB', viewport: desktop });
    const chloe = await join('Chloé', joinUrl, { locale: 'fr-FR', viewport: desktop });
    const f = fanny.page;
    await eventually(() => f.getByTestId('room-title').textContent()).toBe('Atelier du mardi');
    await eventually(() => f.locator('[data-testid=people] .people li').count()).toBe(4);
    await f.getByRole('button', { name: /Lancer la séance/ }).click();
    await eventually(() => anne.page.locator('#phase-name').textContent()).toBe('Consultation');

    // Anne posts anonymously, Bruno under his name.
    const anneBox = anne.page.getByTestId('post-box');
    await anneBox.locator('textarea').fill('Et si vous demandiez de l’aide ?');
    await anneBox.getByLabel('Publier anonymement').check();
    await anneBox.getByRole('button', { name: 'Publier' }).click();
    const brunoBox = bruno.page.getByTestId('post-box');
    await brunoBox.locator('textarea').fill('Try a weekly check-in');
    await brunoBox.getByRole('button', { name: 'Post' }).click();

    const anneId = ((await viewOf(anne.page)) as { participants: Record<string, { displayName: string }> })
      .participants;
    const anneSeat = Object.entries(anneId).find(([, p]) => p.displayName === 'Anne')?.[0] ?? '';
    expect(anneSeat).not.toBe('');
    for (const p of [fanny, anne, bruno, chloe]) {
      const anonymous = board(p.page).locator('.card', { hasText: 'Et si vous demandiez de l’aide ?' });
      await eventually(() => anonymous.count()).toBe(1);
      await eventually(() => board(p.page).locator('.card', { hasText: 'weekly check-in' }).count()).toBe(1);
      // On no screen does the anonymous card name its author, in its text or in its markup.
      expect(await anonymous.locator('.meta').textContent()).toMatch(/^(Anonyme|Anonymous)/);
      const html = await anonymous.evaluate((el) => el.outerHTML);
      expect(html).not.toContain('Anne');
      expect(html).not.toContain(anneSeat);
      // Nor does the room each page holds: the card has no author at all, and nothing points to Anne.
      const held = (await viewOf(p.page)) as { cards: Record<string, Record<string, unknown>> };
      const cards = Object.values(held.cards);
      const card = cards.find((c) => c.text === 'Et si vous demandiez de l’aide ?');
      expect(card?.anonymous).toBe(true);
      expect(card && 'authorId' in card).toBe(false);
      expect(JSON.stringify(card)).not.toContain(anneSeat);
      // Bruno's signed card does carry his seat (the check above is not vacuous).
      expect(cards.find((c) => c.text === 'Try a weekly check-in')?.authorId).toBeTruthy();
    }
    // Anne alone knows the card is hers: she may withdraw it.
    await eventually(() =>
      board(anne.page)
        .locator('.card', { hasText: 'Et si vous demandiez' })
        .getByRole('button', { name: 'Retirer' })
        .count(),
    ).toBe(1);
    expect(
      await board(f)
        .locator('.card', { hasText: 'Et si vous demandiez' })
        .getByRole('button', { name: 'Retirer' })
        .count(),
    ).toBe(0);
    await screenshot(anne.page, 'anonymous-card-phone');

    // Bruno's laptop drops off: he shows as away, then, past the grace period, as left; the console
    // offers nothing the engine would refuse for a released seat (no role, no floor), only removal.
    await bruno.page.close();
    await eventually(() => row(f, 'Bruno').getAttribute('data-presence')).toBe('away');
    await eventually(() => row(f, 'Bruno').locator('.badge.away').textContent()).toBe('absent');
    await eventually(() => row(f, 'Bruno').getAttribute('data-admission')).toBe('released');
    await eventually(() => row(anne.page, 'Bruno').locator('.badge.away').textContent()).toBe('parti');
    expect(await f.getByLabel('Rôle de Bruno').count()).toBe(0);
    expect(await f.getByRole('button', { name: 'Donner la parole à Bruno' }).count()).toBe(0);
    expect(await f.getByRole('button', { name: 'Retirer Bruno de la séance' }).count()).toBe(1);
    // His card stays on the board.
    expect(await board(f).locator('.card', { hasText: 'weekly check-in' }).count()).toBe(1);
    await screenshot(f, 'people-left-facilitator-desktop');

    // His link brings him back to the same seat (RM-8).
    await reopenPage(bruno);
    await bruno.page.goto(joinUrl);
    await bruno.page.getByTestId('people').waitFor();
    await eventually(() => row(f, 'Bruno').getAttribute('data-presence')).toBe('connected');
    await eventually(() => f.getByLabel('Rôle de Bruno').count()).toBe(1);
    await eventually(() => bruno.page.getByTestId('post-box').count()).toBe(1);

    // The facilitator removes Chloé: her page says so, and nothing she sends gets through.
    await f.getByRole('button', { name: 'Retirer Chloé de la séance' }).click();
    await f
      .getByRole('alertdialog', { name: 'Retirer Chloé de la séance' })
      .getByRole('button', { name: 'Retirer' })
      .click();
    const c = chloe.page;
    await eventually(() => c.getByTestId('closed').getAttribute('data-reason')).toBe('removed');
    await eventually(() => c.getByRole('heading', { level: 1 }).textContent()).toBe(
      'Vous n’êtes plus dans la séance',
    );
    expect(await c.getByRole('status').textContent()).toBe('Vous avez été retiré·e de la séance.');
    expect(await c.getByTestId('post-box').count()).toBe(0);
    const forged = await sendFrom(c, { type: 'post_card', kind: 'suggestion', text: 'Après mon départ' });
    expect(forged.ok).toBe(false);
    for (const p of [f, anne.page, bruno.page]) {
      await eventually(() => row(p, 'Chloé').count()).toBe(0);
      expect(await board(p).locator('.card', { hasText: 'Après mon départ' }).count()).toBe(0);
    }
    await screenshot(c, 'removed-desktop');

    // Anne keeps a private note, then the facilitator ends the session and erases everything.
    await anne.page.getByPlaceholder(/pour vous seul/).fill('Penser à rappeler Paul.');
    await anne.page.getByRole('button', { name: 'Ajouter au carnet' }).click();
    await eventually(() => anne.page.locator('.logbook-list li').count()).toBe(1);
    // A half-written card stays in her browser as a draft (PG-1)... until the room is erased.
    await anne.page.getByTestId('post-box').locator('textarea').fill('Brouillon jamais envoyé');
    const draftKeys = (page: Page) =>
      page.evaluate(() => Object.keys(localStorage).filter((key) => key.startsWith('cercle.draft.')));
    await eventually(() => draftKeys(anne.page)).toHaveLength(1);
    await f.getByRole('button', { name: /Clore et tout effacer/ }).click();
    await f
      .getByRole('alertdialog')
      .getByRole('button', { name: /Clore et tout effacer/ })
      .click();

    // Everyone sees the ended screen, told the content is erased, with what their page held to take away.
    for (const p of [f, anne.page, bruno.page]) {
      await p.getByTestId('record').waitFor();
      await p.getByTestId('purged-notice').waitFor();
    }
    await eventually(() => draftKeys(anne.page)).toEqual([]);
    const record = await downloadText(anne.page, () => anne.page.getByTestId('download-record').click());
    expect(record.name).toMatch(/\.md$/);
    expect(record.text).toContain('Atelier du mardi');
    const logbook = await downloadText(anne.page, () => anne.page.getByTestId('download-logbook').click());
    expect(logbook.text).toContain('Penser à rappeler Paul.');
    // Her notes stay readable but nothing can be written any more: there is no room to write to.
    expect(await anne.page.getByRole('button', { name: 'Ajouter au carnet' }).count()).toBe(0);
    expect(await anne.page.getByRole('button', { name: 'Effacer la note' }).count()).toBe(0);
    await screenshot(anne.page, 'purged-record-phone');
    expect(await horizontalOverflow(anne.page)).toEqual([]);
    expect(await unnamedControls(anne.page)).toEqual([]);

    // A reload finds nothing left: the page says the room no longer exists, plainly.
    for (const p of [anne.page, f]) {
      await p.reload();
      await eventually(() => p.getByTestId('closed').getAttribute('data-reason')).toBe('purged');
      expect(await p.getByRole('heading', { level: 1 }).textContent()).toBe('Cette séance n’existe plus');
      expect(await p.getByLabel('Votre prénom').count()).toBe(0);
    }
    await screenshot(anne.page, 'gone-phone');
    const facts = await fetch(`${live.server.url}/api/rooms/${code}`);
    expect(facts.status).toBe(404);

    for (const p of people) expect(p.problems, `${p.name}'s page`).toEqual([]);
  });
});
