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
  seatOf,
  unnamedControls,
} from '../support/browser.js';
import { eventually, serverAndBrowser } from '../support/e2e.js';

const phaseName = (page: Page) => page.locator('#phase-name');
const board = (page: Page) => page.getByTestId('board');
const cardTexts = (page: Page) => board(page).locator('.card .text');
/** PG-6: no WCAG 2.1 AA violation (axe-core) on what these pages show now. */
async function accessible(...pages: Page[]): Promise<void> {
  for (const page of pages) expect(await axeViolations(page), page.url()).toEqual([]);
}

describe('a co-development session in real browsers', () => {
  const live = serverAndBrowser();
  const people: Person[] = [];

  it('creates, joins by link, runs the six phases with the consultation lock, survives a reload, and hands over the record', {
    timeout: 240_000,
  }, async () => {
    // The facilitator creates the room on the home page (French live.browser).
    const fanny = await openPerson(live.browser, 'Fanny', { locale: 'fr-FR', viewport: desktop });
    people.push(fanny);
    const f = fanny.page;
    const response = await f.goto(live.server.url);
    // The page is served under a strict policy (no inline script or style); any violation fails below.
    expect(response?.headers()['content-security-policy']).toContain("script-src 'self'");
    await eventually(() => f.locator('html').getAttribute('lang')).toBe('fr');
    await screenshot(f, 'home-desktop');
    await accessible(f);
    await f.getByLabel('Votre prénom').fill('Fanny');
    await f.getByLabel('Titre (facultatif)').fill('Groupe managers, séance 3');
    await f.getByRole('button', { name: 'Créer la séance' }).click();

    // She lands in the room with the code, the link, a QR code and her private link ready.
    const code = (await f.getByTestId('room-code').textContent())?.replace('-', '') ?? '';
    expect(code).toMatch(/^[A-Z2-9]{7}$/);
    const link = (await f.getByTestId('join-link').textContent()) ?? '';
    expect(link).toBe(`${live.server.url}/r/${code}`);
    await eventually(() => f.getByRole('img', { name: /QR code/ }).count()).toBe(1);
    await eventually(() => f.getByRole('button', { name: 'Copier mon lien privé' }).count()).toBe(1);
    expect(f.url()).not.toContain('key='); // the key never sits in a URL query
    await eventually(() => f.locator('[data-testid=people] [data-role]').first().textContent()).toBe(
      'Animateur',
    );

    // A client and three consultants join by the link: a name, Enter, in.
    const joinAs = async (name: string, options: Parameters<typeof openPerson>[2]) => {
      const person = await openPerson(live.browser, name, options);
      people.push(person);
      await person.page.goto(link);
      await person.page.getByLabel(/Votre prénom|Your first name/).fill(name);
      if (name === 'Anne') {
        await screenshot(person.page, 'join-phone');
        await accessible(person.page);
      }
      await person.page.keyboard.press('Enter');
      await person.page.getByTestId('people').waitFor();
      return person;
    };
    const claire = await joinAs('Claire', { locale: 'fr-FR', viewport: desktop });
    const anne = await joinAs('Anne', { locale: 'fr-FR', viewport: phone });
    const bruno = await joinAs('Bruno', { locale: 'en-GB', viewport: desktop });
    const chloe = await joinAs('Chloé', { locale: 'fr-FR', viewport: desktop });
    const everyone = [fanny, claire, anne, bruno, chloe];
    const consultants = [anne, bruno, chloe];
    await eventually(() => bruno.page.locator('html').getAttribute('lang')).toBe('en');
    await eventually(() => f.locator('[data-testid=people] .people li').count()).toBe(5);

    // A locked entrance: a late arrival waits, is shown nothing of the room, and is let in.
    await f.getByRole('button', { name: /Verrouiller l’entrée/ }).click();
    const eve = await openPerson(live.browser, 'Eve', { locale: 'en-GB', viewport: phone });
    people.push(eve);
    await eve.page.goto(link);
    await eve.page.getByLabel('Your first name').fill('Eve');
    await eve.page.keyboard.press('Enter');
    await eve.page.getByRole('heading', { name: 'You are in the waiting room' }).waitFor();
    expect(await eve.page.getByTestId('board').count()).toBe(0);
    await screenshot(eve.page, 'waiting-phone');
    await accessible(eve.page);
    await f.getByRole('button', { name: 'Faire entrer Eve' }).click();
    await eve.page.getByTestId('people').waitFor();
    await f.getByRole('button', { name: /Déverrouiller l’entrée/ }).click();
    await eventually(() => f.locator('[data-testid=people] .people li').count()).toBe(6);

    // Roles, then start.
    await eventually(() => f.getByTestId('start-missing').textContent()).toContain('Client');
    await f.getByLabel('Rôle de Claire').selectOption('client');
    await screenshot(f, 'lobby-facilitator-desktop');
    await accessible(f, anne.page);
    await f.getByRole('button', { name: /Lancer la séance/ }).click();
    for (const p of everyone)
      await eventually(() => phaseName(p.page).textContent()).toMatch(/Exposé|Presentation/);

    // 1. Exposé: the client speaks, everybody else listens; nobody has a post box.
    await eventually(() => claire.page.getByTestId('doing').textContent()).toContain('vous avez la parole');
    await eventually(() => bruno.page.getByTestId('doing').textContent()).toBe(
      'You listen: the client speaks.',
    );
    for (const p of everyone) expect(await p.page.getByTestId('post-box').count()).toBe(0);
    await accessible(f, claire.page, anne.page);
    // The same countdown on every screen, from the server's deadline and each page's clock offset.
    const clocks = await Promise.all(
      everyone.map((p) => p.page.getByTestId('phase-timer').locator('.clock').textContent()),
    );
    const seconds = clocks.map((c) => {
      const [m, s] = (c ?? '0:0').split(':').map(Number);
      return (m ?? 0) * 60 + (s ?? 0);
    });
    expect(Math.max(...seconds) - Math.min(...seconds)).toBeLessThanOrEqual(2);

    // Timer controls reach everyone.
    await f.getByRole('button', { name: /Pause/ }).click();
    for (const p of [claire, bruno])
      await eventually(() =>
        p.page.getByTestId('phase-timer').locator('.label').first().textContent(),
      ).toMatch(/En pause|Paused/);
    await f.getByRole('button', { name: /Reprendre/ }).click();
    await f.getByRole('button', { name: 'Ajouter cinq minutes' }).click();
    await eventually(() => anne.page.getByTestId('phase-timer').locator('.label').first().textContent()).toBe(
      'Temps restant',
    );
    await eventually(() => claire.page.getByTestId('phase-timer').locator('.clock').textContent()).toMatch(
      /^(19|20):/,
    );

    // 2. Clarification: consultants ask, the client answers.
    await f.getByRole('button', { name: /Étape suivante/ }).click();
    await eventually(() => anne.page.locator('#phase-name').textContent()).toBe('Clarification');
    await anne.page.getByLabel(/Écrire une question/).fill('Qui décide du budget ?');
    await anne.page.getByRole('button', { name: 'Publier' }).click();
    await claire.page.getByLabel(/Écrire une réponse/).fill('Ma directrice.');
    await claire.page.getByRole('button', { name: 'Publier' }).click();
    for (const p of everyone)
      await eventually(() => cardTexts(p.page).allTextContents()).toEqual([
        'Qui décide du budget ?',
        'Ma directrice.',
      ]);
    await accessible(f, claire.page, anne.page);

    // 3. Contract: the client pins the request.
    await f.getByRole('button', { name: /Étape suivante/ }).click();
    await eventually(() => claire.page.locator('#phase-name').textContent()).toBe('Contrat');
    await claire.page
      .getByLabel('Votre demande en une phrase')
      .fill('Comment regagner la confiance de mon équipe ?');
    await claire.page.getByRole('button', { name: 'Épingler la demande' }).click();
    for (const p of everyone) {
      await eventually(() => p.page.getByTestId('statement-client_request').textContent()).toBe(
        'Comment regagner la confiance de mon équipe ?',
      );
    }
    await accessible(f, claire.page, anne.page);

    // 4. Consultation: the client listens and has no post box; a forged post from her page is refused.
    await f.getByRole('button', { name: /Étape suivante/ }).click();
    await eventually(() => claire.page.locator('#phase-name').textContent()).toBe('Consultation');
    await eventually(() => claire.page.getByTestId('doing').textContent()).toContain(
      'Vous écoutez et prenez des notes',
    );
    expect(await claire.page.getByTestId('post-box').count()).toBe(0);
    await eventually(() => claire.page.getByTestId('board-locked').count()).toBe(1);
    const forged = await claire.page.evaluate(() =>
      (window as unknown as { __cercle: { send: (c: unknown) => Promise<unknown> } }).__cercle.send({
        type: 'post_card',
        kind: 'suggestion',
        text: 'Forged by the client',
      }),
    );
    expect(forged).toMatchObject({ ok: false, error: { code: 'board_locked_in_phase' } });
    await eventually(() => claire.page.locator('.toast').textContent()).toContain('Non envoyé');
    // The client keeps private notes meanwhile.
    await claire.page.getByPlaceholder(/pour vous seul/).fill('Je me sens entendue. Idée : parler à Paul.');
    await claire.page.getByRole('button', { name: 'Ajouter au carnet' }).click();
    await eventually(() => claire.page.locator('.logbook-list li').count()).toBe(1);

    const suggestions = [
      'Faire un point individuel avec chacun',
      'Partager vos doutes en réunion',
      'Demander un feedback anonyme',
    ];
    for (const [i, p] of consultants.entries()) {
      const box = p.page.getByTestId('post-box');
      await box.locator('textarea').fill(suggestions[i] ?? '');
      await box.getByRole('button', { name: /Publier|Post/ }).click();
    }
    for (const p of everyone) {
      await eventually(() => board(p.page).locator('.card[data-status]').count()).toBe(5);
      const texts = await cardTexts(p.page).allTextContents();
      for (const s of suggestions) expect(texts).toContain(s);
      expect(texts).not.toContain('Forged by the client');
    }
    // A dropped connection: the banner says so; a card written meanwhile is sent on return, exactly once.
    const hook = (page: Page, on: boolean) =>
      page.evaluate(
        (value) =>
          (window as unknown as { __cercle: { offline: (v: boolean) => void } }).__cercle.offline(value),
        on,
      );
    await hook(anne.page, true);
    await eventually(() => anne.page.getByRole('status').filter({ hasText: 'reconnexion' }).count()).toBe(1);
    await anne.page.getByTestId('post-box').locator('textarea').fill('Écrire un mot à chacun');
    await anne.page.getByTestId('post-box').getByRole('button', { name: 'Publier' }).click();
    await screenshot(anne.page, 'reconnecting-consultant-phone');
    await hook(anne.page, false);
    for (const p of everyone) {
      await eventually(() =>
        board(p.page).locator('.card', { hasText: 'Écrire un mot à chacun' }).count(),
      ).toBe(1);
    }
    await eventually(() => anne.page.getByRole('status').filter({ hasText: 'reconnexion' }).count()).toBe(0);

    // Nobody else sees the client's logbook.
    for (const p of [fanny, anne, bruno])
      expect(await p.page.getByText('Je me sens entendue').count()).toBe(0);
    await claire.page.getByRole('button', { name: 'Fermer' }).click();
    await screenshot(claire.page, 'consultation-client-desktop');
    await screenshot(anne.page, 'consultation-consultant-phone');
    expect(await horizontalOverflow(anne.page)).toEqual([]);
    await screenshot(f, 'consultation-facilitator-desktop');
    // Every control can be named by a screen reader, on the busiest screens.
    for (const p of [f, claire.page, anne.page]) expect(await unnamedControls(p)).toEqual([]);
    await accessible(f, claire.page, anne.page);

    // A reload mid-session puts Bruno back in his seat: same participant, no second seat.
    const before = await seatOf(bruno.page);
    await bruno.page.reload();
    await bruno.page.getByTestId('people').waitFor();
    const after = await seatOf(bruno.page);
    expect(after.participantId).toBe(before.participantId);
    await eventually(() => phaseName(bruno.page).textContent()).toBe('Consultation');
    await eventually(() => bruno.page.getByTestId('post-box').count()).toBe(1);
    await eventually(() => f.locator('[data-testid=people] .people li').count()).toBe(6);
    await eventually(() =>
      f.locator(`[data-participant-id="${after.participantId}"] .dot.away`).count(),
    ).toBe(0);

    // Raise hand, and the facilitator gives the floor to the next hand.
    await chloe.page.getByRole('button', { name: /Lever la main/ }).click();
    await eventually(() => f.getByRole('button', { name: /main suivante/ }).count()).toBe(1);
    await f.getByRole('button', { name: /main suivante/ }).click();
    await eventually(() => chloe.page.getByTestId('doing').textContent()).toContain('vous avez la parole');
    await eventually(() => anne.page.locator('.speaker-line').first().textContent()).toContain(
      'Chloé a la parole',
    );

    // 5. Synthesis: the client keeps two suggestions, sets one aside, writes the plan and her confidence.
    await f.getByRole('button', { name: /Étape suivante/ }).click();
    await eventually(() => claire.page.locator('#phase-name').textContent()).toBe(
      'Synthèse et plan d’action',
    );
    const cardOf = (page: Page, text: string) => board(page).locator('.card', { hasText: text });
    await cardOf(claire.page, suggestions[0] ?? '')
      .getByRole('button', { name: /Retenir/ })
      .click();
    await cardOf(claire.page, suggestions[2] ?? '')
      .getByRole('button', { name: /Retenir/ })
      .click();
    await cardOf(claire.page, suggestions[1] ?? '')
      .getByRole('button', { name: /Mettre de côté/ })
      .click();
    await eventually(() => board(anne.page).locator('.card.kept').count()).toBe(2);
    expect(await anne.page.getByRole('button', { name: /Retenir/ }).count()).toBe(0);
    await claire.page.getByLabel('Quoi').fill('Voir chaque membre de l’équipe en tête-à-tête');
    await claire.page.getByLabel('Pour quand').fill('fin du mois');
    await claire.page.getByLabel('Avec qui').fill('mon équipe');
    await claire.page.getByRole('button', { name: 'Ajouter l’action' }).click();
    await claire.page
      .getByRole('group', { name: /Ma confiance/ })
      .getByRole('button', { name: '8', exact: true })
      .click();
    await eventually(() => f.getByTestId('action-plan').textContent()).toContain('Voir chaque membre');
    await eventually(() => f.getByTestId('confidence-value').textContent()).toContain('8/10');
    await screenshot(claire.page, 'synthesis-client-desktop');
    await accessible(f, claire.page, anne.page);

    // 6. Learning: each shares, a round with a per-speaker time, a review.
    await f.getByRole('button', { name: /Étape suivante/ }).click();
    await eventually(() => bruno.page.locator('#phase-name').textContent()).toBe('Learning and review');
    await bruno.page.getByLabel('What I take away').fill('Asking before advising.');
    await bruno.page.getByRole('button', { name: 'Share' }).click();
    await f.getByLabel('Minutes par personne').fill('1');
    await f.getByRole('button', { name: /Lancer le tour de table/ }).click();
    await eventually(() => claire.page.getByTestId('speaker-timer').count()).toBe(1);
    await anne.page.getByRole('button', { name: '4 sur 5' }).click();
    await anne.page.getByRole('button', { name: 'Envoyer mon évaluation' }).click();
    await eventually(() => f.getByTestId('learnings').textContent()).toContain('Asking before advising.');
    await eventually(() => f.getByTestId('learnings').textContent()).toContain('Moyenne 4,0/5');
    await screenshot(anne.page, 'learning-consultant-phone');
    await screenshot(f, 'learning-facilitator-desktop');
    await accessible(f, claire.page, anne.page);

    // The end: everyone gets the record screen; the client downloads hers.
    await f.getByRole('button', { name: /Terminer la séance/ }).click();
    await f
      .getByRole('alertdialog')
      .getByRole('button', { name: /Terminer la séance/ })
      .click();
    for (const p of everyone) await p.page.getByTestId('record').waitFor();
    const record = await downloadText(claire.page, () => claire.page.getByTestId('download-record').click());
    expect(record.name).toMatch(/\.md$/);
    expect(record.text).toContain('Comment regagner la confiance de mon équipe ?');
    // RD-2: every suggestion, with its status and its author.
    expect(record.text).toMatch(new RegExp(`- ${suggestions[0]} — _retenue · \\w+`));
    expect(record.text).toMatch(new RegExp(`- ${suggestions[2]} — _retenue · \\w+`));
    expect(record.text).toMatch(new RegExp(`- ${suggestions[1]} — _mise de côté · \\w+`));
    expect(record.text).toContain('Voir chaque membre de l’équipe en tête\\-à\\-tête'.replace(/\\/g, ''));
    expect(record.text).toContain('8/10');
    const logbook = await downloadText(claire.page, () =>
      claire.page.getByTestId('download-logbook').click(),
    );
    expect(logbook.text).toContain('Je me sens entendue');
    await eventually(() => claire.page.getByRole('img', { name: /Temps prévu et temps réel/ }).count()).toBe(
      1,
    );
    await screenshot(claire.page, 'record-client-desktop');
    expect(await unnamedControls(claire.page)).toEqual([]);
    await screenshot(anne.page, 'record-consultant-phone');
    await accessible(f, claire.page, anne.page);

    for (const p of people) expect(p.problems, `${p.name}'s page`).toEqual([]);
  });
});
