/**
 * Keeps the hidden classes of the objects the scheduler handles alive
 * (internal).
 *
 * V8 gives an object a hidden class (a map) per set of fields, built one
 * field at a time as its constructor assigns them, and it holds the maps that
 * such a chain leads to only weakly. When every task of a run has ended, the
 * garbage collector frees the maps of tasks too, and the next run builds new
 * ones: the scheduler's optimised code, which checks the old maps, is thrown
 * away and compiled again, run after run. Profiled on an Event ping-pong run
 * a few times in one process beside other workloads: 1.5-2.5 M round trips/s
 * instead of 7-9 M, with the rounds loop deoptimised for "wrong map" on every
 * run. One object of each such class, made here once and kept, keeps its
 * maps alive.
 */
const kept: object[] = [];

/** Keeps `sample` (and so the hidden classes of its kind) alive for good. */
export function keepShape(sample: object): void {
  kept.push(sample);
}

const latest = new Map<string, unknown>();

/** Keeps the latest `sample` of a kind that cannot be made up front (a host's timer handle). */
export function keepLatest(kind: string, sample: unknown): void {
  latest.set(kind, sample);
}
