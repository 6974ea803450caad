// Pico 2 W session, further practice: debounce a button by hand. A contact
// bounces for a few milliseconds; a press counts only if the pin still reads
// "pressed" 50 ms after the first edge. (`Pushbutton` from taskloop/device
// does this for you.)
// Run: npx tsx examples/pico/13-debounced-button.ts  (two bouncy simulated presses)
import { createTask, sleep, sleepMs, type Coro } from "taskloop";
import { runMain } from "taskloop/node";
import { Pin } from "taskloop/device";
import { isMain, print, type Log } from "../_runner.ts";

const DEBOUNCE_MS = 50;

/** Waits until the pin reads `level` steadily for DEBOUNCE_MS. */
function* waitForSteady(button: Pin, level: 0 | 1): Coro<void> {
  for (;;) {
    while (button.value() !== level) yield* sleepMs(5);
    yield* sleepMs(DEBOUNCE_MS);
    if (button.value() === level) return;
  }
}

export interface Options {
  button?: Pin;
  log?: Log;
  /** Stop after this many presses. */
  presses?: number;
}

export function* main({ button = new Pin(14, Pin.IN, Pin.PULL_UP), log = print, presses = Infinity }: Options = {}): Coro<void> {
  for (let n = 1; n <= presses; n++) {
    yield* waitForSteady(button, 0);
    log(`Press ${n}`);
    yield* waitForSteady(button, 1);
    log(`Release ${n}`);
  }
}

/** A bouncy finger: each press and release chatters for a few ms before settling. */
export function* bouncyPress(button: Pin, holdMs: number): Coro<void> {
  for (const level of [0, 1, 0, 1, 0]) {
    button.drive(level);
    yield* sleepMs(2);
  }
  yield* sleepMs(holdMs);
  for (const level of [1, 0, 1, 0, 1]) {
    button.drive(level);
    yield* sleepMs(2);
  }
}

if (isMain(import.meta)) {
  const button = new Pin(14, Pin.IN, Pin.PULL_UP);
  await runMain(function* () {
    createTask(
      (function* () {
        yield* sleep(1);
        yield* bouncyPress(button, 300);
        yield* sleep(1);
        yield* bouncyPress(button, 300);
      })(),
    );
    yield* main({ button, presses: 2 });
  });
}
