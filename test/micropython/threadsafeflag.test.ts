// Port of MicroPython tests/extmod/asyncio_threadsafeflag.py (+ .exp).
// micropython.schedule(set_from_schedule, flag) becomes a host callback outside any
// task (setTimeout), which SPEC.md §4 allows for ThreadSafeFlag.set().
import { test } from "node:test";
import assert from "node:assert/strict";
import { run, createTask, sleep, ThreadSafeFlag, type Coro } from "taskloop";
import { recorder, virtual } from "./_py.ts";

test("ThreadSafeFlag: set from a task, from a host callback, before the wait, and set-clear-set", async () => {
  const { lines, print } = recorder();

  function* task(id: number, flag: ThreadSafeFlag): Coro<void> {
    print("task", id);
    yield* flag.wait();
    print("task", id, "done");
  }

  function setFromSchedule(flag: ThreadSafeFlag): void {
    flag.set();
  }

  function* main(): Coro<void> {
    const flag = new ThreadSafeFlag();

    // Set the flag from within the loop.
    let t = createTask(task(1, flag));
    print("yield");
    yield* sleep(0);
    print("set event");
    flag.set();
    print("yield");
    yield* sleep(0);
    print("wait task");
    yield* t;

    // Set the flag from scheduler context (here: a host callback outside any task).
    print("----");
    t = createTask(task(2, flag));
    print("yield");
    yield* sleep(0);
    print("set event");
    setTimeout(setFromSchedule, 0, flag);
    print("yield");
    yield* sleep(0);
    print("wait task");
    yield* t;

    // Flag already set.
    print("----");
    print("set event");
    flag.set();
    t = createTask(task(3, flag));
    print("yield");
    yield* sleep(0);
    print("wait task");
    yield* t;

    // Flag set, cleared, and set again.
    print("----");
    print("set event");
    flag.set();
    print("yield");
    yield* sleep(0);
    print("clear event");
    flag.clear();
    print("yield");
    yield* sleep(0);
    t = createTask(task(4, flag));
    print("yield");
    yield* sleep(0);
    print("set event");
    flag.set();
    print("yield");
    yield* sleep(0);
    print("wait task");
    yield* t;
  }

  await run(main(), virtual);
  assert.deepEqual(lines, [
    "yield",
    "task 1",
    "set event",
    "yield",
    "wait task",
    "task 1 done",
    "----",
    "yield",
    "task 2",
    "set event",
    "yield",
    "wait task",
    "task 2 done",
    "----",
    "set event",
    "yield",
    "task 3",
    "task 3 done",
    "wait task",
    "----",
    "set event",
    "yield",
    "clear event",
    "yield",
    "yield",
    "task 4",
    "set event",
    "yield",
    "wait task",
    "task 4 done",
  ]);
});
