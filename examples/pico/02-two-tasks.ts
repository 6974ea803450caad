// Pico 2 W session: two tasks interleaving. Task 1 runs every 1 s three times,
// task 2 every 0.5 s five times; the order of their lines shows the interleaving.
// Run: npx tsx examples/pico/02-two-tasks.ts
import { createTask, sleep, type Coro } from "taskloop";
import { runMain } from "taskloop/node";
import { isMain, print, type Log } from "../_runner.ts";

function* task1(log: Log): Coro<void> {
  for (let i = 1; i <= 3; i++) {
    log(`Task 1: step ${i}`);
    yield* sleep(1);
  }
}

function* task2(log: Log): Coro<void> {
  for (let i = 1; i <= 5; i++) {
    log(`Task 2: step ${i}`);
    yield* sleep(0.5);
  }
}

export function* main(log: Log = print): Coro<void> {
  const t1 = createTask(task1(log));
  const t2 = createTask(task2(log));
  yield* t1;
  yield* t2;
  log("Both tasks finished");
}

if (isMain(import.meta)) await runMain(main());
