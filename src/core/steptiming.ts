/**
 * Step timing for inspection (`loop.tasks()`: busy time, longest step,
 * lateness) and the slow-step report, kept out of the scheduler: it calls
 * `closeWindow` when `left` counts down to zero, and that is all it sees.
 *
 * Reading the clock costs ~60 ns, as much as a short step, so the clock is
 * read once per window of steps sized to last about TIMING_WINDOW_MS. A
 * window of one step is exact: that is every step once steps are slow, the
 * first steps of every slice (a loop that wakes for a few steps at a time, as
 * most device programs do, is timed exactly), and always with slowStepMs. A
 * longer window is charged to the task that ended it, like a sampling
 * profiler; its length is jittered so that tasks taking turns in a fixed
 * order are all sampled, each in proportion to its steps. But a long window
 * of several steps held one long step (or a GC pause) and we cannot tell
 * whose: it is charged to nobody (blaming the last task would point at an
 * innocent one), and after a blocking step every step is timed alone for a
 * while, so that the next one is charged where it belongs. On a busy machine
 * the loop is also preempted for several milliseconds at a time, which looks
 * the same from here: so a long window counts as a blocking step only when
 * the process spent most of it on the CPU (where the host can tell), or when
 * it is longer than preemptions are.
 */
import { cpuNow, realNow, report } from "./host.ts";
import { NOT_QUEUED, type Task } from "./task.ts";
import type { Loop } from "./loop.ts";
import type { SlowStepInfo } from "./types.ts";

/** Step timing aims at one clock read per this much work. */
const TIMING_WINDOW_MS = 0.05;
const MAX_WINDOW = 1024;
/** A window of several steps that took longer than this held a long step we cannot place. */
const LONG_WINDOW_MS = 1;
/**
 * After a window longer than this (a blocking step) every step is timed alone
 * for EXACT_FOR_MS, so that the next long step is placed. Timing every step
 * costs a short-stepping loop about a third of its speed, and V8 stops the
 * thread for 5-10 ms now and then (a full garbage collection, a compile):
 * below 20 ms such a pause would keep a busy loop timing every step for
 * seconds after each one (profiled: 2 M clock reads in a 1 M round-trip
 * Event ping-pong, after one 6 ms window at its start).
 */
const EXACT_AFTER_MS = 20;
const EXACT_FOR_MS = 5_000;
/** A window longer than this held a blocking step even if the process was preempted meanwhile. */
const SURELY_BLOCKED_MS = 50;
/** A slice that begins this long after the last one ended follows an idle loop: a new CPU-time reading is taken. */
const IDLE_GAP_MS = 0.5;
/** Back-to-back slices take a new CPU-time reading at least this often. */
const CPU_REF_MS = 10;
/** The share of a long window the process must have computed through for it to count as a blocking step. */
const COMPUTED_SHARE = 0.9;
/** The first steps of every slice are timed alone. */
const EXACT_STEPS_PER_SLICE = 16;

/** The default slow-step report: one line on stderr. */
export function defaultSlowStep(info: SlowStepInfo): void {
  report("error", `taskloop: slow step: ${info.task} ran ${info.durationMs.toFixed(1)} ms without yielding`);
}

/** The clocks step timing reads: the host's, or a test's. */
export interface StepClocks {
  /** Real milliseconds from a monotonic clock. */
  readonly real: () => number;
  /** Milliseconds of CPU time the process has used, or null where the host cannot tell. */
  readonly cpu: (() => number) | null;
}

const HOST_CLOCKS: StepClocks = { real: realNow, cpu: cpuNow };

export class StepTiming {
  /** Steps left in the current window: the scheduler counts it down and calls closeWindow at zero. */
  left = 1;
  /** Steps in the current window. */
  private size = 1;
  /** Real time the current window began. */
  private start = 0;
  /** Steps still to be timed alone in this slice. */
  private exactSteps = EXACT_STEPS_PER_SLICE;
  /** The next window's length once the exact steps are over (see charge). */
  private window = 1;
  /** Until this real time every step is timed alone. */
  private exactUntil = -Infinity;
  /** Virtual milliseconds `blockFor` added to the steps not yet charged. */
  private blockedMs = 0;
  /**
   * A reading of the process's CPU time (cpuNow) and the real time it was
   * taken: a long window's share of CPU time is measured from there (see
   * heldTheCpu). Taken when a slice begins after the loop was idle, or when
   * the last one is CPU_REF_MS old: not at every slice, since a precise timer
   * polls through hundreds of thousands of slices a second, and reading it
   * (~1 µs) was half of what that polling cost.
   */
  private cpuRef = 0;
  private realRef = -Infinity;
  /** Real time the last slice ended. */
  private lastEnd = -Infinity;

