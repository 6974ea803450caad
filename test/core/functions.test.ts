import { test } from "node:test";
import assert from "node:assert/strict";
import {
  run, createTask, currentTask, sleep, sleepMs, waitFor, waitForMs, gather, until, call, getEventLoop, newEventLoop,
  CancelledError, TimeoutError, RuntimeError, InvalidStateError, ExceptionGroup, QueueEmpty, QueueFull, BrokenBarrierError,
  isCancelled, Event, type Coro, type ExceptionContext,
} from "taskloop";

const virtual = { clock: "virtual" } as const;

test("run settles with main's result, or rejects with main's error", async () => {
  assert.equal(await run(function* () { yield* sleep(1); return 5; }(), virtual), 5);
  await assert.rejects(run(function* (): Coro<void> { yield* sleep(1); throw new Error("main failed"); }(), virtual), /main failed/);
});

test("run accepts a function that makes the main coroutine", async () => {
  assert.equal(await run(function* () { return "made"; }, virtual), "made");
});

test("run rejects a value that is not a coroutine with a TypeError", async () => {
  await assert.rejects(run(42 as unknown as Coro<void>), TypeError);
});

test("when main ends, run cancels the tasks left over and waits for their cleanup", async () => {
  const log: string[] = [];
  await run(function* () {
    createTask(function* () {
      try { yield* sleep(100); } finally { yield* sleep(1); log.push("leftover cleaned up"); }
    }());
    yield* sleep(1);
    log.push("main done");
  }, virtual);
  assert.deepEqual(log, ["main done", "leftover cleaned up"]);
});

test("without options run uses the current default loop, so tasks created before run run too", async () => {
  const loop = newEventLoop(virtual);
  const log: string[] = [];
  createTask(function* () { log.push("early task"); }());
  await run(function* () { yield* sleep(0); log.push("main"); }());
  assert.equal(getEventLoop(), loop);
  assert.deepEqual(log, ["early task", "main"]);
});

test("currentTask gives the running task, and throws RuntimeError outside a task", async () => {
  assert.throws(() => currentTask(), (e: unknown) => e instanceof RuntimeError && /no running event loop/.test(e.message));
  await run(function* () {
    const t = createTask(function* () { return currentTask(); }(), { name: "me" });
    const seen = yield* t;
    assert.equal(seen, t);
  }, virtual);
});

test("sleep and sleepMs wait on the loop's clock; negative values sleep 0", async () => {
  await run(function* () {
    const loop = getEventLoop();
    yield* sleep(1.5);
    assert.equal(loop.time(), 1500);
    yield* sleepMs(0.25);
    assert.equal(loop.time(), 1500.25);
    yield* sleep(-3);
    assert.equal(loop.time(), 1500.25);
  }, virtual);
});

test("sleep, sleepMs and waitFor reject a non-number or NaN with a message naming the argument", () => {
  assert.throws(() => sleep(Number.NaN), /sleep\(seconds\): seconds must be a number, got NaN/);
  assert.throws(() => sleep("1" as unknown as number), TypeError);
  assert.throws(() => sleepMs(undefined as unknown as number), /sleepMs\(ms\): ms/);
  assert.throws(() => waitFor(sleep(1), "2" as unknown as number), /timeoutSeconds must be a number/);
  assert.throws(() => waitFor((function* () {}) as unknown as Coro<void>, 1), /call the generator function/);
});

test("waitFor gives the result when it comes in time", async () => {
  await run(function* () {
    const v = yield* waitFor(function* () { yield* sleep(1); return "ok"; }(), 2);
    assert.equal(v, "ok");
    assert.equal(getEventLoop().time(), 1000);
  }, virtual);
});

