// The event-loop blog: two tasks on one loop, task1 every second, task2 every two.
// Run: npx tsx examples/blog/02-two-tasks.ts  (Ctrl-C to stop)
import { createTask, sleep, type Coro } from "taskloop";
import { runMain } from "taskloop/node";
import { isMain, print, type Log } from "../_runner.ts";

function* task1(log: Log): Coro<void> {
  for (;;) {
    log("task1: tick (every 1 s)");
    yield* sleep(1);
  }
}

function* task2(log: Log): Coro<void> {
  for (;;) {
    log("task2: tick (every 2 s)");
    yield* sleep(2);
  }
}

export function* main(log: Log = print, seconds = Infinity): Coro<void> {
  createTask(task1(log), { name: "task1" });
  createTask(task2(log), { name: "task2" });
  for (let s = 0; s < seconds; s++) yield* sleep(1); // run() cancels both when main returns
}

if (isMain(import.meta)) await runMain(main());
