/**
 * A debounced switch (a toggle or a contact to ground), after Peter Hinch's `Switch`.
 */
import { describeValue } from "../core/host.ts";
import { Contact, checkHandler, checkMs, checkName, fire, type Handler } from "./debounce.ts";
import { Pin, type Level } from "./pin.ts";

/**
 * Options for `Switch`.
 *
 * @example
 * ```ts
 * new Switch(pin, { debounceMs: 20, onClose: () => pump.on(), onOpen: () => pump.off() });
 * ```
 */
export interface SwitchOptions {
  /** Bounces within this many ms after a change are ignored. Default 50. */
  debounceMs?: number;
  /** The pin's level when the switch is closed. Default 0 (a switch to ground with `Pin.PULL_UP`). */
  closedLevel?: Level;
  /** Name of the watching task. Default `"switch <pin id>"`. */
  name?: string;
  /** Called when the switch closes. */
  onClose?: Handler;
  /** Called when the switch opens. */
  onOpen?: Handler;
}

/**
 * A debounced switch on an input pin: `close` and `open` handlers (plain
 * functions, or generator functions started as tasks) and its state.
 * Like `Pushbutton`, it watches the pin from a task on the current loop.
 *
 * @example
 * ```ts
 * import { run, sleep } from "taskloop";
 * import { Pin, Switch } from "taskloop/device";
 *
 * const pin = new Pin(15, Pin.IN, Pin.PULL_UP);
 * await run(function* () {
 *   const sw = new Switch(pin).close(() => console.log("closed")).open(() => console.log("open"));
 *   pin.drive(0);
 *   yield* sleep(0.2);
 *   console.log(sw.closed()); // true
 *   sw.close(null);
 * }, { clock: "virtual" });
 * ```
 */
export class Switch extends Contact {
  private onClose: Handler | null;
  private onOpen: Handler | null;

  constructor(pin: Pin, options: SwitchOptions = {}) {
    if (!(pin instanceof Pin)) throw new TypeError(`Switch(pin): pin must be a Pin, got ${describeValue(pin)}`);
    if (typeof options !== "object" || options === null) {
      throw new TypeError(`Switch(pin, options): options must be an object like { debounceMs: 20 }, got ${describeValue(options)}`);
    }
    const closedLevel = options.closedLevel ?? 0;
    if (closedLevel !== 0 && closedLevel !== 1) throw new TypeError(`Switch: options.closedLevel must be 0 or 1, got ${describeValue(closedLevel)}`);
    // Every option is checked before super(), which starts the task and watches the pin.
    const debounceMs = checkMs(options.debounceMs, "Switch: options.debounceMs", 50);
    const name = checkName(options.name, "Switch: options.name", `switch ${pin.id}`);
    const onClose = checkHandler(options.onClose, "Switch: options.onClose");
    const onOpen = checkHandler(options.onOpen, "Switch: options.onOpen");
    super(pin, closedLevel, debounceMs, name);
    this.onClose = onClose;
    this.onOpen = onOpen;
  }

  /**
   * Sets what runs when the switch closes (`null` removes it); returns the switch.
   *
   * @example
   * ```ts
   * sw.close(() => motor.on());
   * ```
   */
  close(handler: Handler | null): this {
    this.onClose = checkHandler(handler, "Switch.close(handler)");
    return this;
  }

  /**
   * Sets what runs when the switch opens; returns the switch.
   *
   * @example
   * ```ts
   * sw.open(() => motor.off());
   * ```
   */
  open(handler: Handler | null): this {
    this.onOpen = checkHandler(handler, "Switch.open(handler)");
    return this;
  }

  /**
   * Whether the switch is closed now (debounced).
   *
   * @example
   * ```ts
   * console.log(sw.closed() ? "on" : "off");
   * ```
   */
  closed(): boolean {
    return this.active;
  }

  protected override changed(closed: boolean): void {
    fire(closed ? this.onClose : this.onOpen, `${this.task.name} ${closed ? "close" : "open"}`);
  }
}
