/**
 * Hard limits of a room. They are refusals (`room_full`, `board_full`, `text_too_long`, `limit_reached`),
 * exported so the page can show counters and the server can size its buffers.
 */
export const MAX_PARTICIPANTS = 12;
/** People waiting in a locked room, bounded apart from the seats (RM-10). */
export const MAX_WAITING = 12;
export const MAX_CARDS = 1000;
export const MAX_ACTION_ITEMS = 40;
export const MAX_LEARNINGS = 100;
export const MAX_LOGBOOK_ENTRIES = 200;
export const MAX_PHASES = 12;
/** Action items a circle's session carries into its follow-up step (CS-1). */
export const MAX_CARRIED_ACTIONS = 400;
export const MIN_PHASE_DURATION_MS = 60_000;
export const MAX_PHASE_DURATION_MS = 3 * 60 * 60_000;
export const MAX_TIME_ADJUST_MS = 60 * 60_000;
/** The warning before a phase ends (TM-8): 2 minutes unless the room says otherwise, at most 30. */
export const DEFAULT_WARNING_MS = 2 * 60_000;
export const MAX_WARNING_MS = 30 * 60_000;
export const MIN_SPEAKER_MS = 10_000;
export const MAX_SPEAKER_MS = 30 * 60_000;
/** A `time_up` may come this much before its deadline (clock skew between nodes) and still count. */
export const TIMER_TOLERANCE_MS = 1_000;

/** Text lengths in characters, after trimming. The wire schema caps at MAX_WIRE_TEXT; these are the rules. */
export const TEXT_LIMITS = {
  displayName: 40,
  card: 500,
  // RD-3: a synthesis or a coachee's review runs to a few paragraphs.
  statement: 2000,
  actionWhat: 200,
  actionByWhen: 60,
  actionWithWhom: 120,
  learning: 500,
  evaluationComment: 500,
  indicatorNote: 500,
  logbookEntry: 4000,
  phaseName: 60,
  guideQuestion: 200,
  /** A case posted in a topic round: one line (CS-3). */
  topicCase: 140,
  followUpNote: 500,
} as const;

/** Upper bound of any string on the wire: a transport guard, looser than TEXT_LIMITS. */
export const MAX_WIRE_TEXT = 5000;
