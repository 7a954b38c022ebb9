import { loc, t } from '../i18n/index.js';
import { nameOf } from '../state/derived.js';
import { mine, view } from '../state/session.js';

/** Markdown escapes, so a card that starts with "#" or "-" stays text in the file. */
function md(text: string): string {
  return text.replace(/([\\`*_{}[\]<>#|])/g, '\\$1').replace(/^(\s*)([-+]|\d+\.)(\s)/gm, '$1\\$2$3');
}

const today = () => new Date().toLocaleString();

/** The record a client takes away: the request, the kept suggestions, the action plan. */
export function recordMarkdown(): string {
  const v = view.value;
  if (!v) return '';
  const texts = t();
  const lines: string[] = [];
  const title = v.title || loc(v.template.name);
  lines.push(
    `# ${md(title)}`,
    '',
    `_${texts.templates[v.template.id]} · ${texts.record.generated(today())}_`,
    '',
  );

  const statements = Object.entries(v.statements);
  if (statements.length > 0) {
    for (const [kind, statement] of statements) {
      if (!statement) continue;
      lines.push(
        `## ${texts.statements[kind as keyof typeof texts.statements]}`,
        '',
        `> ${md(statement.text)}`,
        '',
      );
    }
  }

  // Framing: the objectives and progress indicators agreed, all of them (they are the contract).
  for (const kind of ['objective', 'indicator'] as const) {
    const cards = Object.values(v.cards)
      .filter((c) => c.kind === kind && c.status !== 'set_aside')
      .sort((a, b) => a.createdAt - b.createdAt);
    if (cards.length === 0) continue;
    lines.push(`## ${texts.cardKinds[kind]}`, '');
    for (const card of cards) lines.push(`- ${md(card.text)}`);
    lines.push('');
  }

  const kept = Object.values(v.cards)
    .filter((c) => c.status === 'kept')
    .sort((a, b) => a.createdAt - b.createdAt);
  lines.push(`## ${texts.record.kept}`, '');
  if (kept.length === 0) lines.push(texts.record.noneKept);
  for (const card of kept) lines.push(`- ${md(card.text)}`);
  lines.push('');

  const items = Object.values(v.actionPlan).sort((a, b) => a.createdAt - b.createdAt);
  lines.push(`## ${texts.record.plan}`, '');
  if (items.length === 0) lines.push(texts.plan.empty);
  for (const item of items) {
    const details = [
      item.byWhen && texts.record.when(item.byWhen),
      item.withWhom && texts.record.by(item.withWhom),
    ]
      .filter(Boolean)
      .map((s) => md(s as string));
    lines.push(`- [ ] ${md(item.what)}${details.length ? ` (${details.join(', ')})` : ''}`);
  }
  lines.push('');

  const confidence = Object.entries(v.confidence);
  if (confidence.length > 0) {
    lines.push(`## ${texts.record.confidence}`, '');
    for (const [id, value] of confidence) lines.push(`- ${md(nameOf(id))}: ${value}/10`);
    lines.push('');
  }

  const reviews = Object.entries(v.indicatorReviews);
  if (reviews.length > 0) {
    lines.push(`## ${texts.indicators.title}`, '');
    for (const [cardId, byReviewer] of reviews) {
      const card = v.cards[cardId];
      lines.push(`- ${md(card?.text ?? cardId)}`);
      for (const review of Object.values(byReviewer)) {
        lines.push(
          `  - ${md(nameOf(review.reviewerId))}: **${texts.indicators[review.verdict]}**${review.note ? ` (${md(review.note)})` : ''}`,
        );
      }
    }
    lines.push('');
  }

  const learnings = Object.values(v.learnings).sort((a, b) => a.at - b.at);
  if (learnings.length > 0) {
    lines.push(`## ${texts.record.learnings}`, '');
    for (const l of learnings) lines.push(`- ${md(l.text)} (${md(nameOf(l.authorId))})`);
    lines.push('');
  }
  return `${lines.join('\n').trim()}\n`;
}

/** My logbook, and nobody else's: it comes from my private view only. */
export function logbookMarkdown(): string {
  const v = view.value;
  const texts = t();
  const entries = Object.values(mine.value?.logbook ?? {}).sort((a, b) => a.createdAt - b.createdAt);
  const lines = [
    `# ${texts.logbook.title}`,
    '',
    `_${texts.logbook.private} · ${texts.record.generated(today())}_`,
    '',
  ];
  for (const entry of entries) {
    const phase = entry.phaseId ? v?.phases.find((p) => p.id === entry.phaseId) : undefined;
    const when = new Date(entry.createdAt).toLocaleString();
    lines.push(`## ${when}${phase ? ` · ${md(loc(phase.name))}` : ''}`, '', md(entry.text), '');
  }
  if (entries.length === 0) lines.push(texts.logbook.empty);
  return `${lines.join('\n').trim()}\n`;
}
