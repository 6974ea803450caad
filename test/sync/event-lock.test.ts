import { test } from "node:test";
import assert from "node:assert/strict";
import { run, createTask, sleep, Event, ThreadSafeFlag, Lock, RuntimeError, getEventLoop } from "taskloop";

const virtual = { clock: "virtual" } as const;

test("Event.wait returns true at once when set, and waits until set otherwise", async () => {
  await run(function* () {
    const ev = new Event();
    assert.equal(ev.isSet(), false);
    createTask(
      (function* () {
        yield* sleep(2);
        ev.set();
      })(),
    );
    assert.equal(yield* ev.wait(), true);
    assert.equal(getEventLoop().time(), 2000);
    assert.equal(ev.isSet(), true);
    assert.equal(yield* ev.wait(), true);
    ev.clear();
    assert.equal(ev.isSet(), false);
  }, virtual);
});

test("Event.set wakes every waiter in the order they started waiting", async () => {
  const log: string[] = [];
  await run(function* () {
    const ev = new Event();
    const ws = ["a", "b", "c"].map((n) =>
      createTask(
        (function* () {
          yield* ev.wait();
          log.push(n);
        })(),
      ),
    );
    yield* sleep(1);
    ev.set();
    for (const w of ws) yield* w;
  }, virtual);
  assert.deepEqual(log, ["a", "b", "c"]);
});

test("a waiter woken by Event.set returns true even if the event was cleared before it ran", async () => {
  await run(function* () {
    const ev = new Event();
    const w = createTask(
      (function* () {
        return yield* ev.wait();
      })(),
    );
    yield* sleep(1);
    ev.set();
    ev.clear();
    assert.equal(yield* w, true);
  }, virtual);
});

test("ThreadSafeFlag.wait returns at once if the flag was set before, and clears it", async () => {
  await run(function* () {
    const flag = new ThreadSafeFlag();
    flag.set();
    flag.set();
    yield* flag.wait();
    const t = createTask(
      (function* () {
        yield* flag.wait();
        return getEventLoop().time();
      })(),
    );
    yield* sleep(1);
    assert.equal(t.done(), false);
    flag.set();
    assert.equal(yield* t, 1000);
  }, virtual);
});

test("ThreadSafeFlag.clear drops a set that nobody waited for", async () => {
  await run(function* () {
    const flag = new ThreadSafeFlag();
    flag.set();
    flag.clear();
    const t = createTask(
      (function* () {
        yield* flag.wait();
      })(),
    );
    yield* sleep(1);
    assert.equal(t.done(), false);
    t.cancel();
  }, virtual);
});

test("a second ThreadSafeFlag waiter gets a RuntimeError: one waiter at a time", async () => {
  await run(function* () {
    const flag = new ThreadSafeFlag();
    createTask(
      (function* () {
        yield* flag.wait();
      })(),
    );
    const second = createTask(
      (function* () {
        yield* flag.wait();
      })(),
    );
    yield* sleep(0.1);
    assert.ok(second.exception() instanceof RuntimeError);
    flag.set();
    yield* sleep(0.1);
  }, virtual);
});

test("Lock is acquired at once when free, and locked() tells whether it is held", async () => {
  await run(function* () {
    const lock = new Lock();
    assert.equal(lock.locked(), false);
    const lease = yield* lock.acquire();
    assert.equal(lock.locked(), true);
    lease.release();
    assert.equal(lock.locked(), false);
    lease.release(); // a second release of the same lease does nothing
    assert.equal(lock.locked(), false);
  }, virtual);
});

test("Lock is handed to waiters in FIFO order", async () => {
  const order: string[] = [];
  await run(function* () {
    const lock = new Lock();
    function* user(name: string) {
      for (let i = 0; i < 2; i++) {
        using _l = yield* lock.acquire();
        order.push(name);
        yield* sleep(0.1);
      }
    }
    const ts = ["a", "b", "c"].map((n) => createTask(user(n)));
    for (const t of ts) yield* t;
  }, virtual);
  assert.deepEqual(order, ["a", "b", "c", "a", "b", "c"]);
});

test("`using lease = yield* lock.acquire()` releases the lock at block end, also on error", async () => {
  await run(function* () {
    const lock = new Lock();
    {
      using _lease = yield* lock.acquire();
      assert.equal(lock.locked(), true);
    }
    assert.equal(lock.locked(), false);
    try {
      using _lease = yield* lock.acquire();
      throw new Error("inside");
    } catch {
      assert.equal(lock.locked(), false);
    }
  }, virtual);
});

test("Lock.release of an unlocked lock throws RuntimeError", () => {
  assert.throws(
    () => new Lock().release(),
    (e: unknown) => e instanceof RuntimeError && /not locked/.test(e.message),
  );
});

test("a ThreadSafeFlag waiter cancelled in the same step that set the flag resumes once, with CancelledError", async () => {
  await run(function* () {
    const flag = new ThreadSafeFlag();
    let resumes = 0;
    const w = createTask(
      (function* () {
        try {
          yield* flag.wait();
        } finally {
          resumes++;
        }
      })(),
    );
    yield* sleep(0);
    flag.set();
    w.cancel();
    yield* sleep(0.1);
    assert.equal(w.cancelled(), true);
    assert.equal(resumes, 1);
    const next = createTask(
      (function* () {
        yield* flag.wait();
        return "flag still usable";
      })(),
    );
    yield* sleep(0);
    flag.set();
    assert.equal(yield* next, "flag still usable");
  }, virtual);
});
