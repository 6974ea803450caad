/**
 * A simulated GPIO pin, shaped like MicroPython's `machine.Pin`.
 *
 * An output is driven by the program (`on`, `off`, `toggle`, `value(v)`); an
 * input is driven by the outside world, which here means a test, a keyboard or
 * another task calling `pin.drive(level)`. Every change of level is appended to
 * `pin.history` with the loop's time, so a test on the virtual clock can assert
 * blink timing to the millisecond.
 */
import { getEventLoop } from "../core/defaultloop.ts";
import { RuntimeError } from "../core/errors.ts";
import { describeValue } from "../core/host.ts";

/**
 * A pin level.
 *
 * @example
 * ```ts
 * const level: Level = led.value();
 * ```
 */
export type Level = 0 | 1;

/**
 * One recorded change of a pin's level: `time` is `getEventLoop().time()` in ms.
 *
 * @example
 * ```ts
 * const onTimes = led.history.filter((c: PinChange) => c.value === 1).map((c) => c.time);
 * ```
 */
export interface PinChange {
  /** Loop time of the change, in milliseconds. */
  time: number;
  /** The level after the change: 0 or 1. */
  value: Level;
}

/**
 * Called on a level change the `trigger` asked for, with the pin (MicroPython passes the pin too).
 *
 * @example
 * ```ts
 * const onEdge: PinIrqHandler = (pin) => console.log(`${pin} is now ${pin.value()}`);
 * button.irq(onEdge, Pin.IRQ_FALLING);
 * ```
 */
export type PinIrqHandler = (pin: Pin) => void;

/**
 * Options beyond MicroPython's positional arguments.
 *
 * @example
 * ```ts
 * const led = new Pin("LED", Pin.OUT, null, { value: 1, historyLimit: 1000 });
 * ```
 */
export interface PinOptions {
  /** Initial level of an output (MicroPython's `value=` keyword): 0, 1, `false` or `true`. Default 0. */
  value?: Level | boolean;
  /**
   * Keep at most this many entries in `history` (oldest dropped first): a whole
   * number >= 0, or `Infinity`. Default: keep all.
   */
  historyLimit?: number;
}

/**
 * A simulated GPIO pin.
 *
 * @example
 * ```ts
 * import { run, sleep } from "taskloop";
 * import { Pin } from "taskloop/device";
 *
 * const led = new Pin("LED", Pin.OUT);
 * await run(function* () {
 *   for (let i = 0; i < 4; i++) { led.toggle(); yield* sleep(0.5); }
 * }, { clock: "virtual" });
 * console.log(led.history); // [{time:0,value:1},{time:500,value:0},{time:1000,value:1},{time:1500,value:0}]
 * ```
 */
export class Pin {
  /** Input mode: the level comes from `drive()`. */
  static readonly IN = 0;
  /** Output mode: the level comes from `value()`, `on()`, `off()`, `toggle()`. */
  static readonly OUT = 1;
  /** An undriven input reads 1. */
  static readonly PULL_UP = 1;
  /** An undriven input reads 0. */
  static readonly PULL_DOWN = 2;
  /** `irq` trigger: a change from 0 to 1. */
  static readonly IRQ_RISING = 1;
  /** `irq` trigger: a change from 1 to 0. */
  static readonly IRQ_FALLING = 2;

  /** Every change of level, oldest first, stamped with the loop's time in ms. */
  readonly history: PinChange[] = [];
  private level: Level;
  private irqHandler: PinIrqHandler | null = null;
  private irqTrigger = 0;
  private readonly watchers: ((level: Level, pin: Pin) => void)[] = [];
  private readonly historyLimit: number;

