import { recordOf } from './entries.js';
import { deepEqual, diffKey, diffRecord, emptyPatch, type ViewPatch } from './patch.js';
import type { Card, LogbookEntry, Participant, ParticipantId, Room, TopicRound } from './room.js';
import { isRoomLiteral, ROOM_KEYS, roomValuesInto, sameKeys } from './roomShape.js';

/**
 * A seat as everyone sees it: no token hash, no list of anonymous cards (VW-2, VW-3), no hidden card
 * texts (SW-1), no private stars (PM-1).
 */
export type ParticipantView = Omit<
  Participant,
  'tokenHash' | 'anonymousCardIds' | 'hiddenTexts' | 'stars' | 'topicVote'
>;
/**
 * A card as everyone sees it; `authorId` is absent (not null) on anonymous cards (VW-3); a hidden card's
 * `text` is empty until the reveal (SW-1): the room itself holds no text for it.
 */
export type CardView = Card;

/**
 * The topic round as everyone sees it (CS-4): the cases, and for each candidate the number of votes;
 * never who voted for whom (each voter sees their own vote in their private view).
 */
export type TopicRoundView = TopicRound & { tally: Record<ParticipantId, number> };

/** What every admitted participant sees: enough to draw the room, and nothing private (VW-1). */
export type RoomView = Omit<
  Room,
  'participants' | 'cards' | 'logbooks' | 'facilitatorKeyHash' | 'topicRound'
> & {
  participants: Record<ParticipantId, ParticipantView>;
  cards: Record<string, CardView>;
  topicRound: TopicRoundView | null;
};

/**
 * What only the viewer sees: their own seat, their own logbook (LG-1), the text of their own cards still
 * hidden by silent writing (SW-1) and their private stars (PM-1).
 */
export type PrivateView = {
  participantId: ParticipantId;
  seat: (ParticipantView & { anonymousCardIds: string[] }) | null;
  logbook: Record<string, LogbookEntry>;
  hiddenTexts: Record<string, string>;
  stars: string[];
  /** Whom the viewer voted for in the topic round (CS-4), or null. */
  topicVote: ParticipantId | null;
};

// Views are rebuilt for every broadcast; caching per state object keeps unchanged entries identical by
// reference across versions, so diffs stay cheap and patches small.
const participantViews = new WeakMap<Participant, ParticipantView>();
const cardsViews = new WeakMap<object, Record<string, CardView>>();
const participantsViews = new WeakMap<Room['participants'], Record<ParticipantId, ParticipantView>>();
const topicRoundViews = new WeakMap<Room['participants'], { round: TopicRound; view: TopicRoundView }>();

/** CS-4: the votes, kept on the voters' seats, become counts per candidate. */
function topicRoundView(round: TopicRound | null, participants: Room['participants']): TopicRoundView | null {
  if (round === null) return null;
  const cached = topicRoundViews.get(participants);
  if (cached?.round === round) return cached.view;
  const tally: Record<ParticipantId, number> = {};
  for (const seat of Object.values(participants)) {
    const candidate = seat.topicVote;
    if (candidate && Object.hasOwn(round.cases, candidate)) tally[candidate] = (tally[candidate] ?? 0) + 1;
  }
  const view = { ...round, tally };
  topicRoundViews.set(participants, { round, view });
  return view;
}

function participantView(participant: Participant): ParticipantView {
  let view = participantViews.get(participant);
  if (view === undefined) {
    const {
      tokenHash: _token,
      anonymousCardIds: _own,
      hiddenTexts: _hidden,
      stars: _stars,
      topicVote: _vote,
      ...rest
    } = participant;
    view = rest;
    participantViews.set(participant, view);
  }
  return view;
}

function cardView(card: Card): CardView {
  // Anonymous cards never store an author, hidden ones no text; drop them anyway should a bug ever put
  // them there (VW-3, SW-1).
  if ((card.anonymous && 'authorId' in card) || (card.hidden && card.text !== '')) {
    const { authorId: _author, ...rest } = card;
    return {
      ...(card.anonymous ? rest : card),
      ...(card.hidden ? { text: '' } : {}),
    };
  }
  return card;
}

function cardsView(cards: Room['cards']): Record<string, CardView> {
  let view = cardsViews.get(cards);
  if (view === undefined) {
    // Nearly always every card is its own view: then the plain record of the cards (the record itself
    // when the cards are one) is the view, with no copy of the cards.
    const record = recordOf(cards);
    view = record;
    for (const id in record) {
      const card = record[id]!;
      if (cardView(card) === card) continue;
      view = {};
      for (const [key, each] of Object.entries(record)) view[key] = cardView(each);
      break;
    }
    cardsViews.set(cards, view);
  }
  return view;
}

