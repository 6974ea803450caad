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
 * `startMs` when the schedule was set up (kept for reference), `hz` its rate.
 * Only invocations from index `from` on are measured (the ones before are a
 * warm-up), but the grid still starts at the first one.
 */
export function timerStats(times: readonly number[], startMs: number, hz: number, skipsMissed = false, from = 0): Record<string, number> {
  const period = 1000 / hz;
  if (times.length <= from) return { late_p50_ms: NaN, late_p99_ms: NaN, late_max_ms: NaN, drift_ms: NaN, invocations: 0 };
  // The grid starts at the first invocation (each implementation's own "start"),
  // so what is measured is lateness and drift within the run, not start-up latency.
  void startMs;
  const first = times[0]!;
  // The grid deadline each invocation served. A schedule that skips missed
  // deadlines (taskloop's, after a late wake-up) serves the oldest unserved one,
  // then the first grid point after it ran; the others serve k = 0, 1, 2, ...
  const served: number[] = [];
  let k = 0;
  for (const t of times) {
    served.push(first + k * period);
    k = skipsMissed ? Math.max(k + 1, Math.floor((t - first) / period) + 1) : k + 1;
  }
  const late = times.map((t, i) => t - served[i]!).slice(from);
  const last = times.length - 1;
  return {
    late_p50_ms: percentile(late, 50),
    late_p99_ms: percentile(late, 99),
    late_max_ms: max(late),
    // how far the last invocation is from the deadline it served: the grid's drift
    drift_ms: times[last]! - served[last]!,
    invocations: times.length - from,
  };
}
