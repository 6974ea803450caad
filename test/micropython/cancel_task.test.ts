// Port of MicroPython tests/extmod/asyncio_cancel_task.py (+ .exp).
import { test } from "node:test";
import assert from "node:assert/strict";
import { run, createTask, sleep, isCancelled, type Coro, type Task } from "taskloop";
import { recorder, virtual } from "./_py.ts";

test("cancelling tasks: before start, while sleeping, repeatedly, after finishing, and while waiting on another task", async () => {
  const { lines, print } = recorder();

  function* task(s: number, allowCancel: boolean): Coro<void> {
    try {
      print("task start");
      yield* sleep(s);
      print("task done");
    } catch (er) {
      if (!isCancelled(er)) throw er;
      print("task cancel");
      if (allowCancel) throw er;
    }
  }

  function* task2(allowCancel: boolean): Coro<void> {
    print("task 2");
    try {
      yield* createTask(task(0.05, allowCancel));
    } catch (er) {
      if (isCancelled(er)) print("task 2 cancel");
      throw er;
    }
    print("task 2 done");
  }

  function* main(): Coro<void> {
    // Cancel task immediately
    let t: Task<void> = createTask(task(2, true));
    print(t.cancel());

    // Cancel task after it has started
    t = createTask(task(2, true));
    yield* sleep(0.01);
    print(t.cancel());
    print("main sleep");
    yield* sleep(0.01);

    // Cancel task multiple times after it has started
    t = createTask(task(2, true));
    yield* sleep(0.01);
    for (let i = 0; i < 4; i++) print(t.cancel());
    print("main sleep");
    yield* sleep(0.01);

    // Await on a cancelled task
    print("main wait");
    try {
      yield* t;
    } catch (er) {
      if (!isCancelled(er)) throw er;
      print("main got CancelledError");
    }

    // Cancel task after it has finished
    t = createTask(task(0.01, false));
    yield* sleep(0.05);
    print(t.cancel());

    // Nested: task2 waits on task, task2 is cancelled (should cancel task then task2)
    print("----");
    t = createTask(task2(true));
    yield* sleep(0.01);
    print("main cancel");
    t.cancel();
    print("main sleep");
    yield* sleep(0.1);

    // Nested: task2 waits on task, task2 is cancelled but task doesn't allow it (task2 should continue)
    print("----");
    t = createTask(task2(false));
    yield* sleep(0.01);
    print("main cancel");
    t.cancel();
    print("main sleep");
    yield* sleep(0.1);
  }

  await run(main(), virtual);
  assert.deepEqual(lines, [
    "True",
    "task start",
    "True",
    "main sleep",
    "task cancel",
    "task start",
    "True",
    "True",
    "True",
    "True",
    "main sleep",
    "task cancel",
    "main wait",
    "main got CancelledError",
    "task start",
    "task done",
    "False",
    "----",
    "task 2",
    "task start",
    "main cancel",
    "main sleep",
    "task cancel",
    "task 2 cancel",
    "----",
    "task 2",
    "task start",
    "main cancel",
    "main sleep",
    "task cancel",
    "task 2 done",
  ]);
});
