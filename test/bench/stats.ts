/** Latency summaries. Samples are milliseconds; an empty set gives NaN so a missing figure shows. */
export type Summary = { n: number; p50: number; p95: number; p99: number; max: number; mean: number };

export function quantile(sorted: ArrayLike<number>, q: number): number {
  if (sorted.length === 0) return Number.NaN;
  // Nearest-rank: the smallest sample with at least q of the samples at or below it.
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil(q * sorted.length)));
  return sorted[rank - 1]!;
}

export function summarize(samples: ArrayLike<number>): Summary {
  const sorted = Float64Array.from(samples).sort();
  let sum = 0;
  for (const s of sorted) sum += s;
  return {
    n: sorted.length,
    p50: quantile(sorted, 0.5),
    p95: quantile(sorted, 0.95),
    p99: quantile(sorted, 0.99),
    max: sorted.length ? sorted[sorted.length - 1]! : Number.NaN,
    mean: sorted.length ? sum / sorted.length : Number.NaN,
  };
}

/** Concatenates the sample arrays that several workers sent back. */
export function concat(parts: ArrayLike<number>[]): Float64Array {
  const out = new Float64Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Monotonic milliseconds: CLOCK_MONOTONIC on Linux, so stamps from two processes compare directly. */
export function monoMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}

/** Wall-clock epoch milliseconds with sub-millisecond precision, for comparing with server deadlines. */
export function epochMs(): number {
  return performance.timeOrigin + performance.now();
}

export const round = (value: number, digits = 2): number => {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
};
