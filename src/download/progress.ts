/**
 * What the progress and speed callbacks are told, and when: kept apart from
 * the transfer so the rules can be read (and tested) on their own.
 */

/**
 * @internal percent done with two decimals, reported only when it changes.
 * While the body is still arriving, 100 is held back (a body can reach its
 * expected size and still fail its final checks): 100 is reported exactly once,
 * by `done()`, after the download has succeeded. Without a known size nothing
 * is reported before `done()`.
 */
export class ProgressReport {
  private last = -1;

  /** The percent to report for `received` of `total` bytes, or `null` when nothing new is to be said. */
  update(received: number, total: number | null): number | null {
    if (total === null || total === 0) return null;
    const percent = Math.round((received * 10_000) / total) / 100;
    if (percent >= 100 || percent === this.last) return null;
    this.last = percent;
    return percent;
  }

  /** 100, when the download has succeeded. */
  done(): number {
    this.last = 100;
    return 100;
  }
}

/** How often, in milliseconds of real time, the speed is reported. */
export const SPEED_INTERVAL_MS = 1000;

/**
 * @internal bytes per second over the last interval, reported when at least
 * `SPEED_INTERVAL_MS` has passed since the last report (or since the download
 * began). It counts every byte the network delivered, including the ones a
 * restart from zero re-downloads and skips. Nothing is reported while no bytes
 * arrive: a stall is the chunk timeout's business.
 */
export class SpeedReport {
  private bytes = 0;
  constructor(private since: number) {}

  /** Adds `n` bytes received at `now` (ms); the speed to report, or `null` if the interval has not passed. */
  update(n: number, now: number): number | null {
    this.bytes += n;
    const elapsed = now - this.since;
    if (elapsed < SPEED_INTERVAL_MS) return null;
    const speed = Math.round((this.bytes * 1000) / elapsed);
    this.bytes = 0;
    this.since = now;
    return speed;
  }
}
