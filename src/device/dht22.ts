/**
 * A simulated DHT22 temperature and humidity sensor, shaped like MicroPython's
 * `dht.DHT22`.
 *
 * The real sensor's read is a blocking bit-banged exchange of a few
 * milliseconds, and `measure()` here blocks the same way: it holds the loop
 * for `readMs` (real CPU time on the real clock; on the virtual clock the
 * clock moves on by `readMs` instead, so an hour of polling takes no real
 * time). That is the point of it in a cooperative program: it shows up in
 * `busyMs`/`maxStepMs`, in other tasks' lateness and in the slow-step report.
 */
import { getEventLoop } from "../core/defaultloop.ts";
import { RuntimeError } from "../core/errors.ts";
import { describeValue } from "../core/host.ts";
import { Pin } from "./pin.ts";

/**
 * Options for `DHT22`.
 *
 * @example
 * ```ts
 * const sensor = new DHT22(new Pin(15), { readMs: 0, temperature: 30, seed: 42 });
 * ```
 */
export interface DHT22Options {
  /** How long one `measure()` holds the loop, in ms, 0 to 1000 (real CPU time on the real clock, clock time on the virtual one). Default 5. */
  readMs?: number;
  /** Mid temperature in °C around which readings drift, within the sensor's -40 to 80. Default 22. */
  temperature?: number;
  /** Mid relative humidity in % around which readings drift, 0 to 100. Default 45. */
  humidity?: number;
  /** Seed for the small reading noise, a whole number, so a run on the virtual clock is repeatable. Default 1. */
  seed?: number;
}

/**
 * The error a failed read throws: like MicroPython's `OSError: [Errno 110] ETIMEDOUT`.
 *
 * @example
 * ```ts
 * try { sensor.measure(); } catch (e) { if (e instanceof OSError) console.log("read failed:", e.errno); }
 * ```
 */
export class OSError extends Error {
  /** Always "OSError", as MicroPython prints it. */
  override name = "OSError";
  constructor(
    /** The error number, e.g. 110 (ETIMEDOUT) for a sensor that does not answer. */
    readonly errno: number,
    message: string,
  ) {
    super(`[Errno ${errno}] ${message}`);
  }
}

/** errno of a sensor that did not answer. */
const ETIMEDOUT = 110;

/** The slow drift: one cycle every 30 minutes of loop time. */
const CYCLE_MINUTES = 30;
/** Swing either side of the mid values: at most 1.5 * 2π / 30 ≈ 0.3 °C per minute. */
const TEMPERATURE_SWING = 1.5;
const HUMIDITY_SWING = 5;
/** Seeded noise, peak to peak: small enough that reads seconds apart differ by a tenth or two. */
const TEMPERATURE_NOISE = 0.1;
const HUMIDITY_NOISE = 0.5;

/**
 * A simulated DHT22 on a pin. Readings drift slowly with the loop's time:
 * a 30-minute cycle of ±1.5 °C around the mid temperature (at most about
 * 0.3 °C per minute) and ±5 % around the mid humidity (humid when cool),
 * plus seeded noise of ±0.05 °C and ±0.25 %. They are rounded to 0.1 as the
 * sensor's are, and humidity stays within 0 to 100 %.
 *
 * @example
 * ```ts
 * import { run, sleep } from "taskloop";
 * import { DHT22, OSError, Pin } from "taskloop/device";
 *
 * const sensor = new DHT22(new Pin(15));
 * await run(function* () {
 *   for (let i = 0; i < 3; i++) {
 *     try {
 *       sensor.measure();
 *       console.log(`${sensor.temperature()} °C, ${sensor.humidity()} %`);
 *     } catch (e) {
 *       if (!(e instanceof OSError)) throw e;
 *       console.log("sensor read failed:", e.message);
 *     }
 *     yield* sleep(2);
 *   }
 * }, { clock: "virtual" });
 * ```
 */
export class DHT22 {
  private readonly readMs: number;
  private readonly midTemperature: number;
  private readonly midHumidity: number;
  private seed: number;
  private failures: OSError[] = [];
  private lastTemperature: number | null = null;
  private lastHumidity: number | null = null;
  /** Number of `measure()` calls so far, failed ones included. */
  reads = 0;

