// Pico 2 W session, further practice: a small task manager. A short press
// starts or stops the blink task, a long press (1 s) starts or stops the
// sensor reporter.
// Run: npx tsx examples/pico/14-task-manager.ts  (a scripted finger presses short, long, short, long)
import { createTask, sleep, type Coro, type Task } from "taskloop";
import { runMain } from "taskloop/node";
import { DHT22, Pin, Pushbutton } from "taskloop/device";
import { isMain, print, type Log } from "../_runner.ts";

/** Starts and stops named tasks. */
export class TaskManager {
  private readonly running = new Map<string, Task<void>>();
  constructor(private readonly log: Log) {}

  /** Starts `name` if it is stopped, stops it if it is running. */
  toggle(name: string, start: () => Coro<void>): void {
    const task = this.running.get(name);
    if (task === undefined) {
      this.running.set(name, createTask(start(), { name }));
      this.log(`started ${name}`);
    } else {
      task.cancel();
      this.running.delete(name);
      this.log(`stopped ${name}`);
    }
    this.log(`running: ${[...this.running.keys()].join(", ") || "nothing"}`);
  }
}

function* blink(led: Pin): Coro<void> {
  try {
    for (;;) {
      led.toggle();
      yield* sleep(0.5);
    }
  } finally {
    led.off();
  }
}

function* reporter(sensor: DHT22, log: Log): Coro<void> {
  for (;;) {
    sensor.measure();
    log(`sensor: ${sensor.temperature().toFixed(1)} C`);
    yield* sleep(2);
  }
}

export interface Options {
  led?: Pin;
  button?: Pin;
  sensor?: DHT22;
  log?: Log;
  seconds?: number;
}

export function* main({
  led = new Pin("LED", Pin.OUT),
  button = new Pin(14, Pin.IN, Pin.PULL_UP),
  sensor = new DHT22(new Pin(15)),
  log = print,
  seconds = Infinity,
}: Options = {}): Coro<void> {
  const manager = new TaskManager(log);
  // A long press must not also count as a short one, so a short press acts on release.
  let wasLong = false;
  const pushbutton = new Pushbutton(button)
    .press(() => {
      wasLong = false;
    })
    .long(() => {
      wasLong = true;
      manager.toggle("reporter", () => reporter(sensor, log));
    })
    .release(() => {
      if (!wasLong) manager.toggle("blink", () => blink(led));
    });
  try {
    for (let s = 0; s < seconds; s++) yield* sleep(1);
  } finally {
    pushbutton.deinit();
  }
}

if (isMain(import.meta)) {
  const button = new Pin(14, Pin.IN, Pin.PULL_UP);
  await runMain(function* () {
    createTask(
      (function* () {
        const press = function* (holdSeconds: number): Coro<void> {
          button.drive(0);
          yield* sleep(holdSeconds);
          button.drive(1);
        };
        yield* sleep(1);
        yield* press(0.1); // short: start blink
        yield* sleep(1);
        yield* press(1.5); // long: start reporter
        yield* sleep(3);
        yield* press(0.1); // short: stop blink
        yield* sleep(1);
        yield* press(1.2); // long: stop reporter
      })(),
    );
    yield* main({ button, seconds: 9 });
  });
}
