import { readFileSync } from 'node:fs';
import { clientEventSchemas, commandSchema, errorCodeSchema, serverEventSchemas } from '@cercle/shared';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';

const doc = readFileSync(new URL('../../docs/protocol.md', import.meta.url), 'utf8');

/** The text of one `## title` section, up to the next `## `. */
function section(title: string): string {
  const start = doc.indexOf(`\n## ${title}\n`);
  if (start < 0) throw new Error(`docs/protocol.md has no "## ${title}" section`);
  const end = doc.indexOf('\n## ', start + 1);
  return doc.slice(start, end < 0 ? undefined : end);
}

/** `### \`event\`` headings of a section, each with its text. */
function events(title: string): Map<string, string> {
  const found = new Map<string, string>();
  const parts = section(title)
    .split(/\n### /)
    .slice(1);
  for (const part of parts) {
    const name = /^`([^`]+)`/.exec(part)?.[1];
    if (name) found.set(name, part);
  }
  return found;
}

const fieldsOf = (schema: z.ZodType): string[] =>
  'shape' in schema && schema.shape && typeof schema.shape === 'object' ? Object.keys(schema.shape) : [];

describe('docs/protocol.md matches the schemas', () => {
  it('lists every client event, and no other', () => {
    expect([...events('Client to server').keys()].sort()).toEqual(Object.keys(clientEventSchemas).sort());
  });

  it('lists every server event, and no other', () => {
    expect([...events('Server to client').keys()].sort()).toEqual(Object.keys(serverEventSchemas).sort());
  });

  it('names every payload field of every event', () => {
    const documented = new Map([...events('Client to server'), ...events('Server to client')]);
    const all: Record<string, z.ZodType> = { ...clientEventSchemas, ...serverEventSchemas };
    for (const [name, schema] of Object.entries(all)) {
      const text = documented.get(name) ?? '';
      for (const field of fieldsOf(schema))
        expect(text, `${name}.${field}`).toMatch(new RegExp(`\\b${field}\\b`));
    }
  });

  it('lists every command with its fields, and no other', () => {
    const rows = new Map(
      [...section('Client to server').matchAll(/^\| `([a-z_]+)` +\|([^|]*)\|/gm)].map((m) => [
        m[1],
        m[2] ?? '',
      ]),
    );
    const types = commandSchema.options.map((option) => option.shape.type.value);
    expect([...rows.keys()].sort()).toEqual([...types].sort());
    for (const option of commandSchema.options) {
      const fields = Object.keys(option.shape).filter((k) => k !== 'type');
      const listed = rows.get(option.shape.type.value) ?? '';
      for (const field of fields)
        expect(listed, `${option.shape.type.value}.${field}`).toMatch(new RegExp(`\`${field}\\??\``));
    }
  });

  it('lists every error code, and no other', () => {
    const codes = [...section('Error codes').matchAll(/^\| `([a-z_]+)` +\|/gm)].map((m) => m[1]);
    expect(codes.sort()).toEqual([...errorCodeSchema.options].sort());
  });
});
