// Pico 2 W session: cancel a worker; its `finally` cleans up before it ends.
// Run: npx tsx examples/pico/06-cancel-worker.ts
import { createTask, sleep, CancelledError, type Coro } from "taskloop";
import { runMain } from "taskloop/node";
import { isMain, print, type Log } from "../_runner.ts";

function* worker(log: Log): Coro<void> {
  try {
    for (let n = 1; ; n++) {
      log(`Worker: tick ${n}`);
      yield* sleep(0.5);
    }
  } finally {
    log("Worker: cleaning up");
  }
}

export function* main(log: Log = print): Coro<void> {
  const task = createTask(worker(log));
  yield* sleep(2);
  log("Main: cancelling the worker");
  task.cancel();
  try {
    yield* task;
  } catch (e) {
    if (!(e instanceof CancelledError)) throw e;
    log("Main: worker was cancelled");
  }
}

if (isMain(import.meta)) await runMain(main());
