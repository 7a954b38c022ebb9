/**
 * The service's backstop over store calls (`RoomService.guard`): a call not settled after `ms` is failed,
 * so an answer always comes even from a store that never settles. One timer for every call, not one per
 * call: a command costs an entry in a set instead of a timer armed and cleared. The timer ticks every
 * `ms / 64` while anything waits, and stops at the first tick that finds nothing waiting (not cleared when
 * the last call settles: under load that is most calls, and each would arm it again); a call fails on
 * the first tick at least `ms` after it came: within
 * `ms` to `ms * 65 / 64`. Time is counted in ticks, so it is the same clock as any other timer's (a loop
 * blocked for a while counts as one tick: the node's own lateness is not the store's).
 */
export class Backstop {
  private readonly waiting = new Set<Held>();
  private readonly tickMs: number;
  private readonly ticksToFail: number;
  private tick = 0;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    ms: number,
    /** The error a call that ran out of time fails with. */
    private readonly timeout: () => unknown,
  ) {
    this.tickMs = Math.max(1, Math.ceil(ms / 64));
    // One tick more: a call that came just before a tick has that tick counted at once.
    this.ticksToFail = Math.ceil(ms / this.tickMs) + 1;
  }

  /** Watches a call until `release`; `fail` is called once if it is still held when its time is up. */
  hold(fail: (error: unknown) => void): Held {
    const held = new Held(this.tick, fail);
    this.waiting.add(held);
    this.timer ??= setTimeout(this.onTick, this.tickMs);
    return held;
  }

  release(held: Held): void {
    this.waiting.delete(held);
  }

  private readonly onTick = () => {
    this.timer = null;
    this.tick++;
    // Oldest first (a set iterates in insertion order): stop at the first one still in time.
    for (const held of this.waiting) {
      if (this.tick - held.since < this.ticksToFail) break;
      this.waiting.delete(held);
      held.fail(this.timeout());
    }
    // Nothing left to watch: no timer either, until the next call (an idle node keeps none).
    if (this.waiting.size > 0) this.timer = setTimeout(this.onTick, this.tickMs);
  };
}

class Held {
  constructor(
    readonly since: number,
    readonly fail: (error: unknown) => void,
  ) {}
}

export type { Held };
