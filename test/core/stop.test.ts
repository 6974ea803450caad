import { test } from "node:test";
import assert from "node:assert/strict";
import { run, createTask, currentTask, sleep, isCancelled, RuntimeError, getEventLoop, type Coro } from "taskloop";

const virtual = { clock: "virtual" } as const;

test("stop() cancels the task, waits until its cleanup has run, and gives true", async () => {
  const log: string[] = [];
  await run(function* () {
    const t = createTask(
      (function* () {
        try {
          yield* sleep(10);
        } finally {
          yield* sleep(0.1); // cleanup that takes time: the LED ramps down
          log.push(`cleanup done at ${getEventLoop().time()}`);
        }
      })(),
    );
    yield* sleep(1);
    const cancelled = yield* t.stop();
    log.push(`stop gave ${cancelled} at ${getEventLoop().time()}`);
  }, virtual);
  assert.deepEqual(log, ["cleanup done at 1100", "stop gave true at 1100"]);
});

test("stop() of a task that has already finished gives false at once and does not throw its result", async () => {
  const got = await run(function* () {
    const t = createTask(
      (function* (): Coro<number> {
        return 7;
      })(),
    );
    yield* sleep(0);
    return yield* t.stop();
  }, virtual);
  assert.equal(got, false);
});

test("stop() of a task that swallows the cancellation and returns gives false", async () => {
  const got = await run(function* () {
    const t = createTask(
      (function* () {
        try {
          yield* sleep(10);
        } catch (e) {
          if (!isCancelled(e)) throw e;
        }
      })(),
    );
    yield* sleep(0);
    return yield* t.stop();
  }, virtual);
  assert.equal(got, false);
});

test("stop() re-throws an error the task's cleanup throws", async () => {
  await assert.rejects(
    run(function* () {
      const t = createTask(
        (function* () {
          try {
            yield* sleep(10);
          } finally {
            // eslint-disable-next-line no-unsafe-finally
            throw new Error("motor stuck");
          }
        })(),
      );
      yield* sleep(0);
      yield* t.stop();
    }, virtual),
    /motor stuck/,
  );
});

test("stop() of a task that never started gives true and its body never runs", async () => {
  let ran = false;
  const got = await run(function* () {
    const t = createTask(
      (function* () {
        ran = true;
      })(),
    );
    return yield* t.stop("not needed");
  }, virtual);
  assert.equal(got, true);
  assert.equal(ran, false);
});

test("a stopper that is cancelled stops waiting at once, and the stopped task's cleanup runs on undisturbed", async () => {
  const log: string[] = [];
  await run(function* () {
    const slow = createTask(
      (function* () {
        try {
          yield* sleep(10);
        } finally {
          yield* sleep(1);
          log.push("slow cleanup finished");
        }
      })(),
    );
    const stopper = createTask(
      (function* () {
        try {
          yield* slow.stop();
        } catch (e) {
          log.push(`stopper: ${isCancelled(e) ? "cancelled" : String(e)}`);
          throw e;
        }
      })(),
    );
    yield* sleep(0.5);
    stopper.cancel();
    yield* sleep(0);
    yield* sleep(0);
    log.push(`slow done: ${slow.done()}`);
    yield* sleep(1);
  }, virtual);
  assert.deepEqual(log, ["stopper: cancelled", "slow done: false", "slow cleanup finished"]);
});

test("a task cannot stop itself: RuntimeError says to cancel it", async () => {
  await assert.rejects(
    run(function* () {
      yield* currentTask().stop();
    }, virtual),
    (e: unknown) => e instanceof RuntimeError && /cancel\(\)/.test(e.message),
  );
});

test("stop(msg) checks msg and is not a promise", async () => {
  await run(function* () {
    const t = createTask(sleep(1) as unknown as Coro<void>);
    assert.throws(() => t.stop(5 as unknown as string), TypeError);
    assert.throws(() => (t.stop() as unknown as PromiseLike<boolean>).then(), /yield\* task\.stop\(\)/);
    yield* t.stop();
  }, virtual);
});
