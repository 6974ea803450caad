/**
 * `sleep(seconds)` and `sleepMs(ms)`.
 *
 * `sleep(0)` is the hot path of every cooperative program, so it returns one
 * shared, stateless object: its first `next()` says "put me at the back of the
 * ready queue", the resume says "done" (see protocol.ts). A timed sleep needs
 * its duration, so it is one small object; the sleeping task itself is the
 * timer-heap entry.
 */
import { DONE_VOID, PARKED, RESUME, YIELDED } from "./protocol.ts";
import { runningTask } from "./context.ts";
import type { Awaitable } from "./types.ts";
import { describeValue } from "./host.ts";

class GiveWay implements Awaitable<void>, Iterator<unknown, void, unknown> {
  [Symbol.iterator](): this {
    return this;
  }
  next(arg?: unknown): IteratorResult<unknown, void> {
    return arg === RESUME ? DONE_VOID : YIELDED;
  }
  throw(error: unknown): never {
    throw error;
  }
}

const giveWay = new GiveWay();

class Sleep implements Awaitable<void>, Iterator<unknown, void, unknown> {
  constructor(private readonly ms: number) {}
  [Symbol.iterator](): this {
    return this;
  }
  next(arg?: unknown): IteratorResult<unknown, void> {
    if (arg === RESUME) return DONE_VOID;
    const task = runningTask("sleep()");
    task.loop.sleepTask(task, this.ms);
    return PARKED;
  }
  throw(error: unknown): never {
    throw error;
  }
}

/** @internal checks a duration argument and gives milliseconds. */
export function toMs(value: unknown, what: string, scale: number): number {
  if (typeof value !== "number" || Number.isNaN(value)) {
    throw new TypeError(`${what} must be a number, got ${describeValue(value)}`);
  }
  if (value === Infinity) throw new RangeError(`${what} must be finite, got Infinity (to wait forever, wait on an Event)`);
  return value * scale;
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
  const ms = toMs(seconds, "sleep(seconds): seconds", 1000);
  return ms > 0 ? new Sleep(ms) : giveWay;
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
  const value = toMs(ms, "sleepMs(ms): ms", 1);
  return value > 0 ? new Sleep(value) : giveWay;
}
