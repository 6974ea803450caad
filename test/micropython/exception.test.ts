// Port of MicroPython tests/extmod/asyncio_exception.py (+ .exp).
import { test } from "node:test";
import assert from "node:assert/strict";
import { run, createTask, type Coro } from "taskloop";
import { ValueError, recorder, virtual } from "./_py.ts";

test("an error from the main task, or from a sub-task it awaits, rejects run(); so does main failing with a sub-task not yet started", async () => {
  const { lines, print } = recorder();

  async function runCatchingValueError(main: Coro<void>): Promise<void> {
    try {
      await run(main, virtual);
    } catch (er) {
      if (!(er instanceof ValueError)) throw er;
      print("ValueError", er.args[0]);
    }
  }

  // main task raising an exception
  function* main1(): Coro<void> {
    print("main start");
    throw new ValueError(1);
  }
  await runCatchingValueError(main1());

  // sub-task raising an exception
  function* task2(): Coro<void> {
    print("task start");
    throw new ValueError(2);
  }
  function* main2(): Coro<void> {
    print("main start");
    const t = createTask(task2());
    yield* t;
    print("main done");
  }
  await runCatchingValueError(main2());

  // main task raising an exception with sub-task not yet scheduled
  // (MicroPython's test notes the sub-task never runs; run() cancels it before it starts)
  function* task3(): Coro<void> {}
  function* main3(): Coro<void> {
    print("main start");
    createTask(task3());
    throw new ValueError(3);
  }
  await runCatchingValueError(main3());

  assert.deepEqual(lines, ["main start", "ValueError 1", "main start", "task start", "ValueError 2", "main start", "ValueError 3"]);
});
