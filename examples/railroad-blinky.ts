// MicroPython Projects (Jacob Beningo), the railroad-crossing blinky: two LEDs
// toggled every 150 ms by two tasks, so they alternate. Written like the book:
// get the event loop, create the tasks on it, run it forever.
// Run: npx tsx examples/railroad-blinky.ts  (Ctrl-C to stop)
import { getEventLoop, sleep, sleepMs, type Coro } from "taskloop";
import { Pin } from "taskloop/device";
import { isMain } from "./_runner.ts";

export function* toggleEvery150ms(led: Pin): Coro<void> {
  for (;;) {
    led.toggle();
    yield* sleepMs(150);
  }
}

export interface Options {
  green?: Pin;
  red?: Pin;
  /** Stop the loop after this many seconds; forever when not given. */
  seconds?: number;
}

/** Sets up the LEDs and runs the loop until it is stopped. */
export async function main({ green = new Pin("GREEN", Pin.OUT), red = new Pin("RED", Pin.OUT), seconds }: Options = {}): Promise<void> {
  green.on();
  red.off();
  const loop = getEventLoop();
  loop.createTask(toggleEvery150ms(green), { name: "green" });
  loop.createTask(toggleEvery150ms(red), { name: "red" });
  if (seconds !== undefined) {
    loop.createTask(
      (function* (): Coro<void> {
        yield* sleep(seconds);
        loop.stop();
      })(),
    );
  }
  await loop.runForever();
}

if (isMain(import.meta)) {
  const green = new Pin("GREEN", Pin.OUT);
  const red = new Pin("RED", Pin.OUT);
  // Red toggles right after green in each round, so that is when to draw both.
  red.watch(() => void process.stdout.write(`\rgreen ${green.value() ? "●" : "○"}  red ${red.value() ? "●" : "○"} `));
  await main({ green, red });
}
