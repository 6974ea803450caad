// Port of MicroPython tests/extmod/asyncio_await_return.py.
// It has no .exp file: the expected output is what CPython 3.12 prints (MicroPython agrees).
import { test } from "node:test";
import assert from "node:assert/strict";
import { run, createTask, type Coro } from "taskloop";
import { recorder, virtual } from "./_py.ts";

test("a coroutine's return value reaches its caller, both awaited directly and through a task", async () => {
  const { lines, print } = recorder();

  function* foo(): Coro<number> {
    return 42;
  }

  function* main(): Coro<void> {
    // Call function directly via yield*
    print(yield* foo());

    // Create a task and await on it
    const task = createTask(foo());
    print(yield* task);
  }

  await run(main(), virtual);
  assert.deepEqual(lines, ["42", "42"]);
});
