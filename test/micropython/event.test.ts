// Port of MicroPython tests/extmod/asyncio_event.py (+ .exp).
import { test } from "node:test";
import assert from "node:assert/strict";
import { run, createTask, sleep, waitFor, Event, TimeoutError, type Coro } from "taskloop";
import { recorder, virtual } from "./_py.ts";

test("Event: set/clear/isSet, waking waiters in order, already-set events, cancelled waiters, and waitFor on wait()", async () => {
  const { lines, print } = recorder();

  function* task(id: number, ev: Event): Coro<void> {
    print("start", id);
    print(yield* ev.wait());
    print("end", id);
  }

  function* taskDelaySet(t: number, ev: Event): Coro<void> {
    yield* sleep(t);
    print("set event");
    ev.set();
  }

  function* main(): Coro<void> {
    let ev = new Event();

    // Set and clear without anything waiting, and test isSet()
    print(ev.isSet());
    ev.set();
    print(ev.isSet());
    ev.clear();
    print(ev.isSet());

    // Create 2 tasks waiting on the event
    print("----");
    createTask(task(1, ev));
    createTask(task(2, ev));
    print("yield");
    yield* sleep(0);
    print("set event");
    ev.set();
    print("yield");
    yield* sleep(0);

    // Create a task waiting on the already-set event
    print("----");
    createTask(task(3, ev));
    print("yield");
    yield* sleep(0);

    // Clear event, start a task, then set event again
    print("----");
    print("clear event");
    ev.clear();
    createTask(task(4, ev));
    yield* sleep(0);
    print("set event");
    ev.set();
    yield* sleep(0);

    // Cancel a task waiting on an event (set event then cancel task)
    print("----");
    ev = new Event();
    let t = createTask(task(5, ev));
    yield* sleep(0);
    ev.set();
    t.cancel();
    yield* sleep(0.1);

    // Cancel a task waiting on an event (cancel task then set event)
    print("----");
    ev = new Event();
    t = createTask(task(6, ev));
    yield* sleep(0);
    t.cancel();
    ev.set();
    yield* sleep(0.1);

    // Wait for an event that does get set in time
    print("----");
    ev.clear();
    createTask(taskDelaySet(0.01, ev));
    yield* waitFor(ev.wait(), 0.1);
    yield* sleep(0);

    // Wait for an event that doesn't get set in time
    print("----");
    ev.clear();
    createTask(taskDelaySet(0.1, ev));
    try {
      yield* waitFor(ev.wait(), 0.01);
    } catch (er) {
      if (!(er instanceof TimeoutError)) throw er;
      print("TimeoutError");
    }
    yield* ev.wait();
  }

  await run(main(), virtual);
  assert.deepEqual(lines, [
    "False",
    "True",
    "False",
    "----",
    "yield",
    "start 1",
    "start 2",
    "set event",
    "yield",
    "True",
    "end 1",
    "True",
    "end 2",
    "----",
    "yield",
    "start 3",
    "True",
    "end 3",
    "----",
    "clear event",
    "start 4",
    "set event",
    "True",
    "end 4",
    "----",
    "start 5",
    "----",
    "start 6",
    "----",
    "set event",
    "----",
    "TimeoutError",
    "set event",
  ]);
});
