// Port of MicroPython tests/extmod/asyncio_fair.py.
// It has no .exp file: the expected output is what CPython 3.12 prints (MicroPython agrees).
// This port runs on the REAL clock: tasks 1 and 4 never stop calling sleep(<=0),
// so virtual time would never advance (by design it only jumps when no task is
// ready) and main's sleep(0.5) would never end. The whole test takes ~0.5 s.
import { test } from "node:test";
import assert from "node:assert/strict";
import { run, createTask, sleep, type Coro } from "taskloop";
import { recorder } from "./_py.ts";

test("tasks that never stop yielding do not starve sleeping tasks", async () => {
  const { lines, print } = recorder();

  function* task(id: number, t: number): Coro<void> {
    print("task start", id);
    for (;;) {
      if (t > 0) print("task work", id);
      yield* sleep(t);
    }
  }

  function* main(): Coro<void> {
    const t1 = createTask(task(1, -0.01));
    const t2 = createTask(task(2, 0.1));
    const t3 = createTask(task(3, 0.18));
    const t4 = createTask(task(4, -100));
    yield* sleep(0.5);
    t1.cancel();
    t2.cancel();
    t3.cancel();
    t4.cancel();
    print("finish");
  }

  await run(main(), { clock: "real" });
  assert.deepEqual(lines, [
    "task start 1",
    "task start 2",
    "task work 2",
    "task start 3",
    "task work 3",
    "task start 4",
    "task work 2", // 100 ms
    "task work 3", // 180 ms
    "task work 2", // 200 ms
    "task work 2", // 300 ms
    "task work 3", // 360 ms
    "task work 2", // 400 ms
    "finish", // 500 ms
  ]);
});
