// Pico 2 W session, further practice: the first press starts blinking, the
// second stops it (LED off), and so on.
// Run: npx tsx examples/pico/12-press-toggles-blink.ts  (simulated presses at 1 s, 3 s, 4 s)
import { createTask, sleep, type Coro, type Task } from "taskloop";
import { runMain } from "taskloop/node";
import { Pin, Pushbutton } from "taskloop/device";
import { finger, isMain, print, type Log } from "../_runner.ts";

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

export interface Options {
  led?: Pin;
  button?: Pin;
  log?: Log;
  seconds?: number;
}

export function* main({ led = new Pin("LED", Pin.OUT), button = new Pin(14, Pin.IN, Pin.PULL_UP), log = print, seconds = Infinity }: Options = {}): Coro<void> {
  let blinking: Task<void> | null = null;
  const pushbutton = new Pushbutton(button).press(() => {
    if (blinking === null) {
      blinking = createTask(blink(led), { name: "blink" });
      log("Blinking started");
    } else {
      blinking.cancel();
      blinking = null;
      log("Blinking stopped");
    }
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
    createTask(finger(button, [1, 3, 4]));
    yield* main({ button, seconds: 6 });
  });
}
