import { signal } from '@preact/signals';

/**
 * The server's clock as seen from this page. Every countdown is `deadline - serverNow()`, so all screens
 * agree even when a laptop's clock is minutes off. The offset comes from ping round trips: the sample with
 * the shortest round trip is the most trustworthy (its one-way delays are the smallest), so we keep it.
 */
export const clockOffsetMs = signal(0);
/** A tick that re-renders the timers four times a second; only components reading it redraw. */
export const nowTick = signal(Date.now());

let bestRoundTrip = Number.POSITIVE_INFINITY;
const samples: { roundTrip: number; offset: number }[] = [];

export function serverNow(): number {
  return Date.now() + clockOffsetMs.value;
}

/** Records one ping: sent at t0 (local), answered with the server's time, received at t1 (local). */
export function recordClockSample(t0: number, serverTime: number, t1: number): void {
  const roundTrip = Math.max(0, t1 - t0);
  const offset = serverTime - (t0 + roundTrip / 2);
  samples.push({ roundTrip, offset });
  if (samples.length > 8) samples.shift();
  if (roundTrip <= bestRoundTrip || samples.length === 1) {
    bestRoundTrip = roundTrip;
    clockOffsetMs.value = Math.round(offset);
  }
}

/** The welcome's server time, one way only: good enough until the first ping comes back. */
export function seedClock(serverTime: number): void {
  if (samples.length === 0) clockOffsetMs.value = Math.round(serverTime - Date.now());
}

/** A new connection may take another route: start the best-of again. */
export function resetClockSamples(): void {
  bestRoundTrip = Number.POSITIVE_INFINITY;
  samples.length = 0;
}

let ticking = 0;
export function startTicking(): void {
  if (ticking) return;
  ticking = window.setInterval(() => {
    nowTick.value = serverNow();
  }, 250);
}
