// Pico 2 W session: a task fails; the task that awaits it catches the error.
// Run: npx tsx examples/pico/07-task-error.ts
import { createTask, sleep, type Coro } from "taskloop";
import { runMain } from "taskloop/node";
import { isMain, print, type Log } from "../_runner.ts";

function* faultySensor(log: Log): Coro<number> {
  log("Sensor task: reading...");
  yield* sleep(1);
  throw new Error("sensor not responding");
}

export function* main(log: Log = print): Coro<void> {
  const task = createTask(faultySensor(log));
  try {
    const value = yield* task;
    log(`Value: ${value}`);
  } catch (e) {
    log(`Caught error from task: ${e instanceof Error ? e.message : String(e)}`);
  }
  log("Main carries on");
}

if (isMain(import.meta)) await runMain(main());
