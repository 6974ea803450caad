import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { run, createTask, sleep, gather, getEventLoop, Event, Semaphore, BoundedSemaphore, RuntimeError, CancelledError, type Coro } from "taskloop";

const virtual = { clock: "virtual" } as const;

test("acquire takes a free unit at once and release gives it back", async () => {
  await run(function* () {
    const sem = new Semaphore(2);
    assert.equal(sem.locked(), false);
    yield* sem.acquire();
    assert.equal(sem.locked(), false);
    yield* sem.acquire();
    assert.equal(sem.locked(), true);
    sem.release();
    assert.equal(sem.locked(), false);
    assert.equal(getEventLoop().time(), 0);
  }, virtual);
});

test("the default value is 1", async () => {
  await run(function* () {
    const sem = new Semaphore();
    yield* sem.acquire();
    assert.equal(sem.locked(), true);
  }, virtual);
});

test("a lease released by `using` gives the unit back at block end, and a second release does nothing", async () => {
  await run(function* () {
    const sem = new Semaphore(1);
    {
      using lease = yield* sem.acquire();
      assert.equal(sem.locked(), true);
      void lease;
    }
    assert.equal(sem.locked(), false);
    const lease = yield* sem.acquire();
    lease.release();
    lease.release();
    assert.equal(sem.locked(), false);
    yield* sem.acquire();
    assert.equal(sem.locked(), true); // the value went back to 1, not 2
  }, virtual);
});

// CPython 3.12 prints the same lines for the equivalent program (gather of 5 workers, Semaphore(2)).
test("waiters acquire in FIFO order and never more than the value hold it at once", async () => {
  const log: string[] = [];
  await run(function* () {
    const sem = new Semaphore(2);
    function* worker(i: number): Coro<void> {
      log.push(`start ${i}`);
      using lease = yield* sem.acquire();
      log.push(`acquired ${i}`);
      yield* sleep(0.1);
      log.push(`release ${i}`);
      void lease;
    }
    yield* gather(worker(0), worker(1), worker(2), worker(3), worker(4));
  }, virtual);
  assert.deepEqual(log, [
    "start 0",
    "acquired 0",
    "start 1",
    "acquired 1",
    "start 2",
    "start 3",
    "start 4",
    "release 0",
    "release 1",
    "acquired 2",
    "acquired 3",
    "release 2",
    "release 3",
    "acquired 4",
    "release 4",
  ]);
});

// CPython 3.12: cancelled B / locked before release True / acquired C / locked at end False
test("a task cancelled while waiting leaves the queue and never acquires", async () => {
  const log: string[] = [];
  await run(function* () {
    const sem = new Semaphore(1);
    yield* sem.acquire();
    function* w(n: string): Coro<void> {
      try {
        yield* sem.acquire();
        log.push(`acquired ${n}`);
        sem.release();
      } catch (e) {
        log.push(`cancelled ${n}`);
        throw e;
      }
    }
    const b = createTask(w("B"));
    createTask(w("C"));
    yield* sleep(0.01);
    b.cancel();
    yield* sleep(0.01);
    log.push(`locked before release ${sem.locked()}`);
    sem.release();
    yield* sleep(0.01);
    log.push(`locked at end ${sem.locked()}`);
    assert.equal(b.cancelled(), true);
  }, virtual);
  assert.deepEqual(log, ["cancelled B", "locked before release true", "acquired C", "locked at end false"]);
});

// CPython 3.12: after release locked True / cancelled B / acquired C / released C / locked at end False 1
test("a waiter cancelled after release() handed it a unit, before it ran, passes the unit on", async () => {
  const log: string[] = [];
  await run(function* () {
    const sem = new Semaphore(1);
    yield* sem.acquire();
    function* w(n: string): Coro<void> {
      try {
        yield* sem.acquire();
        log.push(`acquired ${n}`);
        yield* sleep(0.01);
        sem.release();
        log.push(`released ${n}`);
      } catch (e) {
        log.push(`cancelled ${n}`);
        throw e;
      }
    }
    const b = createTask(w("B"));
    createTask(w("C"));
    yield* sleep(0.01);
    sem.release();
    log.push(`after release locked ${sem.locked()}`);
    b.cancel();
    yield* sleep(0.05);
    log.push(`locked at end ${sem.locked()}`);
  }, virtual);
  assert.deepEqual(log, ["after release locked true", "cancelled B", "acquired C", "released C", "locked at end false"]);
});

// CPython 3.12: locked after handing to B True / acquired B / released B / acquired D / released D / end locked False
test("a unit handed to a woken waiter cannot be taken by a newcomer before the waiter runs", async () => {
  const log: string[] = [];
  await run(function* () {
    const sem = new Semaphore(1);
    yield* sem.acquire();
    function* w(n: string): Coro<void> {
      yield* sem.acquire();
      log.push(`acquired ${n}`);
      yield* sleep(0);
      sem.release();
      log.push(`released ${n}`);
    }
    createTask(w("B"));
    yield* sleep(0);
    sem.release();
    log.push(`locked after handing to B ${sem.locked()}`);
    createTask(w("D"));
    yield* sleep(0.05);
    log.push(`end locked ${sem.locked()}`);
  }, virtual);
  assert.deepEqual(log, ["locked after handing to B true", "acquired B", "released B", "acquired D", "released D", "end locked false"]);
});

test("release() on a plain Semaphore may raise the value above its initial value", async () => {
  await run(function* () {
    const sem = new Semaphore(0);
    assert.equal(sem.locked(), true);
    sem.release();
    sem.release();
    yield* sem.acquire();
    yield* sem.acquire();
    assert.equal(sem.locked(), true);
  }, virtual);
});

