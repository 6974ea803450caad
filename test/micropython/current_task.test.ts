// Port of MicroPython tests/extmod/asyncio_current_task.py.
// It has no .exp file: the expected output is what CPython 3.12 prints (MicroPython agrees).
import { test } from "node:test";
import assert from "node:assert/strict";
import { run, createTask, sleep, currentTask, RuntimeError, type Coro, type Task } from "taskloop";
import { recorder, virtual } from "./_py.ts";

test("currentTask() is the running task inside a task and throws RuntimeError outside one, before and after run()", async () => {
  const { lines, print } = recorder();

  function* task(result: (Task<unknown> | null)[]): Coro<void> {
    result[0] = currentTask();
  }

  function* main(): Coro<void> {
    const result: (Task<unknown> | null)[] = [null];
    const t = createTask(task(result));
    yield* sleep(0);
    yield* sleep(0);
    print(t === result[0]);
  }

  function printCurrentTask(): void {
    try {
      print(String(currentTask()));
    } catch (er) {
      if (!(er instanceof RuntimeError)) throw er;
      print("RuntimeError");
    }
  }

  printCurrentTask();
  await run(main(), virtual);
  printCurrentTask();

  assert.deepEqual(lines, ["RuntimeError", "True", "RuntimeError"]);
});
