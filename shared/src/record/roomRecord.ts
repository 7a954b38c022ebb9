import type { CardKind, Role, RoomLocale, StatementKind, TemplateId } from '../engine/template.js';
import type { RoomView } from '../engine/views.js';
import { type StatementField, statementField } from './fields.js';

/** The `format` of a session record file (RD-1); `version` changes when a field changes meaning. */
export const SESSION_RECORD_FORMAT = 'cercle.session-record';
export const SESSION_RECORD_VERSION = 1;

/**
 * RD-1: what a session leaves to take home, built from the room as every member sees it (the public view:
 * never a logbook, never a hidden card, no author of an anonymous card). Plain data: the JSON download
 * is this object, the Markdown record is written from it. Times are ISO 8601 (UTC) strings, durations
 * milliseconds; names are display names as they were in the room.
 */
export type RoomRecord = {
  format: typeof SESSION_RECORD_FORMAT;
  version: typeof SESSION_RECORD_VERSION;
  /** When this file was made. */
  exportedAt: string;
  /** False when downloaded before the end (the facilitator may): later changes are not in it. */
  final: boolean;
  session: {
    code: string;
    title: string | null;
    method: TemplateId;
    /** The language the room was opened in: the file's words, dates and numbers follow it. */
    locale: RoomLocale;
    createdAt: string;
    /** The first phase's start, or null before the start. */
    startedAt: string | null;
    /** The last phase's end, or null while the session runs. */
    endedAt: string | null;
    /** The phase the room was in when the file was made (null once ended or before the start). */
    currentPhase: string | null;
  };
  /** Everyone who held a seat (those still waiting at the door are not participants), by join time. */
  participants: { name: string; role: Role }[];
  /** The pinned statements (requests, synthesis, review), named by `field` (RD-3). */
  statements: { kind: StatementKind; field: StatementField; text: string; author: string | null }[];
  /**
   * Every card shown on the board, by time: questions and answers of the clarification, suggestions and
   * options with their status, objectives, indicators, notes. `author` is null on anonymous cards and on
   * indicators brought from the framing.
   */
  cards: {
    kind: CardKind;
    text: string;
    status: 'open' | 'kept' | 'set_aside';
    author: string | null;
    anonymous: boolean;
    phase: string;
    createdAt: string;
  }[];
  actions: { what: string; byWhen: string; withWhom: string; owner: string; round: number }[];
  /** A circle's session: the earlier sessions' action items reviewed in its follow-up step (CS-1). */
  followUp: {
    what: string;
    owner: string;
    fromSession: number;
    status: 'open' | 'in_progress' | 'done' | 'dropped';
    note: string;
    confidenceThen: number | null;
    confidenceNow: number | null;
  }[];
  /** Confidence in the action plan, 1 to 10, per person who gave it. */
  confidence: { name: string; value: number }[];
  /** Closing meeting: each party's verdict on each indicator. */
  indicatorReviews: {
    indicator: string;
    reviews: { name: string; verdict: 'met' | 'partly_met' | 'not_met'; note: string }[];
  }[];
  learnings: { text: string; author: string }[];
  /** The session's evaluations, 1 to 5: how many, their average (null with none), comments unsigned. */
  evaluation: { count: number; average: number | null; comments: string[] };
  /** Planned against actual time per phase run (both rounds in peer coaching), in the order run. */
  phases: { id: string; name: string; round: number; plannedMs: number; actualMs: number }[];
};

const iso = (at: number): string => new Date(at).toISOString();

