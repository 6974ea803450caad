/**
 * A debounced push button with press, release, long-press and double-click
 * handlers, after Peter Hinch's `Pushbutton` (micropython-async primitives).
 */
import { getEventLoop } from "../core/defaultloop.ts";
import { describeValue } from "../core/host.ts";
import { sleepMs } from "../core/sleep.ts";
import type { Task } from "../core/task.ts";
import type { Coro } from "../core/types.ts";
import { Contact, checkHandler, checkMs, checkName, fire, type Handler } from "./debounce.ts";
import { Pin, type Level } from "./pin.ts";

/**
 * Options for `Pushbutton`; every duration is in milliseconds on the loop's clock.
 *
 * @example
 * ```ts
 * new Pushbutton(pin, { debounceMs: 20, longMs: 800, onLong: () => console.log("held") });
 * ```
 */
export interface PushbuttonOptions {
  /** Bounces within this time after a change are ignored. Default 50. */
  debounceMs?: number;
  /** Held this long: the `long` handler runs (once per press). Default 1000. */
  longMs?: number;
  /** A second press this soon after the first: the `double` handler runs. Default 400. */
  doubleMs?: number;
  /**
   * The pin's level when the button is *not* pressed. Default: its level when
   * the `Pushbutton` is made (1 for a button to ground with `Pin.PULL_UP`).
   */
  sense?: Level;
  /** Name of the watching task, as `loop.tasks()` shows it. Default `"button <pin id>"`. */
  name?: string;
  /** Called on a press (the contact closes). */
  onPress?: Handler;
  /** Called when the button is let go. */
  onRelease?: Handler;
  /** Called once a press has lasted `longMs`. */
  onLong?: Handler;
  /** Called on a second press within `doubleMs` of the first. */
  onDouble?: Handler;
}

/**
 * A debounced push button on an input pin. A task named `"button <id>"`
 * watches the pin, and while the button is held a second one,
 * `"button <id> long"`, times the long press. They run on the current loop:
 * make the button inside your main coroutine (or after `newEventLoop()`), and
 * `deinit()` it when done.
 *
 * Each handler may be a plain function, called at once, or a generator
 * function, started as a task. `press` runs on every press; on the second
 * press within `doubleMs`, `double` runs too; `long` runs once if the button
 * is still held after `longMs`; `release` runs on every release.
 *
 * @example
 * ```ts
 * import { run, sleep } from "taskloop";
 * import { Pin, Pushbutton } from "taskloop/device";
 *
 * const pin = new Pin(14, Pin.IN, Pin.PULL_UP);
 * await run(function* () {
 *   const button = new Pushbutton(pin)
 *     .press(() => console.log("press"))
 *     .long(() => console.log("long"));
 *   pin.drive(0);          // press...
 *   yield* sleep(1.5);     // "press" at 0 ms, "long" at 1000 ms
 *   pin.drive(1);
 *   button.deinit();
 * }, { clock: "virtual" });
 * ```
 */
export class Pushbutton extends Contact {
  private readonly longMs: number;
  private readonly doubleMs: number;
  private onPress: Handler | null;
  private onRelease: Handler | null;
  private onLong: Handler | null;
  private onDouble: Handler | null;
  /** While the button is held: the task that runs `long` after `longMs`. */
  private longTimer: Task<void> | null = null;
  /** Time of a first press that a second one could make a double click; -Infinity when none. */
  private firstPressAt = -Infinity;

  constructor(pin: Pin, options: PushbuttonOptions = {}) {
    if (!(pin instanceof Pin)) throw new TypeError(`Pushbutton(pin): pin must be a Pin, got ${describeValue(pin)}`);
    if (typeof options !== "object" || options === null) {
      throw new TypeError(`Pushbutton(pin, options): options must be an object like { longMs: 800 }, got ${describeValue(options)}`);
    }
    // Every option is checked before super(), which starts the task and watches the pin.
    const sense = options.sense ?? pin.value();
    if (sense !== 0 && sense !== 1) throw new TypeError(`Pushbutton: options.sense must be 0 or 1, got ${describeValue(sense)}`);
    const debounceMs = checkMs(options.debounceMs, "Pushbutton: options.debounceMs", 50);
    const longMs = checkMs(options.longMs, "Pushbutton: options.longMs", 1000);
    const doubleMs = checkMs(options.doubleMs, "Pushbutton: options.doubleMs", 400);
    const name = checkName(options.name, "Pushbutton: options.name", `button ${pin.id}`);
    const onPress = checkHandler(options.onPress, "Pushbutton: options.onPress");
    const onRelease = checkHandler(options.onRelease, "Pushbutton: options.onRelease");
    const onLong = checkHandler(options.onLong, "Pushbutton: options.onLong");
    const onDouble = checkHandler(options.onDouble, "Pushbutton: options.onDouble");
    super(pin, sense === 1 ? 0 : 1, debounceMs, name);
    this.longMs = longMs;
    this.doubleMs = doubleMs;
    this.onPress = onPress;
    this.onRelease = onRelease;
    this.onLong = onLong;
    this.onDouble = onDouble;
  }

  /**
   * Sets the handler for every press (`null` removes it); returns the button.
   *
   * @example
   * ```ts
   * new Pushbutton(pin).press(() => led.toggle());
   * ```
   */
  press(handler: Handler | null): this {
    this.onPress = checkHandler(handler, "Pushbutton.press(handler)");
    return this;
  }

  /**
   * Sets the handler for every release; returns the button.
   *
   * @example
   * ```ts
   * button.release(() => console.log("released"));
   * ```
   */
  release(handler: Handler | null): this {
    this.onRelease = checkHandler(handler, "Pushbutton.release(handler)");
    return this;
  }

  /**
   * Sets the handler for a press held `longMs`; returns the button.
   *
   * @example
   * ```ts
   * button.long(function* () { yield* shutDown(); });
   * ```
   */
  long(handler: Handler | null): this {
    this.onLong = checkHandler(handler, "Pushbutton.long(handler)");
    return this;
  }

  /**
   * Sets the handler for a second press within `doubleMs` of the first; returns the button.
   *
   * @example
   * ```ts
   * button.double(() => console.log("double click"));
   * ```
   */
  double(handler: Handler | null): this {
    this.onDouble = checkHandler(handler, "Pushbutton.double(handler)");
    return this;
  }

  /**
   * Whether the button is pressed now (debounced).
   *
   * @example
   * ```ts
   * if (button.pressed()) console.log("held");
   * ```
   */
  pressed(): boolean {
    return this.active;
  }

  protected override changed(pressed: boolean): void {
    const loop = getEventLoop();
    const now = loop.time();
    const name = this.task.name;
    this.longTimer?.cancel();
    this.longTimer = null;
    if (!pressed) {
      fire(this.onRelease, `${name} release`);
      return;
    }
    if (this.onLong !== null) this.longTimer = loop.createTask(this.longAfter(), { name: `${name} long` });
    fire(this.onPress, `${name} press`);
    if (now - this.firstPressAt <= this.doubleMs) {
      this.firstPressAt = -Infinity; // a third press starts a new pair
      fire(this.onDouble, `${name} double`);
    } else {
      this.firstPressAt = now;
    }
  }

  override deinit(): void {
    this.longTimer?.cancel();
    super.deinit();
  }

  private *longAfter(): Coro<void> {
    yield* sleepMs(this.longMs);
    this.longTimer = null;
    fire(this.onLong, `${this.task.name} long`);
  }
}
