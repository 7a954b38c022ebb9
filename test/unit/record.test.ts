import { readFileSync } from 'node:fs';
import {
  cardsInOrder,
  publicView,
  type RoomRecord,
  roomRecord,
  roomRecordMarkdown,
  SESSION_RECORD_FORMAT,
} from '@cercle/shared';
import { describe, expect, it } from 'vitest';
import { recordTextsIn, recordWords } from '../../client/src/i18n/record-words.js';
import { hostileTexts, parseMarkdown } from '../support/markdown.js';
import { codevRoom, goToPhase, type Host, Host as RoomHost } from './fixtures.js';

/** The texts as the wire hands them to the engine: trimmed (protocol `text`). */
const texts = hostileTexts.map((t) => t.trim());
const pick = (i: number) => texts[i % texts.length]!;

/** A whole codev session where every written word is one of the hostile texts. */
function hostileCodev(endIt = true): { host: Host; cards: string[]; statement: string } {
  const host = codevRoom(false, { allowAnonymousCards: true, locale: 'fr' });
  host.ok('f', { type: 'start' });
  goToPhase(host, 'clarification');
  const cards: string[] = [];
  const post = (who: string, kind: 'question' | 'answer' | 'suggestion', text: string, anonymous = false) => {
    host.ok(who, { type: 'post_card', kind, text, ...(anonymous ? { anonymous } : {}) });
    cards.push(text);
  };
  post('a', 'question', pick(0));
  post('c', 'answer', pick(1));
  post('b', 'question', pick(2));
  post('c', 'answer', pick(3));
  goToPhase(host, 'contract');
  const statement = pick(4);
  host.ok('c', { type: 'set_statement', kind: 'client_request', text: statement });
  goToPhase(host, 'consultation');
  for (let i = 5; i < texts.length; i++) post(['a', 'b', 'd'][i % 3]!, 'suggestion', pick(i), i === 7);
  goToPhase(host, 'synthesis');
  const suggestions = cardsInOrder(host.room.cards).filter((c) => c.kind === 'suggestion');
  suggestions.forEach((card, i) => {
    if (i % 3 === 0) host.ok('c', { type: 'keep_card', cardId: card.id });
    if (i % 3 === 1) host.ok('c', { type: 'set_aside_card', cardId: card.id });
  });
  host.ok('c', { type: 'add_action', what: pick(9), byWhen: pick(10), withWhom: pick(11) });
  host.ok('c', { type: 'set_confidence', value: 8 });
  goToPhase(host, 'learning');
  host.ok('a', { type: 'add_learning', text: pick(12) });
  host.ok('a', { type: 'submit_evaluation', rating: 4, comment: pick(13) });
  host.ok('b', { type: 'submit_evaluation', rating: 5, comment: '' });
  host.advance(60_000);
  if (endIt) host.ok('f', { type: 'end', purge: false });
  return { host, cards, statement };
}

const recordOf = (host: Host): RoomRecord => roomRecord(publicView(host.room), host.now);

/** Finds a person's words as a whole paragraph, or as the start of a list item before " — " and its details. */
function findWords(paragraphs: string[], text: string): boolean {
  return paragraphs.some((p) => p === text || p.startsWith(`${text} — `));
}

