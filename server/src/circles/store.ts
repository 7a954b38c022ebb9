import type { Circle, CircleOutcome, CircleRefusal } from '@cercle/shared';

/**
 * The storage contract of circles (docs/design.md, "Circles"), honoured by the SQLite store (embedded)
 * and the Redis store. A circle is one JSON document with a version; every write is a compare-and-set
 * on it, and refreshes its retention (CIRCLE_RETENTION_DAYS after the last write). Rooms opened from a
 * circle are indexed to it, so a write on such a room can be told to its circle.
 */
export type CircleUpdate =
  | { status: 'updated'; circle: Circle }
  | { status: 'refused'; refusal: CircleRefusal }
  | { status: 'not_found' };

export interface CircleStore {
  /** Stores a new circle; false when the id is taken. */
  create(circle: Circle): Promise<boolean>;
  load(circleId: string): Promise<Circle | null>;
  /**
   * Runs `change` on the current circle and stores its result if the version is unchanged meanwhile
   * (else runs it again on the new one). `change` must be pure and return version + 1.
   */
  update(circleId: string, change: (circle: Circle) => CircleOutcome): Promise<CircleUpdate>;
  /** Deletes the circle and its room index at once: nothing of it is left (CI-12). */
  erase(circleId: string): Promise<void>;
  /** Remembers that room `code` is a session of `circleId` (for as long as the circle is kept). */
  linkRoom(code: string, circleId: string): Promise<void>;
  /** The circle a room belongs to, or null. */
  circleOfRoom(code: string): Promise<string | null>;
  close(): Promise<void>;
}

/** Compare-and-set attempts before an update gives up (many writers on one circle at once). */
export const MAX_CIRCLE_ATTEMPTS = 50;

export function checkCircleStep(before: Circle, after: Circle): void {
  if (after.id !== before.id) throw new Error('step changed the circle id');
  if (after.version !== before.version + 1) throw new Error('step must return version = previous + 1');
}