  private readonly real: () => number;
  private readonly cpu: (() => number) | null;

  constructor(
    private readonly loop: Loop,
    private readonly slowStepMs: number,
    private readonly onSlowStep: (info: SlowStepInfo) => void,
    clocks: StepClocks = HOST_CLOCKS,
  ) {
    this.real = clocks.real;
    this.cpu = clocks.cpu;
  }

  /** A slice begins at real time `now` (read by the caller, which also paces the slice by it). */
  startSlice(now: number): void {
    if (this.cpu !== null && (now - this.lastEnd > IDLE_GAP_MS || now - this.realRef > CPU_REF_MS)) {
      this.cpuRef = this.cpu();
      this.realRef = now;
    }
    this.start = now;
    this.exactSteps = EXACT_STEPS_PER_SLICE;
    this.size = this.left = 1;
  }

  /** Charges the window that `task`'s step ended, opens the next; gives the time read. */
  closeWindow(task: Task): number {
    const now = this.real();
    this.charge(task, this.size, this.start, now);
    this.start = now;
    this.size = this.left = --this.exactSteps > 0 ? 1 : this.window;
    return now;
  }

  /** Charges what the slice left of its window to the last task stepped; gives the real time it ended. */
  endSlice(last: Task | null): number {
    const now = this.real();
    const count = this.size - this.left;
    if (count > 0 && last !== null) this.charge(last, count, this.start, now);
    this.lastEnd = now;
    return now;
  }

  /** A simulated blocking call moved the virtual clock on by `ms`: the step is charged that too. */
  blocked(ms: number): void {
    this.blockedMs += ms;
  }

  /**
   * How late a timer-woken task runs after its deadline, measured as its step
   * starts: a task woken on time but stuck behind a slow step still ran late.
   */
  recordLateness(task: Task, deadline: number): void {
    task.heapIndex = NOT_QUEUED;
    const lateUs = Math.round((this.loop.time() - deadline) * 1000);
    task.lateUs = lateUs;
    if (lateUs > task.maxLateUs) task.maxLateUs = lateUs;
  }

  /**
   * Charges a window of `count` steps, from `start` to `end` (real ms), the
   * last of them by `task`, then sizes the next window so that it lasts about
   * TIMING_WINDOW_MS.
   */
  private charge(task: Task, count: number, start: number, end: number): void {
    let elapsed = end - start;
    const blocked = this.blockedMs;
    if (blocked !== 0) {
      elapsed += blocked;
      this.blockedMs = 0;
    }
    if (count > 1 && elapsed > LONG_WINDOW_MS) {
      if (elapsed > EXACT_AFTER_MS && (blocked !== 0 || this.heldTheCpu(elapsed, end))) this.exactUntil = end + EXACT_FOR_MS;
      this.window = 1;
      return;
    }
    // Whole microseconds stay small integers (Smis), so the stats take no heap boxes per task.
    const us = Math.round(elapsed * 1000);
    task.busyUs += us;
    const perStepUs = count === 1 ? us : Math.round(us / count);
    if (perStepUs > task.maxStepUs) task.maxStepUs = perStepUs;
    if (count === 1 && elapsed > this.slowStepMs) this.reportSlowStep(task, elapsed);
    if (this.slowStepMs !== Infinity || elapsed > 1 || end < this.exactUntil) {
      this.window = 1;
    } else {
      const target = (TIMING_WINDOW_MS * count) / Math.max(elapsed, 1e-6);
      const jittered = target * (0.75 + 0.5 * Math.random());
      this.window = jittered >= MAX_WINDOW ? MAX_WINDOW : jittered < 1 ? 1 : jittered | 0;
    }
  }

  /** Whether a long window of `elapsed` ms held a blocking step rather than a preemption (see the top of this file). */
  private heldTheCpu(elapsed: number, end: number): boolean {
    // Since the reading the loop was never idle, so the process spent all that time either computing or preempted.
    const cpu = this.cpu;
    return cpu === null || elapsed > SURELY_BLOCKED_MS || cpu() - this.cpuRef >= (end - this.realRef) * COMPUTED_SHARE;
  }

  private reportSlowStep(task: Task, durationMs: number): void {
    try {
      this.onSlowStep({ task, durationMs });
    } catch (error) {
      this.loop.callExceptionHandler({ message: "Exception in onSlowStep", exception: error });
    }
  }
}
