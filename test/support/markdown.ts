import { type Node, Parser } from 'commonmark';

/** The words of a node as a reader shows them: text, with a new line for each line break. */
export function plainText(node: Node): string {
  let text = '';
  const walker = node.walker();
  for (let step = walker.next(); step; step = walker.next()) {
    if (!step.entering) continue;
    const n = step.node;
    if (n.type === 'text' || n.type === 'code') text += n.literal ?? '';
    else if (n.type === 'linebreak' || n.type === 'softbreak') text += '\n';
  }
  return text;
}

export type ParsedMarkdown = {
  /** Heading texts, in order, with their level. */
  headings: { level: number; text: string }[];
  /** Every paragraph's text (list items and quotes included), in order. */
  paragraphs: string[];
  /** Node types that no escaped text may produce: code, HTML, thematic breaks. */
  markup: string[];
};

/** A Markdown file read back through CommonMark (the reference parser), as the tests compare it. */
export function parseMarkdown(source: string): ParsedMarkdown {
  const parsed: ParsedMarkdown = { headings: [], paragraphs: [], markup: [] };
  const walker = new Parser().parse(source).walker();
  for (let step = walker.next(); step; step = walker.next()) {
    if (!step.entering) continue;
    const n = step.node;
    if (n.type === 'heading') parsed.headings.push({ level: n.level, text: plainText(n) });
    else if (n.type === 'paragraph') parsed.paragraphs.push(plainText(n));
    else if (
      ['code_block', 'html_block', 'html_inline', 'code', 'thematic_break', 'link', 'image'].includes(n.type)
    )
      parsed.markup.push(n.type);
  }
  return parsed;
}

/** Texts written to break a Markdown file: fences, block markers, escapes, HTML, several lines. */
export const hostileTexts: string[] = [
  '```\nconst x = 1;\n```',
  '~~~\nthe rest would be code\n~~~',
  '~~~',
  '# not a heading',
  '- not a list\n- still not',
  '> not a quote',
  '* star\n+ plus',
  '1. first\n2) second',
  'a line\n===',
  'a line\n---',
  '***',
  'back\\slash at the end\\',
  '\\# escaped already \\\\ and \\*',
  '<script>alert(1)</script>',
  '<div>\n\nhtml block\n\n</div>',
  '&amp; &lt; &#35; entities',
  '[a link](https://example.org) ![img](x.png) <https://example.org>',
  '*emphasis* _under_ **strong** `code` ~~strike~~ | pipe |',
  'first line\n\nafter an empty line\n    indented four\n\ttabbed',
  'trailing spaces   \nnext',
  '    code by indentation',
  'Multi\nline\ntext',
];
