import { test, afterEach } from "node:test";
import assert from "node:assert/strict";
import {
  run,
  newEventLoop,
  getEventLoop,
  sleep,
  CancelledError,
  TimeoutError,
  Event,
  TaskManager,
  isCancelled,
  type Coro,
  type ExceptionContext,
} from "taskloop";

const virtual = { clock: "virtual" } as const;

afterEach(() => {
  TaskManager.enable();
  TaskManager.log = (message) => console.warn(message);
});

/** Captures what TaskManager logs. */
function captureLog(): string[] {
  const lines: string[] = [];
  TaskManager.log = (message) => void lines.push(`${getEventLoop().time()} ${message}`);
  return lines;
}

test("createTask starts the coroutine as a task and lists it until it ends", async () => {
  const seen: string[][] = [];
  await run(function* () {
    const task = TaskManager.createTask(
      (function* () {
        yield* sleep(1);
        return 7;
      })(),
      { name: "download" },
    );
    assert.ok(task !== null);
    seen.push(TaskManager.listTasks().map((t) => `${t.name} ${t.state}`));
    yield* sleep(0.5);
    seen.push(TaskManager.listTasks().map((t) => `${t.name} ${t.state} ${t.waitingOn}`));
    assert.equal(yield* task, 7);
    seen.push(TaskManager.listTasks().map((t) => t.name));
  }, virtual);
  assert.deepEqual(seen, [["download ready"], ["download sleeping sleep 1000 ms"], []]);
});

test("a finished task leaves listTasks() at once: its own done callbacks already see it gone", async () => {
  let listedInCallback: number | null = null;
  await run(function* () {
    const task = TaskManager.createTask(
      (function* () {
        yield* sleep(0);
      })(),
    )!;
    task.addDoneCallback(() => {
      listedInCallback = TaskManager.listTasks().length;
    });
    yield* task;
  }, virtual);
  assert.equal(listedInCallback, 0);
});

test("100,000 short tasks leave listTasks() empty", async () => {
  let most = 0;
  await run(function* () {
    for (let i = 0; i < 100_000; i++) {
      TaskManager.createTask(
        (function* () {
          yield* sleep(0);
        })(),
      );
      if (i % 1000 === 999) {
        most = Math.max(most, TaskManager.listTasks().length);
        yield* sleep(0.001);
      }
    }
    yield* sleep(0.001);
  }, virtual);
  assert.equal(TaskManager.listTasks().length, 0);
  assert.ok(most > 0 && most <= 1000, `at most one batch alive at a time, saw ${most}`);
});

test("a cancelled task leaves the list too, also one cancelled before it ever ran", async () => {
  await run(function* () {
    const never = TaskManager.createTask(
      (function* () {
        yield* sleep(1);
      })(),
    )!;
    never.cancel();
    const later = TaskManager.createTask(
      (function* () {
        yield* sleep(1);
      })(),
    )!;
    yield* sleep(0.1);
    later.cancel();
    yield* sleep(0);
    yield* sleep(0);
    assert.deepEqual(TaskManager.listTasks(), []);
    assert.ok(never.cancelled() && later.cancelled());
  }, virtual);
});

test("a managed task that fails while nobody awaits it is still reported to the exception handler", async () => {
  const reports: ExceptionContext[] = [];
  const loop = newEventLoop(virtual);
  loop.setExceptionHandler((_loop, context) => void reports.push(context));
  await loop.runUntilComplete(
    (function* () {
      TaskManager.createTask(
        (function* () {
          yield* sleep(0.1);
          throw new Error("sensor unplugged");
        })(),
        { name: "poll" },
      );
      yield* sleep(1);
    })(),
  );
  assert.equal(reports.length, 1);
  assert.equal(reports[0]!.message, "Task exception wasn't retrieved");
  assert.equal((reports[0]!.exception as Error).message, "sensor unplugged");
});

test("disable() makes createTask and createSupervisedTask return null without running anything; enable() restores them", async () => {
  let ran = 0;
  const body = function* (): Coro<void> {
    ran++;
    yield* sleep(0);
  };
  await run(function* () {
    TaskManager.disable();
    assert.equal(TaskManager.disabled, true);
    assert.equal(TaskManager.createTask(body()), null);
    assert.equal(TaskManager.createSupervisedTask(body), null);
    yield* sleep(1);
    assert.equal(ran, 0);
    TaskManager.enable();
    const task = TaskManager.createTask(body());
    assert.ok(task !== null);
    yield* task;
  }, virtual);
  assert.equal(ran, 1);
});

test("createSupervisedTask restarts a failing coroutine after restartDelayMs, logging why, and a return ends supervision", async () => {
  const log = captureLog();
  const starts: number[] = [];
  let result: unknown;
  await run(function* () {
    const task = TaskManager.createSupervisedTask(
      function* () {
        starts.push(getEventLoop().time());
        yield* sleep(0.05);
        if (starts.length < 3) throw new Error(`crash ${starts.length}`);
      },
      { restartDelayMs: 200, name: "listener" },
    )!;
    assert.equal(task.name, "listener");
    result = yield* task;
  }, virtual);
  assert.deepEqual(starts, [0, 250, 500]);
  assert.equal(result, undefined);
  assert.deepEqual(log, [
    "50 TaskManager: supervised task died, restarting it: Error: crash 1",
    "300 TaskManager: supervised task died, restarting it: Error: crash 2",
  ]);
});

