import { test } from "node:test";
import assert from "node:assert/strict";
import v8 from "node:v8";
import vm from "node:vm";
import { run, createTask, sleep, sleepMs, currentTask, type Task, InvalidStateError, RuntimeError, type Coro } from "taskloop";

const virtual = { clock: "virtual" } as const;

test("a task has a unique id and a default name task-<id>, or the name it was given", async () => {
  await run(function* () {
    const a = createTask((function* () {})());
    const b = createTask((function* () {})(), { name: "worker" });
    assert.notEqual(a.id, b.id);
    assert.equal(a.name, `task-${a.id}`);
    assert.equal(b.name, "worker");
  }, virtual);
});

test("createTask rejects anything that is not a generator object with 'coroutine expected'", async () => {
  await run(function* () {
    function* gen() {}
    const bad: unknown[] = [gen, Promise.resolve(1), (async () => 1)(), 5, null, {}];
    for (const value of bad) {
      assert.throws(
        () => createTask(value as Coro<void>),
        (e: unknown) => e instanceof TypeError && /coroutine expected/.test(e.message),
      );
    }
    assert.throws(() => createTask(gen as unknown as Coro<void>), /createTask\(gen\(\)\), not createTask\(gen\)/); // names the function given
  }, virtual);
});

test("a new task goes to the back of the ready queue and the creator runs on until it yields", async () => {
  const log: string[] = [];
  await run(function* () {
    createTask(
      (function* () {
        log.push("child");
      })(),
    );
    log.push("parent before yield");
    yield;
    log.push("parent after yield");
  }, virtual);
  assert.deepEqual(log, ["parent before yield", "child", "parent after yield"]);
});

test("sleep(0) and bare yield move the running task to the back of the ready queue", async () => {
  const log: string[] = [];
  function* spin(name: string, useSleep: boolean) {
    for (let i = 0; i < 3; i++) {
      log.push(`${name}${i}`);
      if (useSleep) yield* sleep(0);
      else yield;
    }
  }
  await run(function* () {
    const a = createTask(spin("a", true));
    const b = createTask(spin("b", false));
    const c = createTask(spin("c", true));
    yield* a;
    yield* b;
    yield* c;
  }, virtual);
  assert.deepEqual(log, ["a0", "b0", "c0", "a1", "b1", "c1", "a2", "b2", "c2"]);
});

test("timers fire in deadline order, and equal deadlines in the order they were set", async () => {
  const log: string[] = [];
  function* after(ms: number, name: string) {
    yield* sleepMs(ms);
    log.push(name);
  }
  await run(function* () {
    const ts = [after(30, "c"), after(10, "a1"), after(20, "b"), after(10, "a2"), after(10, "a3")].map((c) => createTask(c));
    for (const t of ts) yield* t;
  }, virtual);
  assert.deepEqual(log, ["a1", "a2", "a3", "b", "c"]);
});

test("the waiters of a finished task are woken in the order they started waiting", async () => {
  const log: string[] = [];
  await run(function* () {
    const target = createTask(
      (function* () {
        yield* sleep(1);
        return 7;
      })(),
    );
    for (const name of ["w1", "w2", "w3"]) {
      createTask(
        (function* () {
          const v = yield* target;
          log.push(`${name}:${v}`);
        })(),
      );
    }
    yield* sleep(2);
  }, virtual);
  assert.deepEqual(log, ["w1:7", "w2:7", "w3:7"]);
});

test("yield* task gives its return value, or re-throws its error", async () => {
  await run(function* () {
    const ok = createTask(
      (function* () {
        yield* sleep(0.1);
        return "value";
      })(),
    );
    assert.equal(yield* ok, "value");
    const bad = createTask(
      (function* (): Coro<number> {
        yield* sleep(0.1);
        throw new Error("boom");
      })(),
    );
    try {
      yield* bad;
      assert.fail("expected the task's error");
    } catch (e) {
      assert.equal((e as Error).message, "boom");
    }
  }, virtual);
});

test("a task that awaits itself gets a RuntimeError", async () => {
  await run(function* () {
    const t: Task<void> = createTask(
      (function* (): Coro<void> {
        yield;
        yield* currentTask() as Task<void>;
      })(),
    );
    try {
      yield* t;
      assert.fail("expected an error");
    } catch (e) {
      assert.ok(e instanceof RuntimeError, String(e));
      assert.match((e as Error).message, /cannot await itself/);
    }
  }, virtual);
});

test("yield of a promise suspends the task until it settles and evaluates to its value", async () => {
  await run(function* () {
    const v: unknown = yield Promise.resolve(41);
    assert.equal(v, 41);
    try {
      yield Promise.reject(new Error("rejected"));
      assert.fail("expected a throw");
    } catch (e) {
      assert.equal((e as Error).message, "rejected");
    }
  }, virtual);
});

