import type { Room } from './room.js';

/**
 * A room's fields written out in code, for what is done to whole rooms on every command or welcome:
 * copying one (`roomLiteral`, see `nextRoom` in decide.ts) and viewing one (`publicView`).
 *
 * Why hand-made: a room has 34 fields, and V8 handles a literal of them far better than a spread or a
 * rest copy: a spread copies quickly only from an object whose fields are all inside it, and its result
 * keeps 4 inside and 30 in a separate array, so a spread of a spread takes the slow path (~0.8 us), and
 * a rest copy (`{ a, ...rest } = room`) ~10 us. Used only for rooms whose keys are exactly `ROOM_KEYS`, in
 * that order (`hasRoomKeys`): any other room takes the general code, so its shape is kept as it is.
 */

/** One literal of every field of a room, its version and last activity given (the compiler checks none is missing or extra). */
export function roomLiteral(r: Room, version: number, now: number): Room {
  return {
    code: r.code,
    version,
    status: r.status,
    locked: r.locked,
    createdAt: r.createdAt,
    lastActivityAt: now,
    title: r.title,
    locale: r.locale,
    template: r.template,
    phases: r.phases,
    phaseIndex: r.phaseIndex,
    coachingRound: r.coachingRound,
    participants: r.participants,
    timer: r.timer,
    phaseClocks: r.phaseClocks,
    warnBeforeMs: r.warnBeforeMs,
    autoAdvance: r.autoAdvance,
    advanceWhenDone: r.advanceWhenDone,
    done: r.done,
    revealed: r.revealed,
    allowAnonymousCards: r.allowAnonymousCards,
    floor: r.floor,
    cards: r.cards,
    statements: r.statements,
    actionPlan: r.actionPlan,
    confidence: r.confidence,
    learnings: r.learnings,
    evaluations: r.evaluations,
    indicatorReviews: r.indicatorReviews,
    followUp: r.followUp,
    topicRound: r.topicRound,
    logbooks: r.logbooks,
    phaseHistory: r.phaseHistory,
    facilitatorKeyHash: r.facilitatorKeyHash,
  };
}

/** The literal's keys, in its order. */
export const ROOM_KEYS: readonly string[] = Object.keys(roomLiteral({} as Room, 0, 0));

/** Same keys in the same order (both lists as `Object.keys` gives them). */
export function sameKeys(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** `keys` (as `Object.keys` gives them) are exactly `ROOM_KEYS`, in that order. */
export function hasRoomKeys(keys: readonly string[]): boolean {
  return sameKeys(keys, ROOM_KEYS);
}
