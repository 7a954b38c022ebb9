import { TokenBucket } from './tokenBucket.js';

/** What a client may send: each kind has its own budget. */
export type BudgetKind = 'command' | 'sync' | 'ping' | 'other';

export type BudgetSizes = Record<BudgetKind, { burst: number; perSecond: number }>;

/**
 * Sizes for the kinds that are not settings. The page syncs only after a gap in the patches, pings five
 * times at start and then every 30 s; a few tabs of one person fit well inside these.
 */
export const FIXED_BUDGETS = {
  sync: { burst: 10, perSecond: 1 },
  ping: { burst: 20, perSecond: 2 },
  other: { burst: 10, perSecond: 1 },
} as const;

/**
 * HT-3: budgets per seat: every connection of one seat on this node draws from the same buckets, so a
 * seat opened in 30 tabs sends no more than one. The buckets live while the seat has a connection here.
 * Token buckets are hand-made (tokenBucket.ts): a few arithmetic operations on every inbound event, where
 * a library's promise-based limiter would allocate per call.
 */
export class SeatBudgets {
  private readonly seats = new Map<
    string,
    { buckets: Record<BudgetKind, TokenBucket>; connections: number }
  >();

  constructor(private readonly sizes: BudgetSizes) {}

  /** A connection of `seat` opened: it shares the seat's buckets (made full for the seat's first). */
  open(seat: string, now: number): void {
    const held = this.seats.get(seat);
    if (held) {
      held.connections++;
      return;
    }
    const bucket = (kind: BudgetKind) =>
      new TokenBucket(this.sizes[kind].burst, this.sizes[kind].perSecond, now);
    this.seats.set(seat, {
      buckets: {
        command: bucket('command'),
        sync: bucket('sync'),
        ping: bucket('ping'),
        other: bucket('other'),
      },
      connections: 1,
    });
  }

  close(seat: string): void {
    const held = this.seats.get(seat);
    if (!held) return;
    if (--held.connections <= 0) this.seats.delete(seat);
  }

  /** Takes one from the seat's budget of this kind; false when spent. */
  take(seat: string, kind: BudgetKind, now: number): boolean {
    return this.seats.get(seat)?.buckets[kind].take(now) ?? false;
  }
}
