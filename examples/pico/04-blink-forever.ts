// Pico 2 W session: a blink task that runs forever while main waits on it.
// `seconds` bounds it for tests; without it, stop with Ctrl-C.
// Run: npx tsx examples/pico/04-blink-forever.ts
import { createTask, sleep, waitFor, TimeoutError, type Coro } from "taskloop";
import { runMain } from "taskloop/node";
import { Pin } from "taskloop/device";
import { isMain, print, type Log } from "../_runner.ts";

export function* blink(led: Pin, log: Log): Coro<void> {
  try {
    for (;;) {
      led.on();
      log("LED on");
      yield* sleep(0.5);
      led.off();
      log("LED off");
      yield* sleep(0.5);
    }
  } finally {
    led.off();
  }
}

export interface Options {
  led?: Pin;
  log?: Log;
  /** Stop after this many seconds; forever when not given. */
  seconds?: number;
}

export function* main({ led = new Pin("LED", Pin.OUT), log = print, seconds }: Options = {}): Coro<void> {
  const task = createTask(blink(led, log), { name: "blink" });
  try {
    yield* waitFor(task, seconds ?? null); // forever, unless bounded
  } catch (e) {
    if (!(e instanceof TimeoutError)) throw e;
    log(`Stopped after ${seconds} s`);
  }
}

if (isMain(import.meta)) {
  // Ctrl-C cancels main: waitFor cancels the blink task, whose finally turns the LED off.
  const led = new Pin("LED", Pin.OUT);
  await runMain(main({ led }));
  print(`LED is ${led.value() ? "on" : "off"}`);
}