describe('the session record (RD-1, RD-2, MD-1)', () => {
  it('Markdown: every card, the request, the plan and the learnings read back intact through CommonMark', () => {
    const { host, cards, statement } = hostileCodev();
    for (const language of ['fr', 'en'] as const) {
      const words = recordWords[language].recordFile;
      const markdown = roomRecordMarkdown(recordOf(host), recordTextsIn(language), 'UTC');
      const parsed = parseMarkdown(markdown);
      // No person's words made a heading, a code block, HTML, a link or a rule.
      expect(parsed.markup).toEqual([]);
      expect(parsed.headings.map((h) => h.text)).toEqual([
        words.methods.codev,
        words.participants,
        words.statements.client_request,
        words.clarification,
        words.cardKinds.suggestion,
        words.plan,
        words.confidence,
        words.learnings,
        words.evaluation,
        words.times,
      ]);
      for (const text of cards) expect(findWords(parsed.paragraphs, text), text).toBe(true);
      expect(parsed.paragraphs).toContain(statement);
      for (const text of [pick(9), pick(12), pick(13)]) {
        expect(findWords(parsed.paragraphs, text), text).toBe(true);
      }
    }
  });

  it('names every suggestion’s status and author, but never the author of an anonymous card', () => {
    const { host } = hostileCodev();
    const record = recordOf(host);
    const suggestions = record.cards.filter((c) => c.kind === 'suggestion');
    expect(new Set(suggestions.map((c) => c.status))).toEqual(new Set(['kept', 'set_aside', 'open']));
    const anonymous = suggestions.filter((c) => c.anonymous);
    expect(anonymous).toHaveLength(1);
    expect(anonymous[0]!.author).toBeNull();
    expect(
      suggestions.filter((c) => !c.anonymous).every((c) => ['Alex', 'Bea', 'Dom'].includes(c.author ?? '')),
    ).toBe(true);
    const parsed = parseMarkdown(roomRecordMarkdown(record, recordTextsIn('fr'), 'UTC'));
    const line = parsed.paragraphs.find((p) => p.startsWith(`${anonymous[0]!.text} — `));
    expect(line).toMatch(/— (retenue|mise de côté|non triée) · anonyme$/);
    const kept = suggestions.find((c) => c.status === 'kept' && !c.anonymous)!;
    expect(parsed.paragraphs).toContain(`${kept.text} — retenue · ${kept.author}`);
  });

  it('writes dates and numbers in the room’s language: "4,5" in French, "4.5" in English', () => {
    const { host } = hostileCodev();
    const record = recordOf(host);
    expect(record.evaluation).toMatchObject({ count: 2, average: 4.5 });
    const fr = roomRecordMarkdown(record, recordTextsIn('fr'), 'UTC');
    expect(fr).toContain('Moyenne 4,5/5 (2 avis)');
    expect(fr).toContain('jeudi 1 janvier 1970');
    const en = roomRecordMarkdown(
      { ...record, session: { ...record.session, locale: 'en' } },
      recordTextsIn('en'),
      'UTC',
    );
    expect(en).toContain('Average 4.5/5 (2 reviews)');
    expect(en).toContain('Thursday, January 1, 1970');
  });

  it('holds participants and roles, planned against actual time, and says when it is not final', () => {
    const running = hostileCodev(false);
    const draft = recordOf(running.host);
    expect(draft.final).toBe(false);
    expect(draft.session.currentPhase).toBe('Apprentissages et régulation');
    expect(draft.participants).toEqual([
      { name: 'Fanny', role: 'facilitator' },
      { name: 'Camille', role: 'client' },
      { name: 'Alex', role: 'consultant' },
      { name: 'Bea', role: 'consultant' },
      { name: 'Dom', role: 'consultant' },
    ]);
    expect(draft.phases.map((p) => p.id)).toEqual([
      'expose',
      'clarification',
      'contract',
      'consultation',
      'synthesis',
      'learning',
    ]);
    expect(draft.phases.find((p) => p.id === 'learning')).toMatchObject({
      plannedMs: 15 * 60_000,
      actualMs: 60_000,
    });
    const markdown = roomRecordMarkdown(draft, recordTextsIn('fr'), 'UTC');
    expect(parseMarkdown(markdown).paragraphs).toContain(
      recordWords.fr.recordFile.draft('Apprentissages et régulation'),
    );
    // Intl separates a number from its unit with a no-break space.
    expect(markdown.replace(/[\u00a0\u202f]/g, ' ')).toContain(
      '- Apprentissages et régulation : 15 min prévues, 1 min réelles',
    );

    const ended = recordOf(hostileCodev().host);
    expect(ended.final).toBe(true);
    expect(ended.session.endedAt).not.toBeNull();
    expect(roomRecordMarkdown(ended, recordTextsIn('fr'))).not.toContain('provisoire');
  });

  it('JSON: the same record as plain data, in the documented format', () => {
    const { host, cards } = hostileCodev();
    const record = recordOf(host);
    const file = JSON.parse(JSON.stringify(record)) as RoomRecord;
    expect(file).toEqual(record);
    expect(file).toMatchObject({ format: SESSION_RECORD_FORMAT, version: 1, final: true });
    expect(file.cards.map((c) => c.text)).toEqual(cards);
    expect(Object.keys(file).sort()).toEqual(
      [
        'actions',
        'cards',
        'confidence',
        'evaluation',
        'exportedAt',
        'final',
        'followUp',
        'format',
        'indicatorReviews',
        'learnings',
        'participants',
        'phases',
        'session',
        'statements',
        'version',
      ].sort(),
    );
  });

  it('names each statement for what it is: the organisation’s request, the coach’s synthesis, the coachee’s review (RD-3)', () => {
    const framing = new RoomHost('tripartite-framing');
    framing.join('k', 'Karim', true);
    framing.join('e', 'Eve');
    framing.join('s', 'Sami');
    framing.ok('k', { type: 'start' });
    goToPhase(framing, 'organisation-request', 'k');
    framing.ok('s', {
      type: 'set_statement',
      kind: 'organisation_request',
      text: 'Moins de réunions\n> vraiment',
    });
    goToPhase(framing, 'framing-synthesis', 'k');
    framing.ok('k', {
      type: 'set_statement',
      kind: 'synthesis',
      text: 'Trois axes :\n1. déléguer\n2. prioriser',
    });
    const framed = roomRecordMarkdown(recordOf(framing), recordTextsIn('fr'));
    const parsed = parseMarkdown(framed);
    expect(parsed.headings.map((h) => h.text)).toEqual(
      expect.arrayContaining(['La demande de l’organisation', 'La synthèse du coach']),
    );
    expect(parsed.paragraphs).toEqual(
      expect.arrayContaining(['Moins de réunions\n> vraiment', 'Trois axes :\n1. déléguer\n2. prioriser']),
    );

    const closing = new RoomHost('tripartite-closing');
    closing.join('k', 'Karim', true);
    closing.join('e', 'Eve');
    closing.join('s', 'Sami');
    closing.ok('k', { type: 'start' });
    goToPhase(closing, 'coachee-review', 'k');
    closing.ok('e', { type: 'set_statement', kind: 'synthesis', text: 'J’ai délégué.\n\nIl reste à tenir.' });
    const record = recordOf(closing);
    expect(record.statements).toEqual([
      {
        kind: 'synthesis',
        field: 'coachee_review',
        text: 'J’ai délégué.\n\nIl reste à tenir.',
        author: 'Eve',
      },
    ]);
    expect(
      parseMarkdown(roomRecordMarkdown(record, recordTextsIn('en'))).headings.map((h) => h.text),
    ).toContain('The coachee’s review');
  });
});