function participantsView(participants: Room['participants']): Record<ParticipantId, ParticipantView> {
  let view = participantsViews.get(participants);
  if (view === undefined) {
    // Keyed by ids: a plain `{}` would be given a hidden class per id added, kept while the view lives
    // (eight per room of eight); a record with no prototype holds its keys itself, as the room's do.
    view = Object.create(null) as Record<ParticipantId, ParticipantView>;
    for (const [id, participant] of Object.entries(participants)) view[id] = participantView(participant);
    participantsViews.set(participants, view);
  }
  return view;
}

/** The room as every admitted participant sees it (VW-1). */
export function publicView(room: Room): RoomView {
  // A room of the room's own fields in their order (every room the engine hands out): one literal, the
  // same keys in the same order as the rest copy below gives (roomShape.ts says why).
  if (isRoomLiteral(room)) return publicViewLiteral(room);
  const { participants, cards, logbooks: _logbooks, facilitatorKeyHash: _key, topicRound, ...rest } = room;
  return {
    ...rest,
    participants: participantsView(participants),
    cards: cardsView(cards),
    topicRound: topicRoundView(topicRound, participants),
  };
}

/**
 * `publicView` of a room with `hasRoomKeys`: its fields but the private ones (VW-1: the logbooks, the
 * facilitator's key), in its order, then the three whose view differs, last (as the rest copy orders
 * them). The compiler checks the literal holds exactly `RoomView`'s keys; a test checks the order.
 */
function publicViewLiteral(r: Room): RoomView {
  return {
    code: r.code,
    version: r.version,
    status: r.status,
    locked: r.locked,
    createdAt: r.createdAt,
    lastActivityAt: r.lastActivityAt,
    title: r.title,
    locale: r.locale,
    template: r.template,
    phases: r.phases,
    phaseIndex: r.phaseIndex,
    coachingRound: r.coachingRound,
    timer: r.timer,
    phaseClocks: r.phaseClocks,
    warnBeforeMs: r.warnBeforeMs,
    autoAdvance: r.autoAdvance,
    advanceWhenDone: r.advanceWhenDone,
    done: r.done,
    revealed: r.revealed,
    allowAnonymousCards: r.allowAnonymousCards,
    floor: r.floor,
    statements: r.statements,
    actionPlan: r.actionPlan,
    confidence: r.confidence,
    learnings: r.learnings,
    evaluations: r.evaluations,
    indicatorReviews: r.indicatorReviews,
    followUp: r.followUp,
    phaseHistory: r.phaseHistory,
    participants: participantsView(r.participants),
    cards: cardsView(r.cards),
    topicRound: topicRoundView(r.topicRound, r.participants),
  };
}

/** Keys of a room that are never in its public view (VW-1). */
const PRIVATE_ROOM_KEYS = new Set(['logbooks', 'facilitatorKeyHash']);

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The patch from `publicView(before)` to `publicView(after)` (VW-6), the very one `diffView` of the two
 * views gives, computed from the rooms without building either view: a field the engine kept (same
 * object) is passed over at once, and only the cards and seats that changed go through their view. Its
 * cost follows what the command changed, not the size of the room (but for one walk over the ids of a
 * record that changed: VW-9).
 */
export function publicPatch(before: Room, after: Room): ViewPatch {
  // The usual write: both rooms of the room literal's shape (every room the engine hands out). Their
  // values are read into two scratch arrays by named reads: no array of keys or values made per write.
  if (isRoomLiteral(after) && isRoomLiteral(before)) {
    const patch = samePlacePatch(
      before,
      after,
      ROOM_KEYS,
      roomValuesInto(before, valuesBefore),
      roomValuesInto(after, valuesAfter),
    );
    // Not kept until the next write: the old room's values would stay reachable from here.
    valuesBefore.fill(undefined);
    valuesAfter.fill(undefined);
    return patch;
  }
  // The same keys in the same order otherwise: the two rooms' values are read as two arrays, in one call
  // each, rather than key by key (a keyed read of one of a room's 34 fields by a variable name took ~40 ns).
  const keys = Object.keys(after);
  if (sameKeys(keys, Object.keys(before)))
    return samePlacePatch(before, after, keys, Object.values(before), Object.values(after));
  const patch = emptyPatch();
  const a = before as unknown as Record<string, unknown>;
  const b = after as unknown as Record<string, unknown>;
  // Most keys are kept by the engine (the same value): passed over before any other look.
  for (const key in a) {
    if (a[key] === undefined || b[key] !== undefined) continue;
    if (Object.hasOwn(a, key) && !PRIVATE_ROOM_KEYS.has(key)) patch.del.push(key);
  }
  for (const key in b) {
    const x = a[key];
    const y = b[key];
    if ((x === y && key !== 'topicRound') || y === undefined) continue;
    if (!Object.hasOwn(b, key) || PRIVATE_ROOM_KEYS.has(key)) continue;
    changedKey(patch, before, after, key, x, y, x !== undefined && Object.hasOwn(a, key));
  }
  return patch;
}

