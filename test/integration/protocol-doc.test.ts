import { readFileSync } from 'node:fs';
import {
  circleErrorCodes,
  circleExportSchema,
  clientEventSchemas,
  commandSchema,
  createCircleRequestSchema,
  enterSessionRequestSchema,
  errorCodeSchema,
  followUpRequestSchema,
  joinCircleRequestSchema,
  openSessionRequestSchema,
  serverEventSchemas,
} from '@cercle/shared';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { circleErrorStatus, circleRoutes } from '../../server/src/http/circles.js';
import { startTestServer } from '../support/testServer.js';

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

  it('lists every circles route, each one served, and names every field of their bodies', async () => {
    const circles = section('Circles');
    const documented = [...circles.matchAll(/^\| `((?:GET|POST|PATCH|DELETE) [^`]+)` +\|/gm)].map(
      (m) => m[1],
    );
    expect(documented.sort()).toEqual([...circleRoutes].sort());
    const server = await startTestServer();
    try {
      for (const route of circleRoutes) {
        const [method, url] = route.split(' ') as ['GET' | 'POST' | 'PATCH' | 'DELETE', string];
        expect(server.app.http.hasRoute({ method, url }), route).toBe(true);
      }
    } finally {
      await server.close();
    }
    for (const schema of [
      createCircleRequestSchema,
      joinCircleRequestSchema,
      openSessionRequestSchema,
      enterSessionRequestSchema,
      followUpRequestSchema,
    ]) {
      for (const field of fieldsOf(schema)) expect(circles, field).toMatch(new RegExp(`\\b${field}\\b`));
    }
    const format = circles.slice(circles.indexOf('### Circle export format'));
    for (const field of fieldsOf(circleExportSchema))
      expect(format, field).toMatch(new RegExp(`\\b${field}\\b`));
  });

  it('lists every circles error code with its status, and no other', () => {
    const table = section('Circles').slice(section('Circles').indexOf('### Circle error codes'));
    const rows = [...table.matchAll(/^\| `([a-z_]+)` *\| (\d{3}) +\|/gm)].map((m) => [m[1], Number(m[2])]);
    expect(Object.fromEntries(rows)).toEqual(circleErrorStatus);
    expect(rows.map((r) => r[0]).sort()).toEqual([...circleErrorCodes].sort());
  });
});
