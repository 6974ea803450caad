// MicroPythonOS TaskManager guide, "Event Notifications": one task waits for
// an event that another signals.
// Run: npx tsx examples/mpos/04-event-notification.ts
import { TaskManager, type Coro, type Event } from "taskloop";
import { runMain } from "taskloop/node";
import { isMain, print, type Log } from "../_runner.ts";

function* waitForEvent(event: Event, log: Log): Coro<void> {
  log("waiting for the event...");
  yield* event.wait();
  log("Event occurred!");
}

function* signalLater(event: Event, log: Log): Coro<void> {
  yield* TaskManager.sleep(1);
  log("signalling");
  event.set();
}

export function* main({ log = print }: { log?: Log } = {}): Coro<void> {
  const event = TaskManager.notifyEvent();
  const waiter = TaskManager.createTask(waitForEvent(event, log))!;
  TaskManager.createTask(signalLater(event, log));
  yield* waiter;
}

if (isMain(import.meta)) await runMain(main());
