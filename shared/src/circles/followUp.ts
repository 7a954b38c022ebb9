import type { FollowUpStatus } from '../engine/room.js';
import {
  CIRCLE_LIMITS,
  type Circle,
  type CircleOutcome,
  changed,
  type FollowUpItem,
  refuseCircle,
} from './circle.js';

/**
 * CI-6: the follow-up step of a session after the first: every action item from earlier sessions that
 * is not done or dropped yet, oldest session first.
 */
export function pendingFollowUps(circle: Circle): FollowUpItem[] {
  return Object.values(circle.followUps)
    .filter((item) => item.status === 'open' || item.status === 'in_progress')
    .sort((a, b) => a.fromSession - b.fromSession); // stable: within a session, in the plan's order
}

/**
 * CI-6: only an item's owner marks it (done, in progress, dropped, or open again), with a note and their
 * confidence now (1-10). Another member's item is `forbidden`; an unknown id is `not_found`.
 */
export function updateFollowUp(
  circle: Circle,
  actorId: string,
  itemId: string,
  change: { status: FollowUpStatus; note?: string | undefined; confidenceNow?: number | null | undefined },
  now: number,
): CircleOutcome {
  const item = Object.hasOwn(circle.followUps, itemId) ? circle.followUps[itemId]! : null;
  if (!item) return refuseCircle('not_found', 'No such follow-up item.');
  if (item.ownerId !== actorId) return refuseCircle('forbidden', 'Only its owner updates an item.');
  const note = change.note === undefined ? item.note : change.note.trim();
  if ([...note].length > CIRCLE_LIMITS.followUpNote) return refuseCircle('invalid', 'The note is too long.');
  const confidenceNow = change.confidenceNow === undefined ? item.confidenceNow : change.confidenceNow;
  if (confidenceNow !== null && (!Number.isInteger(confidenceNow) || confidenceNow < 1 || confidenceNow > 10))
    return refuseCircle('invalid', 'Confidence goes from 1 to 10.');
  const updated: FollowUpItem = { ...item, status: change.status, note, confidenceNow, updatedAt: now };
  return changed(circle, { ...circle, followUps: { ...circle.followUps, [itemId]: updated } }, now);
}
