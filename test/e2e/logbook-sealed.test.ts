import type { Page } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { desktop, downloadText, openPerson, type Person } from '../support/browser.js';
import { createCircle, openSession } from '../support/circles.js';
import { eventually, serverAndBrowser } from '../support/e2e.js';

/** Every WebSocket frame a page sends and receives, to look for a note's words on the wire. */
function recordFrames(page: Page): { sent: string[]; received: string[] } {
  const frames = { sent: [] as string[], received: [] as string[] };
  page.on('websocket', (ws) => {
    ws.on('framesent', (f) => frames.sent.push(String(f.payload)));
    ws.on('framereceived', (f) => frames.received.push(String(f.payload)));
  });
  return frames;
}

/** What the page's "Copy the link" button puts on the clipboard. */
async function copiedLink(person: Person, origin: string): Promise<string> {
  await person.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin });
  await person.page.getByRole('button', { name: 'Copier le lien' }).first().click();
  return person.page.evaluate(() => navigator.clipboard.readText());
}

describe('the sealed logbook in real browsers', () => {
  const live = serverAndBrowser({ ROOMS_API_RATE: '10000', JOIN_RATE_PER_IP: '10000' });
  const people: Person[] = [];
  afterAll(async () => {
    for (const p of people) await p.context.close().catch(() => {});
  });

  it('[LG-5][LG-6][LG-7] a note is sealed in the page, read on a second device from the personal link, and an older link’s notes stay on the device that kept it', {
    timeout: 180_000,
  }, async () => {
    const url = live.server.url;
    const circle = await createCircle(url, { kind: 'codev', title: 'Cercle discret' });
    const open = async (name: string) => {
      const person = await openPerson(live.browser, name, { locale: 'fr-FR', viewport: desktop });
      people.push(person);
      return person;
    };
    const join = async (person: Person) => {
      await person.page.goto(`${url}/c/${circle.circleId}`);
      await person.page.getByLabel('Votre prénom').fill(person.name);
      await person.page.getByRole('button', { name: 'Rejoindre' }).click();
      await person.page.getByRole('heading', { name: 'Votre lien personnel' }).waitFor();
    };
    const anne = await open('Anne');
    const bruno = await open('Bruno');
    await join(anne);
    await join(bruno);
    await join(await open('Chloé'));

    // Where the link is shown, the page says it is the logbook's key.
    await anne.page.getByTestId('link-key-warning').getByText('aussi la clé de votre carnet').waitFor();
    const link = await copiedLink(anne, url);
    expect(link).toMatch(new RegExp(`/c/${circle.circleId}#k=[A-Za-z0-9_-]+&lk=[A-Za-z0-9_-]{43}$`));
    const logbookSecret = /&lk=([A-Za-z0-9_-]{43})$/.exec(link)![1]!;

    await openSession(circle);
    const anneFrames = recordFrames(anne.page);
    const brunoFrames = recordFrames(bruno.page);
    for (const person of [anne, bruno]) {
      await person.page.goto(`${url}/c/${circle.circleId}`);
      await person.page.getByRole('button', { name: 'Entrer dans la séance 1' }).click();
      await person.page.getByTestId('logbook').waitFor();
    }

    // Anne writes; her page sends ciphertext only, and shows her words.
    const canary = `Canari-${Math.random().toString(36).slice(2, 10)}`;
    await anne.page
      .getByPlaceholder('Notes, ressentis, apprentissages… pour vous seul·e.')
      .fill(`Je retiens : ${canary}`);
    await anne.page.getByRole('button', { name: 'Ajouter au carnet' }).click();
    await eventually(() => anne.page.getByTestId('logbook').textContent()).toContain(canary);
    await anne.page.getByTestId('logbook-sealed').waitFor();
    const sentNote = anneFrames.sent.find((f) => f.includes('logbook_add'));
    expect(sentNote).toMatch(/"sealed":"c1\.[A-Za-z0-9_-]+"/);
    expect(anneFrames.sent.join('\n')).not.toContain(canary);
    expect(anneFrames.sent.join('\n')).not.toContain(logbookSecret);
    // Bruno's page received the room's changes, and nothing of Anne's note.
    await eventually(() => brunoFrames.received.length).toBeGreaterThan(2);
    const sealed = /"sealed":"(c1\.[A-Za-z0-9_-]+)"/.exec(sentNote!)![1]!;
    expect(brunoFrames.received.join('\n')).not.toContain(canary);
    expect(brunoFrames.received.join('\n')).not.toContain(sealed);
    expect(await bruno.page.getByTestId('logbook').textContent()).not.toContain(canary);

    // A second device (another Chromium context), opened from the personal link: the logbook opens there.
    const phone = await open('Anne (téléphone)');
    await phone.page.goto(link);
    await eventually(() => phone.page.getByTestId('circle-logbook').textContent()).toContain(canary);
    expect(phone.page.url()).not.toContain('lk=');
    await phone.page.getByRole('button', { name: 'Entrer dans la séance 1' }).click();
    await eventually(() => phone.page.getByTestId('logbook').textContent()).toContain(canary);
    // Downloaded in clear, decrypted in the page.
    await phone.page.goto(`${url}/c/${circle.circleId}`);
    const file = await downloadText(phone.page, () =>
      phone.page.getByTestId('link-key-warning').getByTestId('circle-logbook-download').click(),
    );
    expect(file.text).toContain(`Je retiens : ${canary}`);

    // The facilitator reissues Anne's link: it carries a new logbook secret, and the page says what it means.
    const fanny = await open('Fanny');
    await fanny.page.goto(`${url}/c/${circle.circleId}#k=${circle.facilitatorKey}`);
    await fanny.page
      .getByRole('button', { name: 'Nouveau lien pour Anne (l’ancien ne fonctionne plus)' })
      .click();
    await fanny.page.getByText('porte une nouvelle clé de carnet').waitFor();
    const fresh = (await fanny.page.locator('.issued code.link').textContent())!;
    expect(fresh).toMatch(/&lk=[A-Za-z0-9_-]{43}$/);
    expect(fresh).not.toContain(logbookSecret);

    // A new device with only the new link: the older note is there, sealed, and says why it cannot open.
    const laptop = await open('Anne (nouveau portable)');
    await laptop.page.goto(fresh);
    await laptop.page.getByTestId('circle-logbook').getByTestId('logbook-locked').waitFor();
    expect(await laptop.page.getByTestId('circle-logbook').textContent()).not.toContain(canary);
    // The phone, which kept the old secret, opens the new link and still reads the older note.
    await phone.page.goto('about:blank');
    await phone.page.goto(fresh);
    await eventually(() => phone.page.getByTestId('circle-logbook').textContent()).toContain(canary);
    const newLink = await copiedLink(phone, url);
    expect(newLink).toBe(fresh);

    for (const person of people) expect(person.problems, person.name).toEqual([]);
  });
});
