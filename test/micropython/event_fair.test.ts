// Port of MicroPython tests/extmod/asyncio_event_fair.py.
// It has no .exp file: the expected output is what CPython 3.12 prints (MicroPython agrees).
import { test } from "node:test";
import assert from "node:assert/strict";
import { run, createTask, sleep, Event, type Coro } from "taskloop";
import { recorder, virtual } from "./_py.ts";

test("tasks that keep setting and waiting on an Event do not take over the scheduler", async () => {
  const { lines, print } = recorder();

  function* task1(id: number): Coro<void> {
    for (let i = 0; i < 4; i++) {
      print("sleep", id);
      yield* sleep(0);
    }
  }

  function* task2(id: number, ev: Event): Coro<void> {
    for (let i = 0; i < 4; i++) {
      ev.set();
      ev.clear();
      print("wait", id);
      yield* ev.wait();
    }
  }

  function* main(): Coro<void> {
    const ev = new Event();
    const tasks = [createTask(task1(0)), createTask(task2(2, ev)), createTask(task1(1)), createTask(task2(3, ev))];
    yield* tasks[1]!;
    ev.set();
  }

  await run(main(), virtual);
  assert.deepEqual(lines, [
    "sleep 0",
    "wait 2",
    "sleep 1",
    "wait 3",
    "sleep 0",
    "sleep 1",
    "wait 2",
    "sleep 0",
    "sleep 1",
    "wait 3",
    "sleep 0",
    "sleep 1",
    "wait 2",
    "wait 3",
    "wait 2",
    "wait 3",
  ]);
});
