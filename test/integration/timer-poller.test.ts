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
    let fired = 0;
    let running = 0;
    let most = 0;
    // Each firing is a command that waits 30 ms to be stored (its room's round trip, a busy store).
    poller.start(async () => {
      running++;
      most = Math.max(most, running);
      await new Promise((r) => setTimeout(r, 30));
      running--;
      fired++;
    });
    await expect.poll(() => fired, { timeout: 10_000, interval: 5 }).toBe(1_000);
    await poller.stop();
    // The next claims went out while the first batch's commands waited: far more than one batch (200)
    // were waiting together, instead of one batch after the other.
    expect(most).toBeGreaterThan(200);
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

  it('[TM-11] keeps at most maxInFlight firings at once within one claim, starting the rest as places free', async () => {
    // One claim hands out 200 (batchSize) while only 20 may be fired at once: the others wait in the
    // order claimed, each starting as an earlier one's command settles.
    const due = dueStore(200, Date.now());
    const poller = new TimerPoller(due.store, { intervalMs: 10_000, batchSize: 200, maxInFlight: 20 });
    let running = 0;
    let most = 0;
    const order: string[] = [];
    poller.start(async (timer) => {
      running++;
      most = Math.max(most, running);
      order.push(timer.code);
      await new Promise((r) => setTimeout(r, 2));
      running--;
    });
    await expect.poll(() => order.length, { timeout: 5_000, interval: 5 }).toBe(200);
    await poller.stop();
    expect(most).toBe(20);
    expect(order).toEqual(Array.from({ length: 200 }, (_, i) => `R${i}`));
    // The 200 came in one claim (and an empty one to learn none was left): no claim per free place.
    expect(due.claims).toBeLessThanOrEqual(2);
  });

  it('[TM-11] starts firings whose steps cost CPU in slices, giving the loop turns in between', async () => {
    // A firing's step runs at once on the room this node holds: here 1 ms of CPU each. Started all in
    // one go, 200 would hold the loop for 200 ms before any write went out or any patch left.
    const { store } = dueStore(200, Date.now());
    const poller = new TimerPoller(store, { intervalMs: 10_000 });
    let turns = 0;
    let running = true;
    const heartbeat = () => {
      turns++;
      if (running) setImmediate(heartbeat);
    };
    heartbeat();
    const turnsAtStart: number[] = [];
    poller.start(async () => {
      turnsAtStart.push(turns);
      const until = performance.now() + 1;
      while (performance.now() < until) {}
      await new Promise((r) => setTimeout(r, 1));
    });
    await expect.poll(() => turnsAtStart.length, { timeout: 5_000, interval: 5 }).toBe(200);
    await poller.stop();
    running = false;
    // The loop ran (the heartbeat ticked) between the first firing and the last, and more than once.
    expect(turnsAtStart.at(-1)! - turnsAtStart[0]!).toBeGreaterThan(5);
  });
});
