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
    const t = createTask(function* () {
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
    }());
    yield* sleep(0.01);
    t.cancel();
    const e = yield* thrownBy(t);
    assert.ok(isCancelled(e), `expected the task to end cancelled, got ${String(e)}`);
  }, virtual);
  // Today's order (MicroPython's wait_for gives up at once): caught at 10, work cleaned up at 70,
  // task cleanup done at 210. Whenever the catch happens, the cleanup's 200 ms sleep must run out.
  const caught = log.find((l) => l.startsWith("task caught"));
  assert.ok(caught !== undefined && caught.startsWith("task caught CancelledError at "), `log: ${log.join(" | ")}`);
  const at = Number(caught.slice("task caught CancelledError at ".length));
  assert.deepEqual(log.filter((l) => !l.startsWith("task caught")), [
    "work cleaned up at 70",
    `task cleanup done at ${at + 200}`,
  ]);
});

test("waitFor with a timeout of 1e306 s is refused as too long, not as \"must be finite\"", () => {
  assert.throws(() => waitFor(function* () {}(), 1e306), (e: unknown) => {
    assert.ok(e instanceof RangeError, `expected a RangeError, got ${String(e)}`);
    assert.doesNotMatch(e.message, /must be finite|not finite/i, `a finite number called infinite: ${e.message}`);
    assert.match(e.message, /too (long|large|big)|at most|maximum|exceed/i);
    assert.match(e.message, /timeout/);
    return true;
  });
});

test("a waitFor whose work finishes in time leaves the waiting task's signal alone (it was not cancelled)", async () => {
  await run(function* () {
    const me = createTask(function* () {
      const v = yield* waitFor(function* () { yield* sleep(0.01); return 7; }(), 1);
      return v;
    }());
    const signal = me.signal;
    assert.equal(yield* me, 7);
    assert.equal(signal.aborted, false);
    assert.equal(me.cancelled(), false);
  }, virtual);
});
