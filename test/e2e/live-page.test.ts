import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { axeViolations } from '../support/axe.js';
import {
  desktop,
  horizontalOverflow,
  openPerson,
  type Person,
  screenshot,
  seatOf,
  sendFrom,
  unnamedControls,
  viewOf,
} from '../support/browser.js';
import { eventually, serverAndBrowser } from '../support/e2e.js';

/** The narrow window beside a video call (issue 11). */
const narrow = { width: 360, height: 740 };

const phaseName = (page: Page) => page.locator('#phase-name');
const phaseIndex = async (page: Page) => ((await viewOf(page)) as { phaseIndex: number }).phaseIndex;
const board = (page: Page) => page.getByTestId('board');
const shelf = (page: Page) => page.getByTestId('draft-shelf');
const logbookBox = (page: Page) => page.getByPlaceholder(/pour vous seul/);

/** Is the element's box inside the window's viewport (at least partly, and not zero-sized)? */
async function inViewport(page: Page, selector: string): Promise<boolean> {
  return page.evaluate((sel) => {
    const el = document.querySelector(sel);
    if (!el) return false;
    const box = el.getBoundingClientRect();
    return box.width > 0 && box.height > 0 && box.bottom > 0 && box.top < window.innerHeight;
  }, selector);
}

describe('live facilitation on the page: one move per intent, nothing typed is lost, a narrow window, seats that follow people', () => {
  const live = serverAndBrowser();
  const people: Person[] = [];

  it('runs a codev session where every offered control is accepted', { timeout: 240_000 }, async () => {
    const created = await fetch(`${live.server.url}/api/rooms`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ template: 'codev', title: 'Séance du jeudi', locale: 'fr' }),
    });
    expect(created.status).toBe(201);
    const { joinUrl, facilitatorKey } = (await created.json()) as { joinUrl: string; facilitatorKey: string };
    const join = async (name: string, url: string, viewport = desktop) => {
      const person = await openPerson(live.browser, name, { locale: 'fr-FR', viewport });
      people.push(person);
      await person.page.goto(url);
      await person.page.getByLabel('Votre prénom').fill(name);
      await person.page.keyboard.press('Enter');
      await person.page.getByTestId('people').waitFor();
      return person;
    };
    const fanny = await join('Fanny', `${joinUrl}#key=${encodeURIComponent(facilitatorKey)}`);
    const claire = await join('Claire', joinUrl);
    const anne = await join('Anne', joinUrl, narrow);
    const bruno = await join('Bruno', joinUrl);
    const f = fanny.page;
    await eventually(() => f.locator('[data-testid=people] .people li').count()).toBe(4);
    await f.getByLabel('Rôle de Claire').selectOption('client');
    await f.getByRole('button', { name: /Lancer la séance/ }).click();
    await eventually(() => phaseName(anne.page).textContent()).toBe('Exposé');

    // Every card button offered is accepted (VW-5): each person clicks every one they see, no refusal.
    // The first cards and the last one, with every kind of button; "withdraw" only on the last, so the
    // cards stay for the synthesis.
    const clickEveryCardButton = async (person: Person) => {
      const page = person.page;
      const cards = board(page).locator('.card[data-card-id]');
      const all = await cards.evaluateAll((els) => els.map((el) => el.getAttribute('data-card-id') ?? ''));
      const ids = [...new Set([...all.slice(0, 3), ...all.slice(-1)])];
      for (const [n, id] of ids.entries()) {
        const card = board(page).locator(`.card[data-card-id="${id}"]`);
        const names = (await card.locator('.actions button').allTextContents()).map((name) => name.trim());
        for (const name of names) {
          if (/^Retirer/.test(name) && (n !== ids.length - 1 || ids.length < 2)) continue;
          const button = card.locator('.actions button', { hasText: name });
          if ((await button.count()) !== 1 || !(await button.isEnabled())) continue;
          await button.click();
          if (name === 'Modifier') {
            const area = card.locator('textarea');
            await area.fill(`${(await area.inputValue()).trim()} (revue)`);
            await card.getByRole('button', { name: 'Enregistrer' }).click();
          }
          await eventually(() => page.locator('.status-pill').count()).toBe(0);
        }
      }
      expect(await page.locator('.toast').allTextContents(), `${person.name}'s refusals`).toEqual([]);
    };
    const everyCardButton = async () => {
      for (const person of [fanny, claire, anne, bruno]) await clickEveryCardButton(person);
    };

    // One move per intent (PH-4, PG-5): a double-click on "next" moves exactly one phase, for everyone.
    const next = f.getByRole('button', { name: /Étape suivante/ });
    await next.dblclick();
    await eventually(() => phaseName(anne.page).textContent()).toBe('Clarification');
    // The button is still again once the move has landed and settled: any second move would be sent by now.
    await eventually(() => next.isEnabled()).toBe(true);
    expect(await phaseIndex(f)).toBe(1);
    expect(await phaseIndex(anne.page)).toBe(1);
    // A second page pressing "next" for the same phase changes nothing: already done, no error shown.
    const late = await sendFrom(f, { type: 'next_phase', from: 0 });
    expect(late).toMatchObject({ ok: false, error: { code: 'stale_move' } });
    expect(await f.locator('.toast').count()).toBe(0);

    // Undo right after a move (the click used to be swallowed by the pause that follows a move).
    await next.click();
    await eventually(() => phaseName(f).textContent()).toBe('Contrat');
    await f.getByRole('button', { name: 'Revenir à « Clarification »' }).click();
    await eventually(() => phaseName(anne.page).textContent()).toBe('Clarification');
    await eventually(() => next.isEnabled()).toBe(true);
    expect(await phaseIndex(f)).toBe(1);

    // Nothing typed is lost (PG-1). Anne starts a question, the phase moves on under her pen: the words
    // wait on the shelf, survive a reload, can go to her logbook, and are back in the box when it reopens.
    const anneBox = anne.page.getByTestId('post-box').locator('textarea');
    await anneBox.fill('Qui d’autre est au courant ?');
    await next.click();
    await eventually(() => phaseName(anne.page).textContent()).toBe('Contrat');
    expect(await anne.page.getByTestId('post-box').count()).toBe(0);
    await eventually(() => shelf(anne.page).locator('.kept-draft .text').textContent()).toBe(
      'Qui d’autre est au courant ?',
    );
    // Claire half-writes her request, then both pages reload.
    await claire.page.getByLabel('Votre demande en une phrase').fill('Comment dire non à ma');
    await logbookBox(claire.page).fill('Note à moitié');
    await anne.page.reload();
    await claire.page.reload();
    await eventually(() => shelf(anne.page).locator('.kept-draft .text').textContent()).toBe(
      'Qui d’autre est au courant ?',
    );
    await eventually(() => claire.page.getByLabel('Votre demande en une phrase').inputValue()).toBe(
      'Comment dire non à ma',
    );
    expect(await logbookBox(claire.page).inputValue()).toBe('Note à moitié');
    // The logbook's draft never shows on the shelf (it may be on a shared screen).
    expect(await shelf(claire.page).count()).toBe(0);
    await shelf(anne.page).getByRole('button', { name: 'Copier dans mon carnet' }).click();
    await eventually(() => logbookBox(anne.page).inputValue()).toBe('Qui d’autre est au courant ?');
    expect(await axeViolations(anne.page)).toEqual([]);
    await screenshot(anne.page, 'kept-draft-narrow');
    // Back to the clarification: the question is in its box again, and posting it clears the draft.
    await f.getByRole('button', { name: /Étape précédente/ }).click();
    await eventually(() => anneBox.inputValue()).toBe('Qui d’autre est au courant ?');
    expect(await shelf(anne.page).count()).toBe(0);
    await anne.page.getByTestId('post-box').getByRole('button', { name: 'Publier' }).click();
    await eventually(() =>
      board(f).locator('.card', { hasText: 'Qui d’autre est au courant ?' }).count(),
    ).toBe(1);
    await everyCardButton();
    await eventually(() => anneBox.inputValue()).toBe('');
    await anne.page.reload();
    await eventually(() => anneBox.inputValue()).toBe('');
    expect(await shelf(anne.page).count()).toBe(0);
    const kept = await anne.page.evaluate(() =>
      Object.keys(localStorage).filter((k) => k.startsWith('cercle.draft.') && !k.endsWith('.logbook')),
    );
    expect(kept).toEqual([]);
    await eventually(() => next.isEnabled()).toBe(true);
    await next.click();
    await eventually(() => claire.page.getByLabel('Votre demande en une phrase').count()).toBe(1);
    await claire.page.getByLabel('Votre demande en une phrase').fill('Comment dire non à ma directrice ?');
    await claire.page.getByRole('button', { name: 'Épingler la demande' }).click();
    await eventually(() => anne.page.getByTestId('statement-client_request').textContent()).toBe(
      'Comment dire non à ma directrice ?',
    );
    await everyCardButton();

    // PG-3, PG-6. Consultation, at 360 px with 15 cards on the board: the compact bar keeps the phase, the countdown,
    // "paused" and what to do in view while Anne writes, and the box is one tap away.
    await eventually(() => next.isEnabled()).toBe(true);
    await next.click();
    await eventually(() => phaseName(anne.page).textContent()).toBe('Consultation');
    for (let i = 1; i <= 14; i++) {
      const ack = await sendFrom(bruno.page, { type: 'post_card', kind: 'suggestion', text: `Idée n°${i}` });
      expect(ack.ok).toBe(true);
    }
    await eventually(() => board(anne.page).locator('.card').count()).toBe(15);
    await f.getByRole('button', { name: /Pause/ }).click();
    const bar = anne.page.getByTestId('compact-now');
    await eventually(() => bar.textContent()).toContain('En pause');
    expect(await bar.textContent()).toContain('Consultation');
    expect(await bar.textContent()).toContain((await anne.page.getByTestId('doing').textContent()) ?? '?');
    await anne.page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
    await bar.getByRole('button', { name: 'Écrire' }).click();
    await eventually(() =>
      anne.page.evaluate(() => document.activeElement?.closest('[data-testid=post-box]') !== null),
    ).toBe(true);
    await anne.page.keyboard.type('Écrire à votre directrice');
    expect(await inViewport(anne.page, '[data-testid=compact-timer]')).toBe(true);
    expect(await inViewport(anne.page, '[data-testid=post-box] textarea')).toBe(true);
    expect(await anne.page.getByTestId('compact-timer').textContent()).toMatch(/^\d+:\d\d$/);
    // Scrolled to the foot of the board, the countdown is still there.
    await anne.page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
    expect(await inViewport(anne.page, '[data-testid=compact-timer]')).toBe(true);
    expect(await horizontalOverflow(anne.page)).toEqual([]);
    expect(await axeViolations(anne.page)).toEqual([]);
    await screenshot(anne.page, 'compact-bar-narrow');
    await f.getByRole('button', { name: /Reprendre/ }).click();
    await anne.page.getByTestId('post-box').getByRole('button', { name: 'Publier' }).click();
    await eventually(() => board(f).locator('.card').count()).toBe(16);
    // A card posted while the connection is down, then the page reloaded before it came back: the
    // command went with the old page, the words did not. They wait on the shelf and go back in the box.
    await bruno.page.evaluate(() =>
      (window as unknown as { __cercle: { offline: (on: boolean) => void } }).__cercle.offline(true),
    );
    await bruno.page.getByTestId('post-box').locator('textarea').fill('Écrit hors ligne');
    await bruno.page.getByTestId('post-box').getByRole('button', { name: 'Publier' }).click();
    await eventually(() => bruno.page.getByTestId('post-box').locator('textarea').inputValue()).toBe('');
    await bruno.page.reload();
    await eventually(() => shelf(bruno.page).locator('.kept-draft .text').textContent()).toBe(
      'Écrit hors ligne',
    );
    await shelf(bruno.page).getByRole('button', { name: 'Remettre dans la zone' }).click();
    await eventually(() => bruno.page.getByTestId('post-box').locator('textarea').inputValue()).toBe(
      'Écrit hors ligne',
    );
    expect(await shelf(bruno.page).count()).toBe(0);
    await bruno.page.getByTestId('post-box').getByRole('button', { name: 'Publier' }).click();
    await eventually(() => board(f).locator('.card', { hasText: 'Écrit hors ligne' }).count()).toBe(1);
    await eventually(() => board(f).locator('.card').count()).toBe(17);

    await everyCardButton();
    await eventually(() => next.isEnabled()).toBe(true);
    await next.click();
    await eventually(() => phaseName(claire.page).textContent()).toBe('Synthèse et plan d’action');
    await everyCardButton();
    // Keep and set aside can be undone.
    await eventually(() =>
      board(claire.page).locator('.card', { hasText: 'Idée n°1' }).first().getAttribute('data-status'),
    ).not.toBe('open');
    const firstIdea = board(claire.page)
      .locator('.card', { hasText: /^Idée n°1(?!\d)/ })
      .first();
    if ((await firstIdea.getAttribute('data-status')) !== 'open')
      await firstIdea.getByRole('button', { name: /Remettre en attente/ }).click();
    await eventually(() => firstIdea.getAttribute('data-status')).toBe('open');

    // Action items can be changed by their owner (edit_action), and the fields are drafts too.
    await claire.page.getByLabel('Quoi').fill('Préparer trois phrases');
    await claire.page.getByRole('button', { name: 'Ajouter l’action' }).click();
    await eventually(() => f.getByTestId('action-plan').textContent()).toContain('Préparer trois phrases');
    await claire.page.getByRole('button', { name: 'Modifier l’action « Préparer trois phrases »' }).click();
    await claire.page.getByTestId('action-plan').getByLabel('Pour quand').first().fill('lundi');
    await claire.page.reload();
    await eventually(() =>
      claire.page.getByTestId('action-plan').getByLabel('Pour quand').first().inputValue(),
    ).toBe('lundi');
    await claire.page.getByTestId('action-plan').getByRole('button', { name: 'Enregistrer' }).click();
    await eventually(() => f.getByTestId('action-plan').textContent()).toContain('lundi');

    // A logbook note can be changed: sealed again in the page (logbook_edit), the new words shown.
    await logbookBox(bruno.page).fill('Première idée');
    await bruno.page.getByRole('button', { name: 'Ajouter au carnet' }).click();
    await eventually(() => bruno.page.locator('.logbook-list li').textContent()).toContain('Première idée');
    await bruno.page.locator('.logbook-list').getByRole('button', { name: 'Modifier la note' }).click();
    await bruno.page.getByLabel('Modifier la note').fill('Idée revue');
    await bruno.page.getByRole('button', { name: 'Enregistrer la note' }).click();
    await eventually(() => bruno.page.locator('.logbook-list li').textContent()).toContain('Idée revue');

    // Seats that follow people (PG-2): Bruno opens his seat on another device, same seat, same role,
    // same logbook.
    await bruno.page.getByText('Ouvrir sur un autre appareil').click();
    const deviceUrl = await bruno.page.getByTestId('device-url').inputValue();
    expect(deviceUrl).toMatch(/#seat=[^&]+&lk=[A-Za-z0-9_-]{43}$/);
    expect(await axeViolations(bruno.page)).toEqual([]);
    const phone = await openPerson(live.browser, 'Bruno (téléphone)', { locale: 'fr-FR', viewport: narrow });
    people.push(phone);
    await phone.page.goto(deviceUrl);
    await phone.page.getByTestId('people').waitFor();
    const before = await seatOf(bruno.page);
    expect((await seatOf(phone.page)).participantId).toBe(before.participantId);
    const roleOf = async (page: Page, id: string | null) =>
      ((await viewOf(page)) as { participants: Record<string, { role: string }> }).participants[id ?? '']
        ?.role;
    expect(await roleOf(phone.page, before.participantId)).toBe('consultant');
    expect(phone.page.url()).not.toContain('#');
    await eventually(() => phone.page.locator('.logbook-list li').textContent()).toContain('Idée revue');
    // No second seat appeared.
    expect(await f.locator('[data-testid=people] .people li').count()).toBe(4);

    // PG-4: the facilitator hides her logbook for a screen share: one click, remembered for the room.
    await logbookBox(f).fill('Penser à la pause');
    await f.getByTestId('hide-logbook').click();
    await eventually(() => f.getByTestId('logbook-hidden').count()).toBe(1);
    expect(await f.getByText('Penser à la pause').count()).toBe(0);
    expect(await f.getByTestId('device-link').count()).toBe(0);
    await f.reload();
    await eventually(() => f.getByTestId('logbook-hidden').count()).toBe(1);
    await f.getByRole('button', { name: 'Afficher mon carnet' }).click();
    await eventually(() => logbookBox(f).inputValue()).toBe('Penser à la pause');

    // The session ends while Claire is still writing an action: on the record screen the words wait on
    // the shelf, to copy into her logbook and take away.
    await claire.page.getByTestId('action-plan').getByLabel('Quoi').last().fill('Action pas finie');
    expect(await sendFrom(f, { type: 'end', purge: false })).toMatchObject({ ok: true });
    await claire.page.getByTestId('record').waitFor();
    await eventually(() => shelf(claire.page).locator('.kept-draft .text').textContent()).toBe(
      'Action pas finie',
    );
    await shelf(claire.page).getByRole('button', { name: 'Copier dans mon carnet' }).click();
    await eventually(() => logbookBox(claire.page).inputValue()).toContain('Action pas finie');
    expect(await axeViolations(claire.page)).toEqual([]);

    for (const p of [f, anne.page, phone.page]) expect(await unnamedControls(p)).toEqual([]);
    for (const p of people) expect(p.problems, `${p.name}'s page`).toEqual([]);
  });
});