test("waitFor on timeout cancels the work, waits for its cleanup, then throws TimeoutError", async () => {
  const log: string[] = [];
  await run(function* () {
    const loop = getEventLoop();
    try {
      yield* waitFor(function* () {
        try { yield* sleep(10); } finally { yield* sleep(0.5); log.push(`cleanup done at ${loop.time()}`); }
      }(), 1);
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
      try { yield* sleep(10); } catch (e) { if (!isCancelled(e)) throw e; }
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
    const waiter = createTask(waitFor(function* () {
      try { yield* sleep(10); } catch (e) { workCancelled = isCancelled(e); throw e; }
    }(), 5) as Coro<void>);
    yield* sleep(1);
    waiter.cancel();
    try { yield* waiter; } catch (e) { assert.ok(isCancelled(e)); }
  }, virtual);
  assert.equal(workCancelled, true);
});

test("waitFor(aw, null) waits forever and waitForMs takes milliseconds", async () => {
  await run(function* () {
    assert.equal(yield* waitFor(function* () { yield* sleep(3600); return 1; }(), null), 1);
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
    const t = createTask(function* (): Coro<void> { yield* sleep(0.1); throw new RangeError("bad"); }());
    try {
      yield* waitFor(t, 1);
      assert.fail("expected RangeError");
    } catch (e) {
      assert.ok(e instanceof RangeError);
    }
  }, virtual);
});

test("gather returns results in argument order, from coroutines and tasks alike", async () => {
  await run(function* () {
    function* after(s: number, v: string) { yield* sleep(s); return v; }
    const t = createTask(after(0.1, "task"));
    const [a, b, c] = yield* gather(after(0.3, "slow"), after(0.2, "fast"), t);
    assert.deepEqual([a, b, c], ["slow", "fast", "task"]);
    assert.equal(getEventLoop().time(), 300);
  }, virtual);
});

test("gather throws the first error and the other tasks keep running", async () => {
  const log: string[] = [];
  await run(function* () {
    function* fail(s: number): Coro<number> { yield* sleep(s); throw new Error(`failed after ${s}`); }
    function* finish(s: number) { yield* sleep(s); log.push(`finished ${s}`); return s; }
    try {
      yield* gather(finish(2), fail(1), fail(1.5));
      assert.fail("expected an error");
    } catch (e) {
      log.push((e as Error).message);
    }
    yield* sleep(2);
  }, virtual);
  assert.deepEqual(log, ["failed after 1", "finished 2"]);
});

test("gather with returnExceptions returns errors in place", async () => {
  await run(function* () {
    function* fail(): Coro<number> { yield; throw new Error("oops"); }
    function* ok() { yield; return "fine"; }
    const [a, b] = yield* gather(ok(), fail(), { returnExceptions: true });
    assert.equal(a, "fine");
    assert.ok(b instanceof Error && b.message === "oops");
  }, virtual);
});

test("cancelling the gathering task cancels all unfinished children", async () => {
  const cancelled: string[] = [];
  await run(function* () {
    function* child(name: string, s: number) {
      try { yield* sleep(s); } catch (e) { if (isCancelled(e)) cancelled.push(name); throw e; }
    }
    const g = createTask(gather(child("a", 0.5), child("b", 10), child("c", 20)) as Coro<[void, void, void]>);
    yield* sleep(1);
    g.cancel();
    try { yield* g; assert.fail("expected CancelledError"); } catch (e) { assert.ok(isCancelled(e)); }
    assert.equal(g.cancelled(), true);
  }, virtual);
  assert.deepEqual(cancelled, ["b", "c"]);
});

test("a cancelled gather cancels its children when it next runs, and waits for their cleanup before throwing", async () => {
  const log: string[] = [];
  await run(function* () {
    function* child(name: string) {
      try {
        log.push(`${name} start`);
        yield* sleep(10);
      } finally {
        log.push(`${name} cleanup begins`);
        yield* sleep(0.5);
        log.push(`${name} cleanup ends`);
      }
    }
    const g = createTask(function* () {
      try {
        yield* gather(child("a"), child("b"));
      } catch (e) {
        log.push(`gather threw ${(e as Error).name} at ${getEventLoop().time()} ms`);
        throw e;
      }
    }());
    yield* sleep(0); // g creates the children and parks; they are queued behind main
    g.cancel();
    log.push("cancel asked");
    try { yield* g; } catch (e) { assert.ok(isCancelled(e)); }
  }, virtual);
  assert.deepEqual(log, [
    "cancel asked",
    "a start", // children already queued take their first turn before the gatherer runs (MicroPython)
    "b start",
    "a cleanup begins",
    "b cleanup begins",
    "a cleanup ends",
    "b cleanup ends",
    "gather threw CancelledError at 500 ms",
  ]);
});

test("gather of nothing gives an empty list", async () => {
  await run(function* () {
    const none = yield* gather();
    assert.deepEqual(none, []);
  }, virtual);
});

test("until waits for a host promise and types its result", async () => {
  await run(function* () {
    const n: number = yield* until(new Promise<number>((r) => setTimeout(() => r(7), 5)));
    assert.equal(n, 7);
    try {
      yield* until(Promise.reject(new Error("nope")));
      assert.fail("expected rejection");
    } catch (e) {
      assert.equal((e as Error).message, "nope");
    }
  });
  assert.throws(() => until(3 as unknown as Promise<number>), /until\(p\): p must be a promise/);
});

test("call runs host work with a signal and gives its result, sync or async", async () => {
  await run(function* () {
    const sync = yield* call((signal) => (signal instanceof AbortSignal ? "sync" : "no signal"));
    assert.equal(sync, "sync");
    const asyncValue = yield* call(async () => "async");
    assert.equal(asyncValue, "async");
  });
  assert.throws(() => call("x" as unknown as () => number), TypeError);
});

test("virtual time does not jump while a task waits on a host promise", async () => {
  await run(function* () {
    const loop = getEventLoop();
    createTask(function* () { yield* sleep(3600); }());
    yield* until(new Promise((r) => setTimeout(r, 20)));
    assert.equal(loop.time(), 0);
  }, virtual);
});

test("getEventLoop gives the default loop and newEventLoop makes a fresh default", () => {
  const a = getEventLoop();
  assert.equal(getEventLoop(), a);
  const b = newEventLoop();
  assert.notEqual(a, b);
  assert.equal(getEventLoop(), b);
});

test("loop.runForever runs until loop.stop(), and the stopped tasks carry on in the next runForever", async () => {
  const loop = newEventLoop(virtual);
  const log: string[] = [];
  loop.createTask(function* () {
    for (let i = 0; i < 4; i++) {
      log.push(`tick ${i}`);
      yield* sleep(1);
      if (i === 1 || i === 3) loop.stop();
    }
  }());
  await loop.runForever();
  log.push("stopped");
  await loop.runForever();
  log.push("stopped again");
  // stop() takes effect when the current step ends, so "tick 2" is logged before the loop stops.
  assert.deepEqual(log, ["tick 0", "tick 1", "tick 2", "stopped", "tick 3", "stopped again"]);
});

test("loop.runUntilComplete returns the result and leaves other tasks queued for the next run", async () => {
  const loop = newEventLoop(virtual);
  const log: string[] = [];
  loop.createTask(function* () { for (;;) { log.push(`bg ${loop.time()}`); yield* sleep(1); } }());
  const v = await loop.runUntilComplete(function* () { yield* sleep(1.5); return "done"; }());
  assert.equal(v, "done");
  assert.deepEqual(log, ["bg 0", "bg 1000"]);
  await loop.runUntilComplete(function* () { yield* sleep(1); }());
  assert.deepEqual(log, ["bg 0", "bg 1000", "bg 2000"]);
});

test("loop.stop ends runForever and a closed loop refuses to run", async () => {
  const loop = newEventLoop(virtual);
  loop.createTask(function* () { yield* sleep(5); loop.stop(); }());
  await loop.runForever();
  assert.equal(loop.time(), 5000);
  loop.close();
  await assert.rejects(loop.runForever(), RuntimeError);
  assert.throws(() => loop.createTask(function* () {}()), RuntimeError);
});

test("running a loop that is already running is a RuntimeError", async () => {
  const loop = newEventLoop(virtual);
  const first = loop.runUntilComplete(function* () { yield* sleep(1); }());
  await assert.rejects(loop.runForever(), /already running/);
  await first;
});

test("a failed task nobody awaits makes the loop call the exception handler once", async () => {
  const seen: ExceptionContext[] = [];
  await run(function* () {
    const loop = getEventLoop();
    loop.setExceptionHandler((l, ctx) => { assert.equal(l, loop); seen.push(ctx); });
    assert.equal(typeof loop.getExceptionHandler(), "function");
    const t = createTask(function* (): Coro<void> { yield; throw new Error("lost"); }());
    yield* sleep(1);
    assert.equal(seen.length, 1);
    assert.equal(seen[0]!.message, "Task exception wasn't retrieved");
    assert.equal((seen[0]!.exception as Error).message, "lost");
    assert.equal(seen[0]!.future, t);
    loop.setExceptionHandler(null);
    assert.equal(loop.getExceptionHandler(), null);
  }, virtual);
});

test("an error retrieved by an awaiter is not reported to the exception handler", async () => {
  const seen: ExceptionContext[] = [];
  await run(function* () {
    getEventLoop().setExceptionHandler((_l, ctx) => seen.push(ctx));
    const t = createTask(function* (): Coro<void> { yield; throw new Error("handled"); }());
    try { yield* t; } catch { /* retrieved */ }
    yield* sleep(1);
  }, virtual);
  assert.equal(seen.length, 0);
});

test("the default exception handler prints the message, the task and the stack to stderr", async () => {
  const lines: string[] = [];
  const original = console.error;
  console.error = (...args: unknown[]) => { lines.push(args.join(" ")); };
  try {
    await run(function* () {
      createTask(function* (): Coro<void> { yield; throw new Error("printed"); }(), { name: "failing" });
      yield* sleep(1);
    }, virtual);
  } finally {
    console.error = original;
  }
  const text = lines.join("\n");
  assert.match(text, /Task exception wasn't retrieved/);
  assert.match(text, /failing/);
  assert.match(text, /Error: printed/);
});

test("the loop calls callExceptionHandler with a custom context and keeps running", async () => {
  const seen: string[] = [];
  await run(function* () {
    const loop = getEventLoop();
    loop.setExceptionHandler((_l, ctx) => seen.push(ctx.message));
    loop.callExceptionHandler({ message: "custom" });
    yield* sleep(1);
    seen.push("still running");
  }, virtual);
  assert.deepEqual(seen, ["custom", "still running"]);
});

test("the error classes are distinct Error subclasses with their own names", () => {
  const classes = [CancelledError, TimeoutError, InvalidStateError, RuntimeError, QueueEmpty, QueueFull, BrokenBarrierError];
  const names = new Set<string>();
  for (const C of classes) {
    const e = new C("m");
    assert.ok(e instanceof Error);
    assert.equal(e.name, C.name);
    names.add(e.name);
  }
  const g = new ExceptionGroup("several", [new Error("a"), new Error("b")]);
  assert.ok(g instanceof AggregateError);
  assert.equal(g.name, "ExceptionGroup");
  assert.equal(g.errors.length, 2);
  assert.equal(names.size, classes.length);
});

test("an error retrieved later in the same round is not reported, even when a slice ends between the two steps", async () => {
  const seen: string[] = [];
  await run(function* () {
    getEventLoop().setExceptionHandler((_l, ctx) => seen.push(ctx.message));
    const t = createTask(function* (): Coro<void> {
      const end = performance.now() + 8; // longer than a slice: the loop gives way to the host right after this step
      while (performance.now() < end) { /* busy */ }
      throw new Error("retrieved below");
    }());
    yield* sleep(0);
    try { yield* t; } catch { /* retrieved */ }
  }, { clock: "real", slowStepMs: 1000, onSlowStep: () => {} });
  assert.deepEqual(seen, []);
});

test("gather takes a trailing until(), call() or other plain awaitable object as an awaitable, not as options", async () => {
  await run(function* () {
    const got = yield* gather(sleep(0), until(Promise.resolve("u")), call(() => "c"));
    assert.deepEqual(got, [undefined, "u", "c"]);
  }, virtual);
});

test("a cancelled gather passes the cancel message on to its children", async () => {
  const seen: string[] = [];
  await run(function* () {
    function* child() {
      try { yield* sleep(10); } catch (e) { seen.push((e as Error).message); throw e; }
    }
    const g = createTask(function* () { yield* gather(child(), child()); }());
    yield* sleep(1);
    g.cancel("shutting down");
    try { yield* g; } catch (e) { assert.ok(isCancelled(e)); }
  }, virtual);
  assert.deepEqual(seen, ["shutting down", "shutting down"]);
});

test("waitFor that timed out still ends cancelled when its task is cancelled while the work cleans up", async () => {
  // CPython 3.12: the cancellation reaches the work's cleanup too, and waitFor waits for it to end.
  const log: string[] = [];
  await run(function* () {
    function* work() {
      try { yield* sleep(10); } finally {
        try { yield* sleep(1); log.push("work cleaned up"); } catch (e) { log.push("work cleanup interrupted"); throw e; }
      }
    }
    const t = createTask(function* () {
      try { yield* waitFor(work(), 1); } catch (e) { log.push(`waitFor threw ${(e as Error).name}`); throw e; }
    }());
    yield* sleep(1.5); // timed out at 1 s; the work's cleanup runs until 2 s
    t.cancel();
    try { yield* t; } catch { /* expected */ }
    assert.equal(t.cancelled(), true);
    yield* sleep(1); // the work's cleanup goes on by itself
  }, virtual);
  assert.deepEqual(log, ["work cleanup interrupted", "waitFor threw CancelledError"]);
});

test("waitFor(aw, Infinity) waits forever, like null", async () => {
  await run(function* () {
    assert.equal(yield* waitFor(function* () { yield* sleep(3600); return 1; }(), Infinity), 1);
    assert.equal(yield* waitForMs(function* () { yield* sleep(1); return 2; }(), Infinity), 2);
  }, virtual);
});

test("runForever rejects with the deadlock report once the stuck tasks' cleanup has run", async () => {
  const loop = newEventLoop({ clock: "virtual" });
  const log: string[] = [];
  loop.createTask(function* () {
    try { yield* new Event().wait(); } finally { log.push("cleanup ran"); }
  }(), { name: "stuck" });
  await assert.rejects(loop.runForever(), (e: unknown) => e instanceof RuntimeError && /deadlock/.test(e.message) && /stuck/.test(e.message));
  assert.deepEqual(log, ["cleanup ran"]);
});

test("run() called while the loop runs is refused and leaves the outer run and its tasks alone", async () => {
  const log: string[] = [];
  const result = await run(function* () {
    const background = createTask(function* () { yield* sleep(2); log.push("background done"); }());
    let ran = false;
    try {
      yield run(function* () { ran = true; });
    } catch (e) {
      assert.ok(e instanceof RuntimeError, String(e));
      log.push("nested run refused");
    }
    try {
      yield getEventLoop().runUntilComplete(function* () { ran = true; }());
    } catch (e) {
      assert.ok(e instanceof RuntimeError, String(e));
      log.push("nested runUntilComplete refused");
    }
    assert.equal(ran, false);
    yield* background;
    return "outer finished";
  }, virtual);
  assert.equal(result, "outer finished");
  assert.deepEqual(log, ["nested run refused", "nested runUntilComplete refused", "background done"]);
});

test("runUntilComplete names its argument when it is not awaitable", async () => {
  const loop = newEventLoop({ clock: "virtual" });
  await assert.rejects(loop.runUntilComplete(42 as unknown as Coro<void>), (e: unknown) => e instanceof TypeError && /runUntilComplete\(aw\)/.test(e.message));
  assert.equal(loop.tasks().length, 0);
});

test("run() with a factory that throws rejects instead of throwing", async () => {
  const p = run(() => { throw new Error("factory failed"); });
  assert.ok(p instanceof Promise);
  await assert.rejects(p, /factory failed/);
});

test("loop.stop() from a task lets the tasks already ready in that round take their turn", async () => {
  const loop = newEventLoop({ clock: "virtual" });
  const log: string[] = [];
  loop.createTask(function* () { yield* sleep(0); log.push("A stops"); loop.stop(); yield* sleep(0); log.push("A again"); }());
  loop.createTask(function* () { yield* sleep(0); log.push("B same round"); yield* sleep(0); log.push("B again"); }());
  await loop.runForever();
  log.push("runForever returned");
  loop.createTask(function* () { yield* sleep(1); loop.stop(); }());
  await loop.runForever();
  assert.deepEqual(log, ["A stops", "B same round", "runForever returned", "A again", "B again"]);
});

test("run(main, options) warns once when tasks made before it are left behind on the old default loop", async () => {
  newEventLoop();
  createTask(function* () { yield* sleep(1); }(), { name: "made at module level" });
  const warnings: string[] = [];
  const warn = console.warn;
  console.warn = (...args: unknown[]) => void warnings.push(args.join(" "));
  try {
    await run(function* () { yield* sleep(0); }, virtual);
    await run(function* () { yield* sleep(0); }, virtual);
  } finally {
    console.warn = warn;
  }
  assert.equal(warnings.length, 1);
  assert.match(warnings[0]!, /1 task\(s\) made before it will not run \(made at module level\)/);
  assert.equal(getEventLoop().isRunning(), false);
});

test("gather given the same coroutine twice runs it once and gives its result in both places", async () => {
  let runs = 0;
  await run(function* () {
    const co = function* () { runs++; yield* sleep(1); return "once"; }();
    assert.deepEqual(yield* gather(co, co), ["once", "once"]);
  }, virtual);
  assert.equal(runs, 1);
});
