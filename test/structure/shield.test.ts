import { test } from "node:test";
import assert from "node:assert/strict";
import { run, createTask, sleep, gather, getEventLoop, shield, CancelledError, type Coro } from "taskloop";

const virtual = { clock: "virtual" } as const;

function* work(log: string[], n: string, seconds: number): Coro<string> {
  try {
    yield* sleep(seconds);
  } catch (e) {
    log.push(`${n} inner cancelled`);
    throw e;
  }
  log.push(`${n} inner done`);
  return n;
}

// CPython 3.12: waiter cancelled, inner done? False / t cancelled True / w inner done / result w
test("cancelling the waiter does not cancel the shielded task: the waiter gets CancelledError at once", async () => {
  const log: string[] = [];
  await run(function* () {
    const inner = createTask(work(log, "w", 0.05));
    const t = createTask(
      (function* () {
        try {
          const r = yield* shield(inner);
          log.push(`waiter got ${r}`);
        } catch (e) {
          log.push(`waiter cancelled, inner done? ${inner.done()}`);
          throw e;
        }
      })(),
    );
    yield* sleep(0.01);
    t.cancel();
    yield* sleep(0);
    log.push(`t cancelled ${t.cancelled()}`);
    log.push(`result ${yield* inner}`);
  }, virtual);
  assert.deepEqual(log, ["waiter cancelled, inner done? false", "t cancelled true", "w inner done", "result w"]);
});

// CPython 3.12: w inner cancelled / waiter sees CancelledError / t cancelled True
test("if the shielded task itself is cancelled, the waiter gets CancelledError", async () => {
  const log: string[] = [];
  await run(function* () {
    const inner = createTask(work(log, "w", 0.05));
    const t = createTask(
      (function* () {
        try {
          yield* shield(inner);
        } catch (e) {
          if (e instanceof CancelledError) log.push("waiter sees CancelledError");
          throw e;
        }
      })(),
    );
    yield* sleep(0.01);
    inner.cancel();
    yield* gather(t, { returnExceptions: true });
    log.push(`t cancelled ${t.cancelled()}`);
  }, virtual);
  assert.deepEqual(log, ["w inner cancelled", "waiter sees CancelledError", "t cancelled true"]);
});

// CPython 3.12: x inner done / waiter got x
test("shield of a coroutine runs it as a task and gives its result", async () => {
  const log: string[] = [];
  await run(function* () {
    const r = yield* shield(work(log, "x", 0.01));
    log.push(`waiter got ${r}`);
  }, virtual);
  assert.deepEqual(log, ["x inner done", "waiter got x"]);
});

// CPython 3.12: waiter got error KeyError('boom')
test("the shielded task's error is thrown in the waiter", async () => {
  await run(function* () {
    const boom = new RangeError("boom");
    try {
      yield* shield(
        (function* () {
          yield* sleep(0.01);
          throw boom;
        })(),
      );
      assert.fail("no error");
    } catch (e) {
      assert.equal(e, boom);
    }
  }, virtual);
});

test("shield of a task that already finished gives its result without suspending", async () => {
  await run(function* () {
    const t = createTask(
      (function* () {
        return 7;
      })(),
    );
    yield* sleep(0);
    const other = createTask((function* () {})());
    assert.equal(yield* shield(t), 7);
    assert.equal(other.done(), false);
  }, virtual);
});

test("several tasks may wait on the same shielded task; cancelling one leaves the others waiting", async () => {
  await run(function* () {
    const inner = createTask(
      (function* () {
        yield* sleep(1);
        return "ok";
      })(),
    );
    const shielded = shield(inner);
    const a = createTask(
      (function* () {
        return yield* shielded;
      })(),
    );
    const b = createTask(
      (function* () {
        return yield* shielded;
      })(),
    );
    yield* sleep(0.5);
    a.cancel();
    assert.equal(yield* b, "ok");
    assert.equal(a.cancelled(), true);
    assert.equal(inner.cancelled(), false);
  }, virtual);
});

