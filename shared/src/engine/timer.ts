import { z } from 'zod';

/**
 * A timer is a deadline, not a tick (TM-1): it stores when it started, for how long, and its pauses.
 * Every screen computes the same remaining time from `now`; the host fires `time_up` at the deadline.
 */
export const timerSchema = z.object({
  /** Id of the pending `time_up`; null while paused or once fired. A new id makes older firings stale (TM-5). */
  timerId: z.string().nullable(),
  startedAt: z.number(),
  durationMs: z.number().int().min(0),
  pausedAt: z.number().nullable(),
  pausedTotalMs: z.number().min(0),
  /** When `time_up` was applied; the countdown then shows overtime. */
  expiredAt: z.number().nullable(),
});
export type Timer = z.infer<typeof timerSchema>;

/** The moment the timer reaches zero, as things stand (a paused timer's deadline moves on resume). */
export function timerDeadline(timer: Timer): number {
  return timer.startedAt + timer.durationMs + timer.pausedTotalMs;
}

/** Time left; negative once overtime (TM-4). Frozen while paused (TM-2). */
export function remainingMs(timer: Timer, now: number): number {
  return timerDeadline(timer) - (timer.pausedAt ?? now);
}

export function isOvertime(timer: Timer, now: number): boolean {
  return remainingMs(timer, now) < 0;
}

export function startTimer(durationMs: number, now: number, timerId: string): Timer {
  return { timerId, startedAt: now, durationMs, pausedAt: null, pausedTotalMs: 0, expiredAt: null };
}

export function pauseTimer(timer: Timer, now: number): Timer {
  if (timer.pausedAt !== null) return timer;
  return { ...timer, pausedAt: now, timerId: null };
}

/** Resume: the paused span is added to the pauses, so the deadline moves by exactly that span (TM-2). */
export function resumeTimer(timer: Timer, now: number, timerId: string): Timer {
  if (timer.pausedAt === null) return timer;
  const pausedTotalMs = timer.pausedTotalMs + Math.max(0, now - timer.pausedAt);
  return { ...timer, pausedAt: null, pausedTotalMs, timerId: timer.expiredAt === null ? timerId : null };
}

/** Add (or, with a negative amount, remove) time; the duration never drops below zero (TM-3). */
export function adjustTimer(timer: Timer, deltaMs: number, now: number, timerId: string): Timer {
  const durationMs = Math.max(0, timer.durationMs + deltaMs);
  const next: Timer = { ...timer, durationMs };
  const stillDue = remainingMs(next, now) > 0;
  const expiredAt = stillDue ? null : timer.expiredAt;
  // A paused timer gets its new id on resume; an expired one in overtime needs no firing.
  const pending = next.pausedAt === null && (stillDue || expiredAt === null);
  return { ...next, expiredAt, timerId: pending ? timerId : null };
}

export function expireTimer(timer: Timer, now: number): Timer {
  return { ...timer, expiredAt: now, timerId: null };
}

/** When the host should fire the pending `time_up`: never in the past. */
export function fireAt(timer: Timer, now: number): number {
  return Math.max(now, timerDeadline(timer));
}
