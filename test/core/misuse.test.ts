import { test } from "node:test";
import assert from "node:assert/strict";
import {
  run,
  createTask,
  newEventLoop,
  getEventLoop,
  sleep,
  sleepMs,
  gather,
  waitFor,
  shield,
  call,
  until,
  taskGroup,
  Condition,
  Barrier,
  ThreadSafeFlag,
  Event,
  Lock,
  Queue,
  Semaphore,
  RuntimeError,
  type Coro,
  type Task,
} from "taskloop";

const virtual = { clock: "virtual" } as const;

test("LoopOptions are checked: an unknown clock is a TypeError, a negative slowStepMs a RangeError", () => {
  assert.throws(() => newEventLoop({ clock: "fast" as "real" }), /LoopOptions.clock must be "real" or "virtual"/);
  assert.throws(() => newEventLoop({ slowStepMs: -1 }), RangeError);
  assert.throws(() => newEventLoop({ onSlowStep: 3 as unknown as () => void }), /onSlowStep must be a function/);
});

test("task methods check their arguments", async () => {
  await run(function* () {
    const t: Task<void> = createTask(
      (function* () {
        yield* sleep(1);
      })(),
    );
    assert.throws(() => t.cancel(5 as unknown as string), /msg must be a string/);
    assert.throws(() => t.addDoneCallback("x" as unknown as () => void), /cb must be a function/);
    assert.throws(() => createTask((function* () {})(), { name: 7 as unknown as string }), /options.name must be a string/);
    yield* t;
  }, virtual);
});

test("setExceptionHandler takes a function or null", () => {
  assert.throws(() => getEventLoop().setExceptionHandler("log" as unknown as null), /handler must be a function or null/);
});

test("gather names the argument that is not awaitable", () => {
  function* ok(): Coro<number> {
    return 1;
  }
  assert.throws(() => gather(ok(), 5 as unknown as Coro<number>), /argument 2 must be a coroutine/);
  assert.throws(() => gather(ok as unknown as Coro<number>), /a function \(call it first\)/);
});

test("sleep(Infinity) is a RangeError that suggests waiting on an Event", () => {
  assert.throws(() => sleep(Infinity), /must be finite/);
});

test("an error thrown by a task's cleanup during run() shutdown is reported, not lost", async () => {
  const seen: string[] = [];
  await run(function* () {
    getEventLoop().setExceptionHandler((_l, ctx) => seen.push(`${ctx.message}: ${(ctx.exception as Error).message}`));
    createTask(
      (function* () {
        try {
          yield* sleep(100);
        } finally {
          throw new Error("cleanup broke");
        }
      })(),
    );
    yield* sleep(1);
  }, virtual);
  assert.deepEqual(seen, ["unhandled exception during run() shutdown: cleanup broke"]);
});

test("arrays, Maps and Sets are refused as awaitables at the call, naming what was given", () => {
  assert.throws(() => waitFor([1, 2] as unknown as Coro<number>, 1), /waitFor\(aw, timeout\): expected a coroutine, a task or an awaitable, got an Array/);
  assert.throws(() => gather(new Map() as unknown as Coro<number>), /argument 1 must be a coroutine, a task or an awaitable, got a Map/);
  assert.throws(() => shield(new Set() as unknown as Coro<number>), /got a Set/);
});

test("waitFor and gather driven outside a task throw RuntimeError and leave no task behind", () => {
  const loop = newEventLoop({ clock: "virtual" });
  function* work(): Coro<number> {
    yield* sleep(1);
    return 1;
  }
  assert.throws(
    () => waitFor(work(), 1)[Symbol.iterator]().next(),
    (e: unknown) => e instanceof RuntimeError && /waitFor/.test(e.message),
  );
  assert.throws(
    () => waitFor(work(), null)[Symbol.iterator]().next(),
    (e: unknown) => e instanceof RuntimeError && /waitFor/.test(e.message),
  );
  assert.throws(
    () => gather(work(), work())[Symbol.iterator]().next(),
    (e: unknown) => e instanceof RuntimeError && /gather/.test(e.message),
  );
  assert.equal(loop.tasks().length, 0);
});

test("gather refuses an options object with an unknown key, such as the Python spelling", () => {
  function* ok(): Coro<number> {
    return 1;
  }
  assert.throws(() => gather(ok(), { return_exceptions: true } as unknown as { returnExceptions: boolean }), /unknown option "return_exceptions"/);
});

test("a generator function where a plain callback is expected is a TypeError, and so is an async predicate", () => {
  function* gen(): Coro<void> {}
  const loop = newEventLoop({ clock: "virtual" });
  assert.throws(() => call(gen as unknown as () => void), /call\(fn\): fn must be a plain function/);
  assert.throws(() => loop.setExceptionHandler(gen as unknown as () => void), /handler must be a plain function/);
  assert.throws(() => newEventLoop({ onSlowStep: gen as unknown as () => void }), /onSlowStep must be a plain function/);
  const t = loop.createTask(gen());
  assert.throws(() => t.addDoneCallback(gen as unknown as () => void), /cb must be a plain function/);
  const cond = new Condition();
  assert.throws(() => cond.waitFor(gen as unknown as () => boolean), /predicate must be a plain function/);
  assert.throws(() => cond.waitFor(async () => true), /always truthy/);
});

