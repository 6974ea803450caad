/**
 * What `Pushbutton` and `Switch` share: one task per contact that waits for an
 * edge on the pin, takes the new level at once, then ignores the contact for
 * `debounceMs` while it bounces (Peter Hinch's micropython-async drivers do the
 * same with polling). Reacting on the first edge keeps timing exact: a press
 * driven at t = 1200 ms on the virtual clock is seen at t = 1200 ms.
 */
import { getEventLoop } from "../core/defaultloop.ts";
import { describeValue, isCoroutine } from "../core/host.ts";
import { sleepMs } from "../core/sleep.ts";
import type { Task } from "../core/task.ts";
import type { Coro } from "../core/types.ts";
import { Event } from "../sync/event.ts";
import type { Level, Pin } from "./pin.ts";

/**
 * A button or switch handler: a plain function, called at once, or a
 * generator function, whose coroutine is started as a task (so it may sleep).
 *
 * @example
 * ```ts
 * button.press(() => led.toggle());                                   // runs at once
 * button.long(function* () { led.on(); yield* sleep(2); led.off(); }); // runs as a task
 * ```
 */
export type Handler = () => unknown;

/** @internal calls `handler`; a returned coroutine becomes a task; an error goes to the exception handler. */
export function fire(handler: Handler | null, what: string): void {
  if (handler === null) return;
  const loop = getEventLoop();
  try {
    const result = handler();
    if (isCoroutine(result)) loop.createTask(result, { name: what });
  } catch (error) {
    loop.callExceptionHandler({ message: `Exception in the ${what} handler`, exception: error });
  }
}

/** @internal checks a handler argument. */
export function checkHandler(handler: unknown, what: string): Handler | null {
  if (handler === null || handler === undefined) return null;
  if (typeof handler !== "function") {
    throw new TypeError(`${what}: handler must be a function or a generator function (or null to remove it), got ${describeValue(handler)}`);
  }
  return handler as Handler;
}

/** @internal checks a duration option. */
export function checkMs(value: unknown, what: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number") throw new TypeError(`${what} must be a number of milliseconds, got ${describeValue(value)}`);
  if (!(value >= 0) || value === Infinity) {
    throw new RangeError(`${what} must be a finite number of milliseconds >= 0, got ${describeValue(value)}`);
  }
  return value;
}

/** @internal checks a task-name option, so the error names the device rather than createTask. */
export function checkName(value: unknown, what: string, fallback: string): string {
  if (value === undefined) return fallback;
  if (typeof value !== "string") throw new TypeError(`${what} must be a string (the watching task's name), got ${describeValue(value)}`);
  return value;
}

/**
 * The debouncing base of `Pushbutton` and `Switch`: a task that watches a pin;
 * subclasses say what a change means. Not made directly.
 *
 * @example
 * ```ts
 * const button: Contact = new Pushbutton(new Pin(14, Pin.IN, Pin.PULL_UP));
 * button.deinit();
 * ```
 */
export abstract class Contact {
  /**
   * The task that watches the pin; `deinit()` stops it. Subclasses check every
   * option before calling this constructor: once it has run, a task is running
   * and the pin has a watcher, and a constructor that then threw would leak both.
   */
  readonly task: Task<void>;
  /** Debounced state: true while pressed (button) or closed (switch). */
  protected active: boolean;
  private readonly edge = new Event();
  private readonly unwatch: () => void;

  constructor(
    /** The pin the contact is wired to. */
    readonly pin: Pin,
    /** The level the pin has when the contact is active (pressed, closed). */
    protected readonly activeLevel: Level,
    /** How long a level must hold before it counts, in milliseconds. */
    protected readonly debounceMs: number,
    name: string,
  ) {
    this.active = pin.value() === activeLevel;
    // The task first: if it cannot be created, no watcher is left on the pin.
    this.task = getEventLoop().createTask(this.watchPin(), { name });
    this.unwatch = pin.watch(() => this.edge.set());
  }

  /**
   * Stops watching the pin and cancels the task (MicroPython's name for releasing hardware).
   *
   * @example
   * ```ts
   * button.deinit();
   * ```
   */
  deinit(): void {
    this.unwatch();
    this.task.cancel();
  }

  /** The contact changed state (after debouncing), at the loop's current time. */
  protected abstract changed(active: boolean): void;

  private *watchPin(): Coro<void> {
    for (;;) {
      yield* this.edge.wait();
      this.edge.clear();
      const active = this.pin.value() === this.activeLevel;
      if (active === this.active) continue; // a bounce that came back, or a glitch
      this.active = active;
      this.changed(active);
      // Ignore the bouncing contact; an edge during this time is looked at afterwards.
      if (this.debounceMs > 0) yield* sleepMs(this.debounceMs);
    }
  }
}
