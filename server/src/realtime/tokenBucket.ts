/**
 * A token bucket: `capacity` tokens, refilled at `perSecond`. Time comes in as an argument so the
 * buckets can be tested with plain numbers.
 */
export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    private readonly capacity: number,
    private readonly perSecond: number,
    now: number,
  ) {
    this.tokens = capacity;
    this.last = now;
  }

  take(now: number, cost = 1): boolean {
    this.refill(now);
    if (this.tokens < cost) return false;
    this.tokens -= cost;
    return true;
  }

  /**
   * Takes `cost` whether or not there is that much: a cost known only once paid (the size of what was
   * sent) goes into debt, down to one capacity below empty, and delays what follows until repaid. A
   * negative cost gives back (what was set aside beyond the cost), up to the capacity.
   */
  spend(now: number, cost: number): void {
    this.refill(now);
    this.tokens = Math.min(this.capacity, Math.max(-this.capacity, this.tokens - cost));
  }

  has(now: number, cost = 1): boolean {
    this.refill(now);
    return this.tokens >= cost;
  }

  /** Full again: the bucket can be forgotten. */
  isFull(now: number): boolean {
    this.refill(now);
    return this.tokens >= this.capacity;
  }

  private refill(now: number): void {
    const elapsed = Math.max(0, now - this.last) / 1000;
    this.tokens = Math.min(this.capacity, this.tokens + elapsed * this.perSecond);
    this.last = now;
  }
}

/** One bucket per key (a client address), forgotten once full again so the map does not grow forever. */
export class KeyedBuckets {
  private readonly buckets = new Map<string, TokenBucket>();
  private lastSweep = 0;

  constructor(
    private readonly capacity: number,
    private readonly perSecond: number,
  ) {}

  take(key: string, now: number, cost = 1): boolean {
    this.sweep(now);
    let bucket = this.buckets.get(key);
    if (!bucket) {
      bucket = new TokenBucket(this.capacity, this.perSecond, now);
      this.buckets.set(key, bucket);
    }
    return bucket.take(now, cost);
  }

  /** Whether `key` has a token left, without taking it. */
  has(key: string, now: number): boolean {
    const bucket = this.buckets.get(key);
    return !bucket || bucket.has(now);
  }

  private sweep(now: number): void {
    if (now - this.lastSweep < 60_000) return;
    this.lastSweep = now;
    for (const [key, bucket] of this.buckets) if (bucket.isFull(now)) this.buckets.delete(key);
  }
}
