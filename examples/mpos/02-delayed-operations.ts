// MicroPythonOS TaskManager guide, "Delayed Operations": sleep in seconds and
// in milliseconds.
// Run: npx tsx examples/mpos/02-delayed-operations.ts
import { TaskManager, type Coro } from "taskloop";
import { runMain } from "taskloop/node";
import { isMain, print, type Log } from "../_runner.ts";

export function* delayedOperation(log: Log): Coro<void> {
  yield* TaskManager.sleep(3); // wait 3 seconds
  log("3 seconds later...");
  yield* TaskManager.sleepMs(500); // wait 500 milliseconds
  log("Half a second later...");
}

export function* main({ log = print }: { log?: Log } = {}): Coro<void> {
  yield* TaskManager.createTask(delayedOperation(log))!;
}

if (isMain(import.meta)) await runMain(main());
