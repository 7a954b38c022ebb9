import { markdownLine, markdownText } from '@cercle/shared';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hostileTexts, parseMarkdown } from '../support/markdown.js';

/** MD-1: each text as a list item, a quote and a paragraph, read back through CommonMark. */
function roundTrip(text: string): void {
  const source = [
    '# Title',
    '',
    `- ${markdownText(text, '  ')}`,
    `- ${markdownText('next item', '  ')}`,
    '',
    `> ${markdownText(text, '> ')}`,
    '',
    markdownText(text),
    '',
    '## End',
    '',
  ].join('\n');
  const parsed = parseMarkdown(source);
  expect(parsed.headings).toEqual([
    { level: 1, text: 'Title' },
    { level: 2, text: 'End' },
  ]);
  expect(parsed.paragraphs).toEqual([text, 'next item', text, text]);
  expect(parsed.markup).toEqual([]);
}

describe('Markdown text (MD-1)', () => {
  it.each(hostileTexts)('keeps %j intact as a list item, a quote and a paragraph', (text) => {
    roundTrip(text);
  });

  it('keeps any trimmed text intact (property)', () => {
    const alphabet = fc.constantFrom(
      ...'`~#->*+=_1.)\\<>&![]()|: \t\nab',
      '&amp;',
      '```',
      '~~~',
      '    ',
      'é',
    );
    fc.assert(
      fc.property(fc.array(alphabet, { minLength: 1, maxLength: 40 }), (parts) => {
        const text = parts.join('').trim();
        fc.pre(text.length > 0);
        roundTrip(text);
      }),
      { numRuns: 400 },
    );
  });

  it('writes a heading on one line', () => {
    const parsed = parseMarkdown(`# ${markdownLine('# two\n~~~ lines')}\n`);
    expect(parsed.headings).toEqual([{ level: 1, text: '# two ~~~ lines' }]);
  });

  it('stays readable: ordinary words and punctuation are not escaped', () => {
    expect(markdownText('Call Anna, then write: 3 ideas.')).toBe('Call Anna, then write: 3 ideas.');
  });
});
