/**
 * `schedule(hz, fn, ...args)`: tasko's "describe how often a function should
 * be called". One task per schedule sleeps until each absolute deadline
 * `base + k * period`, computed from `k` every time (never by adding periods
 * up), so the schedule does not drift however long it runs.
 */
import { runningTask } from "../core/context.ts";
import { getEventLoop } from "../core/defaultloop.ts";
import { until } from "../core/hostwait.ts";
import { describeValue, isCoroutine, isThenable } from "../core/host.ts";
import { DONE_VOID, PARKED, RESUME, type Waitable } from "../core/protocol.ts";
import { cancelSleep, describeSleepUntil } from "../core/waits.ts";
import { Parking } from "../core/parking.ts";
import { Loop } from "../core/loop.ts";
import type { Task } from "../core/task.ts";
import type { Awaitable, Coro } from "../core/types.ts";

/**
 * What a `ScheduledTask` has done so far.
 *
 * @example
 * ```ts
 * const { runs, overruns, maxLateMs } = blinker.stats;
 * console.log(`${runs} runs, ${overruns} overruns, at most ${maxLateMs.toFixed(3)} ms late`);
 * ```
 */
export interface ScheduleStats {
  /** Invocations started, including those that threw. */
  runs: number;
  /**
   * Invocations that ended after the next deadline had passed. Each makes the
   * next invocation start at once and re-bases the schedule to that moment.
   */
  overruns: number;
  /**
   * The most an invocation started after its deadline, in milliseconds: timer
   * and scheduling lateness. After an overrun the schedule re-bases, so the
   * next invocation's deadline is the moment the overrun ended.
   */
  maxLateMs: number;
}

/** Sleeps the running task until an absolute time on its loop; one reusable object per schedule. */
class SleepUntil extends Parking<void> implements Waitable {
  deadline = 0;
  protected override get what(): string {
    return "schedule()";
  }
  override next(arg?: unknown): IteratorResult<unknown, void> {
    if (arg === RESUME) return DONE_VOID;
    const task = runningTask("schedule()");
    task.loop.sleepTaskUntil(task, this.deadline, this);
    return PARKED;
  }
  cancelWait(task: Task, error: unknown): void {
    cancelSleep(task, error);
  }
  describe(): string {
    return describeSleepUntil(this.deadline);
  }
}

function checkHz(hz: unknown, what: string): number {
  // 1000 / hz must be a finite period too: Number.MIN_VALUE would make it Infinity.
  if (typeof hz !== "number" || !Number.isFinite(hz) || hz <= 0 || !Number.isFinite(1000 / hz)) {
    throw new RangeError(`${what}: hz must be a positive finite number of calls per second (0.1 is once every 10 s), got ${describeValue(hz)}`);
  }
  return hz;
}

/**
 * A function called at a fixed rate by `schedule`. Cancel it, change its
 * rate, or read its statistics.
 *
 * @example
 * ```ts
 * const blinker = schedule(2, () => led.toggle());
 * yield* sleep(10);
 * blinker.changeRate(5);   // faster, from the next deadline on
 * yield* sleep(10);
 * blinker.cancel();
 * ```
 */
export class ScheduledTask {
  /** The task that runs the schedule: `yield* scheduled.task` waits until it is cancelled. */
  readonly task: Task<void>;
  private rate: number;
  /** @internal the period asked for by `changeRate`, applied when the next deadline is computed */
  pendingPeriod: number | null = null;
  /** @internal */ readonly counters: ScheduleStats = { runs: 0, overruns: 0, maxLateMs: 0 };
  private readonly label: string;

  /** @internal use `schedule()` */
  constructor(loop: Loop, hz: number, fn: (...args: never[]) => unknown, args: unknown[]) {
    if (!(loop instanceof Loop)) throw new TypeError("ScheduledTask is made by schedule(hz, fn, ...args), not with new");
    this.rate = hz; // checked by schedule()
    this.label = fn.name || "anonymous";
    this.task = loop.createTask(drive(this, loop, 1000 / hz, fn, args), { name: this.taskName() });
  }

  /** The rate asked for last, in calls per second. */
  get hz(): number {
    return this.rate;
  }

  /** A snapshot of the counters (see `ScheduleStats`). */
  get stats(): ScheduleStats {
    const { runs, overruns, maxLateMs } = this.counters;
    return { runs, overruns, maxLateMs };
  }

