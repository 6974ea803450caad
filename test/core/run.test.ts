import { test } from "node:test";
import assert from "node:assert/strict";
import { inspect } from "node:util";
import { run, createTask, currentTask, sleep, CancelledError, Event, RuntimeError, type Awaitable, getEventLoop, newEventLoop, type Coro } from "taskloop";

const virtual = { clock: "virtual" } as const;

test("when run() rejects because main was cancelled, the error as printed names the task (main) and where it was waiting", { timeout: 5000 }, async () => {
  let error: unknown = null;
  try {
    await run(function* () {
      const main = currentTask();
      createTask(
        (function* () {
          yield* sleep(0.01);
          main.cancel();
        })(),
        { name: "canceller" },
      );
      yield* sleep(0.5);
    }, virtual);
  } catch (e) {
    error = e;
  }
  assert.ok(error instanceof CancelledError, `expected CancelledError, got ${String(error)}`);
  const printed = inspect(error);
  assert.notEqual(printed, "[CancelledError]");
  assert.match(printed, /\bmain\b/);
  assert.match(printed, /sleep 500 ms/);
});

test("run() rejects with the deadlock report when the leftover tasks' cleanup deadlocks too, naming what stayed stuck", async () => {
  const never = new Event();
  let error: unknown = null;
  try {
    await run(function* () {
      const mk = (other: () => Awaitable<unknown>) =>
        function* () {
          try {
            yield* other();
          } finally {
            yield* never.wait();
          }
        };
      const a: Awaitable<unknown> = createTask(mk(() => b)(), { name: "a" });
      const b: Awaitable<unknown> = createTask(mk(() => a)(), { name: "b" });
      yield* sleep(0.01);
    }, virtual);
  } catch (e) {
    error = e;
  }
  assert.ok(error instanceof RuntimeError, `expected the deadlock report, got ${String(error)}`);
  assert.match(error.message, /cleanup deadlocked too[\s\S]*waiting on Event/);
});

test("run settles with main's result, or rejects with main's error", async () => {
  assert.equal(
    await run(
      (function* () {
        yield* sleep(1);
        return 5;
      })(),
      virtual,
    ),
    5,
  );
  await assert.rejects(
    run(
      (function* (): Coro<void> {
        yield* sleep(1);
        throw new Error("main failed");
      })(),
      virtual,
    ),
    /main failed/,
  );
});

test("run accepts a function that makes the main coroutine", async () => {
  assert.equal(
    await run(function* () {
      return "made";
    }, virtual),
    "made",
  );
});

test("run rejects a value that is not a coroutine with a TypeError", async () => {
  await assert.rejects(run(42 as unknown as Coro<void>), TypeError);
});

test("when main ends, run cancels the tasks left over and waits for their cleanup", async () => {
  const log: string[] = [];
  await run(function* () {
    createTask(
      (function* () {
        try {
          yield* sleep(100);
        } finally {
          yield* sleep(1);
          log.push("leftover cleaned up");
        }
      })(),
    );
    yield* sleep(1);
    log.push("main done");
  }, virtual);
  assert.deepEqual(log, ["main done", "leftover cleaned up"]);
});

test("without options run uses the current default loop, so tasks created before run run too", async () => {
  const loop = newEventLoop(virtual);
  const log: string[] = [];
  createTask(
    (function* () {
      log.push("early task");
    })(),
  );
  await run(
    (function* () {
      yield* sleep(0);
      log.push("main");
    })(),
  );
  assert.equal(getEventLoop(), loop);
  assert.deepEqual(log, ["early task", "main"]);
});

test("run() called while the loop runs is refused and leaves the outer run and its tasks alone", async () => {
  const log: string[] = [];
  const result = await run(function* () {
    const background = createTask(
      (function* () {
        yield* sleep(2);
        log.push("background done");
      })(),
    );
    let ran = false;
    try {
      yield run(function* () {
        ran = true;
      });
    } catch (e) {
      assert.ok(e instanceof RuntimeError, String(e));
      log.push("nested run refused");
    }
    try {
      yield getEventLoop().runUntilComplete(
        (function* () {
          ran = true;
        })(),
      );
    } catch (e) {
      assert.ok(e instanceof RuntimeError, String(e));
      log.push("nested runUntilComplete refused");
    }
    assert.equal(ran, false);
    yield* background;
    return "outer finished";
  }, virtual);
  assert.equal(result, "outer finished");
  assert.deepEqual(log, ["nested run refused", "nested runUntilComplete refused", "background done"]);
});

test("run() with a factory that throws rejects instead of throwing", async () => {
  const p = run(() => {
    throw new Error("factory failed");
  });
  assert.ok(p instanceof Promise);
  await assert.rejects(p, /factory failed/);
});

test("run(main, options) warns once when tasks made before it are left behind on the old default loop", async () => {
  newEventLoop();
  createTask(
    (function* () {
      yield* sleep(1);
    })(),
    { name: "made at module level" },
  );
  const warnings: string[] = [];
  const warn = console.warn;
  console.warn = (...args: unknown[]) => void warnings.push(args.join(" "));
  try {
    await run(function* () {
      yield* sleep(0);
    }, virtual);
    await run(function* () {
      yield* sleep(0);
    }, virtual);
  } finally {
    console.warn = warn;
  }
  assert.equal(warnings.length, 1);
  assert.match(warnings[0]!, /1 task\(s\) made before it will not run \(made at module level\)/);
  assert.equal(getEventLoop().isRunning(), false);
});
