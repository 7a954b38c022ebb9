import type { FastifyBaseLogger } from 'fastify';
import { type DueTimer, timerMember } from '../store/interface.js';

/** Timers this node holds whose `time_up` could not be stored, waiting to go back to the store. */
const MAX_UNFIRED = 10_000;
/** Put back at most this many times (each put-back is one more firing that failed). */
const MAX_UNFIRED_ATTEMPTS = 30;
const UNFIRED_RETRY_MS = { first: 250, max: 5_000 };

/**
 * Claimed timers whose firing was not stored (store unavailable), kept by this node and put back into
 * the store at their deadline once it answers again: the poller's own put-back fails while the store is
 * down. Retries back off up to 5 s; a timer is dropped (logged) after 30 failed firings.
 */
export class UnfiredTimers {
  private readonly unfired = new Map<string, DueTimer & { attempts: number }>();
  private retry: NodeJS.Timeout | null = null;
  private delayMs = UNFIRED_RETRY_MS.first;
  private stopped = false;

  constructor(
    private readonly putBack: (timer: DueTimer) => Promise<void>,
    private readonly log: FastifyBaseLogger,
  ) {}

  get size(): number {
    return this.unfired.size;
  }

  keep(timer: DueTimer): void {
    const member = timerMember(timer.code, timer.timerId);
    const attempts = (this.unfired.get(member)?.attempts ?? 0) + 1;
    if (attempts > MAX_UNFIRED_ATTEMPTS || (attempts === 1 && this.unfired.size >= MAX_UNFIRED)) {
      this.unfired.delete(member);
      this.log.error({ event: 'timer_dropped', attempts }, 'timer dropped after repeated store failures');
      return;
    }
    this.unfired.set(member, { ...timer, attempts });
    this.schedule();
  }

  /** The timer fired (or was found stale): nothing to put back. */
  fired(code: string, timerId: string): void {
    this.unfired.delete(timerMember(code, timerId));
  }

  /** Stops putting timers back (shutdown); those still held are left to the store's TTL. */
  stop(): void {
    this.stopped = true;
    if (this.retry) clearTimeout(this.retry);
    this.retry = null;
  }

  private schedule(): void {
    if (this.stopped || this.retry || this.unfired.size === 0) return;
    this.retry = setTimeout(() => {
      this.retry = null;
      void this.putBackAll();
    }, this.delayMs);
    this.retry.unref();
  }

  /** Back into the store's timer set, at their deadline (past: the next poll claims them). */
  private async putBackAll(): Promise<void> {
    for (const [member, timer] of [...this.unfired]) {
      if (this.stopped) return;
      try {
        await this.putBack(timer);
      } catch {
        // Still down: try again later, less often.
        this.delayMs = Math.min(this.delayMs * 2, UNFIRED_RETRY_MS.max);
        this.schedule();
        return;
      }
      // Unless it failed again meanwhile (then it is back in the map with more attempts).
      if (this.unfired.get(member) === timer) this.unfired.delete(member);
    }
    this.delayMs = UNFIRED_RETRY_MS.first;
    if (this.unfired.size > 0) this.schedule();
  }
}
