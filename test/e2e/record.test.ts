import type { RoomRecord } from '@cercle/shared';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import {
  desktop,
  downloadText,
  openPerson,
  type Person,
  phone,
  sendFrom,
  viewOf,
} from '../support/browser.js';
import { eventually, serverAndBrowser } from '../support/e2e.js';
import { hostileTexts, parseMarkdown } from '../support/markdown.js';

/** Card texts as the wire keeps them (trimmed), each made to break a Markdown file. */
const texts = hostileTexts.map((t) => t.trim());

/** Finds a person's words as a whole paragraph, or as a list item's start before " — " and its details. */
const found = (paragraphs: string[], text: string) =>
  paragraphs.some((p) => p === text || p.startsWith(`${text} — `));

async function send(page: Page, command: Record<string, unknown>): Promise<void> {
  expect(await sendFrom(page, command), JSON.stringify(command.type)).toMatchObject({ ok: true });
}

async function cardIds(page: Page): Promise<Map<string, string>> {
  const view = (await viewOf(page)) as { cards: Record<string, { id: string; text: string }> } | null;
  return new Map(Object.values(view?.cards ?? {}).map((c) => [c.text, c.id]));
}

/** Both downloads of the record, read back: the Markdown through CommonMark, the JSON as data. */
async function downloadBoth(page: Page) {
  const md = await downloadText(page, () => page.getByTestId('download-record').click());
  const json = await downloadText(page, () => page.getByTestId('download-record-json').click());
  expect(md.name).toMatch(/^bilan-.*\.md$/);
  expect(json.name).toMatch(/^bilan-.*\.json$/);
  return { markdown: md.text, parsed: parseMarkdown(md.text), record: JSON.parse(json.text) as RoomRecord };
}

