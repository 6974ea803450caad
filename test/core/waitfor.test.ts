import { test } from "node:test";
import assert from "node:assert/strict";
import { run, createTask, sleep, waitFor, waitForMs, getEventLoop, Lock, Queue, TimeoutError, isCancelled, type Awaitable, type Coro } from "taskloop";

const virtual = { clock: "virtual" } as const;

/** What `yield* aw` throws, or `{ returned }` when it does not throw. */
function* thrownBy(aw: Awaitable<unknown>): Coro<unknown> {
  try {
    return { returned: yield* aw };
  } catch (e) {
    return e;
  }
}

// CPython 3.12: `q.put_nowait("item"); await asyncio.wait_for(q.get(), 0)` raises
// TimeoutError and q.qsize() == 1 afterwards: the work is cancelled before it runs.
test("waitFor with timeout 0 cancels the work before it runs: the queue keeps its item", async () => {
  await run(function* () {
    const q = new Queue<string>();
    q.putNowait("item");
    const e = yield* thrownBy(waitFor(q.get(), 0));
    assert.ok(e instanceof TimeoutError, `expected TimeoutError, got ${String(e)}`);
    assert.equal(q.qsize(), 1);
  }, virtual);
});

// CPython 3.12: `await asyncio.wait_for(lock.acquire(), 0)` raises TimeoutError and
// lock.locked() is False afterwards.
test("waitFor with timeout 0 cancels the work before it runs: a free lock stays free", async () => {
  await run(function* () {
    const lock = new Lock();
    const e = yield* thrownBy(waitFor(lock.acquire(), 0));
    assert.ok(e instanceof TimeoutError, `expected TimeoutError, got ${String(e)}`);
    assert.equal(lock.locked(), false);
  }, virtual);
});

test("waitFor with a negative timeout behaves as timeout 0: the queue keeps its item and the lock stays free", async () => {
  await run(function* () {
    const q = new Queue<string>();
    q.putNowait("item");
    const e1 = yield* thrownBy(waitFor(q.get(), -1));
    assert.ok(e1 instanceof TimeoutError, `expected TimeoutError, got ${String(e1)}`);
    assert.equal(q.qsize(), 1);
    const lock = new Lock();
    const e2 = yield* thrownBy(waitForMs(lock.acquire(), -5));
    assert.ok(e2 instanceof TimeoutError, `expected TimeoutError, got ${String(e2)}`);
    assert.equal(lock.locked(), false);
  }, virtual);
});

test("waitFor with a computed timeout that went negative (deadline already past) leaves the queue's item and the lock alone", async () => {
  await run(function* () {
    const loop = getEventLoop();
    const deadline = loop.time() + 10;
    yield* sleep(0.05); // the deadline is now 40 ms in the past
    const q = new Queue<string>();
    q.putNowait("item");
    const e1 = yield* thrownBy(waitForMs(q.get(), deadline - loop.time()));
    assert.ok(e1 instanceof TimeoutError, `expected TimeoutError, got ${String(e1)}`);
    assert.equal(q.qsize(), 1);
    const lock = new Lock();
    const e2 = yield* thrownBy(waitFor(lock.acquire(), (deadline - loop.time()) / 1000));
    assert.ok(e2 instanceof TimeoutError, `expected TimeoutError, got ${String(e2)}`);
    assert.equal(lock.locked(), false);
    // Nobody else can be left holding it: a second acquire succeeds at once.
    const lease = yield* waitFor(lock.acquire(), 1);
    lease.release();
  }, virtual);
});

// SPEC §2: cleanup runs to completion unless the task is cancelled again. The work's
// own cleanup ends at 60 ms, while the task's finally is asleep: nothing may cancel it then.
test("a task cancelled inside waitFor runs its own waiting cleanup to the end: no second CancelledError when the work's cleanup ends", async () => {
  const log: string[] = [];
  await run(function* () {
    const loop = getEventLoop();
    function* work(): Coro<void> {
      try {
        yield* sleep(10);
      } finally {
        yield* sleep(0.06);
        log.push(`work cleaned up at ${loop.time()}`);
      }
    }
    const t = createTask(
      (function* () {
        try {
          yield* waitFor(work(), 5);
        } catch (e) {
          log.push(`task caught ${isCancelled(e) ? "CancelledError" : String(e)} at ${loop.time()}`);
          throw e;
        } finally {
          try {
            yield* sleep(0.2);
            log.push(`task cleanup done at ${loop.time()}`);
          } catch (e) {
            log.push(`task cleanup interrupted by ${isCancelled(e) ? "CancelledError" : String(e)} at ${loop.time()}`);
            throw e;
          }
        }
      })(),
    );
    yield* sleep(0.01);
    t.cancel();
    const e = yield* thrownBy(t);
    assert.ok(isCancelled(e), `expected the task to end cancelled, got ${String(e)}`);
  }, virtual);
  // Today's order (MicroPython's wait_for gives up at once): caught at 10, work cleaned up at 70,
  // task cleanup done at 210. Whenever the catch happens, the cleanup's 200 ms sleep must run out.
  const caught = log.find((l) => l.startsWith("task caught"));
  assert.ok(caught?.startsWith("task caught CancelledError at "), `log: ${log.join(" | ")}`);
  const at = Number(caught!.slice("task caught CancelledError at ".length));
  assert.deepEqual(
    log.filter((l) => !l.startsWith("task caught")),
    ["work cleaned up at 70", `task cleanup done at ${at + 200}`],
  );
});

