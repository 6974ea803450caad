/**
 * Host pacing: when the loop's run slices run, and when they give way.
 *
 * A slice runs the scheduler's rounds as a microtask. After SLICE_MS of
 * rounds it gives way to the host (a macrotask) so host I/O keeps flowing even
 * while tasks spin on `sleep(0)`; when nothing is ready and a timer is
 * pending, it arms one host timer (hosttimer.ts) or, for a deadline too close
 * for it, polls (gives way and looks again).
 */
import { context } from "./context.ts";
import { macrotask, microtask, realNow } from "./host.ts";
import { HostTimer, type TimerPrecision } from "./hosttimer.ts";
import type { Loop } from "./loop.ts";

/** How long a run slice may hold the host thread before giving way. */
const SLICE_MS = 4;

export class HostPacing {
  /** The scheduler's rounds are running (a wake needs no new slice). */
  inSlice = false;
  /** A slice has been asked for (a microtask or macrotask is queued). */
  private slicePending = false;
  /** The host timer armed while the loop waits for its next timer. */
  private hostTimer: ReturnType<typeof setTimeout> | null = null;
  private readonly waitTimer: HostTimer;
  /** When the current time budget began: a slice that follows soon after another shares its budget. */
  private budgetStart = 0;
  private lastSliceEnd = -Infinity;

  constructor(
    private readonly loop: Loop,
    precision: TimerPrecision,
  ) {
    this.waitTimer = new HostTimer(precision, this.runFromHost);
  }

  /** Makes sure a slice will run soon, if the loop is being driven. */
  kick(): void {
    if (!this.inSlice && !this.slicePending && this.loop.lifecycle.running) this.schedule(false);
  }

  /** Asks for a slice: as a microtask, or after pending host I/O (`macro`). */
  schedule(macro: boolean): void {
    if (this.slicePending) return;
    this.slicePending = true;
    if (macro) macrotask(this.runFromHost);
    else microtask(() => this.runSlice(false));
  }

  /** Whether the slice has used its time budget, at real time `now`. */
  outOfTime(now: number): boolean {
    return now - this.budgetStart >= SLICE_MS;
  }

  /** Nothing is ready: wake the loop for a timer `delay` ms away (a host timer, or poll if it is too close). */
  waitForTimer(delay: number): void {
    this.hostTimer = this.waitTimer.arm(delay);
    if (this.hostTimer === null) this.schedule(true);
  }

  clearHostTimer(): void {
    if (this.hostTimer !== null) {
      clearTimeout(this.hostTimer);
      this.hostTimer = null;
    }
  }

  /**
   * A slice started by a host macrotask still runs as a microtask: V8 makes a
   * throw cheap only inside a microtask (there it records no message for an
   * uncaught-exception report), and every cancellation is a throw or two, so
   * this makes cancelling ~1.3x faster at the cost of one microtask per slice.
   */
  private readonly runFromHost = (): void => {
    microtask(() => this.runSlice(true));
  };

  /** One run slice: the scheduler's rounds, with the context set to this loop. */
  private runSlice(fromHost: boolean): void {
    this.slicePending = false;
    this.clearHostTimer();
    const loop = this.loop;
    if (!loop.lifecycle.running || this.inSlice) return;
    const start = realNow();
    if (fromHost || start - this.lastSliceEnd > SLICE_MS) this.budgetStart = start;
    const outerLoop = context.loop;
    const outerTask = context.task;
    context.loop = loop;
    this.inSlice = true;
    try {
      this.lastSliceEnd = loop.scheduler.rounds(start);
    } finally {
      this.inSlice = false;
      context.loop = outerLoop;
      context.task = outerTask;
    }
    if (loop.lifecycle.state === "stopping") loop.lifecycle.end();
  }
}
