// The simulated Pico 2 W that both dashboards show: `npm start` draws it in a
// terminal (demo/dashboard.ts), `npm run web` in a browser page (demo/web/).
// This file is the device program only: the board, its tasks and the actions a
// front end offers (press the button, fail the next read, block the loop).
// It needs nothing but the `taskloop` and `taskloop/device` entries, so it runs
// unchanged in Node and in a page.
import { createTask, getEventLoop, sleep, type Coro, type LoopOptions, type Task } from "taskloop";
import { DHT22, OSError, Pin, Pushbutton } from "taskloop/device";

/** A step longer than this is reported: the sensor read (~5 ms) stays under it, `blockLoop()` (150 ms) does not. */
export const SLOW_STEP_MS = 50;
/** How long `blockLoop()` holds the loop. */
export const BLOCK_MS = 150;
/** At most this many recent log lines are kept. */
const LOG_KEEP = 200;

export class PicoDemo {
  readonly led = new Pin("LED", Pin.OUT, null, { historyLimit: 100 });
  readonly buttonPin = new Pin(14, Pin.IN, Pin.PULL_UP);
  readonly sensor = new DHT22(new Pin(15));
  /** The last sensor reading, as shown ("21.3 °C  48.2 %"), or why there is none. */
  reading = "no reading yet";
  /** Button presses so far. */
  presses = 0;
  /** Recent log lines, oldest first, each stamped with the loop's time. */
  readonly log: string[] = [];
  /** Lines ever logged: `log` holds the last `log.length` of them. */
  logged = 0;

  private blinkTask: Task<void> | null = null;
  private button: Pushbutton | null = null;

  /** Adds a line to the log, stamped with the loop's time. */
  note(line: string): void {
    this.log.push(`${(getEventLoop().time() / 1000).toFixed(1).padStart(6)} s  ${line}`);
    this.logged++;
    if (this.log.length > LOG_KEEP) this.log.splice(0, LOG_KEEP / 2);
  }

  /** Loop options for `run()`: the slow-step report goes to the log. */
  runOptions(): LoopOptions {
    return {
      slowStepMs: SLOW_STEP_MS,
      onSlowStep: ({ task, durationMs }) => this.note(`slow step: ${task.name} held the loop ${durationMs.toFixed(0)} ms (limit ${SLOW_STEP_MS} ms)`),
    };
  }

  /**
   * Starts the device inside the running loop: the button's watcher, then the
   * blink, sensor and uptime tasks (the task table lists them in that order).
   */
  start(): void {
    getEventLoop().setExceptionHandler((_loop, context) => this.note(`${context.message}: ${String(context.exception)}`));
    this.button = new Pushbutton(this.buttonPin)
      .press(() => void this.note(`button pressed (${++this.presses})`))
      .double(() => this.note("double click"))
      .long(() => this.toggleBlink());
    this.blinkTask = createTask(this.blink(), { name: "blink" });
    createTask(this.readSensor(), { name: "sensor" });
    createTask(this.reportUptime(), { name: "uptime" });
  }

  /** Stops watching the button (the other tasks end with the loop). */
  stop(): void {
    this.button?.deinit();
    this.button = null;
  }

  /** Whole seconds on the loop's clock. */
  uptimeSeconds(): number {
    return Math.floor(getEventLoop().time() / 1000);
  }

  // ---- the actions a front end offers ----

  /** A short press (0.1 s), as a finger would: key `b`. */
  press(): void {
    createTask(this.hold(0.1), { name: "finger" });
  }

  /** A long press (1.2 s), which starts or stops the blink task: key `l`. */
  longPress(): void {
    createTask(this.hold(1.2), { name: "finger" });
  }

  /** Makes the next sensor read fail: key `f`. */
  failNextRead(): void {
    this.sensor.failNext();
    this.note("key f: the next sensor read will fail");
  }

  /** Starts a task whose one step holds the loop for BLOCK_MS, so the slow-step report fires: key `h`. */
  blockLoop(): void {
    createTask(this.hog(), { name: "hog" });
  }

  // ---- the device program: the tasks the table shows ----

  private *blink(): Coro<void> {
    try {
      for (;;) {
        this.led.toggle();
        yield* sleep(0.5);
      }
    } finally {
      this.led.off();
    }
  }

  private *readSensor(): Coro<void> {
    for (;;) {
      try {
        this.sensor.measure(); // blocks ~5 ms of CPU, like the real sensor
        this.reading = `${this.sensor.temperature().toFixed(1)} °C  ${this.sensor.humidity().toFixed(1)} %`;
      } catch (e) {
        if (!(e instanceof OSError)) throw e;
        this.reading = `read failed (${e.message})`;
        this.note(`sensor: ${e.message}, will retry in 2 s`);
      }
      yield* sleep(2);
    }
  }

  private *reportUptime(): Coro<void> {
    for (;;) {
      yield* sleep(10);
      this.note(`uptime ${this.uptimeSeconds()} s, ${this.presses} presses`);
    }
  }

  private *hog(): Coro<void> {
    const until = performance.now() + BLOCK_MS;
    while (performance.now() < until) {
      // Busy: every other task waits, and their timers run late.
    }
    yield* sleep(0);
  }

  /** A finger on the button: pressed for `holdSeconds`, then let go. */
  private *hold(holdSeconds: number): Coro<void> {
    this.buttonPin.drive(0);
    yield* sleep(holdSeconds);
    this.buttonPin.drive(1);
  }

  private toggleBlink(): void {
    if (this.blinkTask === null) {
      this.blinkTask = createTask(this.blink(), { name: "blink" });
      this.note("long press: blink started");
    } else {
      this.blinkTask.cancel();
      this.blinkTask = null;
      this.note("long press: blink stopped, LED off");
    }
  }
}
