// Port of MicroPython tests/extmod/asyncio_cancel_fair.py.
// It has no .exp file: the expected output is what CPython 3.12 prints (MicroPython agrees).
import { test } from "node:test";
import assert from "node:assert/strict";
import { run, createTask, sleep, isCancelled, type Coro, type Task } from "taskloop";
import { recorder, virtual } from "./_py.ts";

test("tasks that keep cancelling each other do not take over the scheduler", async () => {
  const { lines, print } = recorder();
  const tasks: Task<void>[] = [];

  function* task(id: number, other: number | null): Coro<void> {
    for (let i = 0; i < 3; i++) {
      try {
        print("start", id);
        yield* sleep(0);
        print("done", id);
      } catch (er) {
        if (!isCancelled(er)) throw er;
        print("cancelled", id);
      }
      if (other !== null) {
        print(id, "cancels", other);
        tasks[other]!.cancel();
      }
    }
  }

  function* main(): Coro<void> {
    tasks.push(createTask(task(0, 1)), createTask(task(1, 0)), createTask(task(2, null)));
    yield* tasks[2]!;
  }

  await run(main(), virtual);
  assert.deepEqual(lines, [
    "start 0",
    "start 1",
    "start 2",
    "done 0",
    "0 cancels 1",
    "start 0",
    "cancelled 1",
    "1 cancels 0",
    "start 1",
    "done 2",
    "start 2",
    "cancelled 0",
    "0 cancels 1",
    "start 0",
    "cancelled 1",
    "1 cancels 0",
    "start 1",
    "done 2",
    "start 2",
    "cancelled 0",
    "0 cancels 1",
    "cancelled 1",
    "1 cancels 0",
    "done 2",
  ]);
});
