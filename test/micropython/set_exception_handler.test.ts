// Port of MicroPython tests/extmod/asyncio_set_exception_handler.py (+ .exp).
import { test } from "node:test";
import assert from "node:assert/strict";
import { run, createTask, sleep, getEventLoop, type Coro, type ExceptionContext, type Loop } from "taskloop";
import { ValueError, pyRepr, recorder, virtual } from "./_py.ts";

test("setExceptionHandler: unretrieved task errors go to the handler in the order they happened, and an awaited error does not", async () => {
  const { lines, print } = recorder();

  function customHandler(_loop: Loop, context: ExceptionContext): void {
    print("custom_handler", pyRepr(context.exception));
  }

  function* task(i: number): Coro<void> {
    // Raise with 2 args so exception prints the same in uPy and CPython
    throw new ValueError(i, i + 1);
  }

  function* main(): Coro<void> {
    const loop = getEventLoop();

    // Check default exception handler, should be null
    print(loop.getExceptionHandler());

    // Set exception handler and test it was set
    loop.setExceptionHandler(customHandler);
    print(loop.getExceptionHandler() === customHandler);

    // Create a task that raises and uses the custom exception handler
    createTask(task(0));
    print("sleep");
    for (let i = 0; i < 2; i++) yield* sleep(0);

    // Create 2 tasks to test order of printing exception
    createTask(task(1));
    createTask(task(2));
    print("sleep");
    for (let i = 0; i < 2; i++) yield* sleep(0);

    // Create a task, let it run, then await it (no exception should be printed)
    const t = createTask(task(3));
    yield* sleep(0);
    try {
      yield* t;
    } catch (er) {
      if (!(er instanceof ValueError)) throw er;
      print(pyRepr(er));
    }

    print("done");
  }

  await run(main(), virtual);
  assert.deepEqual(lines, [
    "None",
    "True",
    "sleep",
    "custom_handler ValueError(0, 1)",
    "sleep",
    "custom_handler ValueError(1, 2)",
    "custom_handler ValueError(2, 3)",
    "ValueError(3, 4)",
    "done",
  ]);
});
