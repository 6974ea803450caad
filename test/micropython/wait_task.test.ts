// Port of MicroPython tests/extmod/asyncio_wait_task.py (+ .exp).
// MicroPython measures with time.ticks_ms(); here the loop's (virtual) clock is used.
import { test } from "node:test";
import assert from "node:assert/strict";
import { run, createTask, sleep, getEventLoop, type Coro } from "taskloop";
import { ValueError, recorder, round100, virtual } from "./_py.ts";

test("waiting on tasks: running, already done, twice, in parallel, and failing (awaited at once or later)", async () => {
  const { lines, print } = recorder();

  function* task(t: number): Coro<void> {
    print("task", t);
  }

  function* delayPrint(t: number, s: string): Coro<void> {
    yield* sleep(t);
    print(s);
  }

  function* taskRaise(): Coro<void> {
    print("task_raise");
    throw new ValueError();
  }

  function* main(): Coro<void> {
    print("start");

    // Wait on a task
    let t = createTask(task(1));
    yield* t;

    // Wait on a task that's already done
    t = createTask(task(2));
    yield* sleep(0.001);
    yield* t;

    // Wait again on same task
    yield* t;

    print("----");

    // Create 2 tasks
    const ts1 = createTask(delayPrint(0.2, "hello"));
    const ts2 = createTask(delayPrint(0.4, "world"));

    // Time how long the tasks take to finish, they should execute in parallel
    print("start");
    const loop = getEventLoop();
    const t0 = loop.time();
    yield* ts1;
    const t1 = loop.time();
    yield* ts2;
    const t2 = loop.time();
    print(`took ${round100(t1 - t0)} ${round100(t2 - t1)}`);

    // Wait on a task that raises an exception
    t = createTask(taskRaise());
    try {
      yield* t;
    } catch (er) {
      if (!(er instanceof ValueError)) throw er;
      print("ValueError");
    }

    // Wait on a task that raises, but the waiting is done some time later.
    // Need to suppress the "Task exception wasn't retrieved" message.
    getEventLoop().setExceptionHandler(() => {});
    t = createTask(taskRaise());
    for (let i = 0; i < 5; i++) yield* sleep(0);
    try {
      yield* t;
    } catch (er) {
      if (!(er instanceof ValueError)) throw er;
      print("ValueError");
    }
  }

  await run(main(), virtual);
  assert.deepEqual(lines, [
    "start",
    "task 1",
    "task 2",
    "----",
    "start",
    "hello",
    "world",
    "took 200 200",
    "task_raise",
    "ValueError",
    "task_raise",
    "ValueError",
  ]);
});