  /**
   * Stops the schedule, cancelling the running invocation too (it sees
   * `CancelledError` at its suspension point). Returns false if the schedule
   * had already stopped.
   */
  cancel(): boolean {
    return this.task.cancel();
  }

  /**
   * Changes the rate. The deadline already waited for stays; the ones after
   * it are counted from it at the new rate (`hz` calls per second).
   */
  changeRate(hz: number): void {
    this.rate = checkHz(hz, "ScheduledTask.changeRate(hz)");
    this.pendingPeriod = 1000 / hz;
    if (!this.task.done()) this.task.name = this.taskName();
  }

  private taskName(): string {
    return `schedule(${this.rate} Hz, ${this.label})`;
  }
}

/** The schedule's task: invoke, then sleep until the next absolute deadline. */
function* drive(self: ScheduledTask, loop: Loop, period: number, fn: (...args: never[]) => unknown, args: unknown[]): Coro<void> {
  const stats = self.counters;
  const task = runningTask("schedule()");
  // cancelAsked() (what its signal would tell, without needing an AbortController)
  // tells our cancellation from a CancelledError that merely escaped from inside an invocation.
  const sleeper = new SleepUntil();
  const sleepUntilDeadline: Awaitable<void> = sleeper;
  let base = loop.time();
  let k = 0;
  let deadline = base;
  for (;;) {
    const started = loop.time();
    const late = started - deadline;
    stats.runs++;
    if (late > stats.maxLateMs) stats.maxLateMs = late;
    try {
      const result = (fn as (...args: unknown[]) => unknown)(...args);
      if (isCoroutine(result)) yield* result;
      else if (isThenable(result)) yield* until(result);
    } catch (error) {
      if (task.cancelAsked()) throw error;
      loop.callExceptionHandler({
        message: `Exception in scheduled function ${fn.name || "anonymous"} (${task.name}); the schedule goes on`,
        exception: error,
        schedule: self,
      });
    }
    if (task.cancelAsked()) return; // cancelled, and the invocation swallowed it
    const end = loop.time();
    if (self.pendingPeriod !== null) {
      period = self.pendingPeriod;
      self.pendingPeriod = null;
      base = deadline;
      k = 0;
    }
    const next = base + ++k * period;
    if (end > next && started <= next) {
      // The invocation was still running when the next one came due: it overran.
      // Start the next one at once (after giving way once) and count from now,
      // instead of a burst of catch-up runs.
      stats.overruns++;
      base = deadline = end;
      k = 0;
      yield;
    } else if (end > next) {
      // Woken so late (other work held the loop) that the next deadline had passed
      // before it started: not an overrun. Skip the deadlines already missed and
      // stay on the grid, so a hiccup causes neither a burst nor drift.
      k = Math.floor((end - base) / period) + 1;
      deadline = sleeper.deadline = base + k * period;
      yield* sleepUntilDeadline;
    } else {
      deadline = sleeper.deadline = next;
      yield* sleepUntilDeadline;
    }
  }
}

/**
 * Calls `fn(...args)` `hz` times per second on the default loop, at most one
 * invocation alive at a time; the first call happens as soon as the
 * schedule's task starts. `fn` may be a generator function (its coroutine runs
 * inside the schedule's task), a plain function, or an async function (its
 * promise is awaited). Deadlines are absolute (start + k/hz), so there is no
 * drift. When an invocation overruns the next deadline, the next one starts
 * at once and the schedule re-bases to now: no burst of catch-up runs. An
 * invocation that throws is reported through the loop's exception handler
 * and the schedule goes on.
 *
 * @example
 * ```ts
 * function* readSensor(sensor: Sensor) { log(yield* sensor.read()); }
 * const reader = schedule(1, readSensor, sensor);   // once a second
 * const blinker = schedule(10, () => led.toggle()); // ten times a second
 * yield* sleep(60);
 * reader.cancel();
 * blinker.cancel();
 * ```
 */
export function schedule<A extends unknown[]>(hz: number, fn: (...args: A) => unknown, ...args: A): ScheduledTask {
  checkHz(hz, "schedule(hz, fn)");
  if (typeof fn !== "function") {
    const hint = isCoroutine(fn) ? " (pass the generator function itself, schedule(10, blink), not blink())" : "";
    throw new TypeError(`schedule(hz, fn): fn must be a function or generator function to call, got ${describeValue(fn)}${hint}`);
  }
  return new ScheduledTask(getEventLoop(), hz, fn as (...args: never[]) => unknown, args);
}