/** `publicPatch`'s scratch arrays for the values of the two rooms of the room literal's shape. */
const valuesBefore: unknown[] = Array.from(ROOM_KEYS, () => undefined);
const valuesAfter: unknown[] = Array.from(ROOM_KEYS, () => undefined);

/** `publicPatch` of two rooms with the same `keys` in the same order, `a` and `b` their values. */
function samePlacePatch(
  before: Room,
  after: Room,
  keys: readonly string[],
  a: readonly unknown[],
  b: readonly unknown[],
): ViewPatch {
  const patch = emptyPatch();
  // Removed keys first, as in the general walk: the top-level removals come before any entry's in `del`.
  for (let i = 0; i < keys.length; i++) {
    if (a[i] !== undefined && b[i] === undefined && !PRIVATE_ROOM_KEYS.has(keys[i]!))
      patch.del.push(keys[i]!);
  }
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    const x = a[i];
    const y = b[i];
    if ((x === y && key !== 'topicRound') || y === undefined || PRIVATE_ROOM_KEYS.has(key)) continue;
    changedKey(patch, before, after, key, x, y, x !== undefined);
  }
  return patch;
}

/** Adds to `patch` what the public view shows of room key `key` going from `x` to `y` (VW-6, VW-9). */
function changedKey(
  patch: ViewPatch,
  before: Room,
  after: Room,
  key: string,
  x: unknown,
  y: unknown,
  hadKey: boolean,
): void {
  // CS-4: the topic round's view counts the votes kept on the seats: it follows the seats as well.
  if (key === 'topicRound') {
    if (x === y && before.participants === after.participants) return;
    const shown = topicRoundView(after.topicRound, after.participants);
    diffKey(patch, key, topicRoundView(before.topicRound, before.participants), shown, hadKey);
    return;
  }
  if (key === 'cards' || key === 'participants') {
    const view = (key === 'cards' ? cardView : participantView) as (entry: unknown) => unknown;
    if (hadKey && isRecord(x) && isRecord(y)) diffRecord(key, x, y, patch, view);
    else patch.set[key] = key === 'cards' ? cardsView(after.cards) : participantsView(after.participants);
    return;
  }
  diffKey(patch, key, x, y, hadKey);
}

/** One participant's own data: their seat and logbook, nobody else's (LG-1). */
export function privateView(room: Room, viewer: ParticipantId): PrivateView {
  const participant = room.participants[viewer];
  const seat = participant
    ? { ...participantView(participant), anonymousCardIds: participant.anonymousCardIds }
    : null;
  return {
    participantId: viewer,
    seat,
    logbook: room.logbooks[viewer] ?? {},
    hiddenTexts: participant?.hiddenTexts ?? {},
    stars: participant?.stars ?? [],
    topicVote: participant?.topicVote ?? null,
  };
}

/** Own data only: a viewer id never reads a member of Object.prototype (EN-6). */
const ownEntry = <T>(record: Record<string, T>, key: string): T | undefined =>
  Object.hasOwn(record, key) ? record[key] : undefined;

/** The same value: the same object (the engine keeps what it did not change), else equal in content. */
const same = (a: unknown, b: unknown): boolean => a === b || deepEqual(a, b);

/**
 * True when `privateView(before, viewer)` and `privateView(after, viewer)` differ (VW-2), without
 * building or encoding either: a private view is the viewer's seat but its token hash, and their logbook.
 * Fields are compared by identity first, so an unchanged seat costs one comparison per field.
 */
export function privateViewChanged(before: Room, after: Room, viewer: ParticipantId): boolean {
  if (!same(ownEntry(before.logbooks, viewer) ?? {}, ownEntry(after.logbooks, viewer) ?? {})) return true;
  const was = ownEntry(before.participants, viewer);
  const is = ownEntry(after.participants, viewer);
  if (was === is) return false;
  if (!was || !is) return true;
  // Every key of either seat, without building their union: `was`'s, then those only `is` has.
  for (const key in was) if (Object.hasOwn(was, key) && fieldChanged(was, is, key)) return true;
  for (const key in is)
    if (Object.hasOwn(is, key) && !Object.hasOwn(was, key) && fieldChanged(was, is, key)) return true;
  return false;
}

function fieldChanged(was: Participant, is: Participant, key: string): boolean {
  if (key === 'tokenHash') return false; // VW-2: never in any view
  const a = Object.hasOwn(was, key) ? was[key as keyof Participant] : undefined;
  const b = Object.hasOwn(is, key) ? is[key as keyof Participant] : undefined;
  // An absent vote and a null one read the same: `topicVote` is null in the view either way.
  return key === 'topicVote' ? !same(a ?? null, b ?? null) : !same(a, b);
}
