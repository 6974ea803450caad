// Port of MicroPython tests/extmod/asyncio_loop_stop.py (+ .exp).
// asyncio.get_event_loop() is stood in for by a fresh virtual-clock loop.
import { test } from "node:test";
import assert from "node:assert/strict";
import { newEventLoop, createTask, sleep, type Coro } from "taskloop";
import { recorder } from "./_py.ts";

test("loop.stop() ends runForever at the next suspension, a second stop() is harmless, and the next runForever resumes where it stopped", async () => {
  const { lines, print } = recorder();
  const loop = newEventLoop({ clock: "virtual" });

  function* task(): Coro<void> {
    print("task");
  }

  function* main(): Coro<void> {
    print("start");

    // Stop the loop after next yield
    loop.stop();

    // Check that calling stop() again doesn't do/break anything
    loop.stop();

    // This await should stop
    print("sleep");
    yield* sleep(0);

    // Schedule stop, then create a new task, then yield
    loop.stop();
    createTask(task());
    yield* sleep(0);

    // Final stop
    print("end");
    loop.stop();
  }

  loop.createTask(main());

  for (let i = 0; i < 3; i++) {
    print("run", i);
    await loop.runForever();
  }

  assert.deepEqual(lines, ["run 0", "start", "sleep", "run 1", "run 2", "task", "end"]);
});
