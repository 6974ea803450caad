/**
 * `sleep(seconds)` and `sleepMs(ms)`.
 *
 * `sleep(0)` is the hot path of every cooperative program, so it returns one
 * shared, stateless object: its first `next()` says "put me at the back of the
 * ready queue", the resume says "done" (see protocol.ts). A timed sleep is
 * just as stateless apart from its duration, so one object per duration serves
 * every task (a small cache), and the sleeping task itself is the timer-heap
 * entry: 100,000 tasks in `sleep(1)` share one Sleep.
 */
import { DONE_VOID, PARKED, RESUME, YIELDED } from "./protocol.ts";
import { Parking } from "./parking.ts";
import { context, runningTask } from "./context.ts";
import { remembered } from "./debug.ts";
import type { Awaitable } from "./types.ts";
import { describeValue } from "./host.ts";
import { cancelSleep } from "./waits.ts";
import type { Task } from "./task.ts";

/** `sleep(0)`: to the back of the ready queue. */
class GiveWay extends Parking<void> {
  protected override get what(): string {
    return "sleep(…)";
  }

  next(arg?: unknown): IteratorResult<unknown, void> {
    return arg === RESUME ? DONE_VOID : YIELDED;
  }
}

const giveWay = new GiveWay();

/** A timed sleep; it is also what the task waits on, so it can say "sleep 500 ms". */
class Sleep extends Parking<void> {
  constructor(private readonly ms: number) {
    super();
  }

  protected override get what(): string {
    return "sleep(…)";
  }
  next(arg?: unknown): IteratorResult<unknown, void> {
    if (arg === RESUME) return DONE_VOID;
    const task = runningTask("sleep()");
    task.loop.sleepTask(task, this.ms, this);
    return PARKED;
  }
  cancelWait(task: Task, error: unknown): void {
    cancelSleep(task, error);
  }
  describe(_task: Task): string {
    return `sleep ${Math.round(this.ms * 1000) / 1000} ms`;
  }
}

const cache = new Map<number, Sleep>();
const CACHE_LIMIT = 256;

function sleepFor(ms: number): Awaitable<void> {
  if (ms <= 0) return giveWay;
  let s = cache.get(ms);
  if (s === undefined) {
    if (cache.size >= CACHE_LIMIT) cache.clear();
    s = new Sleep(ms);
    cache.set(ms, s);
  }
  return s;
}

/** @internal checks a duration argument and gives milliseconds. */
export function toMs(value: unknown, what: string, scale: number): number {
  if (typeof value !== "number" || Number.isNaN(value)) {
    throw new TypeError(`${what} must be a number, got ${describeValue(value)}`);
  }
  const ms = value * scale;
  if (ms === -Infinity) return 0; // negative values sleep 0
  if (!Number.isFinite(ms)) {
    const why = Number.isFinite(value) ? `is too long (${value} × ${scale} overflows to Infinity ms)` : `must be finite, got ${value}`;
    throw new RangeError(`${what} ${why} (to wait forever, wait on an Event)`);
  }
  return ms;
}

/**
 * Waits `seconds` (fractions allowed) on the loop's clock; `sleep(0)` just
 * gives way to the other ready tasks. Negative values sleep 0.
 *
 * @example
 * ```ts
 * function* blink() { for (;;) { led.toggle(); yield* sleep(0.5); } }
 * ```
 */
export function sleep(seconds: number): Awaitable<void> {
  if (seconds === 0) return giveWay; // the hot path of every cooperative loop
  const aw = sleepFor(toMs(seconds, "sleep(seconds): seconds", 1000));
  const loop = context.loop;
  return loop?.debug ? remembered(aw, `sleep(${seconds})`, loop) : aw;
}

/**
 * Waits `ms` milliseconds on the loop's clock (MicroPython's `sleep_ms`).
 *
 * @example
 * ```ts
 * yield* sleepMs(150);
 * ```
 */
export function sleepMs(ms: number): Awaitable<void> {
  const aw = sleepFor(toMs(ms, "sleepMs(ms): ms", 1));
  const loop = context.loop;
  return loop?.debug ? remembered(aw, `sleepMs(${ms})`, loop) : aw;
}