  constructor(
    /** The sensor's data pin. */
    readonly pin: Pin,
    options: DHT22Options = {},
  ) {
    if (!(pin instanceof Pin)) throw new TypeError(`DHT22(pin): pin must be a Pin, got ${describeValue(pin)}`);
    if (typeof options !== "object" || options === null) {
      throw new TypeError(`DHT22(pin, options): options must be an object like { readMs: 0, seed: 42 } (or left out), got ${describeValue(options)}`);
    }
    this.readMs = checkNumber(options.readMs, "DHT22: options.readMs", 5, 0, 1000, "ms");
    this.midTemperature = checkNumber(options.temperature, "DHT22: options.temperature", 22, -40, 80, "°C (the sensor's range)");
    this.midHumidity = checkNumber(options.humidity, "DHT22: options.humidity", 45, 0, 100, "%");
    const seed = options.seed ?? 1;
    if (typeof seed !== "number") throw new TypeError(`DHT22: options.seed must be a whole number, got ${describeValue(seed)}`);
    if (!Number.isInteger(seed)) throw new RangeError(`DHT22: options.seed must be a whole number, got ${describeValue(seed)}`);
    this.seed = seed >>> 0 || 1;
  }

  /**
   * Reads the sensor: holds the loop for `readMs` (see above), then updates
   * `temperature()` and `humidity()`. Throws `OSError` (errno 110,
   * ETIMEDOUT) when a failure was injected with `failNext()`; the previous
   * reading is kept then.
   *
   * @example
   * ```ts
   * sensor.measure();
   * console.log(sensor.temperature());
   * ```
   */
  measure(): void {
    this.reads++;
    // The real sensor holds the CPU too: MicroPython's dht_readinto disables interrupts.
    if (this.readMs > 0) getEventLoop().blockFor(this.readMs);
    const failure = this.failures.shift();
    if (failure !== undefined) throw failure;
    const minutes = getEventLoop().time() / 60_000;
    const cycle = Math.sin((2 * Math.PI * minutes) / CYCLE_MINUTES);
    this.lastTemperature = round1(this.midTemperature + TEMPERATURE_SWING * cycle + TEMPERATURE_NOISE * (this.random() - 0.5));
    const humidity = this.midHumidity - HUMIDITY_SWING * cycle + HUMIDITY_NOISE * (this.random() - 0.5);
    // A mid value near 0 or 100 % must not swing past what a humidity can be.
    this.lastHumidity = round1(Math.min(100, Math.max(0, humidity)));
  }

  /**
   * The temperature of the last good `measure()`, in °C.
   *
   * @example
   * ```ts
   * sensor.measure(); const t = sensor.temperature(); // e.g. 22.3
   * ```
   */
  temperature(): number {
    if (this.lastTemperature === null) throw new RuntimeError("DHT22.temperature(): no reading yet; call measure() first");
    return this.lastTemperature;
  }

  /**
   * The relative humidity of the last good `measure()`, in %.
   *
   * @example
   * ```ts
   * sensor.measure(); const h = sensor.humidity(); // e.g. 44.8
   * ```
   */
  humidity(): number {
    if (this.lastHumidity === null) throw new RuntimeError("DHT22.humidity(): no reading yet; call measure() first");
    return this.lastHumidity;
  }

  /**
   * Makes the next `count` reads fail, as a loose wire or a missing pull-up would.
   *
   * @example
   * ```ts
   * sensor.failNext();
   * assert.throws(() => sensor.measure(), OSError);
   * ```
   */
  failNext(count = 1): void {
    if (!Number.isInteger(count) || count < 1) throw new RangeError(`DHT22.failNext(count): count must be a whole number >= 1, got ${describeValue(count)}`);
    for (let i = 0; i < count; i++) this.failures.push(new OSError(ETIMEDOUT, "ETIMEDOUT"));
  }

  /** A small seeded generator (mulberry32): repeatable noise. */
  private random(): number {
    let t = (this.seed = (this.seed + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
}

/** An optional numeric option: TypeError if not a number, RangeError if NaN or outside min..max. */
function checkNumber(value: unknown, what: string, fallback: number, min: number, max: number, unit: string): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number") throw new TypeError(`${what} must be a number from ${min} to ${max} ${unit}, got ${describeValue(value)}`);
  if (!(value >= min && value <= max)) throw new RangeError(`${what} must be from ${min} to ${max} ${unit}, got ${describeValue(value)}`);
  return value;
}

function round1(x: number): number {
  return Math.round(x * 10) / 10;
}
