// Port of MicroPython tests/extmod/asyncio_lock_cancel.py (+ .exp).
import { test } from "node:test";
import assert from "node:assert/strict";
import { run, createTask, sleep, Lock, isCancelled, type Coro } from "taskloop";
import { recorder, virtual } from "./_py.ts";

test("a Lock stays consistent when several of its waiters are cancelled just before it is released", async () => {
  const { lines, print } = recorder();

  function* task(i: number, lock: Lock, lockFlag: boolean[]): Coro<void> {
    print("task", i, "start");
    try {
      yield* lock.acquire();
    } catch (er) {
      if (!isCancelled(er)) throw er;
      print("task", i, "cancel");
      return;
    }
    print("task", i, "lock_flag", lockFlag[0]);
    lockFlag[0] = true;
    yield* sleep(0);
    lock.release();
    lockFlag[0] = false;
    print("task", i, "done");
  }

  function* main(): Coro<void> {
    // Create a lock and acquire it so the tasks below must wait
    const lock = new Lock();
    yield* lock.acquire();
    const lockFlag = [true];

    // Create 4 tasks and let them all run
    createTask(task(0, lock, lockFlag));
    const t1 = createTask(task(1, lock, lockFlag));
    const t2 = createTask(task(2, lock, lockFlag));
    createTask(task(3, lock, lockFlag));
    yield* sleep(0);

    // Cancel 2 of the tasks (which are waiting on the lock) and release the lock
    t1.cancel();
    t2.cancel();
    lock.release();
    lockFlag[0] = false;

    // Let the tasks run to completion
    for (let i = 0; i < 4; i++) yield* sleep(0);

    // The lock should be unlocked
    print(lock.locked());
  }

  await run(main(), virtual);
  assert.deepEqual(lines, [
    "task 0 start",
    "task 1 start",
    "task 2 start",
    "task 3 start",
    "task 1 cancel",
    "task 2 cancel",
    "task 0 lock_flag False",
    "task 0 done",
    "task 3 lock_flag False",
    "task 3 done",
    "False",
  ]);
});
