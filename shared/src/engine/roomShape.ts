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
const LAST_KEY = ROOM_KEYS[ROOM_KEYS.length - 1]!;

/**
 * `hasRoomKeys(Object.keys(object))`, without making the array of keys (a room's 34 keys are a 320-byte
 * array per call, several per command): a `for...in` over an object of a shape seen before reads V8's
 * cached key list. It also meets inherited enumerable keys, after the own ones: exactly `ROOM_KEYS` with
 * the last one own means every one is own, as `Object.keys` would list them.
 */
export function isRoomLiteral(object: object): boolean {
  let i = 0;
  for (const key in object) {
    if (key !== ROOM_KEYS[i]) return false;
    i++;
  }
  return i === ROOM_KEYS.length && Object.hasOwn(object, LAST_KEY);
}

/**
 * The values of a room with `isRoomLiteral`, in `ROOM_KEYS`' order (what `Object.values` gives it),
 * written into `out` (a caller's scratch array, reused) by named reads: no array made per room, and
 * none of the keyed reads by a variable name that a loop over the keys would make (~40 ns each).
 */
export function roomValuesInto(r: Room, out: unknown[]): unknown[] {
  out[0] = r.code;
  out[1] = r.version;
  out[2] = r.status;
  out[3] = r.locked;
  out[4] = r.createdAt;
  out[5] = r.lastActivityAt;
  out[6] = r.title;
  out[7] = r.locale;
  out[8] = r.template;
  out[9] = r.phases;
  out[10] = r.phaseIndex;
  out[11] = r.coachingRound;
  out[12] = r.participants;
  out[13] = r.timer;
  out[14] = r.phaseClocks;
  out[15] = r.warnBeforeMs;
  out[16] = r.autoAdvance;
  out[17] = r.advanceWhenDone;
  out[18] = r.done;
  out[19] = r.revealed;
  out[20] = r.allowAnonymousCards;
  out[21] = r.floor;
  out[22] = r.cards;
  out[23] = r.statements;
  out[24] = r.actionPlan;
  out[25] = r.confidence;
  out[26] = r.learnings;
  out[27] = r.evaluations;
  out[28] = r.indicatorReviews;
  out[29] = r.followUp;
  out[30] = r.topicRound;
  out[31] = r.logbooks;
  out[32] = r.phaseHistory;
  out[33] = r.facilitatorKeyHash;
  return out;
}

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
