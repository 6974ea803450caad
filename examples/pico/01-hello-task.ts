// Pico 2 W session "Creating, running and managing tasks": the smallest task.
// Run: npx tsx examples/pico/01-hello-task.ts
import { createTask, sleep, type Coro } from "taskloop";
import { runMain } from "taskloop/node";
import { isMain, print, type Log } from "../_runner.ts";

function* sayHello(log: Log): Coro<void> {
  log("Hello from a task!");
  yield* sleep(1);
  log("Task finished after 1 second");
}

export function* main(log: Log = print): Coro<void> {
  const task = createTask(sayHello(log));
  yield* task; // wait for it, like `await task`
  log("Main is done");
}

if (isMain(import.meta)) await runMain(main());
