import {
  addMember,
  type Card,
  type Circle,
  captureSession,
  circleMarkdown,
  createCircle,
  createRoom,
  exportCircle,
  openSession,
  planSession,
  type Room,
  seatTaken,
} from '@cercle/shared';
import { describe, expect, it } from 'vitest';
import { markdownTexts } from '../../server/src/http/circleMarkdownTexts.js';
import { hostileTexts, parseMarkdown } from '../support/markdown.js';

const t0 = 1_700_000_000_000;
const ok = (outcome: { ok: true; circle: Circle } | { ok: false; message: string }) => {
  if (!outcome.ok) throw new Error(outcome.message);
  return outcome.circle;
};
const texts = hostileTexts.map((t) => t.trim());

/** MD-1, CI-10: the circle's Markdown export escapes people's words with the session record's rule. */
describe('circle Markdown export (MD-1, CI-10)', () => {
  it('reads back every kept suggestion, the request, actions and learnings through CommonMark', () => {
    let circle = ok(
      createCircle(
        {
          id: 'c_0123456789abcdefghij',
          kind: 'codev',
          title: '# Groupe\n~~~',
          locale: 'fr',
          facilitatorKeyHash: 'f',
          seatKey: 'k',
        },
        t0,
      ),
    );
    for (const [i, name] of ['Anne', 'Bruno'].entries())
      circle = ok(addMember(circle, { id: `m_member000${i}`, name, secretHash: `h-${i}` }, t0));
    const plan = planSession(circle);
    if ('error' in plan) throw new Error(plan.message);
    circle = ok(openSession(circle, plan, 'ROOMAB1', t0 + 1000));
    const room = createRoom({ code: 'ROOMAB1', templateId: plan.template }, t0);
    const participants: Room['participants'] = {};
    for (const [i, role] of (['client', 'consultant'] as const).entries()) {
      circle = ok(seatTaken(circle, 1, `m_member000${i}`, `p${i}`, t0));
      participants[`p${i}`] = {
        id: `p${i}`,
        displayName: ['Anne', 'Bruno'][i]!,
        role,
        presence: 'connected',
        admission: 'admitted',
        grace: null,
        tokenHash: 'x',
        joinedAt: t0,
        anonymousCardIds: [],
        hiddenTexts: {},
        stars: [],
      };
    }
    const cards: Record<string, Card> = {};
    texts.forEach((text, i) => {
      cards[`k${i}`] = {
        id: `k${i}`,
        kind: 'suggestion',
        text,
        authorId: 'p1',
        anonymous: false,
        seeded: false,
        hidden: false,
        status: 'kept',
        phaseId: 'consultation',
        createdAt: t0 + i,
        editedAt: null,
      };
    });
    const held: Room = {
      ...room,
      participants,
      status: 'ended',
      cards,
      statements: { client_request: { text: texts[0]!, authorId: 'p0', at: t0 } },
      actionPlan: {
        a1: {
          id: 'a1',
          ownerId: 'p0',
          what: texts[1]!,
          byWhen: texts[2]!,
          withWhom: '',
          coachingRound: 1,
          createdAt: t0,
        },
      },
      learnings: { l1: { id: 'l1', authorId: 'p1', text: texts[3]!, at: t0 } },
    };
    circle = ok(captureSession(circle, 1, held, t0));
    const markdown = circleMarkdown(exportCircle(circle, t0), markdownTexts.fr);
    const parsed = parseMarkdown(markdown);
    expect(parsed.markup).toEqual([]);
    expect(parsed.headings[0]).toEqual({ level: 1, text: '# Groupe ~~~' });
    expect(parsed.headings.every((h) => h.level === 1 || !h.text.includes('Groupe'))).toBe(true);
    for (const text of texts) expect(parsed.paragraphs, text).toContain(text);
    expect(parsed.paragraphs).toContain(`${markdownTexts.fr.request}: ${texts[0]}`);
    expect(parsed.paragraphs).toContain(`${texts[1]} (Anne, ${texts[2]})`);
    expect(parsed.paragraphs).toContain(`${texts[3]} (Bruno)`);
  });
});
