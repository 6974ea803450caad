// Port of MicroPython tests/extmod/asyncio_lock.py (+ .exp).
// `async with lock:` becomes `using _lease = yield* lock.acquire();` in a block.
import { test } from "node:test";
import assert from "node:assert/strict";
import { run, createTask, sleep, Lock, isCancelled, type Coro, type Task } from "taskloop";
import { recorder, virtual } from "./_py.ts";

test("Lock: acquire/release, FIFO hand-over between looping tasks, sleeping holders, and waiters cancelled before or after the hand-over", async () => {
  const { lines, print } = recorder();

  function* taskLoop(id: number, lock: Lock): Coro<void> {
    print("task start", id);
    for (let i = 0; i < 3; i++) {
      using _lease = yield* lock.acquire();
      print("task have", id, i);
    }
    print("task end", id);
  }

  function* taskSleep(lock: Lock): Coro<void> {
    {
      using _lease = yield* lock.acquire();
      print("task have", lock.locked());
      yield* sleep(0.2);
    }
    print("task release", lock.locked());
    yield* lock.acquire();
    print("task have again");
    lock.release();
  }

  function* taskCancel(id: number, lock: Lock, toCancel: (Task<void> | null)[] | null = null): Coro<void> {
    try {
      {
        using _lease = yield* lock.acquire();
        print("task got", id);
        yield* sleep(0.1);
      }
      print("task release", id);
      if (toCancel) toCancel[0]!.cancel();
    } catch (er) {
      if (!isCancelled(er)) throw er;
      print("task cancel", id);
    }
  }

  function* main(): Coro<void> {
    const lock = new Lock();

    // Basic acquire/release
    print(lock.locked());
    yield* lock.acquire();
    print(lock.locked());
    yield* sleep(0);
    lock.release();
    print(lock.locked());
    yield* sleep(0);

    // Use with "using" (Python: async with)
    {
      using _lease = yield* lock.acquire();
      print("have lock");
    }

    // 3 tasks wanting the lock
    print("----");
    createTask(taskLoop(1, lock));
    createTask(taskLoop(2, lock));
    const t3 = createTask(taskLoop(3, lock));
    yield* lock.acquire();
    yield* sleep(0);
    lock.release();
    yield* t3;

    // 2 sleeping tasks both wanting the lock
    print("----");
    createTask(taskSleep(lock));
    yield* sleep(0.1);
    yield* taskSleep(lock);

    // 3 tasks, the first cancelling the second, the third should still run
    print("----");
    const ts: (Task<void> | null)[] = [null];
    createTask(taskCancel(0, lock, ts));
    ts[0] = createTask(taskCancel(1, lock));
    createTask(taskCancel(2, lock));
    yield* sleep(0.3);
    print(lock.locked());

    // 3 tasks, the second and third being cancelled while waiting on the lock
    print("----");
    createTask(taskCancel(0, lock));
    const t1 = createTask(taskCancel(1, lock));
    const t2 = createTask(taskCancel(2, lock));
    yield* sleep(0.05);
    t1.cancel();
    yield* sleep(0.1);
    t2.cancel();
    yield* sleep(0.1);
    print(lock.locked());
  }

  await run(main(), virtual);
  assert.deepEqual(lines, [
    "False",
    "True",
    "False",
    "have lock",
    "----",
    "task start 1",
    "task start 2",
    "task start 3",
    "task have 1 0",
    "task have 2 0",
    "task have 3 0",
    "task have 1 1",
    "task have 2 1",
    "task have 3 1",
    "task have 1 2",
    "task end 1",
    "task have 2 2",
    "task end 2",
    "task have 3 2",
    "task end 3",
    "----",
    "task have True",
    "task release False",
    "task have True",
    "task release False",
    "task have again",
    "task have again",
    "----",
    "task got 0",
    "task release 0",
    "task cancel 1",
    "task got 2",
    "task release 2",
    "False",
    "----",
    "task got 0",
    "task cancel 1",
    "task release 0",
    "task got 2",
    "task cancel 2",
    "False",
  ]);
});
