import { test } from "node:test";
import assert from "node:assert/strict";
import { run, createTask, sleep, gather, getEventLoop, Condition, Lock, RuntimeError, CancelledError, type Coro } from "taskloop";

const virtual = { clock: "virtual" } as const;

test("acquire, release and locked act on the underlying lock", async () => {
  await run(function* () {
    const lock = new Lock();
    const cond = new Condition(lock);
    assert.equal(cond.locked(), false);
    const lease = yield* cond.acquire();
    assert.equal(cond.locked(), true);
    assert.equal(lock.locked(), true);
    lease.release();
    assert.equal(lock.locked(), false);
    yield* cond.acquire();
    cond.release();
    assert.equal(cond.locked(), false);
    assert.throws(() => cond.release(), RuntimeError);
  }, virtual);
});

// CPython 3.12 prints the same lines for the equivalent program.
test("notify wakes the longest waiter, which returns from wait() only once it holds the lock again", async () => {
  const log: string[] = [];
  await run(function* () {
    const cond = new Condition();
    function* waiter(n: string): Coro<void> {
      {
        using lease = yield* cond.acquire();
        void lease;
        log.push(`${n} waiting`);
        const r = yield* cond.wait();
        log.push(`${n} woken ${r} locked ${cond.locked()}`);
      }
      log.push(`${n} released`);
    }
    const ws = ["a", "b", "c"].map((n) => createTask(waiter(n)));
    yield* sleep(0.01);
    {
      using lease = yield* cond.acquire();
      void lease;
      log.push("notify 1");
      cond.notify();
      yield* sleep(0.01);
      log.push("still holding");
    }
    yield* sleep(0.01);
    {
      using lease = yield* cond.acquire();
      void lease;
      log.push("notify_all");
      cond.notifyAll();
    }
    yield* gather(...ws);
  }, virtual);
  assert.deepEqual(log, [
    "a waiting",
    "b waiting",
    "c waiting",
    "notify 1",
    "still holding",
    "a woken true locked true",
    "a released",
    "notify_all",
    "b woken true locked true",
    "b released",
    "c woken true locked true",
    "c released",
  ]);
});

test("notify(n) wakes at most n waiters, oldest first", async () => {
  const log: string[] = [];
  await run(function* () {
    const cond = new Condition();
    const ws = ["a", "b", "c"].map((n) =>
      createTask(
        (function* () {
          using lease = yield* cond.acquire();
          void lease;
          yield* cond.wait();
          log.push(n);
        })(),
      ),
    );
    yield* sleep(1);
    yield* cond.acquire();
    cond.notify(2);
    cond.release();
    yield* sleep(1);
    assert.deepEqual(log, ["a", "b"]);
    yield* cond.acquire();
    cond.notify(5);
    cond.release();
    yield* gather(...ws);
  }, virtual);
  assert.deepEqual(log, ["a", "b", "c"]);
});

test("notify with nobody waiting does nothing", async () => {
  await run(function* () {
    const cond = new Condition();
    yield* cond.acquire();
    cond.notify();
    cond.notifyAll();
    cond.release();
  }, virtual);
});

// CPython 3.12: produced 0 / x predicate True took 0 / produced 1 / y predicate True took 1
test("waitFor(predicate) waits until the predicate holds and gives its value", async () => {
  const log: string[] = [];
  await run(function* () {
    const cond = new Condition();
    const items: number[] = [];
    function* consumer(n: string): Coro<void> {
      using lease = yield* cond.acquire();
      void lease;
      const v = yield* cond.waitFor(() => items.length > 0);
      log.push(`${n} predicate ${v} took ${items.shift()}`);
    }
    const cs = ["x", "y"].map((n) => createTask(consumer(n)));
    yield* sleep(0.01);
    for (let i = 0; i < 2; i++) {
      {
        using lease = yield* cond.acquire();
        void lease;
        items.push(i);
        log.push(`produced ${i}`);
        cond.notifyAll();
      }
      yield* sleep(0.01);
    }
    yield* gather(...cs);
  }, virtual);
  assert.deepEqual(log, ["produced 0", "x predicate true took 0", "produced 1", "y predicate true took 1"]);
});

test("waitFor returns at once, without releasing the lock, when the predicate already holds", async () => {
  await run(function* () {
    const cond = new Condition();
    yield* cond.acquire();
    assert.equal(yield* cond.waitFor(() => 42), 42);
    assert.equal(cond.locked(), true);
    assert.equal(getEventLoop().time(), 0);
  }, virtual);
});

// CPython 3.12: main holds lock; waiter done? False / waiter cancelled, locked True / waiter done? True cancelled True locked False
test("a wait() cancelled re-acquires the lock before CancelledError is thrown", async () => {
  const log: string[] = [];
  await run(function* () {
    const cond = new Condition();
    const w = createTask(
      (function* () {
        using lease = yield* cond.acquire();
        void lease;
        try {
          yield* cond.wait();
        } catch (e) {
          log.push(`waiter cancelled, locked ${cond.locked()}`);
          throw e;
        }
      })(),
    );
    yield* sleep(0.01);
    yield* cond.acquire();
    w.cancel();
    yield* sleep(0.01);
    log.push(`main holds lock; waiter done? ${w.done()}`);
    cond.release();
    yield* sleep(0.01);
    log.push(`waiter done? ${w.done()} cancelled ${w.cancelled()} locked ${cond.locked()}`);
  }, virtual);
  assert.deepEqual(log, ["main holds lock; waiter done? false", "waiter cancelled, locked true", "waiter done? true cancelled true locked false"]);
});

