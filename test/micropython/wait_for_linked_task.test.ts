// Port of MicroPython tests/extmod/asyncio_wait_for_linked_task.py
// (https://github.com/micropython/micropython/issues/16759).
// It has no .exp file: the expected output is what CPython 3.12 prints (MicroPython agrees).
import { test } from "node:test";
import assert from "node:assert/strict";
import { newEventLoop, getEventLoop, sleep, type Coro, type Loop, type Task } from "taskloop";
import { recorder } from "./_py.ts";

test("tasks that await each other in a chain complete in order, from inside a task and from runUntilComplete", async () => {
  const { lines, print } = recorder();

  newEventLoop({ clock: "virtual" });

  class Worker {
    private eventLoop: Loop | null = null;
    private readonly tasks: Task<void>[] = [];

    launchTask(asyncJob: Coro<void>): Task<void> {
      if (this.eventLoop === null) this.eventLoop = getEventLoop();
      return this.eventLoop.createTask(asyncJob);
    }

    *job(prerequisite: Task<void> | null, taskName: string): Coro<void> {
      if (prerequisite) yield* prerequisite;
      yield* sleep(0.1);
      print(taskName, "work completed");
    }

    planTasks(): void {
      this.tasks.push(this.launchTask(this.job(null, "task0")));
      this.tasks.push(this.launchTask(this.job(this.tasks[0]!, "task1")));
      this.tasks.push(this.launchTask(this.job(this.tasks[1]!, "task2")));
    }

    *waitForTask(taskIdx: number): Coro<void> {
      return yield* this.tasks[taskIdx]!;
    }

    syncWaitForTask(taskIdx: number): Promise<void> {
      return this.eventLoop!.runUntilComplete(this.tasks[taskIdx]!);
    }
  }

  function* asyncTest(): Coro<void> {
    print("--- async test");
    const worker = new Worker();
    worker.planTasks();
    yield* worker.waitForTask(0);
    print("-> task0 done");
    yield* worker.waitForTask(2);
    print("-> task2 done");
  }

  async function syncTest(): Promise<void> {
    print("--- sync test");
    const worker = new Worker();
    worker.planTasks();
    await worker.syncWaitForTask(0);
    print("-> task0 done");
    await worker.syncWaitForTask(2);
    print("-> task2 done");
  }

  await getEventLoop().runUntilComplete(asyncTest());
  await syncTest();

  assert.deepEqual(lines, [
    "--- async test",
    "task0 work completed",
    "-> task0 done",
    "task1 work completed",
    "task2 work completed",
    "-> task2 done",
    "--- sync test",
    "task0 work completed",
    "-> task0 done",
    "task1 work completed",
    "task2 work completed",
    "-> task2 done",
  ]);
});
