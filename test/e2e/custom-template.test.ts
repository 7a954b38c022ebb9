import { describe, expect, it } from 'vitest';
import { openPerson, phone, screenshot } from '../support/browser.js';
import { eventually, serverAndBrowser } from '../support/e2e.js';

describe('a custom method shaped on the home page', () => {
  const live = serverAndBrowser();

  it('renames, retimes, drops and adds phases, and the room starts with that outline', async () => {
    const person = await openPerson(live.browser, 'Marc', { locale: 'en-GB', viewport: phone });
    const page = person.page;
    await page.goto(live.server.url);
    await page.getByRole('radio', { name: /Custom/ }).check();
    await page.getByLabel('Name of phase 1').fill('Check-in');
    await page.getByLabel('Minutes for “Check-in”').fill('5');
    await page.getByRole('button', { name: 'Remove “Learning and review”' }).click();
    await page.getByRole('button', { name: /Add a phase/ }).click();
    await page.getByLabel('Name of phase 6').fill('Closing round');
    await page.getByRole('button', { name: 'Move “Closing round” up' }).click();
    await page.getByLabel('Your first name').fill('Marc');
    await screenshot(page, 'home-custom-phone');
    await page.getByRole('button', { name: 'Create the session' }).click();

    const outline = page.locator('.stepper .pn');
    await eventually(() => outline.allTextContents()).toEqual([
      '1. Check-in',
      '2. Clarifying questions',
      '3. Contract',
      '4. Consultation',
      '5. Closing round',
      '6. Synthesis and action plan',
    ]);
    await eventually(() => page.locator('.stepper li').first().textContent()).toContain('5 min');
    expect(person.problems).toEqual([]);
  });
});
