// Pico 2 W session: fire a task, keep working, then wait for its result.
// Run: npx tsx examples/pico/03-fire-and-wait.ts
import { createTask, sleep, type Coro } from "taskloop";
import { runMain } from "taskloop/node";
import { isMain, print, type Log } from "../_runner.ts";

/** Pretends to read a sensor, which takes 2 seconds. */
function* slowReading(log: Log): Coro<number> {
  log("Reading started");
  yield* sleep(2);
  log("Reading done");
  return 23.5;
}

export function* main(log: Log = print): Coro<void> {
  const reading = createTask(slowReading(log)); // fire: it starts when main yields
  for (let i = 1; i <= 3; i++) {
    log(`Main keeps working (${i})`);
    yield* sleep(0.5);
  }
  const value = yield* reading; // wait: its return value
  log(`Result: ${value}`);
}

if (isMain(import.meta)) await runMain(main());
