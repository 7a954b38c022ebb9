/**
 * MD-1: a person's words written into a Markdown file read back as the same words under any CommonMark
 * reader, whatever they hold: fences (``` and ~~~), a leading `#`, `-`, `>`, `*`, `+`, `=` or `1.`,
 * backslashes, HTML, entities, several lines. One rule for every file the product writes (the session
 * record, the logbook, the circle's export).
 *
 * How: characters that open inline markup are backslash-escaped everywhere (CommonMark lets any ASCII
 * punctuation be escaped), the first character of a line is escaped when it is punctuation (block
 * markers), a number followed by `.` or `)` loses its list meaning, whitespace at either end of a line is
 * written as a character reference (else the reader would strip it or see indented code), and a new line
 * is a hard break (a backslash at the end of the line) so one text stays one paragraph, one list item.
 */

const inlineMarkup = /[\\`*_[\]<>&~|]/g;
const asciiPunctuation = /^[!-/:-@[-`{-~]$/;

function escapeLine(line: string): string {
  const lead = /^[ \t]*/.exec(line)?.[0] ?? '';
  const rest = line.slice(lead.length);
  const trail = /[ \t]*$/.exec(rest)?.[0] ?? '';
  let body = rest.slice(0, rest.length - trail.length).replace(inlineMarkup, '\\$&');
  const first = body[0];
  if (first !== undefined && first !== '\\' && asciiPunctuation.test(first)) body = `\\${body}`;
  // "1. text" or "1) text" would start an ordered list.
  body = body.replace(/^(\d{1,9})([.)])/, '$1\\$2');
  return `${reference(lead)}${body}${reference(trail)}`;
}

/** Spaces and tabs as character references: kept by the reader where raw ones would be dropped. */
function reference(whitespace: string): string {
  return whitespace.replace(/[ \t]/g, (c) => (c === ' ' ? '&#32;' : '&#9;'));
}

/**
 * A text as Markdown inline content that may span lines: each further line starts with `indent` (the
 * width of the list marker or the `> ` of the block it sits in).
 */
export function markdownText(text: string, indent = ''): string {
  return text.replace(/\r\n?/g, '\n').split('\n').map(escapeLine).join(`\\\n${indent}`);
}

/** A text on one line (a heading, a name): new lines become spaces. */
export function markdownLine(text: string): string {
  return escapeLine(text.replace(/\s*[\r\n]+\s*/g, ' '));
}
