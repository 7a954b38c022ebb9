import { z } from 'zod';
import { followUpStatusSchema } from '../engine/room.js';
import { markdownLine, markdownText } from '../markdown/text.js';
import { localeSchema } from '../protocol/events.js';
import {
  CIRCLE_LIMITS,
  type Circle,
  type CircleOutcome,
  circleKindSchema,
  memberRoleSchema,
  membersInOrder,
  refuseCircle,
  type SessionRecord,
  sessionKindSchema,
  sessionRecordSchema,
} from './circle.js';
import { addMember, createCircle, type NewCircle } from './membership.js';

/**
 * CI-10: the circle as a file (docs/protocol.md, "Circle export format"): what the group holds in
 * common, with members named by a reference local to the file (`ref`, 1-based). Never secrets, link
 * hashes or logbooks (those are their owners' alone). Importing it opens a new circle with the same
 * members (each with a new link), sessions, records and follow-up items.
 */
const memberRef = z.number().int().min(1).max(CIRCLE_LIMITS.members.codev);
const exportedRecordSchema = sessionRecordSchema.extend({
  clientId: memberRef.nullable(),
  firstCoacheeId: memberRef.nullable(),
  actions: z.array(sessionRecordSchema.shape.actions.element.extend({ ownerId: memberRef.nullable() })),
  confidence: z.array(sessionRecordSchema.shape.confidence.element.extend({ ownerId: memberRef.nullable() })),
});

export const circleExportSchema = z.strictObject({
  format: z.literal('cercle-circle'),
  formatVersion: z.literal(1),
  exportedAt: z.string(),
  kind: circleKindSchema,
  title: z.string().trim().min(1).max(CIRCLE_LIMITS.title),
  locale: localeSchema,
  members: z
    .array(
      z.strictObject({
        ref: memberRef,
        name: z.string().trim().min(1).max(CIRCLE_LIMITS.memberName),
        role: memberRoleSchema.nullable(),
      }),
    )
    .max(CIRCLE_LIMITS.members.codev),
  sessions: z
    .array(
      z.strictObject({
        number: z.number().int().min(1),
        kind: sessionKindSchema,
        openedAt: z.string(),
        record: exportedRecordSchema.nullable(),
      }),
    )
    .max(CIRCLE_LIMITS.sessions),
  followUps: z
    .array(
      z.strictObject({
        owner: memberRef,
        what: z.string().max(500),
        byWhen: z.string().max(200),
        withWhom: z.string().max(200),
        fromSession: z.number().int().min(1),
        status: followUpStatusSchema,
        note: z.string().max(CIRCLE_LIMITS.followUpNote),
        confidenceThen: z.number().nullable(),
        confidenceNow: z.number().nullable(),
      }),
    )
    .max(CIRCLE_LIMITS.followUps),
});
export type CircleExport = z.infer<typeof circleExportSchema>;

export function exportCircle(circle: Circle, now: number): CircleExport {
  const members = membersInOrder(circle);
  const refs = new Map(members.map((m, i) => [m.id, i + 1]));
  const ref = (id: string | null) => (id === null ? null : (refs.get(id) ?? null));
  return {
    format: 'cercle-circle',
    formatVersion: 1,
    exportedAt: new Date(now).toISOString(),
    kind: circle.kind,
    title: circle.title,
    locale: circle.locale,
    members: members.map((m) => ({ ref: refs.get(m.id)!, name: m.name, role: m.role })),
    sessions: circle.sessions.map((s) => ({
      number: s.number,
      kind: s.kind,
      openedAt: new Date(s.openedAt).toISOString(),
      record: s.record && {
        ...s.record,
        clientId: ref(s.record.clientId),
        firstCoacheeId: ref(s.record.firstCoacheeId),
        actions: s.record.actions.map((a) => ({ ...a, ownerId: ref(a.ownerId) })),
        confidence: s.record.confidence.map((c) => ({ ...c, ownerId: ref(c.ownerId) })),
      },
    })),
    followUps: Object.values(circle.followUps)
      .filter((f) => refs.has(f.ownerId))
      .map((f) => ({
        owner: refs.get(f.ownerId)!,
        what: f.what,
        byWhen: f.byWhen,
        withWhom: f.withWhom,
        fromSession: f.fromSession,
        status: f.status,
        note: f.note,
        confidenceThen: f.confidenceThen,
        confidenceNow: f.confidenceNow,
      })),
  };
}

/**
 * CI-10: a new circle from an export. The caller gives the new circle's ids and hashes, and one new
 * member (id, secret hash) per exported member, in the file's order. Imported sessions have no room.
 */
