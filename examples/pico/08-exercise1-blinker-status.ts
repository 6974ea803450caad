// Pico 2 W session, Exercise 1: an LED blinker and a status reporter, side by side.
// Run: npx tsx examples/pico/08-exercise1-blinker-status.ts
import { createTask, sleep, type Coro } from "taskloop";
import { runMain } from "taskloop/node";
import { Pin } from "taskloop/device";
import { isMain, print, uptime, type Log } from "../_runner.ts";

function* blinker(led: Pin): Coro<void> {
  for (;;) {
    led.toggle();
    yield* sleep(0.5);
  }
}

function* statusReporter(led: Pin, log: Log): Coro<void> {
  for (;;) {
    yield* sleep(2);
    log(`Status: up ${uptime()} s, LED is ${led.value() ? "ON" : "OFF"}`);
  }
}

export interface Options {
  led?: Pin;
  log?: Log;
  seconds?: number;
}

export function* main({ led = new Pin("LED", Pin.OUT), log = print, seconds = Infinity }: Options = {}): Coro<void> {
  createTask(blinker(led), { name: "blinker" });
  createTask(statusReporter(led, log), { name: "status" });
  for (let s = 0; s < seconds; s++) yield* sleep(1); // main stays alive; run() cancels the rest at the end
}

if (isMain(import.meta)) await runMain(main());
