// Pico 2 W session: several infinite tasks started and awaited as one group
// with gather(). Cancelling the group (here: the timeout) cancels all of them.
// Run: npx tsx examples/pico/05-grouped-tasks.ts
import { gather, sleep, waitFor, TimeoutError, type Coro } from "taskloop";
import { runMain } from "taskloop/node";
import { Pin } from "taskloop/device";
import { isMain, print, uptime, type Log } from "../_runner.ts";

function* blink(led: Pin): Coro<void> {
  for (;;) {
    led.toggle();
    yield* sleep(0.5);
  }
}

function* heartbeat(log: Log): Coro<void> {
  for (;;) {
    log("heartbeat");
    yield* sleep(1);
  }
}

function* monitor(log: Log): Coro<void> {
  for (;;) {
    yield* sleep(3);
    log(`monitor: up ${uptime()} s`);
  }
}

export interface Options {
  led?: Pin;
  log?: Log;
  seconds?: number;
}

export function* main({ led = new Pin("LED", Pin.OUT), log = print, seconds }: Options = {}): Coro<void> {
  try {
    yield* waitFor(gather(blink(led), heartbeat(log), monitor(log)), seconds ?? null);
  } catch (e) {
    if (!(e instanceof TimeoutError)) throw e;
    log("All tasks stopped");
  }
}

if (isMain(import.meta)) await runMain(main());