test("run() called inside a task is refused, with options too, and the default loop stays", async () => {
  await run(function* () {
    const outer = getEventLoop();
    let error: unknown;
    try {
      yield run(function* () {}, { clock: "virtual" });
    } catch (e) {
      error = e;
    }
    assert.ok(error instanceof RuntimeError, String(error));
    assert.equal(getEventLoop(), outer);
  }, virtual);
});

test("run() with a function that returns no coroutine says what it returned", async () => {
  await assert.rejects(run((() => 5) as unknown as () => Coro<void>), /a function that returned 5 \(a number\)/);
});

test("callExceptionHandler checks its context", () => {
  const loop = newEventLoop({ clock: "virtual" });
  assert.throws(() => loop.callExceptionHandler(undefined as unknown as { message: string }), /context must be an object with a message/);
});

test("durations that overflow to Infinity once in milliseconds are refused; -Infinity sleeps 0", async () => {
  assert.throws(() => sleep(1e306), RangeError);
  assert.throws(() => waitFor((function* () {})(), 1e306), RangeError);
  await run(function* () {
    const before = getEventLoop().time();
    yield* sleep(-Infinity);
    yield* sleepMs(-Infinity);
    assert.equal(getEventLoop().time(), before);
  }, virtual);
});

test("removeDoneCallback and cancel check their arguments even on a finished task", async () => {
  await run(function* () {
    const t = createTask((function* () {})());
    yield* t;
    assert.throws(() => t.removeDoneCallback(5 as unknown as () => void), /removeDoneCallback\(cb\): cb must be the function/);
    assert.throws(() => t.cancel(5 as unknown as string), /msg must be a string, got 5 \(a number\)/);
  }, virtual);
});

test("unknown LoopOptions and createTask options are TypeErrors naming the key", () => {
  assert.throws(() => newEventLoop({ slowStep: 5 } as unknown as { slowStepMs: number }), /unknown option "slowStep"/);
  const loop = newEventLoop({ clock: "virtual" });
  assert.throws(() => loop.createTask((function* () {})(), { nmae: "x" } as unknown as { name: string }), /unknown option "nmae"/);
  assert.throws(() => sleep(undefined as unknown as number), /got undefined$/);
});

test("`await sleep(1)` or `await lock.acquire()` in async code fails loudly instead of going on at once", async () => {
  await assert.rejects(
    async () => {
      await sleep(1);
    },
    (e: unknown) => e instanceof TypeError && /yield\* sleep/.test(e.message),
  );
  await assert.rejects(async () => {
    await sleep(0);
  }, TypeError);
  await assert.rejects(async () => {
    await sleepMs(5);
  }, TypeError);
  await assert.rejects(async () => {
    await new Lock().acquire();
  }, /yield\* lock\.acquire\(\)/);
  await assert.rejects(async () => {
    await new Event().wait();
  }, /yield\* event\.wait\(\)/);
  await assert.rejects(async () => {
    await new Queue<number>().get();
  }, TypeError);
  await assert.rejects(async () => {
    await new Semaphore().acquire();
  }, TypeError);
  function* work(): Coro<number> {
    return 1;
  }
  const cond = new Condition();
  const awaitables: [string, () => unknown][] = [
    ["waitFor", () => waitFor(work(), 1)],
    ["gather", () => gather(work())],
    ["until", () => until(Promise.resolve(1))],
    ["call", () => call(() => 1)],
    ["taskGroup", () => taskGroup(function* () {})],
    ["cond.wait", () => cond.wait()],
    ["cond.waitFor", () => cond.waitFor(() => true)],
    ["barrier.wait", () => new Barrier(2).wait()],
    ["flag.wait", () => new ThreadSafeFlag().wait()],
  ];
  for (const [name, make] of awaitables) {
    await assert.rejects(
      async () => {
        await make();
      },
      (e: unknown) => e instanceof TypeError && /yield\*/.test(e.message),
      name,
    );
  }
  newEventLoop({ clock: "virtual" });
  await assert.rejects(async () => {
    await shield(work());
  }, /yield\* shield/);
});

test("`yield lock.acquire()` without the star tells the task to write yield*", async () => {
  await run(function* () {
    try {
      yield new Lock().acquire();
      assert.fail("expected a TypeError");
    } catch (e) {
      assert.ok(e instanceof TypeError);
      assert.match(e.message, /yield\* lock\.acquire\(\)/);
    }
  }, virtual);
});

test("createTask(blink) names blink in its hint and says why run() differs", () => {
  function* blink(): Coro<void> {}
  assert.throws(
    () => createTask(blink as unknown as Coro<void>),
    (e: unknown) => e instanceof TypeError && /createTask\(blink\(\)\), not createTask\(blink\)/.test(e.message) && /run\(\) takes either/.test(e.message),
  );
});

test("createTask(promise) points to until() and call()", () => {
  const pending = new Promise<void>(() => {});
  assert.throws(
    () => createTask(pending as unknown as Coro<void>),
    (e: unknown) => e instanceof TypeError && /got a Promise/.test(e.message) && /yield\* until\(promise\)/.test(e.message) && /yield\* call\(/.test(e.message),
  );
});

test("createTask(asyncFunction) says a task runs a generator function, naming it", () => {
  async function fetchSomething(): Promise<number> {
    return 1;
  }
  assert.throws(
    () => createTask(fetchSomething as unknown as Coro<number>),
    (e: unknown) => e instanceof TypeError && /function\* fetchSomething\(\)/.test(e.message) && /until\(fetchSomething\(\)\)/.test(e.message),
  );
});
