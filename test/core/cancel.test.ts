import { test } from "node:test";
import assert from "node:assert/strict";
import { run, createTask, currentTask, sleep, call, Event, Lock, CancelledError, isCancelled, type Coro } from "taskloop";

const virtual = { clock: "virtual" } as const;

test("cancelling a sleeping task throws CancelledError at its sleep, runs its finally, and ends it cancelled", async () => {
  const log: string[] = [];
  await run(function* () {
    const t = createTask(
      (function* () {
        try {
          yield* sleep(10);
          log.push("after sleep");
        } finally {
          log.push("finally");
        }
      })(),
    );
    yield* sleep(1);
    assert.equal(t.cancel(), true);
    try {
      yield* t;
    } catch (e) {
      log.push(`awaiter: ${(e as Error).name}`);
    }
    assert.equal(t.cancelled(), true);
    assert.throws(() => t.result(), CancelledError);
    assert.throws(() => t.exception(), CancelledError);
  }, virtual);
  assert.deepEqual(log, ["finally", "awaiter: CancelledError"]);
});

test("a task cancelled before it starts never runs its body and ends cancelled", async () => {
  let ran = false;
  await run(function* () {
    const t = createTask(
      (function* () {
        ran = true;
      })(),
    );
    t.cancel();
    yield* sleep(0.1);
    assert.equal(t.cancelled(), true);
  }, virtual);
  assert.equal(ran, false);
});

test("a task may cancel itself: CancelledError is raised at its next suspension point", async () => {
  const log: string[] = [];
  await run(function* () {
    const t = createTask(
      (function* () {
        log.push("cancel self");
        createTask((function* () {})()); // not a suspension
        // eslint-disable-next-line
        (yield* selfTask())!.cancel();
        log.push("still running until it yields");
        try {
          yield* sleep(1);
          log.push("not reached");
        } catch (e) {
          log.push(`caught ${(e as Error).name}`);
          throw e;
        }
      })(),
    );
    yield* sleep(2);
    assert.equal(t.cancelled(), true);
  }, virtual);
  assert.deepEqual(log, ["cancel self", "still running until it yields", "caught CancelledError"]);
});

function* selfTask() {
  return currentTask();
}

test("cancelling a task that waits on another task cancels the other one too", async () => {
  const log: string[] = [];
  await run(function* () {
    const inner = createTask(
      (function* () {
        try {
          yield* sleep(10);
        } finally {
          log.push("inner finally");
        }
      })(),
    );
    const outer = createTask(
      (function* () {
        try {
          yield* inner;
        } catch (e) {
          log.push(`outer sees ${(e as Error).name}`);
          throw e;
        }
      })(),
    );
    yield* sleep(1);
    outer.cancel();
    yield* sleep(1);
    assert.equal(inner.cancelled(), true);
    assert.equal(outer.cancelled(), true);
  }, virtual);
  assert.deepEqual(log, ["inner finally", "outer sees CancelledError"]);
});

test("if the awaited task swallows the passed-on cancellation and returns, the waiter carries on with its value", async () => {
  await run(function* () {
    const inner = createTask(
      (function* () {
        try {
          yield* sleep(10);
        } catch (e) {
          if (!isCancelled(e)) throw e;
        }
        return "survived";
      })(),
    );
    const outer = createTask(
      (function* () {
        return `outer got ${yield* inner}`;
      })(),
    );
    yield* sleep(1);
    assert.equal(outer.cancel(), true);
    assert.equal(yield* outer, "outer got survived");
    assert.equal(outer.cancelled(), false);
  }, virtual);
});

test("cancelling a task waiting on an Event removes it from the event's waiters", async () => {
  const log: string[] = [];
  await run(function* () {
    const ev = new Event();
    const w1 = createTask(
      (function* () {
        yield* ev.wait();
        log.push("w1");
      })(),
    );
    const w2 = createTask(
      (function* () {
        yield* ev.wait();
        log.push("w2");
      })(),
    );
    yield* sleep(0.1);
    w1.cancel();
    yield* sleep(0.1);
    ev.set();
    yield* sleep(0.1);
    assert.equal(w1.cancelled(), true);
    assert.equal(w2.done(), true);
  }, virtual);
  assert.deepEqual(log, ["w2"]);
});

test("a task cancelled while waiting for a lock never acquires it", async () => {
  const owners: string[] = [];
  await run(function* () {
    const lock = new Lock();
    function* user(name: string) {
      using _lease = yield* lock.acquire();
      owners.push(name);
      yield* sleep(1);
    }
    const a = createTask(user("a"));
    const b = createTask(user("b"));
    const c = createTask(user("c"));
    yield* sleep(0.5);
    b.cancel();
    yield* a;
    yield* c;
    assert.equal(b.cancelled(), true);
    assert.equal(lock.locked(), false);
  }, virtual);
  assert.deepEqual(owners, ["a", "c"]);
});

test("a waiter cancelled after the lock was handed to it but before it ran passes the lock on", async () => {
  const owners: string[] = [];
  await run(function* () {
    const lock = new Lock();
    const first = yield* lock.acquire();
    const b = createTask(
      (function* () {
        using _l = yield* lock.acquire();
        owners.push("b");
      })(),
    );
    const c = createTask(
      (function* () {
        using _l = yield* lock.acquire();
        owners.push("c");
      })(),
    );
    yield* sleep(0.1);
    first.release(); // hands the lock to b, which has not run yet
    b.cancel();
    yield* c;
    assert.equal(b.cancelled(), true);
    assert.equal(lock.locked(), false);
  }, virtual);
  assert.deepEqual(owners, ["c"]);
});