test("a shielded task that fails after its waiter was cancelled is reported as unretrieved", async () => {
  const reports: string[] = [];
  await run(function* () {
    getEventLoop().setExceptionHandler((_loop, ctx) => reports.push(ctx.message));
    const t = createTask(
      (function* () {
        yield* shield(
          (function* () {
            yield* sleep(1);
            throw new Error("late");
          })(),
        );
      })(),
    );
    yield* sleep(0.5);
    t.cancel();
    yield* sleep(2);
  }, virtual);
  assert.deepEqual(reports, ["Task exception wasn't retrieved"]);
});

test("shield rejects anything that is not an awaitable with a TypeError naming aw", () => {
  function* gen() {}
  assert.throws(
    () => shield(gen as unknown as Coro<void>),
    (e: unknown) => e instanceof TypeError && /shield\(aw\)/.test(e.message) && /call the generator function/.test(e.message),
  );
  assert.throws(() => shield(5 as unknown as Coro<void>), TypeError);
});

test('a task waiting through a shield is shown as waiting on "shield(task …)" in loop.tasks()', async () => {
  await run(function* () {
    const inner = createTask(
      (function* () {
        yield* sleep(1);
      })(),
      { name: "flash-write" },
    );
    const t = createTask(
      (function* () {
        yield* shield(inner);
      })(),
      { name: "handler" },
    );
    yield* sleep(0.5);
    const info = getEventLoop()
      .tasks()
      .find((i) => i.id === t.id)!;
    assert.deepEqual([info.state, info.waitingOn, info.steps], ["waiting", `shield(task ${inner.id} (flash-write))`, 1]);
    yield* t;
  }, virtual);
});

test("a shielded wait resumes one round after the inner task ends, as CPython's shield future does", async () => {
  // CPython 3.12 prints: tick 0, inner done, tick 1, tick 2, main got 1 (then tick 3 as run ends)
  const log: string[] = [];
  await run(function* () {
    const inner = createTask(
      (function* () {
        yield* sleep(0);
        log.push("inner done");
        return 1;
      })(),
    );
    createTask(
      (function* () {
        for (let i = 0; i < 4; i++) {
          log.push(`tick ${i}`);
          yield* sleep(0);
        }
      })(),
    );
    log.push(`main got ${yield* shield(inner)}`);
  }, virtual);
  assert.deepEqual(log, ["tick 0", "inner done", "tick 1", "tick 2", "main got 1", "tick 3"]);
});

/*
 * CPython 3.12 (python3.12 prints the lines below):
 *
 *   import asyncio
 *   async def main():
 *       out = []
 *       async def work():
 *           await asyncio.sleep(0.01)
 *           out.append("work: done")
 *           return "w"
 *       t = asyncio.create_task(work())
 *       async def awaiter():
 *           r = await t
 *           out.append(f"awaiter got {r}")
 *           await asyncio.sleep(0)
 *           out.append("awaiter: next step")
 *       async def shielder():
 *           r = await asyncio.shield(t)
 *           out.append(f"shielder got {r}")
 *       a = asyncio.create_task(awaiter())
 *       b = asyncio.create_task(shielder())
 *       await a
 *       await b
 *       for line in out:
 *           print(line)
 *   asyncio.run(main())
 *
 * output:
 *   work: done
 *   awaiter got w
 *   awaiter: next step
 *   shielder got w
 */
test("when a task ends, a task that awaited it earlier resumes before a later shield of it (CPython 3.12: one callback list in registration order)", {
  timeout: 5000,
}, async () => {
  const out: string[] = [];
  await run(function* () {
    const t = createTask(
      (function* () {
        yield* sleep(0.01);
        out.push("work: done");
        return "w";
      })(),
    );
    const a = createTask(
      (function* () {
        const r = yield* t;
        out.push(`awaiter got ${r}`);
        yield* sleep(0);
        out.push("awaiter: next step");
      })(),
    );
    const b = createTask(
      (function* () {
        const r = yield* shield(t);
        out.push(`shielder got ${r}`);
      })(),
    );
    yield* a;
    yield* b;
  }, virtual);
  assert.deepEqual(out, ["work: done", "awaiter got w", "awaiter: next step", "shielder got w"]);
});
