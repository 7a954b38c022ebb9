import { type DueTimer, type RoomStore, timerMember } from './interface.js';

export type TimerPollerOptions = {
  /** How often every node looks for due timers (catches those armed by a node that died). Default 50. */
  intervalMs?: number;
  /** Timers claimed per round trip. Default 200. */
  batchSize?: number;
  /**
   * Timers being fired at once, at most (their commands run concurrently: each is on its own room, and
   * the store queues those on one room). A firing waits for a free place, also within one claim's
   * batch; the next claim does not wait for the previous timers' commands, only for a free place.
   * Default 1,000. A bound of 256 (the steps kept closer to their patches, less alive through each
   * scavenge) did better in one process but worse in the whole bench (docs/performance.md, "timers").
   */
  maxInFlight?: number;
  /**
   * Firings started in one go at most this long (ms of this node's time), then the loop gets a turn
   * before the next ones start. Default 5.
   */
  sliceMs?: number;
  /** Epoch ms. Default Date.now. */
  clock?: () => number;
  /** Called when a poll or a handler fails. */
  onError?: (error: unknown) => void;
};

/** After the loop's next turn: the calls made so far written, the answers that came read and handled. */
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** setTimeout cannot wait longer than this; later deadlines are left to the polling. */
const MAX_DELAY_MS = 2_147_483_647;

/**
 * Fires due timers: polls `claimDueTimers` every `intervalMs` on every node, and also wakes at each
 * deadline this node scheduled (`onTimerScheduled`), so a deadline fires within a few ms on the node
 * that armed it and within `intervalMs` on any other node if that one died. The store's claim leases each
 * timer to one caller (TM-10); the handler's write (time is up) removes it. A handler that fails (its
 * command not stored: the store unavailable) or a node that dies leaves the timer in the store, claimed
 * again by any node once the lease ends: nothing to put back, and the engine applies it once (TM-5).
 * A timer this node is still firing when its lease ends and it claims it again is not fired twice here.
 */
export class TimerPoller {
  private readonly intervalMs: number;
  private readonly batchSize: number;
  private readonly clock: () => number;
  private readonly onError: (error: unknown) => void;
  /** Timers this node is firing (`code|timerId`). */
  private readonly firingNow = new Set<string>();
  private readonly wakeups = new Map<number, NodeJS.Timeout>();
  private interval: NodeJS.Timeout | null = null;
  private unsubscribe: (() => void) | null = null;
  private onDue: ((timer: DueTimer) => void | Promise<void>) | null = null;
  private polling: Promise<void> | null = null;
  private pollAgain = false;
  private readonly maxInFlight: number;
  private readonly sliceMs: number;
  /** Wakes a drain that waits for its timers' commands when a poll is asked for meanwhile. */
  private wake: (() => void) | null = null;

  constructor(
    private readonly store: Pick<RoomStore, 'claimDueTimers' | 'onTimerScheduled'>,
    options: TimerPollerOptions = {},
  ) {
    this.intervalMs = options.intervalMs ?? 50;
    this.batchSize = Math.max(1, options.batchSize ?? 200);
    this.maxInFlight = Math.max(1, options.maxInFlight ?? 1_000);
    this.sliceMs = Math.max(0, options.sliceMs ?? 5);
    this.clock = options.clock ?? Date.now;
    this.onError = options.onError ?? (() => {});
  }

  start(onDue: (timer: DueTimer) => void | Promise<void>): void {
    if (this.onDue) throw new Error('TimerPoller already started');
    this.onDue = onDue;
    this.unsubscribe = this.store.onTimerScheduled((at) => this.wakeAt(at));
    this.interval = setInterval(() => this.poll(), this.intervalMs);
    this.interval.unref();
    this.poll();
  }

  /** Stops polling and waits for a poll in progress (and its handlers) to finish. */
  async stop(): Promise<void> {
    this.onDue = null;
    this.unsubscribe?.();
    this.unsubscribe = null;
    if (this.interval) clearInterval(this.interval);
    this.interval = null;
    for (const timeout of this.wakeups.values()) clearTimeout(timeout);
    this.wakeups.clear();
    await this.polling;
  }

