// MicroPythonOS TaskManager guide, "Troubleshooting: Exception Not Caught":
// a task that catches its own errors, beside one that does not.
// Run: npx tsx examples/mpos/12-safe-task.ts
import { getEventLoop, TaskManager, type Coro } from "taskloop";
import { runMain } from "taskloop/node";
import { isMain, print, type Log } from "../_runner.ts";

function* riskyOperation(): Coro<void> {
  yield* TaskManager.sleep(0.5);
  throw new Error("sensor not found");
}

function* safeTask(log: Log): Coro<void> {
  try {
    yield* riskyOperation();
  } catch (error) {
    log(`Task failed: ${(error as Error).message}`);
  }
}

function* unsafeTask(): Coro<void> {
  yield* riskyOperation(); // nothing catches it: the loop reports it
}

export function* main({ log = print }: { log?: Log } = {}): Coro<void> {
  getEventLoop().setExceptionHandler((_loop, context) => {
    log(`exception handler: ${context.message}: ${(context.exception as Error).message}`);
  });
  TaskManager.createTask(safeTask(log), { name: "safe" });
  TaskManager.createTask(unsafeTask(), { name: "unsafe" });
  yield* TaskManager.sleep(1);
  log("the loop and the other tasks go on");
}

if (isMain(import.meta)) await runMain(main());
