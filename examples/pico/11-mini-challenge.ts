// Pico 2 W session, Mini Challenge: blink an LED, report uptime, and count
// button presses, all at once.
// Run: npx tsx examples/pico/11-mini-challenge.ts  (simulated presses at 2 s, 4.5 s and 7 s)
import { createTask, sleep, sleepMs, type Coro } from "taskloop";
import { runMain } from "taskloop/node";
import { Pin } from "taskloop/device";
import { finger, isMain, print, uptime, type Log } from "../_runner.ts";

function* blink(led: Pin): Coro<void> {
  for (;;) {
    led.toggle();
    yield* sleep(0.5);
  }
}

function* reportUptime(log: Log): Coro<void> {
  for (;;) {
    yield* sleep(5);
    log(`Uptime: ${uptime()} s`);
  }
}

/** Counts presses: a press is the pin going from 1 to 0 between two 20 ms polls. */
function* countPresses(button: Pin, log: Log): Coro<void> {
  let presses = 0;
  let last = button.value();
  for (;;) {
    const now = button.value();
    if (last === 1 && now === 0) {
      presses++;
      log(`Button pressed (${presses} so far)`);
    }
    last = now;
    yield* sleepMs(20);
  }
}

export interface Options {
  led?: Pin;
  button?: Pin;
  log?: Log;
  seconds?: number;
}

export function* main({ led = new Pin("LED", Pin.OUT), button = new Pin(14, Pin.IN, Pin.PULL_UP), log = print, seconds = Infinity }: Options = {}): Coro<void> {
  createTask(blink(led), { name: "blink" });
  createTask(reportUptime(log), { name: "uptime" });
  createTask(countPresses(button, log), { name: "button" });
  for (let s = 0; s < seconds; s++) yield* sleep(1);
}

if (isMain(import.meta)) {
  const button = new Pin(14, Pin.IN, Pin.PULL_UP);
  await runMain(function* () {
    createTask(finger(button, [2, 4.5, 7]));
    yield* main({ button, seconds: 11 });
  });
}
