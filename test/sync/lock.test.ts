import { test } from "node:test";
import assert from "node:assert/strict";
import { run, createTask, sleep, newEventLoop, Event, Lock, RuntimeError, type Coro } from "taskloop";

const virtual = { clock: "virtual" } as const;

// CPython 3.12: RuntimeError: <asyncio.locks.Lock ...> is bound to a different event loop
test("a Lock acquired contended by a task of one loop refuses a contended acquire() from a task of another loop with a RuntimeError naming the different event loop", {
  timeout: 5000,
}, async () => {
  const lock = new Lock();
  const first = newEventLoop(virtual);
  first.createTask(
    (function* () {
      yield* lock.acquire();
      yield* sleep(3600);
    })(),
    { name: "holder" },
  );
  first.createTask(
    (function* () {
      yield* lock.acquire();
    })(),
    { name: "contender" },
  );
  await first.runUntilComplete(
    (function* () {
      yield;
      yield;
    })(),
  ); // holder holds, contender waits
  assert.equal(lock.locked(), true);
  const second = newEventLoop(virtual);
  let got: unknown;
  try {
    got = await second.runUntilComplete(
      (function* () {
        try {
          return { returned: yield* lock.acquire() };
        } catch (e) {
          return e;
        }
      })(),
    );
  } catch (e) {
    got = { runRejected: e };
  }
  assert.ok(got instanceof RuntimeError, `expected a RuntimeError thrown by acquire(), got ${String((got as { runRejected?: unknown }).runRejected ?? got)}`);
  assert.match(got.message, /different event loop/);
});

/** What run() rejected with (its message), or a note that it did not reject. */
async function deadlockReport(main: () => Coro<void>): Promise<string> {
  try {
    await run(main, virtual);
  } catch (e) {
    assert.ok(e instanceof RuntimeError, `expected a RuntimeError, got ${String(e)}`);
    return e.message;
  }
  assert.fail("run() did not report a deadlock");
}

test("the deadlock report for a task waiting on a Lock names the task holding it", { timeout: 5000 }, async () => {
  const message = await deadlockReport(function* () {
    const lock = new Lock();
    const never = new Event();
    createTask(
      (function* () {
        yield* lock.acquire();
        yield* never.wait();
      })(),
      { name: "lock-holder" },
    );
    yield* sleep(0.01);
    yield* lock.acquire();
  });
  assert.match(message, /deadlock/);
  assert.match(message, /held by/);
  assert.match(message, /held by[^\n]*lock-holder/);
});

test("the deadlock report names the holder of a Lock even when the holder finished without releasing it, and says it finished", { timeout: 5000 }, async () => {
  const message = await deadlockReport(function* () {
    const lock = new Lock();
    const t = createTask(
      (function* () {
        yield* lock.acquire(); // and never released
      })(),
      { name: "forgetful" },
    );
    yield* t;
    yield* lock.acquire();
  });
  assert.match(message, /deadlock/);
  assert.match(message, /held by[^\n]*forgetful/);
  assert.match(message, /finished/);
});
