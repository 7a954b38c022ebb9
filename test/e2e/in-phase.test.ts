import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { desktop, downloadText, openPerson, type Person, phone, screenshot } from '../support/browser.js';
import { eventually, serverAndBrowser } from '../support/e2e.js';

const phaseName = (page: Page) => page.locator('#phase-name');
const cardTexts = (page: Page) => page.getByTestId('board').locator('.card .text');

describe('in the phase: silent writing, "I’m done", private stars and recipes in real browsers', () => {
  const live = serverAndBrowser();
  const people: Person[] = [];

  /** A person opens `link`, gives their name and is in the room. */
  const joinAs = async (name: string, link: string, viewport = desktop) => {
    const person = await openPerson(live.browser, name, { locale: 'en-GB', viewport });
    people.push(person);
    await person.page.goto(link);
    await person.page.getByLabel('Your first name').fill(name);
    await person.page.keyboard.press('Enter');
    await person.page.getByTestId('people').waitFor();
    return person;
  };

  /** The facilitator moves everyone on, once, and every page shows the new phase. */
  const next = async (f: Page, everyone: Person[], phase: string) => {
    await f.getByRole('button', { name: /Next phase/ }).click();
    for (const p of everyone) await eventually(() => phaseName(p.page).textContent()).toBe(phase);
  };

  it('[SW-1][SW-2][DN-1][PM-1] a silent consultation: hidden cards, the count of who is done, the reveal, stars only the client sees, starred first in the synthesis', {
    timeout: 180_000,
  }, async () => {
    const fanny = await openPerson(live.browser, 'Fanny', { locale: 'en-GB', viewport: desktop });
    people.push(fanny);
    const f = fanny.page;
    await f.goto(live.server.url);
    await f.getByLabel('Silent writing during “Consultation”').check();
    await f.getByLabel('Your first name').fill('Fanny');
    await f.getByRole('button', { name: 'Create the session' }).click();
    const link = (await f.getByTestId('join-link').textContent()) ?? '';
    expect(link).toContain('/r/');

    const claire = await joinAs('Claire', link);
    const anne = await joinAs('Anne', link, phone);
    const bruno = await joinAs('Bruno', link);
    const everyone = [fanny, claire, anne, bruno];
    await f.getByLabel('Role of Claire').selectOption('client');
    await f.getByRole('button', { name: /Start the session/ }).click();
    for (const p of everyone) await eventually(() => phaseName(p.page).textContent()).toBe('Presentation');
    await next(f, everyone, 'Clarifying questions');
    await next(f, everyone, 'Contract');
    await next(f, everyone, 'Consultation');

    // Each consultant writes alone: the words stay on the author's screen.
    for (const p of everyone)
      await eventually(() => p.page.getByTestId('silence').textContent()).toContain('No hidden card');
    await bruno.page.getByLabel(/Write a suggestion/).fill('Ask HR for the figures');
    await bruno.page.getByRole('button', { name: 'Post' }).click();
    await anne.page.getByLabel(/Write a suggestion/).fill('Pilot with one team first');
    await anne.page.getByRole('button', { name: 'Post' }).click();
    await eventually(() => cardTexts(anne.page).allTextContents()).toEqual([
      'Hidden until the reveal',
      'Pilot with one team first',
    ]);
    await eventually(() => anne.page.getByTestId('board').textContent()).toContain('Hidden from the others');
    for (const p of [fanny, claire, bruno]) {
      await eventually(() => p.page.getByTestId('silence').textContent()).toContain('2 hidden cards');
      expect(await p.page.getByTestId('board').textContent()).not.toContain('Pilot with one team');
    }
    expect(await claire.page.getByTestId('board').textContent()).not.toContain('Ask HR');
    await screenshot(anne.page, 'silent-consultation-phone');

    // "I'm done": the count for everyone, the names for the facilitator; the client only listens.
    await anne.page.getByRole('button', { name: /I’m done/ }).click();
    for (const p of everyone)
      await eventually(() => p.page.getByTestId('done-panel').textContent()).toContain('1 of 2 done');
    await eventually(() => f.getByTestId('done-names').textContent()).toContain('Done: Anne');
    expect(await f.getByTestId('done-names').textContent()).toContain('Not yet: Bruno');
    expect(await bruno.page.getByTestId('done-names').count()).toBe(0);
    expect(await claire.page.getByRole('button', { name: /I’m done/ }).count()).toBe(0);

    // The reveal shows every card at once.
    expect(await bruno.page.getByRole('button', { name: 'Reveal the cards' }).count()).toBe(0);
    await f.getByRole('button', { name: 'Reveal the cards' }).click();
    for (const p of everyone)
      await eventually(() => cardTexts(p.page).allTextContents()).toEqual([
        'Ask HR for the figures',
        'Pilot with one team first',
      ]);

    // The client stars while listening; nobody else sees it or can star.
    await claire.page
      .getByRole('button', { name: 'Star (only you see it): Pilot with one team first' })
      .click();
    await eventually(() => claire.page.locator('[data-starred=true] .text').allTextContents()).toEqual([
      'Pilot with one team first',
    ]);
    for (const p of [fanny, anne, bruno]) {
      expect(await p.page.locator('[data-starred]').count()).toBe(0);
      expect(await p.page.getByRole('button', { name: /^Star \(/ }).count()).toBe(0);
    }

    // In the synthesis the starred suggestion comes first, ready to keep or set aside.
    await next(f, everyone, 'Synthesis and action plan');
    await eventually(() => cardTexts(claire.page).first().textContent()).toBe('Pilot with one team first');
    await eventually(() => claire.page.getByTestId('stars-first').count()).toBe(1);
    expect(await cardTexts(anne.page).first().textContent()).toBe('Ask HR for the figures');
    expect(await anne.page.getByTestId('done-panel').textContent()).not.toContain('1 of');
    const first = claire.page.getByTestId('board').locator('.card').first();
    await first.getByRole('button', { name: /Keep/ }).click();
    await eventually(() => first.getAttribute('data-status')).toBe('kept');
    await screenshot(claire.page, 'synthesis-starred-first');
    for (const p of everyone) expect(p.problems).toEqual([]);
  });

  it('[RC-2][RC-3] a recipe is downloaded, opened from its link and from its file, and run', {
    timeout: 180_000,
  }, async () => {
    const marc = await openPerson(live.browser, 'Marc', { locale: 'en-GB', viewport: desktop });
    people.push(marc);
    const m = marc.page;
    await m.goto(live.server.url);
    await m.getByRole('radio', { name: /Flash co-development/ }).check();
    await eventually(() => m.getByLabel('Minutes for “Consultation”').inputValue()).toBe('14');
    await m.getByLabel('Minutes for “Presentation”').fill('7');
    await m.getByLabel('Minutes for “Learning and review”').fill('4');
    await m.getByLabel('Your first name').fill('Marc');
    await m.getByRole('button', { name: 'Create the session' }).click();
    await m.getByTestId('console').waitFor();

    // Saved from the room: a file and a link.
    await m.getByText('Save the method').click();
    const file = await downloadText(m, () => m.getByRole('button', { name: 'Download the recipe' }).click());
    expect(file.name).toMatch(/^cercle-recipe-.*\.json$/);
    const recipe = JSON.parse(file.text) as {
      format: string;
      template: string;
      phases: Array<{ from?: string; durationMs?: number; silent?: boolean }>;
    };
    expect(recipe.format).toBe('cercle-recipe/1');
    expect(recipe.template).toBe('codev');
    expect(recipe.phases.map((p) => p.durationMs! / 60_000)).toEqual([7, 8, 4, 14, 8, 4]);
    expect(recipe.phases.find((p) => p.from === 'consultation')?.silent).toBe(true);
    const recipeLink = await m.getByLabel('Recipe link', { exact: true }).inputValue();
    expect(recipeLink).toMatch(/\/#recipe=[A-Za-z0-9_-]+$/);

    // Someone else opens the link: the home page has that method chosen, and runs it.
    const lea = await openPerson(live.browser, 'Léa', { locale: 'en-GB', viewport: desktop });
    people.push(lea);
    const l = lea.page;
    await l.goto(recipeLink);
    await eventually(() => l.getByTestId('recipe-opened').textContent()).toContain(
      'Method opened from a link',
    );
    await eventually(() => l.getByLabel('Minutes for “Presentation”').inputValue()).toBe('7');
    expect(await l.getByLabel('Silent writing during “Consultation”').isChecked()).toBe(true);
    await l.getByLabel('Your first name').fill('Léa');
    await l.getByRole('button', { name: 'Create the session' }).click();
    const link = (await l.getByTestId('join-link').textContent()) ?? '';
    const sam = await joinAs('Sam', link);
    const tom = await joinAs('Tom', link);
    const uma = await joinAs('Uma', link);
    const everyone = [lea, sam, tom, uma];
    await l.getByLabel('Role of Sam').selectOption('client');
    await l.getByRole('button', { name: /Start the session/ }).click();
    for (const p of everyone) await eventually(() => phaseName(p.page).textContent()).toBe('Presentation');
    await eventually(() => l.getByTestId('phase-timer').locator('.clock').textContent()).toMatch(
      /^(7:00|6:5\d)$/,
    );
    await next(l, everyone, 'Clarifying questions');
    await next(l, everyone, 'Contract');
    await next(l, everyone, 'Consultation');
    await eventually(() => tom.page.getByTestId('silence').textContent()).toContain('Silent writing');

    // The downloaded file opens the same method too; a broken one is refused with the phase at fault.
    const nina = await openPerson(live.browser, 'Nina', { locale: 'en-GB', viewport: desktop });
    people.push(nina);
    const n = nina.page;
    await n.goto(live.server.url);
    const path = join(tmpdir(), `recipe-${Date.now()}.json`);
    writeFileSync(path, file.text);
    await n.getByLabel('Open a recipe file').setInputFiles(path);
    await eventually(() => n.getByTestId('recipe-opened').textContent()).toContain(
      'Method opened from a file',
    );
    await eventually(() => n.getByLabel('Minutes for “Learning and review”').inputValue()).toBe('4');
    const broken = {
      ...recipe,
      phases: recipe.phases.map((p, i) => (i === 2 ? { ...p, durationMs: 1_000 } : p)),
    };
    const brokenPath = join(tmpdir(), `recipe-broken-${Date.now()}.json`);
    writeFileSync(brokenPath, JSON.stringify(broken));
    await n.getByLabel('Open a recipe file').setInputFiles(brokenPath);
    await eventually(() => n.getByTestId('recipe-error').textContent()).toBe('This recipe cannot be opened.');
    await eventually(() => n.getByTestId('create-error').textContent()).toContain('3');
    for (const p of [marc, lea, sam, tom, uma, nina]) expect(p.problems).toEqual([]);
  });
});
