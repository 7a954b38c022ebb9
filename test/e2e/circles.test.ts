import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { desktop, downloadText, openPerson, type Person } from '../support/browser.js';
import { call, enterSession, type TestCircle } from '../support/circles.js';
import type { TestParticipant } from '../support/clients.js';
import { eventually, serverAndBrowser } from '../support/e2e.js';
import { seal } from '../support/sealed.js';

const secretOf = (page: Page, circleId: string) =>
  page.evaluate((id) => window.localStorage.getItem(`cercle.circle.${id}`), circleId);

describe('a codev circle in real browsers', () => {
  const live = serverAndBrowser({ ROOMS_API_RATE: '10000', JOIN_RATE_PER_IP: '10000' });
  const people: Person[] = [];
  const sockets: TestParticipant[] = [];

  it('[CI-2][CI-4][CI-6][CI-8][CI-10][CS-1][CS-2] five members hold two sessions: personal links, rotation, follow-up in the room, logbook, export', {
    timeout: 240_000,
  }, async () => {
    // The facilitator opens a circle from the home page.
    const fanny = await openPerson(live.browser, 'Fanny', { locale: 'fr-FR', viewport: desktop });
    people.push(fanny);
    const f = fanny.page;
    await f.goto(live.server.url);
    await f.getByRole('link', { name: 'Ouvrir un cercle (plusieurs séances)' }).click();
    await f.getByLabel('Groupe de codéveloppement').check();
    await f.getByLabel('Nom du cercle').fill('Codev des managers');
    await f.getByRole('button', { name: 'Ouvrir le cercle' }).click();
    await f.getByRole('heading', { name: 'Codev des managers' }).waitFor();
    const circleId = /\/c\/(c_[A-Za-z0-9_-]+)/.exec(f.url())![1]!;
    const facilitatorKey = (await secretOf(f, circleId))!;
    expect(facilitatorKey).toBeTruthy();
    expect(f.url()).not.toContain('k='); // the key never stays in the address bar

    // Five members join by the circle's address: a first name, once.
    const names = ['Anne', 'Bruno', 'Chloé', 'David', 'Emma'];
    const members: Record<string, Person> = {};
    const secrets: Record<string, string> = {};
    for (const name of names) {
      const person = await openPerson(live.browser, name, { locale: 'fr-FR', viewport: desktop });
      people.push(person);
      await person.page.goto(`${live.server.url}/c/${circleId}`);
      await person.page.getByLabel('Votre prénom').fill(name);
      await person.page.getByRole('button', { name: 'Rejoindre' }).click();
      await person.page.getByRole('heading', { name: 'Votre lien personnel' }).waitFor();
      await eventually(() =>
        person.page.getByRole('img', { name: 'QR code de votre lien personnel' }).count(),
      ).toBe(1);
      members[name] = person;
      secrets[name] = (await secretOf(person.page, circleId))!;
    }
    const circle: TestCircle = { url: live.server.url, circleId, facilitatorKey, members: {} };

    // Session 1: Anne, first to join, is proposed as client; the facilitator opens it.
    await f.reload();
    await eventually(() => f.getByLabel('Client proposé (à tour de rôle)').inputValue()).not.toBe('');
    const proposed1 = await f
      .getByLabel('Client proposé (à tour de rôle)')
      .locator('option:checked')
      .textContent();
    expect(proposed1).toBe('Anne');
    await f.getByRole('button', { name: 'Ouvrir la séance 1' }).click();
    await f.getByRole('button', { name: 'Entrer dans la séance 1' }).waitFor();

    // Members enter from their circle page: no name to type, straight to their seat.
    const enterRoom = async (person: Person, n: number) => {
      await person.page.goto(`${live.server.url}/c/${circleId}`);
      await person.page.getByRole('button', { name: `Entrer dans la séance ${n}` }).click();
      await person.page.getByTestId('people').waitFor();
      expect(await person.page.getByLabel('Votre prénom').count()).toBe(0);
    };
    await f.getByRole('button', { name: 'Entrer dans la séance 1' }).click();
    await f.getByTestId('people').waitFor();
    for (const name of names) await enterRoom(members[name]!, 1);
    await eventually(() => f.locator('[data-testid=people] .people li').count()).toBe(6);

    // The session itself runs over the live protocol, from each member's same seat on another device.
    const seat = async (secret: string, label: string, n: number) => {
      const p = await enterSession(circle, n, secret, label);
      sockets.push(p);
      return p;
    };
    const fac = await seat(facilitatorKey, 'facilitator', 1);
    const anne = await seat(secrets.Anne!, 'Anne', 1);
    const bruno = await seat(secrets.Bruno!, 'Bruno', 1);
    expect(anne.seat?.role).toBe('client');
    await fac.must({ type: 'start' });
    const next = async () => fac.must({ type: 'next_phase', from: fac.view!.phaseIndex });
    await next();
    await next();
    await anne.must({ type: 'set_statement', kind: 'client_request', text: 'Relancer mon équipe' });
    await next();
    await bruno.must({ type: 'post_card', kind: 'suggestion', text: 'Un point hebdo' });
    // Sealed with Anne's logbook secret, as her page would (LG-7): it lives in her browser and link only.
    const anneRing = await members.Anne!.page.evaluate(
      (id) => window.localStorage.getItem(`cercle.logbook.circle.${id}`),
      circleId,
    );
    const anneLogbookSecret = (JSON.parse(anneRing ?? '[]') as string[]).at(-1)!;
    await anne.must({
      type: 'logbook_add',
      sealed: await seal(anneLogbookSecret, 'Ce que je retiens, séance 1'),
    });
    await next();
    const card = Object.values(anne.view!.cards).find((c) => c.text === 'Un point hebdo')!;
    await anne.must({ type: 'keep_card', cardId: card.id });
    await anne.must({ type: 'add_action', what: 'Entretien avec chacun', byWhen: 'vendredi', withWhom: '' });
    await anne.must({ type: 'add_action', what: 'Réunion de lancement', byWhen: 'lundi', withWhom: '' });
    await anne.must({ type: 'set_confidence', value: 6 });
    await next();
    await fac.must({ type: 'end', purge: false });

    // Between sessions: the circle shows session 1, proposes another client, and the items to follow up.
    const b = members.Bruno!.page;
    await b.goto(`${live.server.url}/c/${circleId}`);
    await b.getByText('Relancer mon équipe').waitFor();
    await f.goto(`${live.server.url}/c/${circleId}`);
    await eventually(() =>
      f.getByLabel('Client proposé (à tour de rôle)').locator('option:checked').textContent(),
    ).toBe('Bruno');
    const a = members.Anne!.page;
    await a.goto(`${live.server.url}/c/${circleId}`);
    await a.getByText('Entretien avec chacun').first().waitFor();
    // Her logbook is on her page of the circle, and nobody else's.
    await a.getByText('Ce que je retiens, séance 1').waitFor();
    expect(await b.getByText('Ce que je retiens, séance 1').count()).toBe(0);

    // Session 2: Bruno is the client; Anne finds her logbook in the room, Bruno does not see it.
    await f.getByRole('button', { name: 'Ouvrir la séance 2' }).click();
    await f.getByRole('button', { name: 'Entrer dans la séance 2' }).click();
    await f.getByTestId('people').waitFor();
    await enterRoom(members.Anne!, 2);
    await enterRoom(members.Bruno!, 2);
    await enterRoom(members.Chloé!, 2);
    await eventually(() => a.getByTestId('logbook').textContent()).toContain('Ce que je retiens, séance 1');
    expect(await b.getByTestId('logbook').textContent()).not.toContain('Ce que je retiens');
    expect(await f.content()).not.toContain('Ce que je retiens');

    // The room opens with the follow-up step: session 1's two items, shown to all; Anne marks hers there.
    const fac2 = await seat(facilitatorKey, 'facilitator 2', 2);
    await fac2.must({ type: 'start' });
    const step = (page: Page) => page.getByTestId('follow-up-step');
    for (const page of [f, a, b]) {
      await eventually(() => step(page).textContent()).toContain('Entretien avec chacun');
      expect(await step(page).textContent()).toContain('Réunion de lancement');
    }
    await eventually(() => a.getByRole('button', { name: 'Fait : Entretien avec chacun' }).count()).toBe(1);
    expect(await b.getByRole('button', { name: 'Fait : Entretien avec chacun' }).count()).toBe(0);
    expect(await f.getByRole('button', { name: 'Fait : Entretien avec chacun' }).count()).toBe(0);
    const anneItem = step(a).locator('li.card', { hasText: 'Entretien avec chacun' });
    await anneItem.getByLabel('Note').fill('Fait avec les cinq');
    await anneItem.getByLabel('Confiance aujourd’hui (1-10)').fill('8');
    await anneItem.getByRole('button', { name: 'Fait : Entretien avec chacun' }).click();
    // Everyone in the room sees it done, with her note and her confidence then and now.
    const bItem = step(b).locator('li.card', { hasText: 'Entretien avec chacun' });
    await eventually(() => bItem.textContent()).toContain('Fait avec les cinq');
    const shown = (await bItem.textContent()) ?? '';
    for (const part of ['Fait', 'confiance alors : 6/10', 'confiance aujourd’hui : 8/10'])
      expect(shown).toContain(part);
    // The mark is written back to the circle: closed there, the other item still carried.
    const circlePage = members.David!.page;
    await circlePage.goto(`${live.server.url}/c/${circleId}`);
    await circlePage.getByRole('heading', { name: 'Actions closes' }).waitFor();
    const closed = circlePage
      .getByRole('heading', { name: 'Actions closes' })
      .locator('xpath=following-sibling::ul[1]');
    await eventually(() => closed.textContent()).toContain('Entretien avec chacun');
    expect(await closed.textContent()).toContain('Fait avec les cinq');
    // Session 1's record shows each action with its follow-up since.
    const session1 = circlePage.locator('.session-record', { hasText: 'Séance 1' });
    expect(await session1.textContent()).toContain(
      'Entretien avec chacun (Anne) · Fait — Fait avec les cinq',
    );
    expect(await session1.textContent()).toContain('Réunion de lancement (Anne) · À faire');
    const check = await call(live.server.url, 'GET', `/api/circles/${circleId}/view`, {
      secret: facilitatorKey,
    });
    const sessions = (check.body as { sessions: { seated: string[] }[] }).sessions;
    expect(sessions).toHaveLength(2);

    // The export holds both sessions.
    await f.goto(`${live.server.url}/c/${circleId}`);
    const md = await downloadText(f, () =>
      f.getByRole('button', { name: 'Télécharger le cercle (Markdown)' }).click(),
    );
    expect(md.name).toBe('codev-des-managers.md');
    expect(md.text).toContain('Séance 1');
    expect(md.text).toContain('Séance 2');
    expect(md.text).toContain('Relancer mon équipe');
    const json = await downloadText(f, () =>
      f.getByRole('button', { name: 'Télécharger le cercle (JSON, réimportable)' }).click(),
    );
    expect((JSON.parse(json.text) as { sessions: unknown[] }).sessions).toHaveLength(2);

    for (const s of sockets) s.close();
    for (const person of people) expect(person.problems).toEqual([]);
  });
});
