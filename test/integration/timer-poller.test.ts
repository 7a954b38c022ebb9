import { describe, expect, it } from 'vitest';
import type { DueTimer } from '../../server/src/store/interface.js';
import { TimerPoller } from '../../server/src/store/timers.js';

/** A timers set in memory whose claims take a round trip of 1 ms, as Redis on the same machine. */
function dueStore(count: number, at: number) {
  const due: DueTimer[] = Array.from({ length: count }, (_, i) => ({ code: `R${i}`, timerId: 't', at }));
  let claims = 0;
  return {
    get claims() {
      return claims;
    },
    store: {
      claimDueTimers: async (_now: number, limit: number) => {
        claims++;
        await new Promise((r) => setTimeout(r, 1));
        return due.splice(0, limit);
      },
      scheduleTimer: async () => {},
      onTimerScheduled: () => () => {},
    },
  };
}

describe('TimerPoller', () => {
  it('fires a thousand timers due together at once, not one batch after the other', async () => {
    const { store } = dueStore(1_000, Date.now());
    const poller = new TimerPoller(store, { intervalMs: 10_000 });
    const fired: number[] = [];
    const started = Date.now();
    // Each firing is a command that takes 30 ms to be stored (its room's round trip, a busy store).
    poller.start(async () => {
      await new Promise((r) => setTimeout(r, 30));
      fired.push(Date.now() - started);
    });
    await expect.poll(() => fired.length, { timeout: 5_000, interval: 5 }).toBe(1_000);
    await poller.stop();
    // One after the other in batches of 100 this took 10 x 30 ms; overlapping, about one firing's time.
    expect(Math.max(...fired)).toBeLessThan(150);
  });

  it('keeps at most maxInFlight firings at once, and still fires every timer once', async () => {
    const { store } = dueStore(300, Date.now());
    const poller = new TimerPoller(store, { intervalMs: 10_000, batchSize: 40, maxInFlight: 50 });
    let running = 0;
    let most = 0;
    const seen = new Set<string>();
    poller.start(async (timer) => {
      running++;
      most = Math.max(most, running);
      await new Promise((r) => setTimeout(r, 5));
      running--;
      seen.add(timer.code);
    });
    await expect.poll(() => seen.size, { timeout: 5_000, interval: 5 }).toBe(300);
    await poller.stop();
    expect(most).toBeLessThanOrEqual(50);
    expect(most).toBeGreaterThan(1);
  });
});
