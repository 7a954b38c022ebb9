import { markdownLine, markdownText, roomRecord, roomRecordMarkdown } from '@cercle/shared';
import { formatDateTime, loc, t } from '../i18n/index.js';
import { recordTextsIn } from '../i18n/record-words.js';
import { tr } from '../i18n/words.js';
import { noteText } from '../logbook/notes.js';
import { serverNow } from '../state/clock.js';
import { mine, roomCode, view } from '../state/session.js';
import { downloadText, slug } from '../ui/download.js';

/**
 * RD-1, RD-2: the session record as this page's view holds it, in the room's language: the Markdown file
 * and the JSON file are written from the same plain record (shared/src/record).
 */
function currentRecord() {
  const v = view.value;
  return v ? roomRecord(v, serverNow()) : null;
}

function fileBase(): string {
  const v = view.value;
  const title = v ? v.title || loc(v.template.name) : '';
  return `${tr().download.fileName}-${slug(title)}-${roomCode.value}`;
}

/** Saves the record as Markdown (what people read) or JSON (what tools read, docs/protocol.md). */
export function downloadRecord(format: 'md' | 'json'): void {
  const record = currentRecord();
  if (!record) return;
  if (format === 'json') {
    downloadText(`${fileBase()}.json`, `${JSON.stringify(record, null, 2)}\n`, 'application/json');
  } else {
    downloadText(`${fileBase()}.md`, roomRecordMarkdown(record, recordTextsIn(record.session.locale)));
  }
}

/** My logbook, and nobody else's: it comes from my private view only. */
export function logbookMarkdown(): string {
  const v = view.value;
  const texts = t();
  const entries = Object.values(mine.value?.logbook ?? {}).sort((a, b) => a.createdAt - b.createdAt);
  const lines = [
    `# ${markdownLine(texts.logbook.title)}`,
    '',
    `_${markdownLine(texts.logbook.private)} · ${markdownLine(texts.record.generated(formatDateTime(serverNow())))}_`,
    '',
  ];
  for (const entry of entries) {
    const phase = entry.phaseId ? v?.phases.find((p) => p.id === entry.phaseId) : undefined;
    // LG-6: the clear text as this device opened it; an entry no key here opens is said so.
    const text = noteText(entry);
    lines.push(
      `## ${markdownLine(formatDateTime(entry.createdAt))}${phase ? ` · ${markdownLine(loc(phase.name))}` : ''}`,
      '',
      text ? markdownText(text) : `_${markdownLine(texts.logbook.locked)}_`,
      '',
    );
  }
  if (entries.length === 0) lines.push(markdownLine(texts.logbook.empty));
  return `${lines.join('\n').trim()}\n`;
}