test("yielding a number or an object throws a TypeError that names it and suggests yield*", async () => {
  await run(function* () {
    try {
      yield 5;
      assert.fail("expected a TypeError");
    } catch (e) {
      assert.ok(e instanceof TypeError);
      assert.match(e.message, /5 \(a number\)/);
      assert.match(e.message, /yield\*/);
    }
    try {
      yield sleep(1);
      assert.fail("expected a TypeError");
    } catch (e) {
      assert.ok(e instanceof TypeError);
      assert.match(e.message, /yield\*/);
    }
  }, virtual);
});

test("yielding a generator object throws a TypeError asking 'did you mean yield*?'", async () => {
  await run(function* () {
    function* inner() {
      yield* sleep(1);
    }
    try {
      yield inner();
      assert.fail("expected a TypeError");
    } catch (e) {
      assert.ok(e instanceof TypeError);
      assert.match(e.message, /generator object: did you mean `yield\*`\?/);
    }
  }, virtual);
});

test("result() and exception() throw InvalidStateError before the task is done", async () => {
  await run(function* () {
    const t = createTask(
      (function* () {
        yield* sleep(1);
        return 1;
      })(),
    );
    assert.throws(() => t.result(), InvalidStateError);
    assert.throws(() => t.exception(), InvalidStateError);
    assert.equal(t.done(), false);
    yield* t;
    assert.equal(t.done(), true);
    assert.equal(t.result(), 1);
    assert.equal(t.exception(), undefined);
  }, virtual);
});

test("result() re-throws a failed task's error and exception() returns it", async () => {
  await run(function* () {
    const err = new Error("bad");
    const t = createTask(
      (function* (): Coro<void> {
        yield;
        throw err;
      })(),
    );
    yield* sleep(0.01);
    assert.equal(t.done(), true);
    assert.equal(t.cancelled(), false);
    assert.throws(
      () => t.result(),
      (e: unknown) => e === err,
    );
    assert.equal(t.exception(), err);
  }, virtual);
});

test("done callbacks are called once when the task finishes, and removed ones are not", async () => {
  const calls: string[] = [];
  await run(function* () {
    const t = createTask(
      (function* () {
        yield* sleep(1);
        return 3;
      })(),
    );
    const removed = (): void => {
      calls.push("removed");
    };
    t.addDoneCallback((task) => calls.push(`cb1:${task.result()}`));
    t.addDoneCallback(removed);
    t.addDoneCallback((task) => calls.push(`cb2:${task.done()}`));
    assert.equal(t.removeDoneCallback(removed), 1);
    yield* sleep(2);
    t.addDoneCallback(() => calls.push("late"));
    yield* sleep(0.001);
  }, virtual);
  assert.deepEqual(calls, ["cb1:3", "cb2:true", "late"]);
});

test("plain async code can await a task, because a task is a thenable", async () => {
  let task: Task<string> | undefined;
  const main = run(function* () {
    task = createTask(
      (function* () {
        yield* sleep(1);
        return "from task";
      })(),
    );
    yield* sleep(2);
  }, virtual);
  await Promise.resolve();
  assert.ok(task);
  assert.equal(await task, "from task");
  await main;
});

test("a done callback added after the task finished runs after the tasks already ready, as CPython's call_soon", async () => {
  const log: string[] = [];
  await run(function* () {
    const t = createTask(
      (function* () {
        return 1;
      })(),
    );
    yield* sleep(0);
    createTask(
      (function* () {
        log.push("X runs");
      })(),
    );
    t.addDoneCallback(() => log.push("late callback"));
    log.push("main before yield");
    yield* sleep(0);
    yield* sleep(0);
  }, virtual);
  assert.deepEqual(log, ["main before yield", "X runs", "late callback"]);
});

test("when main ends, the tasks already ready in that round take their turn before the leftovers are cancelled (asyncio.run)", async () => {
  const log: string[] = [];
  await run(function* () {
    createTask(
      (function* () {
        try {
          for (let i = 0; ; i++) {
            log.push(`tick ${i}`);
            yield* sleep(0);
          }
        } catch (e) {
          log.push("ticker cancelled");
          throw e;
        }
      })(),
    );
    yield* sleep(0);
    log.push("main returns");
  }, virtual);
  assert.deepEqual(log, ["tick 0", "main returns", "tick 1", "ticker cancelled"]);
});

test("a finished task that is kept lets go of its coroutine (the generator object can be collected)", async () => {
  v8.setFlagsFromString("--expose-gc");
  const gc = vm.runInNewContext("gc") as () => void;
  let ref: WeakRef<object> | null = null;
  let kept: Task<number> | null = null;
  function* holder(): Coro<number> {
    yield* sleep(0);
    return 1000;
  }
  await run(function* () {
    const coro = holder();
    ref = new WeakRef(coro);
    kept = createTask(coro);
    assert.equal(yield* kept, 1000);
  }, virtual);
  await new Promise((resolve) => setImmediate(resolve));
  gc();
  assert.equal(kept!.result(), 1000);
  assert.equal(ref!.deref(), undefined, "the finished task still holds its generator object");
});