test("a wait() cancelled again while re-acquiring the lock still ends holding it, then throws CancelledError", async () => {
  await run(function* () {
    const cond = new Condition();
    let lockedInCatch = false;
    const w = createTask(
      (function* () {
        yield* cond.acquire();
        try {
          yield* cond.wait();
        } catch (e) {
          lockedInCatch = cond.locked();
          cond.release();
          throw e;
        }
      })(),
    );
    yield* sleep(1);
    yield* cond.acquire();
    w.cancel();
    yield* sleep(1);
    w.cancel(); // now waiting for the lock
    yield* sleep(1);
    assert.equal(w.done(), false);
    cond.release();
    let caught: unknown;
    try {
      yield* w;
    } catch (e) {
      caught = e;
    }
    assert.ok(caught instanceof CancelledError);
    assert.equal(w.cancelled(), true);
    assert.equal(lockedInCatch, true);
    assert.equal(cond.locked(), false);
  }, virtual);
});

test("a waiter cancelled while waiting is removed: notify() goes to the next one", async () => {
  const log: string[] = [];
  await run(function* () {
    const cond = new Condition();
    const ws = ["a", "b"].map((n) =>
      createTask(
        (function* () {
          using lease = yield* cond.acquire();
          void lease;
          yield* cond.wait();
          log.push(`${n} woken`);
        })(),
      ),
    );
    yield* sleep(1);
    ws[0]!.cancel();
    yield* sleep(1);
    yield* cond.acquire();
    cond.notify();
    cond.release();
    yield* ws[1]!;
    assert.equal(ws[0]!.cancelled(), true);
  }, virtual);
  assert.deepEqual(log, ["b woken"]);
});

test("a waiter notified but cancelled before it ran passes the notification on, so no wake-up is lost", async () => {
  const log: string[] = [];
  await run(function* () {
    const cond = new Condition();
    const ws = ["a", "b"].map((n) =>
      createTask(
        (function* () {
          using lease = yield* cond.acquire();
          void lease;
          try {
            yield* cond.wait();
            log.push(`${n} woken`);
          } catch (e) {
            log.push(`${n} cancelled`);
            throw e;
          }
        })(),
      ),
    );
    yield* sleep(1);
    yield* cond.acquire();
    cond.notify();
    ws[0]!.cancel();
    cond.release();
    yield* sleep(1);
  }, virtual);
  assert.deepEqual(log, ["a cancelled", "b woken"]);
});

// CPython 3.12: "cannot wait on un-acquired lock" / "cannot notify on un-acquired lock"
test("wait() and notify() without holding the lock throw RuntimeError", async () => {
  await run(function* () {
    const cond = new Condition();
    let caught: unknown;
    try {
      yield* cond.wait();
    } catch (e) {
      caught = e;
    }
    assert.ok(caught instanceof RuntimeError && /lock is not held/.test(caught.message));
    assert.throws(() => cond.notify(), RuntimeError);
    assert.throws(() => cond.notifyAll(), RuntimeError);
  }, virtual);
});

test("misuse throws TypeError or RangeError naming the argument", async () => {
  assert.throws(
    () => new Condition({} as unknown as Lock),
    (e: unknown) => e instanceof TypeError && /Condition\(lock\)/.test(e.message),
  );
  const cond = new Condition();
  assert.throws(
    () => cond.waitFor(true as unknown as () => boolean),
    (e: unknown) => e instanceof TypeError && /predicate/.test(e.message),
  );
  await run(function* () {
    yield* cond.acquire();
    assert.throws(
      () => cond.notify(-1),
      (e: unknown) => e instanceof RangeError && /notify\(n\)/.test(e.message),
    );
    assert.throws(() => cond.notify("1" as unknown as number), TypeError);
    assert.throws(() => cond.notify(1.5), RangeError);
  }, virtual);
});

test("two conditions may share one lock", async () => {
  await run(function* () {
    const lock = new Lock();
    const notEmpty = new Condition(lock);
    const notFull = new Condition(lock);
    yield* notEmpty.acquire();
    assert.equal(notFull.locked(), true);
    notFull.release();
    assert.equal(notEmpty.locked(), false);
  }, virtual);
});

test('a task in wait() is shown as waiting on "Condition" in loop.tasks()', async () => {
  await run(function* () {
    const cond = new Condition();
    const t = createTask(
      (function* () {
        yield* cond.acquire();
        yield* cond.wait();
      })(),
      { name: "cond-waiter" },
    );
    yield* sleep(0);
    const info = getEventLoop()
      .tasks()
      .find((i) => i.id === t.id)!;
    assert.deepEqual([info.name, info.state, info.waitingOn, info.steps], ["cond-waiter", "waiting", "Condition", 1]);
    t.cancel();
  }, virtual);
});