test('waitFor with a timeout of 1e306 s is refused as too long, not as "must be finite"', () => {
  assert.throws(
    () => waitFor((function* () {})(), 1e306),
    (e: unknown) => {
      assert.ok(e instanceof RangeError, `expected a RangeError, got ${String(e)}`);
      assert.doesNotMatch(e.message, /must be finite|not finite/i, `a finite number called infinite: ${e.message}`);
      assert.match(e.message, /too (long|large|big)|at most|maximum|exceed/i);
      assert.match(e.message, /timeout/);
      return true;
    },
  );
});

test("a waitFor whose work finishes in time leaves the waiting task's signal alone (it was not cancelled)", async () => {
  await run(function* () {
    const me = createTask(
      (function* () {
        const v = yield* waitFor(
          (function* () {
            yield* sleep(0.01);
            return 7;
          })(),
          1,
        );
        return v;
      })(),
    );
    const signal = me.signal;
    assert.equal(yield* me, 7);
    assert.equal(signal.aborted, false);
    assert.equal(me.cancelled(), false);
  }, virtual);
});

test("waitFor gives the result when it comes in time", async () => {
  await run(function* () {
    const v = yield* waitFor(
      (function* () {
        yield* sleep(1);
        return "ok";
      })(),
      2,
    );
    assert.equal(v, "ok");
    assert.equal(getEventLoop().time(), 1000);
  }, virtual);
});

test("waitFor on timeout cancels the work, waits for its cleanup, then throws TimeoutError", async () => {
  const log: string[] = [];
  await run(function* () {
    const loop = getEventLoop();
    try {
      yield* waitFor(
        (function* () {
          try {
            yield* sleep(10);
          } finally {
            yield* sleep(0.5);
            log.push(`cleanup done at ${loop.time()}`);
          }
        })(),
        1,
      );
    } catch (e) {
      assert.ok(e instanceof TimeoutError);
      log.push(`TimeoutError at ${loop.time()}`);
    }
  }, virtual);
  assert.deepEqual(log, ["cleanup done at 1500", "TimeoutError at 1500"]);
});

test("waitFor still throws TimeoutError when the work swallows the cancellation and returns", async () => {
  await run(function* () {
    const work = function* () {
      try {
        yield* sleep(10);
      } catch (e) {
        if (!isCancelled(e)) throw e;
      }
      return "swallowed";
    };
    try {
      yield* waitFor(work(), 1);
      assert.fail("expected TimeoutError");
    } catch (e) {
      assert.ok(e instanceof TimeoutError, String(e));
    }
  }, virtual);
});

test("cancelling the task in waitFor cancels the work too", async () => {
  let workCancelled = false;
  await run(function* () {
    const waiter = createTask(
      waitFor(
        (function* () {
          try {
            yield* sleep(10);
          } catch (e) {
            workCancelled = isCancelled(e);
            throw e;
          }
        })(),
        5,
      ) as Coro<void>,
    );
    yield* sleep(1);
    waiter.cancel();
    try {
      yield* waiter;
    } catch (e) {
      assert.ok(isCancelled(e));
    }
  }, virtual);
  assert.equal(workCancelled, true);
});

test("waitFor(aw, null) waits forever and waitForMs takes milliseconds", async () => {
  await run(function* () {
    assert.equal(
      yield* waitFor(
        (function* () {
          yield* sleep(3600);
          return 1;
        })(),
        null,
      ),
      1,
    );
    try {
      yield* waitForMs(sleep(1), 10);
      assert.fail("expected TimeoutError");
    } catch (e) {
      assert.ok(e instanceof TimeoutError);
    }
    assert.equal(getEventLoop().time(), 3600_010);
  }, virtual);
});

test("waitFor accepts a task and re-throws the task's own error", async () => {
  await run(function* () {
    const t = createTask(
      (function* (): Coro<void> {
        yield* sleep(0.1);
        throw new RangeError("bad");
      })(),
    );
    try {
      yield* waitFor(t, 1);
      assert.fail("expected RangeError");
    } catch (e) {
      assert.ok(e instanceof RangeError);
    }
  }, virtual);
});

test("waitFor that timed out still ends cancelled when its task is cancelled while the work cleans up", async () => {
  // CPython 3.12: the cancellation reaches the work's cleanup too, and waitFor waits for it to end.
  const log: string[] = [];
  await run(function* () {
    function* work() {
      try {
        yield* sleep(10);
      } finally {
        try {
          yield* sleep(1);
          log.push("work cleaned up");
        } catch (e) {
          log.push("work cleanup interrupted");
          throw e;
        }
      }
    }
    const t = createTask(
      (function* () {
        try {
          yield* waitFor(work(), 1);
        } catch (e) {
          log.push(`waitFor threw ${(e as Error).name}`);
          throw e;
        }
      })(),
    );
    yield* sleep(1.5); // timed out at 1 s; the work's cleanup runs until 2 s
    t.cancel();
    try {
      yield* t;
    } catch {
      /* expected */
    }
    assert.equal(t.cancelled(), true);
    yield* sleep(1); // the work's cleanup goes on by itself
  }, virtual);
  assert.deepEqual(log, ["work cleanup interrupted", "waitFor threw CancelledError"]);
});

test("waitFor(aw, Infinity) waits forever, like null", async () => {
  await run(function* () {
    assert.equal(
      yield* waitFor(
        (function* () {
          yield* sleep(3600);
          return 1;
        })(),
        Infinity,
      ),
      1,
    );
    assert.equal(
      yield* waitForMs(
        (function* () {
          yield* sleep(1);
          return 2;
        })(),
        Infinity,
      ),
      2,
    );
  }, virtual);
});