describe('what the record never holds (RD-1)', () => {
  it('no card still hidden by silent writing, no logbook, no token', () => {
    const { host } = hostileCodev(false);
    const view = publicView(host.room);
    const [first, ...rest] = Object.values(view.cards);
    const hidden = { ...view, cards: { [first!.id]: { ...first!, hidden: true, text: '' } } };
    for (const card of rest) hidden.cards[card.id] = card;
    const record = roomRecord(hidden, host.now);
    expect(record.cards.map((c) => c.text)).toEqual(rest.map((c) => c.text));
    const file = JSON.stringify(record);
    for (const seat of Object.values(host.room.participants)) expect(file).not.toContain(seat.tokenHash);
    expect(file).not.toContain('logbook');
  });
});

describe('a circle session’s record (RD-1, CS-1)', () => {
  it('holds the follow-up of earlier actions, with status, note and confidence then and now', () => {
    const carried = (id: string, ownerId: string, what: string) => ({
      id,
      ownerId,
      ownerName: ownerId,
      what,
      byWhen: 'lundi',
      withWhom: '',
      fromSession: 2,
      status: 'open' as const,
      note: '',
      confidenceThen: 6,
      confidenceNow: null,
      updatedAt: null,
    });
    const host = codevRoom(false, {
      followUp: [carried('s2-x', 'c', pick(1)), carried('s2-y', 'a', 'Lire')],
    });
    host.ok('f', { type: 'start' });
    host.ok('c', { type: 'mark_follow_up', itemId: 's2-x', status: 'done', note: pick(2), confidenceNow: 8 });
    const record = recordOf(host);
    expect(record.followUp).toEqual([
      {
        what: pick(1),
        owner: 'Camille',
        fromSession: 2,
        status: 'done',
        note: pick(2),
        confidenceThen: 6,
        confidenceNow: 8,
      },
      {
        what: 'Lire',
        owner: 'Alex',
        fromSession: 2,
        status: 'open',
        note: '',
        confidenceThen: 6,
        confidenceNow: null,
      },
    ]);
    const parsed = parseMarkdown(roomRecordMarkdown(record, recordTextsIn('fr'), 'UTC'));
    expect(parsed.markup).toEqual([]);
    expect(parsed.headings.map((h) => h.text)).toContain(recordWords.fr.recordFile.followUp);
    expect(parsed.paragraphs).toEqual(
      expect.arrayContaining([
        `${pick(1)} — Camille · séance 2 · faite`,
        pick(2),
        'Lire — Alex · séance 2 · à faire',
      ]),
    );
  });
});

describe('the record file’s documentation (RD-1)', () => {
  it('docs/protocol.md names every field of the JSON record', () => {
    const doc = readFileSync(new URL('../../docs/protocol.md', import.meta.url), 'utf8');
    const section = doc.slice(doc.indexOf('\n## Session record file\n'));
    const { host } = hostileCodev();
    const record = recordOf(host);
    const keys = [
      ...Object.keys(record),
      ...Object.keys(record.session),
      ...Object.keys(record.cards[0]!),
      ...Object.keys(record.statements[0]!),
      ...Object.keys(record.actions[0]!),
      ...Object.keys(record.evaluation),
      ...Object.keys(record.phases[0]!),
      ...Object.keys(record.participants[0]!),
      'what',
      'fromSession',
      'confidenceThen',
      'confidenceNow',
    ];
    for (const key of keys) expect(section, key).toMatch(new RegExp(`\\b${key}\\b`));
    expect(section).toContain(`"${SESSION_RECORD_FORMAT}"`);
  });
});