  /**
   * @param id the board's name for the pin: a number (GPIO 15) or a string ("LED").
   * @param mode `Pin.IN` (default) or `Pin.OUT`.
   * @param pull for an input, the level it reads when nothing drives it.
   */
  constructor(
    readonly id: number | string,
    readonly mode: typeof Pin.IN | typeof Pin.OUT = Pin.IN,
    readonly pull: typeof Pin.PULL_UP | typeof Pin.PULL_DOWN | null = null,
    options: PinOptions = {},
  ) {
    // Checked up front so a mistake shows here, not as a wrong level read much later.
    if (typeof id !== "number" && typeof id !== "string") {
      throw new TypeError(`Pin(id): id must be a number or a string such as "LED", got ${describeValue(id)}`);
    }
    if (typeof id === "number" && !(Number.isInteger(id) && id >= 0)) {
      throw new RangeError(`Pin(id): a numeric id must be a GPIO number (a whole number >= 0), got ${describeValue(id)}`);
    }
    if (mode !== Pin.IN && mode !== Pin.OUT) {
      throw new TypeError(`Pin(${JSON.stringify(id)}, mode): mode must be Pin.IN or Pin.OUT, got ${describeValue(mode)}`);
    }
    if (pull !== null && pull !== Pin.PULL_UP && pull !== Pin.PULL_DOWN) {
      throw new TypeError(`Pin(${JSON.stringify(id)}, mode, pull): pull must be Pin.PULL_UP, Pin.PULL_DOWN or null, got ${describeValue(pull)}`);
    }
    if (typeof options !== "object" || options === null) {
      throw new TypeError(
        `Pin(${JSON.stringify(id)}, mode, pull, options): options must be an object like { value: 1 } (or left out), got ${describeValue(options)}`,
      );
    }
    const initial = options.value === undefined ? 0 : toLevel(options.value, `Pin(${JSON.stringify(id)}): options.value`);
    const historyLimit = options.historyLimit ?? Infinity;
    if (typeof historyLimit !== "number") {
      throw new TypeError(
        `Pin(${JSON.stringify(id)}): options.historyLimit must be a number (a whole number >= 0, or Infinity to keep all), got ${describeValue(historyLimit)}`,
      );
    }
    if (historyLimit !== Infinity && !(Number.isInteger(historyLimit) && historyLimit >= 0)) {
      throw new RangeError(
        `Pin(${JSON.stringify(id)}): options.historyLimit must be a whole number >= 0, or Infinity to keep all, got ${describeValue(historyLimit)}`,
      );
    }
    this.level = mode === Pin.OUT ? initial : pull === Pin.PULL_UP ? 1 : 0;
    this.historyLimit = historyLimit;
  }

  /**
   * Reads the level, or (for an output) sets it when `v` is given: 0, 1,
   * `false` or `true`. Anything else is a `TypeError` rather than "truthy
   * means 1", so `value("off")` cannot quietly switch the output on.
   *
   * @example
   * ```ts
   * led.value(1);
   * if (button.value() === 0) console.log("pressed");
   * ```
   */
  value(): Level;
  value(v: number | boolean): void;
  value(v?: number | boolean): Level | void {
    if (v === undefined) return this.level;
    this.requireOutput("value(v)");
    this.set(toLevel(v, `${this}: value(v): v`));
  }

  /**
   * Sets an output to 1.
   *
   * @example
   * ```ts
   * new Pin("LED", Pin.OUT).on();
   * ```
   */
  on(): void {
    this.requireOutput("on()");
    this.set(1);
  }

  /**
   * Sets an output to 0.
   *
   * @example
   * ```ts
   * led.off();
   * ```
   */
  off(): void {
    this.requireOutput("off()");
    this.set(0);
  }

  /**
   * Flips an output.
   *
   * @example
   * ```ts
   * function* blink() { for (;;) { led.toggle(); yield* sleep(0.5); } }
   * ```
   */
  toggle(): void {
    this.requireOutput("toggle()");
    this.set(this.level === 1 ? 0 : 1);
  }

  /**
   * Simulates the outside world setting an input's level (a button, a sensor
   * line). Callable from anywhere, including outside any task. `level` is 0,
   * 1, `false` or `true`. Handlers that throw do not make `drive()` throw: see `irq`.
   *
   * @example
   * ```ts
   * const button = new Pin(14, Pin.IN, Pin.PULL_UP);
   * button.drive(0); // pressed: the switch pulls it to ground
   * ```
   */
  drive(level: number | boolean): void {
    if (this.mode !== Pin.IN) {
      throw new RuntimeError(`${this}: drive(level) simulates a signal on an input, but this pin is an output; set it with value(), on(), off() or toggle()`);
    }
    this.set(toLevel(level, `${this}: drive(level): level`));
  }

