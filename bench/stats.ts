/** Small statistics helpers for the benchmark driver. */

export function median(xs: readonly number[]): number {
  return percentile(xs, 50);
}

/** Linear-interpolated percentile, p in [0, 100]. NaN for an empty list. */
export function percentile(xs: readonly number[], p: number): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const pos = ((s.length - 1) * p) / 100;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return s[lo]! + (s[hi]! - s[lo]!) * (pos - lo);
}

export function max(xs: readonly number[]): number {
  return xs.reduce((a, b) => (b > a ? b : a), -Infinity);
}

/**
 * Lateness of periodic invocations: `times[k]` is when invocation k started,
 * `startMs` when the schedule was set up, `hz` its rate. The first ideal deadline
 * is `start` or `start + period`, whichever the first invocation is nearer to.
 */
export function timerStats(times: readonly number[], startMs: number, hz: number): Record<string, number> {
  const period = 1000 / hz;
  if (times.length === 0) return { late_p50_ms: NaN, late_p99_ms: NaN, late_max_ms: NaN, drift_ms: NaN, invocations: 0 };
  const off = times[0]! - startMs < period / 2 ? 0 : 1;
  const late = times.map((t, k) => t - (startMs + (k + off) * period));
  return {
    late_p50_ms: percentile(late, 50),
    late_p99_ms: percentile(late, 99),
    late_max_ms: max(late),
    // elapsed between first and last invocation minus what that many invocations should take
    drift_ms: times[times.length - 1]! - times[0]! - (times.length - 1) * period,
    invocations: times.length,
  };
}
