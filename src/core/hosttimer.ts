/**
 * The one host timer a real-clock loop waits on while nothing is ready, and
 * how long to arm it for.
 *
 * Host timers are coarse. Node keeps whole milliseconds (`setTimeout(fn, 1.7)`
 * is `setTimeout(fn, 1)`) and fires a little late: measured on Linux with
 * Node 20, `setTimeout(fn, n)` armed just before the host goes idle runs
 * n + 0.13 ms later (p50; p90 0.17-0.3 ms), and now and then up to 1 ms
 * early (its clock counts whole milliseconds from the one the call fell in).
 * So a wake-up closer than a millisecond to the deadline needs polling: give
 * way to the host (a macrotask) and look at the clock again.
 *
 * - `"efficient"` (the default) arms the timer for the fewest whole
 *   milliseconds that, with the host's usual lateness, leave at most
 *   EFFICIENT_POLL_MS to poll; so a wake-up polls at most that long and runs
 *   at most ~1 ms - EFFICIENT_POLL_MS late. The host's lateness is not
 *   assumed: it is measured on every wake-up (a running mean).
 * - `"precise"` arms the timer PRECISE_EARLY_MS early and polls the rest:
 *   sub-millisecond lateness, at the price of 1.5-2.5 ms of polling (a busy
 *   core) per wake-up.
 */
import { macrotask, realNow, timersNest } from "./host.ts";

/** The most an efficient wait polls before a deadline. */
const EFFICIENT_POLL_MS = 0.3;
/** A precise wait arms the host timer this early and polls the rest, for sub-millisecond wake-ups. */
const PRECISE_EARLY_MS = 1.5;
/** The host timer's lateness assumed until it is measured (Node 20 on Linux: ~0.13 ms). */
const INITIAL_LATE_MS = 0.15;
/** Each wake-up moves the lateness estimate this far towards what it measured. */
const LATE_GAIN = 1 / 8;
/** Hosts keep timer delays in 32 bits; a longer sleep wakes the loop early and it sleeps again. */
const MAX_HOST_DELAY_MS = 2 ** 31 - 1;

export type TimerPrecision = "efficient" | "precise";

export class HostTimer {
  /** How late the host timer usually fires after the whole milliseconds it was armed for. */
  private lateMs = INITIAL_LATE_MS;
  private armedAt = 0;
  private armedMs = 0;
  private readonly precise: boolean;
  private readonly fired: () => void;

  /** `wake` runs when the timer fires. */
  constructor(precision: TimerPrecision, wake: () => void) {
    this.precise = precision === "precise";
    // In a browser, a timer armed from inside a timer's task is "nested", and
    // five deep the browser clamps it to 4 ms: hop out through a give-way
    // first, so the loop arms its next timer from a fresh task.
    const woken = (): void => (timersNest() ? macrotask(wake) : wake());
    this.fired = this.precise
      ? woken
      : () => {
          // Samples outside [0, 1) ms are the early fires described above, or a busy host: not the timer's own lateness.
          const late = realNow() - this.armedAt - this.armedMs;
          if (late >= 0 && late < 1) this.lateMs += (late - this.lateMs) * LATE_GAIN;
          woken();
        };
  }

  /**
   * Arms the host timer for a deadline `delay` ms away, or returns null when
   * it is too close for the host timer: the loop polls instead.
   */
  arm(delay: number): ReturnType<typeof setTimeout> | null {
    let ms: number;
    if (this.precise) {
      if (!(delay > PRECISE_EARLY_MS + 1)) return null;
      ms = delay - PRECISE_EARLY_MS;
    } else {
      if (!(delay > EFFICIENT_POLL_MS)) return null;
      ms = Math.max(1, Math.ceil(delay - EFFICIENT_POLL_MS - this.lateMs));
      this.armedAt = realNow();
      this.armedMs = ms;
    }
    return setTimeout(this.fired, Math.min(ms, MAX_HOST_DELAY_MS));
  }
}