  /**
   * Calls `handler(pin)` on each change matching `trigger`
   * (`Pin.IRQ_RISING`, `Pin.IRQ_FALLING`, or both or-ed together). One handler
   * per pin, as in MicroPython; `irq(null)` removes it. The handler runs
   * synchronously, at the moment of the change, like a hard interrupt: keep it
   * short and hand work to a task (set an `Event` or a `ThreadSafeFlag`).
   * An error it throws goes to the loop's exception handler, as MicroPython
   * prints an IRQ callback's exception: it is not raised into whoever changed
   * the level, and the pin's other watchers (a `Pushbutton`) still see the edge.
   *
   * @example
   * ```ts
   * const flag = new ThreadSafeFlag();
   * button.irq(() => flag.set(), Pin.IRQ_FALLING);
   * ```
   */
  irq(handler: PinIrqHandler | null, trigger: number = Pin.IRQ_RISING | Pin.IRQ_FALLING): void {
    if (handler !== null && typeof handler !== "function") {
      throw new TypeError(`${this}: irq(handler, trigger): handler must be a function or null, got ${describeValue(handler)}`);
    }
    // Compared exactly: a bit test would let 1.5 through as IRQ_RISING.
    if (trigger !== Pin.IRQ_RISING && trigger !== Pin.IRQ_FALLING && trigger !== (Pin.IRQ_RISING | Pin.IRQ_FALLING)) {
      throw new TypeError(`${this}: irq(handler, trigger): trigger must be Pin.IRQ_RISING, Pin.IRQ_FALLING or both (|), got ${describeValue(trigger)}`);
    }
    this.irqHandler = handler;
    this.irqTrigger = trigger;
  }

  /**
   * Calls `listener(level, pin)` on every change, besides the `irq` handler;
   * for drivers such as `Pushbutton` that must not take the pin's one irq.
   * Returns a function that stops listening. Like an `irq` handler, a listener
   * that throws is reported to the loop's exception handler.
   *
   * @example
   * ```ts
   * const stop = led.watch((level) => console.log("LED", level ? "on" : "off"));
   * ```
   */
  watch(listener: (level: Level, pin: Pin) => void): () => void {
    // Checked here: a bad listener would otherwise fail only at the next edge, inside drive().
    if (typeof listener !== "function") {
      throw new TypeError(`${this}: watch(listener): listener must be a function called as listener(level, pin), got ${describeValue(listener)}`);
    }
    this.watchers.push(listener);
    return () => {
      const i = this.watchers.indexOf(listener);
      if (i >= 0) this.watchers.splice(i, 1);
    };
  }

  /** "Pin(LED, OUT)" */
  toString(): string {
    return `Pin(${this.id}, ${this.mode === Pin.OUT ? "OUT" : "IN"})`;
  }

  private set(level: Level): void {
    if (level === this.level) return;
    this.level = level;
    this.history.push({ time: getEventLoop().time(), value: level });
    if (this.history.length > this.historyLimit) this.history.splice(0, this.history.length - this.historyLimit);
    const edge = level === 1 ? Pin.IRQ_RISING : Pin.IRQ_FALLING;
    // Each callback is isolated: one that throws must not hide the edge from the
    // others, nor turn the caller's drive() or on() into a failure.
    if (this.irqHandler !== null && (this.irqTrigger & edge) !== 0) this.notify(this.irqHandler, "irq handler");
    for (const w of this.watchers.slice()) this.notify(() => w(level, this), "watch listener");
  }

  private notify(callback: (pin: Pin) => void, what: string): void {
    try {
      callback(this);
    } catch (error) {
      getEventLoop().callExceptionHandler({ message: `Exception in the ${what} of ${this}`, exception: error });
    }
  }

  private requireOutput(call: string): void {
    if (this.mode !== Pin.OUT) {
      throw new RuntimeError(`${this}: ${call} sets an output, but this pin is an input; a test or keyboard drives an input with pin.drive(level)`);
    }
  }
}

/** 0, 1, false or true as a Level; anything else names `what` in a TypeError. */
function toLevel(v: unknown, what: string): Level {
  if (v === 0 || v === false) return 0;
  if (v === 1 || v === true) return 1;
  throw new TypeError(`${what} must be 0, 1, false or true, got ${describeValue(v)}`);
}