export function importCircle(
  file: CircleExport,
  input: Omit<NewCircle, 'kind' | 'title' | 'locale'>,
  newMembers: { id: string; secretHash: string }[],
  now: number,
): CircleOutcome {
  const created = createCircle({ ...input, kind: file.kind, title: file.title, locale: file.locale }, now);
  if (!created.ok) return created;
  let circle = created.circle;
  const ids = new Map<number, string>();
  for (const [i, m] of file.members.entries()) {
    const fresh = newMembers[i];
    if (!fresh || ids.has(m.ref)) return refuseCircle('invalid', 'Members do not match.');
    // One millisecond apart: the members keep the file's order (rotation and lists follow it).
    const added = addMember(
      circle,
      { id: fresh.id, name: m.name, secretHash: fresh.secretHash, role: m.role ?? undefined },
      now + i,
    );
    if (!added.ok) return added;
    circle = added.circle;
    ids.set(m.ref, fresh.id);
  }
  const id = (ref: number | null) => (ref === null ? null : (ids.get(ref) ?? null));
  const sessions = file.sessions.map((s, i) => {
    const record: SessionRecord | null = s.record && {
      ...s.record,
      clientId: id(s.record.clientId),
      firstCoacheeId: id(s.record.firstCoacheeId),
      actions: s.record.actions.map((a) => ({ ...a, ownerId: id(a.ownerId) })),
      confidence: s.record.confidence.map((c) => ({ ...c, ownerId: id(c.ownerId) })),
    };
    const openedAt = Date.parse(s.openedAt);
    return {
      number: i + 1,
      kind: s.kind,
      roomCode: '',
      openedAt: Number.isFinite(openedAt) ? openedAt : now,
      clientId: record?.clientId ?? null,
      firstCoacheeId: record?.firstCoacheeId ?? null,
      seats: {},
      record: record && { ...record, ended: true },
    };
  });
  const followUps: Circle['followUps'] = {};
  for (const [i, f] of file.followUps.entries()) {
    const ownerId = id(f.owner);
    if (!ownerId) return refuseCircle('invalid', 'A follow-up item names no member of the file.');
    const { owner: _owner, ...rest } = f;
    followUps[`i${i + 1}`] = { ...rest, id: `i${i + 1}`, ownerId, updatedAt: now };
  }
  return { ok: true, circle: { ...circle, sessions, followUps } };
}

export type MarkdownTexts = {
  session: (n: number, kind: string, date: string) => string;
  kinds: Record<string, string>;
  members: string;
  client: string;
  request: string;
  kept: string;
  actions: string;
  followUp: string;
  learnings: string;
  evaluations: string;
  objectives: string;
  indicators: string;
  synthesis: string;
  confidence: string;
  verdicts: Record<'met' | 'partly_met' | 'not_met', string>;
  statuses: Record<'open' | 'in_progress' | 'done' | 'dropped', string>;
};

/** A person's words as Markdown (MD-1): the same escaping as the session record, so one rule for all. */
const md = (text: string, indent = '  '): string => markdownText(text, indent);

/** CI-10: the whole circle as Markdown, in the circle's language (texts from the page's dictionary). */
export function circleMarkdown(file: CircleExport, texts: MarkdownTexts): string {
  const names = new Map(file.members.map((m) => [m.ref, m.name]));
  const lines: string[] = [`# ${markdownLine(file.title)}`, '', `## ${texts.members}`, ''];
  for (const m of file.members) lines.push(`- ${md(m.name)}`);
  lines.push('');
  const date = (iso: string) => new Date(iso).toLocaleDateString(file.locale === 'fr' ? 'fr-FR' : 'en-GB');
  for (const s of file.sessions) {
    lines.push(`## ${texts.session(s.number, texts.kinds[s.kind] ?? s.kind, date(s.openedAt))}`, '');
    const r = s.record;
    if (!r) continue;
    if (r.clientName) lines.push(`**${texts.client}**: ${md(r.clientName, '')}`, '');
    if (r.request) lines.push(`**${texts.request}**: ${md(r.request, '')}`, '');
    const list = (title: string, items: string[]) => {
      if (items.length === 0) return;
      lines.push(`### ${title}`, '', ...items.map((i) => `- ${i}`), '');
    };
    list(
      texts.objectives,
      r.objectives.map((text) => md(text)),
    );
    list(
      texts.indicators,
      r.indicators.map(
        (i) =>
          `${md(i.text)}${i.reviews.map((v) => `\n  - ${md(v.name, '    ')}: **${texts.verdicts[v.verdict]}**${v.note ? ` (${md(v.note, '    ')})` : ''}`).join('')}`,
      ),
    );
    list(
      texts.kept,
      r.keptSuggestions.map((text) => md(text)),
    );
    list(
      texts.actions,
      r.actions.map((a) => `${md(a.what)} (${md(a.ownerName)}${a.byWhen ? `, ${md(a.byWhen)}` : ''})`),
    );
    list(
      texts.confidence,
      r.confidence.map((c) => `${md(c.name)}: ${c.value}/10`),
    );
    list(
      texts.learnings,
      r.learnings.map((l) => `${md(l.text)} (${md(l.name)})`),
    );
    list(
      texts.evaluations,
      r.evaluations.map((e) => `${md(e.name)}: ${e.rating}/5 ${md(e.comment)}`),
    );
    if (r.synthesis) lines.push(`**${texts.synthesis}**: ${md(r.synthesis, '')}`, '');
  }
  if (file.followUps.length > 0) {
    lines.push(`## ${texts.followUp}`, '');
    for (const f of file.followUps) {
      lines.push(
        `- ${md(f.what)} (${md(names.get(f.owner) ?? '')}): **${texts.statuses[f.status]}**${f.note ? ` ${md(f.note)}` : ''}`,
      );
    }
    lines.push('');
  }
  return lines.join('\n');
}