test("BoundedSemaphore.release() throws RuntimeError when released more often than acquired", async () => {
  await run(function* () {
    const sem = new BoundedSemaphore(2);
    const lease = yield* sem.acquire();
    lease.release();
    assert.throws(
      () => sem.release(),
      (e: unknown) => e instanceof RuntimeError && /released too many times/.test(e.message),
    );
    assert.equal(sem.locked(), false);
  }, virtual);
});

test("BoundedSemaphore hands units to waiters like Semaphore", async () => {
  const log: string[] = [];
  await run(function* () {
    const sem = new BoundedSemaphore(1);
    yield* sem.acquire();
    const t = createTask(
      (function* () {
        yield* sem.acquire();
        log.push("got it");
        sem.release();
      })(),
    );
    yield* sleep(1);
    sem.release();
    yield* t;
    assert.throws(() => sem.release(), RuntimeError);
  }, virtual);
  assert.deepEqual(log, ["got it"]);
});

test("new Semaphore with a negative, fractional or non-number value throws a RangeError or TypeError naming value", () => {
  assert.throws(
    () => new Semaphore(-1),
    (e: unknown) => e instanceof RangeError && /Semaphore\(value\): value/.test(e.message),
  );
  assert.throws(() => new Semaphore(1.5), RangeError);
  assert.throws(
    () => new BoundedSemaphore(-2),
    (e: unknown) => e instanceof RangeError && /BoundedSemaphore\(value\)/.test(e.message),
  );
  assert.throws(
    () => new Semaphore("2" as unknown as number),
    (e: unknown) => e instanceof TypeError && /value must be an integer/.test(e.message),
  );
  assert.throws(() => new Semaphore(NaN), RangeError);
});

test('a task waiting on a Semaphore is shown as waiting on "Semaphore" in loop.tasks()', async () => {
  await run(function* () {
    const sem = new Semaphore(0);
    const t = createTask(
      (function* () {
        yield* sem.acquire();
      })(),
      { name: "needs-unit" },
    );
    yield* sleep(0);
    const info = getEventLoop()
      .tasks()
      .find((i) => i.id === t.id)!;
    assert.equal(info.state, "waiting");
    assert.equal(info.waitingOn, "Semaphore");
    assert.equal(info.steps, 1);
    const bounded = new BoundedSemaphore(1);
    yield* bounded.acquire();
    const u = createTask(
      (function* () {
        yield* bounded.acquire();
      })(),
    );
    yield* sleep(0);
    assert.equal(
      getEventLoop()
        .tasks()
        .find((i) => i.id === u.id)!.waitingOn,
      "BoundedSemaphore",
    );
    t.cancel();
    u.cancel();
  }, virtual);
});

test("cancelling a holder's cleanup path releases through `using`, and the next waiter acquires", async () => {
  const log: string[] = [];
  await run(function* () {
    const sem = new Semaphore(1);
    const holder = createTask(
      (function* () {
        using lease = yield* sem.acquire();
        void lease;
        yield* sleep(10);
      })(),
    );
    const waiter = createTask(
      (function* () {
        yield* sem.acquire();
        log.push("waiter acquired");
      })(),
    );
    yield* sleep(1);
    holder.cancel();
    yield* waiter;
    assert.equal(holder.cancelled(), true);
  }, virtual);
  assert.deepEqual(log, ["waiter acquired"]);
});

test("property: under random work and cancellations, never more holders than the value, and every unit comes back", async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.integer({ min: 1, max: 4 }),
      fc.array(fc.record({ start: fc.nat(20), hold: fc.nat(5), cancelAt: fc.option(fc.nat(40), { nil: undefined }) }), { minLength: 1, maxLength: 12 }),
      async (value, workers) => {
        let holders = 0;
        let maxHolders = 0;
        let acquired = 0;
        await run(function* () {
          const sem = new Semaphore(value);
          const tasks = workers.map((w) =>
            createTask(
              (function* () {
                yield* sleep(w.start / 10);
                using lease = yield* sem.acquire();
                void lease;
                holders++;
                acquired++;
                maxHolders = Math.max(maxHolders, holders);
                try {
                  yield* sleep(w.hold / 10);
                } finally {
                  holders--;
                }
              })(),
            ),
          );
          workers.forEach((w, i) => {
            if (w.cancelAt !== undefined) {
              createTask(
                (function* () {
                  yield* sleep(w.cancelAt! / 10);
                  tasks[i]!.cancel();
                })(),
              );
            }
          });
          for (const t of tasks) {
            try {
              yield* t;
            } catch (e) {
              if (!(e instanceof CancelledError)) throw e;
            }
          }
          assert.equal(holders, 0);
          assert.equal(sem.locked(), false);
          // Every unit is back: `value` acquisitions succeed at once.
          for (let i = 0; i < value; i++) yield* sem.acquire();
          assert.equal(sem.locked(), true);
        }, virtual);
        assert.ok(maxHolders <= value, `${maxHolders} holders with value ${value}`);
        assert.ok(acquired <= workers.length);
      },
    ),
    { numRuns: 150 },
  );
});

test("the deadlock report for a task waiting on a Semaphore names the task holding it", { timeout: 5000 }, async () => {
  let message = "run() did not report a deadlock";
  try {
    await run(function* () {
      const sem = new Semaphore(1);
      const never = new Event();
      createTask(
        (function* () {
          yield* sem.acquire();
          yield* never.wait();
        })(),
        { name: "sem-holder" },
      );
      yield* sleep(0.01);
      yield* sem.acquire();
    }, virtual);
  } catch (e) {
    assert.ok(e instanceof RuntimeError, `expected a RuntimeError, got ${String(e)}`);
    message = e.message;
  }
  assert.match(message, /deadlock/);
  assert.match(message, /held by[^\n]*sem-holder/);
});
