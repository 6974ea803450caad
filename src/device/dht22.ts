/**
 * A simulated DHT22 temperature and humidity sensor, shaped like MicroPython's
 * `dht.DHT22`.
 *
 * The real sensor's read is a blocking bit-banged exchange of a few
 * milliseconds, and `measure()` here blocks the same way: it busy-waits
 * `readMs` of real CPU time. That is the point of it in a cooperative
 * program: it shows up in `busyMs`/`maxStepMs` and in the slow-step report.
 */
import { getEventLoop } from "../core/defaultloop.ts";
import { describeValue, realNow } from "../core/host.ts";
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
  /** Real CPU time one `measure()` takes, in ms. Default 5. */
  readMs?: number;
  /** Mid temperature in °C around which readings drift. Default 22. */
  temperature?: number;
  /** Mid relative humidity in % around which readings drift. Default 45. */
  humidity?: number;
  /** Seed for the small reading noise, so a run on the virtual clock is repeatable. Default 1. */
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
  override name = "OSError";
  constructor(
    readonly errno: number,
    message: string,
  ) {
    super(`[Errno ${errno}] ${message}`);
  }
}

/** errno of a sensor that did not answer. */
const ETIMEDOUT = 110;

/**
 * A simulated DHT22 on a pin. Readings drift slowly with the loop's time
 * (a few tenths of a degree per minute, a 10-minute cycle) plus a little
 * seeded noise, and are rounded to 0.1 as the sensor's are.
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
    readonly pin: Pin,
    options: DHT22Options = {},
  ) {
    if (!(pin instanceof Pin)) throw new TypeError(`DHT22(pin): pin must be a Pin, got ${describeValue(pin)}`);
    const readMs = options.readMs ?? 5;
    if (typeof readMs !== "number" || !(readMs >= 0) || readMs > 1000) {
      throw new RangeError(`DHT22: options.readMs must be between 0 and 1000 ms, got ${describeValue(readMs)}`);
    }
    this.readMs = readMs;
    this.midTemperature = options.temperature ?? 22;
    this.midHumidity = options.humidity ?? 45;
    this.seed = (options.seed ?? 1) >>> 0 || 1;
  }

  /**
   * Reads the sensor: blocks for `readMs` of real time, then updates
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
    const end = realNow() + this.readMs;
    while (realNow() < end) {
      // The real sensor holds the CPU too: MicroPython's dht_readinto disables interrupts.
    }
    const failure = this.failures.shift();
    if (failure !== undefined) throw failure;
    const minutes = getEventLoop().time() / 60_000;
    const cycle = Math.sin((2 * Math.PI * minutes) / 10);
    this.lastTemperature = round1(this.midTemperature + 1.5 * cycle + 0.2 * (this.random() - 0.5));
    this.lastHumidity = round1(this.midHumidity - 5 * cycle + 1 * (this.random() - 0.5));
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
    if (this.lastTemperature === null) throw new Error("DHT22.temperature(): no reading yet; call measure() first");
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
    if (this.lastHumidity === null) throw new Error("DHT22.humidity(): no reading yet; call measure() first");
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

function round1(x: number): number {
  return Math.round(x * 10) / 10;
}
