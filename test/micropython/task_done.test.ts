// Port of MicroPython tests/extmod/asyncio_task_done.py (+ .exp).
import { test } from "node:test";
import assert from "node:assert/strict";
import { run, createTask, sleep, type Coro } from "taskloop";
import { ValueError, pyRepr, recorder, virtual } from "./_py.ts";

test("Task.done() before start, while running, and after success or failure, immediate or delayed", async () => {
  const { lines, print } = recorder();

  function* task(t: number, exc: ValueError | null = null): Coro<void> {
    print("task start");
    if (t >= 0) yield* sleep(t);
    if (exc) throw exc;
    print("task done");
  }

  function* main(): Coro<void> {
    // Task that finishes immediately.
    print("=".repeat(10));
    let t = createTask(task(-1));
    print(t.done());
    yield* sleep(0);
    print(t.done());
    yield* t;
    print(t.done());

    // Task that starts, runs and finishes.
    print("=".repeat(10));
    t = createTask(task(0.01));
    print(t.done());
    yield* sleep(0);
    print(t.done());
    yield* t;
    print(t.done());

    // Task that raises immediately.
    print("=".repeat(10));
    t = createTask(task(-1, new ValueError()));
    print(t.done());
    yield* sleep(0);
    print(t.done());
    try {
      yield* t;
    } catch (er) {
      if (!(er instanceof ValueError)) throw er;
      print(pyRepr(er));
    }
    print(t.done());

    // Task that raises after a delay.
    print("=".repeat(10));
    t = createTask(task(0.01, new ValueError()));
    print(t.done());
    yield* sleep(0);
    print(t.done());
    try {
      yield* t;
    } catch (er) {
      if (!(er instanceof ValueError)) throw er;
      print(pyRepr(er));
    }
    print(t.done());
  }

  await run(main(), virtual);
  assert.deepEqual(lines, [
    "==========",
    "False",
    "task start",
    "task done",
    "True",
    "True",
    "==========",
    "False",
    "task start",
    "False",
    "task done",
    "True",
    "==========",
    "False",
    "task start",
    "True",
    "ValueError()",
    "True",
    "==========",
    "False",
    "task start",
    "False",
    "ValueError()",
    "True",
  ]);
});
