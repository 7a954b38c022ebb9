import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Backstop } from '../../server/src/rooms/backstop.js';

/** SR-11: the service's bound over every store call, one timer for all of them. */
describe('the service backstop [SR-11]', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('[SR-11] a call never settled fails once, between its bound and a 64th of it later, whenever it came', async () => {
    const backstop = new Backstop(16_000, () => new Error('late'));
    const failed: { at: number; error: unknown }[] = [];
    let now = 0;
    const step = async (ms: number) => {
      await vi.advanceTimersByTimeAsync(ms);
      now += ms;
    };
    // One call at once, one just before the timer's first tick, one 100 ms after it.
    backstop.hold((error) => failed.push({ at: now, error }));
    await step(249);
    const at249 = now;
    backstop.hold((error) => failed.push({ at: now, error }));
    await step(101);
    const at350 = now;
    backstop.hold((error) => failed.push({ at: now, error }));
    for (let t = 0; t < 17_000; t++) await step(1);
    expect(failed.map((f) => f.at)).toEqual([expect.any(Number), expect.any(Number), expect.any(Number)]);
    const [first, second, third] = failed.map((f) => f.at) as [number, number, number];
    expect(first).toBeGreaterThanOrEqual(16_000);
    expect(first).toBeLessThanOrEqual(16_250);
    expect(second - at249).toBeGreaterThanOrEqual(16_000);
    expect(second - at249).toBeLessThanOrEqual(16_250);
    expect(third - at350).toBeGreaterThanOrEqual(16_000);
    expect(third - at350).toBeLessThanOrEqual(16_250);
    expect(failed.every((f) => f.error instanceof Error && f.error.message === 'late')).toBe(true);
    expect(vi.getTimerCount()).toBe(0); // nothing waits: no timer left
  });

  it('[SR-11] a call settled in time never fails, and with nothing waiting the timer stops at its next tick', async () => {
    const backstop = new Backstop(1_000, () => new Error('late'));
    const failures: unknown[] = [];
    const held = backstop.hold((error) => failures.push(error));
    const other = backstop.hold((error) => failures.push(error));
    expect(vi.getTimerCount()).toBe(1); // one timer for both
    await vi.advanceTimersByTimeAsync(900);
    backstop.release(held);
    expect(vi.getTimerCount()).toBe(1); // the other one still waits
    backstop.release(other);
    // Not cleared per call (a busy node would arm it again at once): it stops at its next tick (16 ms).
    expect(vi.getTimerCount()).toBe(1);
    await vi.advanceTimersByTimeAsync(16);
    expect(vi.getTimerCount()).toBe(0);
    // A call after that arms it again.
    const late = backstop.hold((error) => failures.push(error));
    expect(vi.getTimerCount()).toBe(1);
    backstop.release(late);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(vi.getTimerCount()).toBe(0);
    expect(failures).toEqual([]);
  });
});