test("createSupervisedTask uses a 200 ms delay by default", async () => {
  captureLog();
  const starts: number[] = [];
  await run(function* () {
    yield* TaskManager.createSupervisedTask(function* () {
      starts.push(getEventLoop().time());
      yield* sleep(0);
      if (starts.length < 2) throw new Error("once");
    })!;
  }, virtual);
  assert.deepEqual(starts, [0, 200]);
});

test("with restartOnReturn a coroutine that returns is restarted, and cancelling the supervisor stops it for good", async () => {
  const log = captureLog();
  const starts: number[] = [];
  let cleanups = 0;
  await run(function* () {
    const task = TaskManager.createSupervisedTask(
      function* () {
        starts.push(getEventLoop().time());
        try {
          yield* sleep(0.1);
        } finally {
          cleanups++;
        }
      },
      { restartDelayMs: 100, restartOnReturn: true },
    )!;
    yield* sleep(0.45);
    task.cancel();
    try {
      yield* task;
      assert.fail("the supervisor returned instead of ending cancelled");
    } catch (error) {
      assert.ok(error instanceof CancelledError);
    }
    yield* sleep(2);
  }, virtual);
  assert.deepEqual(starts, [0, 200, 400]);
  assert.equal(cleanups, 3);
  assert.equal(log.filter((l) => l.includes("returned, restarting")).length, 2);
});

test("a cancellation raised inside the supervised coroutine is not swallowed: the supervisor ends cancelled", async () => {
  captureLog();
  let starts = 0;
  let ended: unknown;
  await run(function* () {
    const task = TaskManager.createSupervisedTask(function* () {
      starts++;
      yield* sleep(0.01);
      throw new CancelledError("gave up");
    })!;
    try {
      yield* task;
    } catch (error) {
      ended = error;
    }
  }, virtual);
  assert.equal(starts, 1);
  assert.ok(isCancelled(ended));
});

test("createSupervisedTask checks its arguments", () => {
  assert.throws(() => TaskManager.createSupervisedTask("listen" as unknown as () => Coro<void>), /factory must be a function/);
  assert.throws(() => TaskManager.createSupervisedTask(() => (function* () {})(), { restartDelayMs: -1 }), RangeError);
  assert.throws(() => TaskManager.createSupervisedTask(() => (function* () {})(), { restartDelayMs: NaN }), /restartDelayMs/);
  assert.throws(
    () => TaskManager.createSupervisedTask(() => (function* () {})(), { restartOnReturn: "yes" as unknown as boolean }),
    /restartOnReturn must be a boolean/,
  );
});

test("a factory that does not return a coroutine fails the supervisor with a TypeError instead of restarting forever", async () => {
  captureLog();
  let error: unknown;
  await run(function* () {
    try {
      yield* TaskManager.createSupervisedTask((() => 42) as unknown as () => Coro<void>)!;
    } catch (e) {
      error = e;
    }
  }, virtual);
  assert.ok(error instanceof TypeError);
  assert.match(error.message, /factory\(\) must return a coroutine/);
});

test("sleep, sleepMs, waitFor and notifyEvent are the loop's own", async () => {
  const lines: string[] = [];
  await run(function* () {
    const event = TaskManager.notifyEvent();
    assert.ok(event instanceof Event);
    TaskManager.createTask(
      (function* () {
        yield* event.wait();
        lines.push(`${getEventLoop().time()} event`);
      })(),
    );
    yield* TaskManager.sleep(3);
    lines.push(`${getEventLoop().time()} 3 seconds later`);
    yield* TaskManager.sleepMs(500);
    lines.push(`${getEventLoop().time()} half a second later`);
    event.set();
    try {
      yield* TaskManager.waitFor(sleep(20), 10);
    } catch (error) {
      lines.push(`${getEventLoop().time()} ${error instanceof TimeoutError ? "timed out" : String(error)}`);
    }
    lines.push(
      `${yield* TaskManager.waitFor(
        (function* () {
          yield* sleep(1);
          return "in time";
        })(),
        10,
      )}`,
    );
  }, virtual);
  assert.deepEqual(lines, ["3000 3 seconds later", "3500 half a second later", "3500 event", "13500 timed out", "in time"]);
});

test("start() runs the default loop until stop()", async () => {
  newEventLoop(virtual);
  const ticks: number[] = [];
  TaskManager.createTask(
    (function* () {
      for (let i = 0; i < 3; i++) {
        yield* TaskManager.sleep(1);
        ticks.push(getEventLoop().time());
      }
      TaskManager.stop();
    })(),
  );
  await TaskManager.start();
  assert.deepEqual(ticks, [1000, 2000, 3000]);
  assert.equal(getEventLoop().isRunning(), false);
});

test("start() while disabled returns at once with a warning", async () => {
  const log = captureLog();
  newEventLoop(virtual);
  TaskManager.disable();
  await TaskManager.start();
  assert.equal(log.length, 1);
  assert.match(log[0]!, /not starting, it is disabled/);
});
