// MicroPythonOS TaskManager guide, "Troubleshooting: Task Never Completes":
// a task that hangs is caught by a timeout, and its cleanup still runs.
// Run: npx tsx examples/mpos/11-hanging-task.ts
import { TaskManager, TimeoutError, type Coro } from "taskloop";
import { runMain } from "taskloop/node";
import { isMain, print, type Log } from "../_runner.ts";

function* waitForReply(log: Log): Coro<string> {
  try {
    log("waiting for a reply that never comes...");
    yield* TaskManager.notifyEvent().wait(); // nobody will ever set it
    return "reply";
  } finally {
    log("cleanup ran: the radio is off again");
  }
}

export function* main({ log = print, timeout = 30 }: { log?: Log; timeout?: number } = {}): Coro<void> {
  const task = TaskManager.createTask(waitForReply(log))!;
  try {
    const result = yield* TaskManager.waitFor(task, timeout);
    log(`got ${result}`);
  } catch (error) {
    if (!(error instanceof TimeoutError)) throw error;
    log(`Task timed out after ${timeout} s`);
  }
  log(`task cancelled: ${task.cancelled()}`);
}

if (isMain(import.meta)) await runMain(main({ timeout: 2 }));
