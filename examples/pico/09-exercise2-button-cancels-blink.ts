// Pico 2 W session, Exercise 2: pressing the button cancels the blink task,
// and the LED is left off.
// Run: npx tsx examples/pico/09-exercise2-button-cancels-blink.ts  (a simulated press comes at 3 s)
import { createTask, sleep, sleepMs, CancelledError, type Coro } from "taskloop";
import { runMain } from "taskloop/node";
import { Pin } from "taskloop/device";
import { finger, isMain, print, type Log } from "../_runner.ts";

function* blink(led: Pin): Coro<void> {
  try {
    for (;;) {
      led.toggle();
      yield* sleep(0.25);
    }
  } finally {
    led.off(); // whatever happens, leave the LED off
  }
}

/** Polls the button (wired to ground, pulled up) every 20 ms until it reads 0. */
function* waitForPress(button: Pin): Coro<void> {
  while (button.value() === 1) yield* sleepMs(20);
}

export interface Options {
  led?: Pin;
  button?: Pin;
  log?: Log;
}

export function* main({ led = new Pin("LED", Pin.OUT), button = new Pin(14, Pin.IN, Pin.PULL_UP), log = print }: Options = {}): Coro<void> {
  const blinking = createTask(blink(led), { name: "blink" });
  log("Blinking; press the button to stop");
  yield* waitForPress(button);
  log("Button pressed: stopping the blink task");
  blinking.cancel();
  try {
    yield* blinking;
  } catch (e) {
    if (!(e instanceof CancelledError)) throw e;
  }
  log(`Blink task cancelled, LED is ${led.value() ? "on" : "off"}`);
}

if (isMain(import.meta)) {
  const button = new Pin(14, Pin.IN, Pin.PULL_UP);
  await runMain(function* () {
    createTask(finger(button, [3]));
    yield* main({ button });
  });
}