describe('the session record in real browsers (RD-1..4, MD-1)', () => {
  const live = serverAndBrowser();
  const people: Person[] = [];

  it('downloads before the end (facilitator) and after it (client), Markdown and JSON, every card intact', {
    timeout: 180_000,
  }, async () => {
    const fanny = await openPerson(live.browser, 'Fanny', { locale: 'fr-FR', viewport: desktop });
    people.push(fanny);
    const f = fanny.page;
    await f.goto(live.server.url);
    await f.getByLabel('Votre prénom').fill('Fanny');
    await f.getByLabel('Titre (facultatif)').fill('Bilan ~~~ #3');
    await f.getByLabel('Autoriser les cartes anonymes').check();
    await f.getByRole('button', { name: 'Créer la séance' }).click();
    const link = (await f.getByTestId('join-link').textContent()) ?? '';

    const joinAs = async (name: string, viewport = desktop) => {
      const person = await openPerson(live.browser, name, { locale: 'fr-FR', viewport });
      people.push(person);
      await person.page.goto(link);
      await person.page.getByLabel('Votre prénom').fill(name);
      await person.page.keyboard.press('Enter');
      await person.page.getByTestId('people').waitFor();
      return person.page;
    };
    const claire = await joinAs('Claire');
    const anne = await joinAs('Anne', phone);
    const bruno = await joinAs('Bruno');
    await eventually(() => f.locator('[data-testid=people] .people li').count()).toBe(4);
    await f.getByLabel('Rôle de Claire').selectOption('client');
    await f.getByRole('button', { name: /Lancer la séance/ }).click();

    // Clarification: a question typed in the page's own box (fences, several lines), others through
    // the page's command door; the client answers.
    const posted: string[] = [];
    await send(f, { type: 'next_phase', from: 0 });
    const box = anne.getByTestId('post-box');
    await box.locator('textarea').fill(texts[1]!);
    await box.getByRole('button', { name: /Publier/ }).click();
    posted.push(texts[1]!);
    for (const [page, kind, text] of [
      [bruno, 'question', texts[0]!],
      [claire, 'answer', texts[2]!],
      [claire, 'answer', texts[3]!],
    ] as const) {
      await send(page, { type: 'post_card', kind, text });
      posted.push(text);
    }
    await eventually(() => anne.locator('[data-testid=board] .card').count()).toBe(4);

    // Contract: the client pins her request (its label names it).
    await send(f, { type: 'next_phase', from: 1 });
    const request = '# not a heading, *really* <b>';
    await claire.getByLabel('Votre demande en une phrase').fill(request);
    await claire.getByRole('button', { name: 'Épingler la demande' }).click();
    await eventually(() => anne.getByTestId('statement-client_request').textContent()).toBe(request);

    // Consultation: the consultants take the floor one at a time (FL-4), nobody is told "your turn" at once.
    await send(f, { type: 'next_phase', from: 2 });
    for (const page of [anne, bruno]) {
      await eventually(() => page.getByTestId('doing').textContent()).toContain('tour à tour');
    }
    await eventually(() => claire.getByTestId('doing').textContent()).toContain('Vous écoutez');
    const suggestions = texts.slice(4);
    for (const [i, text] of suggestions.entries()) {
      await send(i % 2 ? bruno : anne, { type: 'post_card', kind: 'suggestion', text, anonymous: i === 3 });
      posted.push(text);
    }
    await eventually(() => f.locator('[data-testid=board] .card').count()).toBe(posted.length);

    // RD-4: the facilitator keeps what is written so far, before the end.
    await f.getByTestId('record-so-far').locator('summary').click();
    const draft = await downloadBoth(f);
    expect(draft.record).toMatchObject({ format: 'cercle.session-record', version: 1, final: false });
    expect(draft.record.session).toMatchObject({ title: 'Bilan ~~~ #3', currentPhase: 'Consultation' });
    expect(draft.parsed.markup).toEqual([]);
    expect(draft.parsed.headings[0]).toEqual({ level: 1, text: 'Bilan ~~~ #3' });
    expect(draft.parsed.paragraphs.some((p) => p.startsWith('Bilan provisoire'))).toBe(true);
    for (const text of posted) expect(found(draft.parsed.paragraphs, text), text).toBe(true);
    expect(draft.record.cards.map((c) => c.text)).toEqual(posted);
    expect(draft.parsed.paragraphs).toContain(request);

    // Synthesis: kept, set aside, an action and a confidence; learning: two reviews, 4 and 5.
    await send(f, { type: 'next_phase', from: 3 });
    const ids = await cardIds(claire);
    await send(claire, { type: 'keep_card', cardId: ids.get(suggestions[0]!) });
    await send(claire, { type: 'set_aside_card', cardId: ids.get(suggestions[1]!) });
    await send(claire, { type: 'add_action', what: texts[0]!, byWhen: 'vendredi', withWhom: '' });
    await send(claire, { type: 'set_confidence', value: 8 });
    await send(f, { type: 'next_phase', from: 4 });
    await send(anne, { type: 'submit_evaluation', rating: 4, comment: texts[5]! });
    await send(bruno, { type: 'submit_evaluation', rating: 5, comment: '' });
    await send(anne, { type: 'add_learning', text: texts[6]! });
    await send(f, { type: 'end', purge: false });

    // After the end the client downloads both files from her record screen.
    await claire.getByTestId('record').waitFor();
    // The record screen shows what was set aside too, with its author (RD-2).
    await eventually(() => claire.getByTestId('set-aside-cards').textContent()).toBe(
      `${suggestions[1]} — Bruno`,
    );
    await eventually(() => claire.getByTestId('kept-cards').textContent()).toContain(
      `${suggestions[0]} — Anne`,
    );
    const final = await downloadBoth(claire);
    expect(final.record.final).toBe(true);
    expect(final.parsed.markup).toEqual([]);
    for (const text of posted) expect(found(final.parsed.paragraphs, text), text).toBe(true);
    expect(final.record.cards.map((c) => c.text)).toEqual(posted);
    const status = (text: string) => final.record.cards.find((c) => c.text === text);
    expect(status(suggestions[0]!)).toMatchObject({ status: 'kept', author: 'Anne' });
    expect(status(suggestions[1]!)).toMatchObject({ status: 'set_aside', author: 'Bruno' });
    expect(status(suggestions[3]!)).toMatchObject({ anonymous: true, author: null });
    expect(final.parsed.paragraphs).toContain(`${suggestions[0]} — retenue · Anne`);
    expect(found(final.parsed.paragraphs, texts[0]!)).toBe(true);
    expect(final.markdown).toContain('Moyenne 4,5/5 (2 avis)');
    expect(final.record.participants).toEqual([
      { name: 'Fanny', role: 'facilitator' },
      { name: 'Claire', role: 'client' },
      { name: 'Anne', role: 'consultant' },
      { name: 'Bruno', role: 'consultant' },
    ]);
    expect(final.record.phases.map((p) => p.id)).toEqual([
      'expose',
      'clarification',
      'contract',
      'consultation',
      'synthesis',
      'learning',
    ]);
    expect(final.record.learnings).toEqual([{ text: texts[6], author: 'Anne' }]);

    for (const p of people) expect(p.problems, `${p.name}'s page`).toEqual([]);
  });

  it('names the tripartite closing’s review for what it is, on several lines, in the page and the record (RD-3)', {
    timeout: 90_000,
  }, async () => {
    const sophie = await openPerson(live.browser, 'Sophie', { locale: 'fr-FR', viewport: desktop });
    people.push(sophie);
    const k = sophie.page;
    await k.goto(live.server.url);
    await k.getByRole('radio', { name: /Tripartite de bouclage/ }).check();
    await k.getByLabel(/Indicateurs convenus au cadrage/).fill('Délègue deux dossiers par mois');
    await k.getByLabel('Votre prénom').fill('Sophie');
    await k.getByRole('button', { name: 'Créer la séance' }).click();
    const link = (await k.getByTestId('join-link').textContent()) ?? '';
    const join = async (name: string) => {
      const person = await openPerson(live.browser, name, { locale: 'fr-FR', viewport: phone });
      people.push(person);
      await person.page.goto(link);
      await person.page.getByLabel('Votre prénom').fill(name);
      await person.page.keyboard.press('Enter');
      await person.page.getByTestId('people').waitFor();
      return person.page;
    };
    const eve = await join('Eve'); // the coachee
    await join('Sami'); // the sponsor
    await k.getByRole('button', { name: /Lancer la séance/ }).click();
    await send(k, { type: 'next_phase', from: 0 });

    // The coachee writes her review in a multi-line box named for it, not "your request in one sentence".
    await eventually(() => eve.getByTestId('doing').textContent()).toContain('vous avez la parole');
    await eventually(() => eve.locator('.doing-more').textContent()).toContain(
      'Écrivez votre bilan du coaching.',
    );
    const box = eve.getByLabel('Votre bilan : ce que vous avez mis en place, ce qui a changé, ce qui reste');
    expect(await box.evaluate((el) => el.tagName)).toBe('TEXTAREA');
    expect(await eve.getByLabel('Votre demande en une phrase').count()).toBe(0);
    const review = 'J’ai délégué deux dossiers.\n\n- Il reste la réunion d’équipe.';
    await box.fill(review);
    await eve.getByRole('button', { name: 'Enregistrer mon bilan' }).click();
    await eventually(() => k.getByTestId('statement-synthesis').textContent()).toBe(review);
    await eventually(() => k.getByRole('heading', { name: /Le bilan du coaché/ }).count()).toBe(1);
    await eventually(() => k.getByTestId('doing').textContent()).toBe(
      'Vous tenez le cadre et le temps : le coaché parle.',
    );

    await k.getByTestId('record-so-far').locator('summary').click();
    const draft = await downloadBoth(k);
    expect(draft.record.statements).toEqual([
      { kind: 'synthesis', field: 'coachee_review', text: review, author: 'Eve' },
    ]);
    expect(draft.parsed.headings.map((h) => h.text)).toContain('Le bilan du coaché');
    expect(draft.parsed.paragraphs).toContain(review);
    for (const p of people) expect(p.problems, `${p.name}'s page`).toEqual([]);
  });
});
