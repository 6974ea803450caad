import { test } from "node:test";
import assert from "node:assert/strict";
import { run, createTask, sleepMs, gather, getEventLoop, Queue, sleep, until, call, isCancelled, type Coro } from "taskloop";

const virtual = { clock: "virtual" } as const;

// CPython 3.12 (gather of a task waiting in Queue.get, the gatherer cancelled twice
// in a row): "child cleanup", "gatherer ends", and no task left.
test("a task cancelled twice before it resumes from gather still cancels and awaits its children", async () => {
  const log: string[] = [];
  await run(function* () {
    const q = new Queue<number>();
    function* child() {
      try {
        yield* q.get();
      } finally {
        log.push("child cleanup");
      }
    }
    const g = createTask(
      (function* () {
        try {
          yield* gather(createTask(child()));
        } finally {
          log.push("gatherer ends");
        }
      })(),
    );
    yield* sleepMs(10);
    g.cancel();
    g.cancel();
    yield* sleepMs(10);
    log.push(
      `left: ${getEventLoop()
        .tasks()
        .map((t) => t.name)
        .join(",")}`,
    );
  }, virtual);
  assert.deepEqual(log, ["child cleanup", "gatherer ends", "left: main"]);
});

test("gather returns results in argument order, from coroutines and tasks alike", async () => {
  await run(function* () {
    function* after(s: number, v: string) {
      yield* sleep(s);
      return v;
    }
    const t = createTask(after(0.1, "task"));
    const [a, b, c] = yield* gather(after(0.3, "slow"), after(0.2, "fast"), t);
    assert.deepEqual([a, b, c], ["slow", "fast", "task"]);
    assert.equal(getEventLoop().time(), 300);
  }, virtual);
});

test("gather throws the first error and the other tasks keep running", async () => {
  const log: string[] = [];
  await run(function* () {
    function* fail(s: number): Coro<number> {
      yield* sleep(s);
      throw new Error(`failed after ${s}`);
    }
    function* finish(s: number) {
      yield* sleep(s);
      log.push(`finished ${s}`);
      return s;
    }
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
    function* fail(): Coro<number> {
      yield;
      throw new Error("oops");
    }
    function* ok() {
      yield;
      return "fine";
    }
    const [a, b] = yield* gather(ok(), fail(), { returnExceptions: true });
    assert.equal(a, "fine");
    assert.ok(b instanceof Error && b.message === "oops");
  }, virtual);
});

test("cancelling the gathering task cancels all unfinished children", async () => {
  const cancelled: string[] = [];
  await run(function* () {
    function* child(name: string, s: number) {
      try {
        yield* sleep(s);
      } catch (e) {
        if (isCancelled(e)) cancelled.push(name);
        throw e;
      }
    }
    const g = createTask(gather(child("a", 0.5), child("b", 10), child("c", 20)) as Coro<[void, void, void]>);
    yield* sleep(1);
    g.cancel();
    try {
      yield* g;
      assert.fail("expected CancelledError");
    } catch (e) {
      assert.ok(isCancelled(e));
    }
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
    const g = createTask(
      (function* () {
        try {
          yield* gather(child("a"), child("b"));
        } catch (e) {
          log.push(`gather threw ${(e as Error).name} at ${getEventLoop().time()} ms`);
          throw e;
        }
      })(),
    );
    yield* sleep(0); // g creates the children and parks; they are queued behind main
    g.cancel();
    log.push("cancel asked");
    try {
      yield* g;
    } catch (e) {
      assert.ok(isCancelled(e));
    }
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

test("gather takes a trailing until(), call() or other plain awaitable object as an awaitable, not as options", async () => {
  await run(function* () {
    const got = yield* gather(
      sleep(0),
      until(Promise.resolve("u")),
      call(() => "c"),
    );
    assert.deepEqual(got, [undefined, "u", "c"]);
  }, virtual);
});

test("a cancelled gather passes the cancel message on to its children", async () => {
  const seen: string[] = [];
  await run(function* () {
    function* child() {
      try {
        yield* sleep(10);
      } catch (e) {
        seen.push((e as Error).message);
        throw e;
      }
    }
    const g = createTask(
      (function* () {
        yield* gather(child(), child());
      })(),
    );
    yield* sleep(1);
    g.cancel("shutting down");
    try {
      yield* g;
    } catch (e) {
      assert.ok(isCancelled(e));
    }
  }, virtual);
  assert.deepEqual(seen, ["shutting down", "shutting down"]);
});

test("gather given the same coroutine twice runs it once and gives its result in both places", async () => {
  let runs = 0;
  await run(function* () {
    const co = (function* () {
      runs++;
      yield* sleep(1);
      return "once";
    })();
    assert.deepEqual(yield* gather(co, co), ["once", "once"]);
  }, virtual);
  assert.equal(runs, 1);
});
