// Port of MicroPython tests/extmod/asyncio_new_event_loop.py.
// It has no .exp file: the expected output is what CPython 3.12 prints (MicroPython agrees).
import { test } from "node:test";
import assert from "node:assert/strict";
import { getEventLoop, newEventLoop, sleep, type Coro, type Loop } from "taskloop";
import { recorder } from "./_py.ts";

test("after newEventLoop(), the old loop's leftover tasks do not run on the new one", async () => {
  const { lines, print } = recorder();
  let loop: Loop;

  function* task(): Coro<void> {
    for (let i = 0; i < 4; i++) {
      print("task", i);
      yield* sleep(0);
      yield* sleep(0);
    }
  }

  function* main(): Coro<void> {
    print("start");
    loop.createTask(task());
    yield* sleep(0);
    print("stop");
    loop.stop();
  }

  // Use default event loop to run some tasks
  loop = getEventLoop();
  loop.createTask(main());
  await loop.runForever();

  // Create new event loop, old one should not keep running
  loop = newEventLoop({ clock: "virtual" });
  loop.createTask(main());
  await loop.runForever();

  assert.deepEqual(lines, ["start", "task 0", "stop", "start", "task 0", "stop"]);
});