/** RD-1: the record of a room as its public view shows it at `now`. */
export function roomRecord(view: RoomView, now: number): RoomRecord {
  const name = (id: string | undefined): string | null =>
    id !== undefined && Object.hasOwn(view.participants, id)
      ? (view.participants[id]?.displayName ?? null)
      : null;
  const locale = view.locale;
  const byTime = <T>(items: T[], at: (item: T) => number) => [...items].sort((a, b) => at(a) - at(b));

  const firstRun = view.phaseHistory[0];
  const lastRun = view.phaseHistory.at(-1);
  const phase = view.phases[view.phaseIndex];

  const phases: RoomRecord['phases'] = [];
  const rounds = view.template.swap ? [1, 2] : [1];
  for (const round of rounds) {
    view.phases.forEach((p, index) => {
      const runs = view.phaseHistory.filter((r) => r.index === index && r.coachingRound === round);
      if (runs.length === 0) return;
      const actualMs = runs.reduce((sum, r) => sum + Math.max(0, (r.endedAt ?? now) - r.startedAt), 0);
      phases.push({
        id: p.id,
        name: p.name[locale],
        round,
        plannedMs: runs[0]?.plannedMs ?? p.durationMs,
        actualMs,
      });
    });
  }

  const evaluations = Object.values(view.evaluations);
  return {
    format: SESSION_RECORD_FORMAT,
    version: SESSION_RECORD_VERSION,
    exportedAt: iso(now),
    final: view.status === 'ended',
    session: {
      code: view.code,
      title: view.title,
      method: view.template.id,
      locale,
      createdAt: iso(view.createdAt),
      startedAt: firstRun ? iso(firstRun.startedAt) : null,
      endedAt: view.status === 'ended' && lastRun?.endedAt ? iso(lastRun.endedAt) : null,
      currentPhase: view.status === 'running' && phase ? phase.name[locale] : null,
    },
    participants: byTime(
      Object.values(view.participants).filter((p) => p.admission !== 'waiting'),
      (p) => p.joinedAt,
    ).map((p) => ({ name: p.displayName, role: p.role })),
    statements: Object.entries(view.statements).flatMap(([kind, statement]) =>
      statement
        ? [
            {
              kind: kind as StatementKind,
              field: statementField(view.template.id, kind as StatementKind),
              text: statement.text,
              author: name(statement.authorId),
            },
          ]
        : [],
    ),
    cards: byTime(
      Object.values(view.cards).filter((c) => !c.hidden),
      (c) => c.createdAt,
    ).map((c) => ({
      kind: c.kind,
      text: c.text,
      status: c.status,
      author: c.anonymous ? null : name(c.authorId),
      anonymous: c.anonymous,
      phase: c.phaseId,
      createdAt: iso(c.createdAt),
    })),
    actions: byTime(Object.values(view.actionPlan), (a) => a.createdAt).map((a) => ({
      what: a.what,
      byWhen: a.byWhen,
      withWhom: a.withWhom,
      owner: name(a.ownerId) ?? '',
      round: a.coachingRound,
    })),
    followUp: Object.values(view.followUp).map((f) => ({
      what: f.what,
      owner: name(f.ownerId) ?? f.ownerName,
      fromSession: f.fromSession,
      status: f.status,
      note: f.note,
      confidenceThen: f.confidenceThen,
      confidenceNow: f.confidenceNow,
    })),
    confidence: Object.entries(view.confidence).map(([id, value]) => ({ name: name(id) ?? '', value })),
    indicatorReviews: Object.entries(view.indicatorReviews).flatMap(([cardId, reviews]) => {
      const card = Object.hasOwn(view.cards, cardId) ? view.cards[cardId] : undefined;
      if (!card) return [];
      return [
        {
          indicator: card.text,
          reviews: byTime(Object.values(reviews), (r) => r.at).map((r) => ({
            name: name(r.reviewerId) ?? '',
            verdict: r.verdict,
            note: r.note,
          })),
        },
      ];
    }),
    learnings: byTime(Object.values(view.learnings), (l) => l.at).map((l) => ({
      text: l.text,
      author: name(l.authorId) ?? '',
    })),
    evaluation: {
      count: evaluations.length,
      average:
        evaluations.length === 0 ? null : evaluations.reduce((s, e) => s + e.rating, 0) / evaluations.length,
      comments: byTime(evaluations, (e) => e.at)
        .map((e) => e.comment)
        .filter((c) => c.length > 0),
    },
    phases,
  };
}
