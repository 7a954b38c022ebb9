import type { CardKind, Role, TemplateId } from '../engine/template.js';
import { markdownLine, markdownText } from '../markdown/text.js';
import type { StatementField } from './fields.js';
import type { RoomRecord } from './roomRecord.js';

/** The words of a Markdown record, in one language (the page's dictionary gives them). */
export type RecordTexts = {
  title: string;
  methods: Record<TemplateId, string>;
  held: (date: string) => string;
  notStarted: string;
  exported: (date: string) => string;
  /** Said on a file downloaded before the end. */
  draft: (phase: string | null) => string;
  participants: string;
  roles: Record<Role, string>;
  statements: Record<StatementField, string>;
  clarification: string;
  cardKinds: Record<CardKind, string>;
  cardKindOne: Record<CardKind, string>;
  statuses: Record<'open' | 'kept' | 'set_aside', string>;
  anonymous: string;
  followUp: string;
  followUpStatuses: Record<'open' | 'in_progress' | 'done' | 'dropped', string>;
  fromSession: (n: number) => string;
  plan: string;
  noPlan: string;
  byWhen: (when: string) => string;
  withWhom: (who: string) => string;
  round: (n: number) => string;
  confidence: string;
  verdicts: Record<'met' | 'partly_met' | 'not_met', string>;
  learnings: string;
  evaluation: string;
  average: (average: string, count: number) => string;
  times: string;
  timeRow: (phase: string, planned: string, actual: string) => string;
  confidenceRow: (name: string, value: number) => string;
};

/** Kinds sorted by the owner of the session (kept or set aside), listed with their status. */
const sortedKinds: readonly CardKind[] = ['suggestion', 'option'];
const statusOrder = ['kept', 'open', 'set_aside'] as const;

/**
 * RD-2: the record as a Markdown file in the room's language: every person's words go through
 * `markdownText` (MD-1), so no card can turn the rest of the file into code, a heading or a list. Dates
 * and numbers are written with Intl in the room's language ("4,5" in French).
 */
export function roomRecordMarkdown(record: RoomRecord, texts: RecordTexts, timeZone?: string): string {
  const locale = record.session.locale;
  const dateTime = new Intl.DateTimeFormat(locale, {
    dateStyle: 'full',
    timeStyle: 'short',
    ...(timeZone ? { timeZone } : {}),
  });
  const when = (at: string) => dateTime.format(new Date(at));
  const decimal = new Intl.NumberFormat(locale, { minimumFractionDigits: 1, maximumFractionDigits: 1 });
  const minutes = new Intl.NumberFormat(locale, { style: 'unit', unit: 'minute', maximumFractionDigits: 0 });
  const min = (ms: number) => minutes.format(Math.round(ms / 60_000));

  const lines: string[] = [];
  const section = (title: string) => lines.push(`## ${markdownLine(title)}`, '');
  /** A list item: the person's words first, then who and what, in italics. */
  const item = (text: string, meta: (string | null | undefined | false)[] = [], depth = 0) => {
    const pad = '  '.repeat(depth);
    const about = meta.filter((m): m is string => typeof m === 'string' && m.length > 0);
    lines.push(
      `${pad}- ${markdownText(text, `${pad}  `)}${about.length ? ` — _${about.map((m) => markdownLine(m)).join(' · ')}_` : ''}`,
    );
  };
  const end = () => lines.push('');

  const method = texts.methods[record.session.method];
  lines.push(`# ${markdownLine(record.session.title ?? method)}`, '');
  lines.push(
    `_${markdownLine(texts.title)} · ${markdownLine(method)} · ${
      record.session.startedAt
        ? markdownLine(texts.held(when(record.session.startedAt)))
        : markdownLine(texts.notStarted)
    }_`,
    '',
  );
  if (!record.final) lines.push(`**${markdownLine(texts.draft(record.session.currentPhase))}**`, '');

  section(texts.participants);
  for (const p of record.participants) item(p.name, [texts.roles[p.role]]);
  end();

  for (const s of record.statements) {
    section(texts.statements[s.field]);
    lines.push(markdownText(s.text), '');
    if (s.author) lines.push(`_— ${markdownLine(s.author)}_`, '');
  }

  const author = (c: RoomRecord['cards'][number]) => (c.anonymous ? texts.anonymous : c.author);
  const clarification = record.cards.filter((c) => c.kind === 'question' || c.kind === 'answer');
  if (clarification.length > 0) {
    section(texts.clarification);
    for (const c of clarification) item(c.text, [texts.cardKindOne[c.kind], author(c)]);
    end();
  }

  for (const kind of sortedKinds) {
    const cards = record.cards.filter((c) => c.kind === kind);
    if (cards.length === 0) continue;
    section(texts.cardKinds[kind]);
    for (const status of statusOrder) {
      for (const c of cards.filter((card) => card.status === status)) {
        item(c.text, [texts.statuses[status], author(c)]);
      }
    }
    end();
  }

  for (const kind of ['objective', 'indicator', 'note'] as const) {
    const cards = record.cards.filter((c) => c.kind === kind && c.status !== 'set_aside');
    if (cards.length === 0) continue;
    section(texts.cardKinds[kind]);
    for (const c of cards) {
      item(c.text, [author(c)]);
      if (kind !== 'indicator') continue;
      const reviews = record.indicatorReviews.find((r) => r.indicator === c.text)?.reviews ?? [];
      for (const r of reviews)
        item(r.note || texts.verdicts[r.verdict], [texts.verdicts[r.verdict], r.name], 1);
    }
    end();
  }

  if (record.followUp.length > 0) {
    section(texts.followUp);
    for (const f of record.followUp) {
      item(f.what, [f.owner, texts.fromSession(f.fromSession), texts.followUpStatuses[f.status]]);
      if (f.note) item(f.note, [], 1);
    }
    end();
  }

  if (record.actions.length > 0 || record.confidence.length > 0) {
    section(texts.plan);
    const rounds = new Set(record.actions.map((a) => a.round)).size > 1;
    for (const a of record.actions) {
      item(a.what, [
        a.owner,
        a.byWhen && texts.byWhen(a.byWhen),
        a.withWhom && texts.withWhom(a.withWhom),
        rounds && texts.round(a.round),
      ]);
    }
    if (record.actions.length === 0) lines.push(markdownLine(texts.noPlan));
    end();
    if (record.confidence.length > 0) {
      lines.push(`### ${markdownLine(texts.confidence)}`, '');
      for (const c of record.confidence)
        lines.push(`- ${markdownLine(texts.confidenceRow(c.name, c.value))}`);
      end();
    }
  }

  if (record.learnings.length > 0) {
    section(texts.learnings);
    for (const l of record.learnings) item(l.text, [l.author]);
    end();
  }

  if (record.evaluation.average !== null) {
    section(texts.evaluation);
    lines.push(
      markdownLine(texts.average(decimal.format(record.evaluation.average), record.evaluation.count)),
      '',
    );
    for (const comment of record.evaluation.comments) item(comment);
    if (record.evaluation.comments.length > 0) end();
  }

  if (record.phases.length > 0) {
    section(texts.times);
    const rounds = record.phases.some((p) => p.round > 1);
    for (const p of record.phases) {
      const label = `${rounds ? `${texts.round(p.round)} · ` : ''}${p.name}`;
      lines.push(`- ${markdownLine(texts.timeRow(label, min(p.plannedMs), min(p.actualMs)))}`);
    }
    end();
  }

  lines.push(`_${markdownLine(texts.exported(when(record.exportedAt)))}_`);
  return `${lines.join('\n').trim()}\n`;
}