test("cancelling a task waiting on a host promise resumes it at once with CancelledError", async () => {
  await run(function* () {
    const never = new Promise<void>(() => {});
    const t = createTask(
      (function* () {
        yield never;
      })(),
    );
    yield* sleep(0);
    yield* sleep(0);
    t.cancel();
    try {
      yield* t;
    } catch (e) {
      assert.ok(isCancelled(e));
    }
    assert.equal(t.cancelled(), true);
  });
});

test("a task that catches CancelledError and carries on is not marked cancelled", async () => {
  await run(function* () {
    const t = createTask(
      (function* () {
        try {
          yield* sleep(10);
        } catch (e) {
          if (!isCancelled(e)) throw e;
        }
        yield* sleep(1);
        return "carried on";
      })(),
    );
    yield* sleep(1);
    t.cancel();
    assert.equal(yield* t, "carried on");
    assert.equal(t.cancelled(), false);
  }, virtual);
});

test("cancel() returns true while the task is unfinished, repeated calls do no harm, and false once it is done", async () => {
  let caught = 0;
  await run(function* () {
    const t = createTask(
      (function* () {
        try {
          yield* sleep(10);
        } catch (e) {
          caught++;
          throw e;
        }
      })(),
    );
    yield* sleep(1);
    assert.equal(t.cancel(), true);
    assert.equal(t.cancel(), true);
    assert.equal(t.cancel("again"), true);
    yield* sleep(1);
    assert.equal(t.cancel(), false);
  }, virtual);
  assert.equal(caught, 1);
});

test("cleanup may wait: the task is not finished until its finally block's sleep ends", async () => {
  const log: string[] = [];
  await run(function* () {
    const t = createTask(
      (function* () {
        try {
          yield* sleep(10);
        } finally {
          log.push("parking motor");
          yield* sleep(0.1);
          log.push("motor parked");
        }
      })(),
    );
    yield* sleep(1);
    t.cancel();
    yield* sleep(0.05);
    assert.equal(t.done(), false);
    try {
      yield* t;
    } catch {
      /* cancelled */
    }
    assert.equal(t.cancelled(), true);
  }, virtual);
  assert.deepEqual(log, ["parking motor", "motor parked"]);
});

test("code after a cancelled yield* never runs unless the task caught the CancelledError", async () => {
  const log: string[] = [];
  await run(function* () {
    function* step(): Coro<void> {
      yield* sleep(1);
      log.push("inner after sleep");
    }
    const t = createTask(
      (function* () {
        yield* step();
        log.push("outer after step");
      })(),
    );
    yield* sleep(0.5);
    t.cancel();
    yield* sleep(2);
  }, virtual);
  assert.deepEqual(log, []);
});

test("cancelling a task aborts its signal and the AbortSignal of a call() in progress", async () => {
  await run(function* () {
    let callSignal: AbortSignal | undefined;
    const t = createTask(
      (function* () {
        yield* call((signal) => {
          callSignal = signal;
          return new Promise<void>(() => {});
        });
      })(),
    );
    const signal = t.signal;
    yield* sleep(0);
    assert.equal(signal.aborted, false);
    t.cancel();
    assert.equal(signal.aborted, true);
    assert.equal(callSignal?.aborted, true);
    try {
      yield* t;
    } catch (e) {
      assert.ok(isCancelled(e));
    }
  });
});

test("awaiting a cancelled task throws CancelledError in the awaiter", async () => {
  await run(function* () {
    const t = createTask(
      (function* () {
        yield* sleep(5);
      })(),
    );
    yield* sleep(0);
    t.cancel("stop it");
    try {
      yield* t;
      assert.fail("expected CancelledError");
    } catch (e) {
      assert.ok(e instanceof CancelledError);
      assert.equal(e.message, "stop it");
    }
  }, virtual);
});

test("isCancelled tells a CancelledError from other errors", () => {
  assert.equal(isCancelled(new CancelledError()), true);
  assert.equal(isCancelled(new Error("x")), false);
  assert.equal(isCancelled(undefined), false);
});

test("the CancelledError a cancelled task sees is an Error named CancelledError that prints with its message", async () => {
  await run(function* () {
    const t = createTask(
      (function* () {
        yield* sleep(5);
      })(),
    );
    yield* sleep(0);
    t.cancel("stop it");
    const plain = createTask(
      (function* () {
        yield* sleep(5);
      })(),
    );
    yield* sleep(0);
    plain.cancel();
    for (const [task, text] of [
      [t, "CancelledError: stop it"],
      [plain, "CancelledError"],
    ] as const) {
      try {
        yield* task;
        assert.fail("expected CancelledError");
      } catch (e) {
        assert.ok(e instanceof Error && e instanceof CancelledError);
        assert.equal(e.name, "CancelledError");
        assert.equal(String(e), text);
      }
    }
  }, virtual);
});

test("a task's signal read for the first time after cancel() is already aborted", async () => {
  await run(function* () {
    const notStarted = createTask(
      (function* () {
        yield* sleep(1);
      })(),
    );
    notStarted.cancel();
    assert.equal(notStarted.signal.aborted, true);
    const swallows = createTask(
      (function* () {
        try {
          yield* sleep(1);
        } catch {
          /* carries on */
        }
        assert.equal(currentTask().signal.aborted, true);
      })(),
    );
    yield* sleep(0);
    swallows.cancel();
    yield* swallows;
    assert.equal(swallows.cancelled(), false);
    try {
      yield* notStarted;
    } catch (e) {
      assert.ok(isCancelled(e));
    }
  }, virtual);
});