  private wakeAt(at: number) {
    if (!this.onDue || this.wakeups.has(at)) return;
    const delay = at - this.clock();
    if (delay > MAX_DELAY_MS) return;
    const timeout = setTimeout(
      () => {
        this.wakeups.delete(at);
        // A timeout may fire a millisecond before the clock reaches `at`: wait for the remainder.
        if (this.clock() < at) this.wakeAt(at);
        else this.poll();
      },
      Math.max(0, delay),
    );
    timeout.unref();
    this.wakeups.set(at, timeout);
  }

  /** One poll at a time; a poll asked for meanwhile runs right after. */
  private poll() {
    if (!this.onDue) return;
    if (this.polling) {
      this.pollAgain = true;
      this.wake?.();
      return;
    }
    this.polling = this.drain().finally(() => {
      this.polling = null;
    });
  }

  /**
   * Claims due timers and fires them, the next claim going out while the previous timers' commands run
   * (at most `maxInFlight` at once), until none is due and every command fired has settled. A thousand
   * timers due together are so claimed in a few round trips and their commands run concurrently,
   * instead of one claim of `batchSize` after the other, each waiting for the previous batch's commands.
   *
   * A firing starts with its step (the engine's decision, run at once on the room this node holds):
   * started all in one go, a thousand steps would hold the loop for their whole CPU time before the
   * first write reaches Redis and the first patch leaves. So firings start in slices of `sliceMs`, the
   * loop getting a turn between two: the slice's writes go out, and the answers read meanwhile send
   * their patches, while the next slice runs. Each timer is then late by the work of those before it
   * alone, with Redis working beside this node, and its stamp (`expiredAt`, taken by its step) is close
   * to when its patch leaves. No more than `maxInFlight` wait for their write and patch at once.
   */
  private async drain() {
    const inFlight = new InFlight();
    let claim = true;
    while (claim) {
      this.pollAgain = false;
      const onDue = this.onDue;
      if (!onDue) break;
      while (inFlight.count >= this.maxInFlight) await inFlight.settled();
      let due: DueTimer[];
      try {
        due = await this.store.claimDueTimers(this.clock(), this.batchSize);
      } catch (error) {
        this.onError(error);
        break;
      }
      let sliceStart = performance.now();
      for (const timer of due) {
        if (this.firingNow.has(timerMember(timer.code, timer.timerId))) continue;
        if (inFlight.count >= this.maxInFlight) {
          while (inFlight.count >= this.maxInFlight) await inFlight.settled();
          sliceStart = performance.now();
        } else if (performance.now() - sliceStart >= this.sliceMs) {
          await nextTurn();
          sliceStart = performance.now();
        }
        inFlight.count++;
        void this.fire(onDue, timer, inFlight.done);
      }
      claim = due.length === this.batchSize || this.pollAgain;
      if (!claim && inFlight.count > 0) {
        // Wait for the commands, or for a poll asked for meanwhile (a new deadline), whichever first.
        const woken = new Promise<void>((resolve) => {
          this.wake = resolve;
        });
        while (inFlight.count > 0 && !this.pollAgain) await Promise.race([inFlight.settled(), woken]);
        this.wake = null;
        claim = this.pollAgain;
      }
    }
    while (inFlight.count > 0) await inFlight.settled();
  }

  private async fire(onDue: (timer: DueTimer) => void | Promise<void>, timer: DueTimer, done: () => void) {
    const member = timerMember(timer.code, timer.timerId);
    this.firingNow.add(member);
    try {
      await onDue(timer);
    } catch (error) {
      this.onError(error); // the timer stays in the store: claimed again when its lease ends
    } finally {
      this.firingNow.delete(member);
      done();
    }
  }
}

/** The firings of a drain still running; `settled` resolves at the next one to end. */
class InFlight {
  count = 0;
  private waiters: (() => void)[] = [];
  readonly done = () => {
    this.count--;
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  };
  settled(): Promise<void> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }
}
