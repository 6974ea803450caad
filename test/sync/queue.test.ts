import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { run, createTask, sleep, gather, getEventLoop, Queue, QueueEmpty, QueueFull, RuntimeError, CancelledError, type Coro } from "taskloop";

const virtual = { clock: "virtual" } as const;

test("putNowait and getNowait move items in FIFO order; qsize, empty and full follow", () => {
  const q = new Queue<string>(2);
  assert.equal(q.maxsize, 2);
  assert.equal(q.empty(), true);
  assert.equal(q.full(), false);
  q.putNowait("a");
  q.putNowait("b");
  assert.equal(q.qsize(), 2);
  assert.equal(q.full(), true);
  assert.throws(() => q.putNowait("c"), QueueFull);
  assert.equal(q.getNowait(), "a");
  assert.equal(q.getNowait(), "b");
  assert.equal(q.empty(), true);
  assert.throws(() => q.getNowait(), QueueEmpty);
});

test("a queue with maxsize 0 (the default) or less never becomes full", () => {
  for (const q of [new Queue<number>(), new Queue<number>(0), new Queue<number>(-1)]) {
    for (let i = 0; i < 5000; i++) q.putNowait(i);
    assert.equal(q.full(), false);
    assert.equal(q.qsize(), 5000);
    for (let i = 0; i < 5000; i++) assert.equal(q.getNowait(), i);
  }
  assert.equal(new Queue().maxsize, 0);
});

test("get() gives an available item without suspending", async () => {
  await run(function* () {
    const q = new Queue<number>();
    q.putNowait(7);
    const other = createTask((function* () {})());
    assert.equal(yield* q.get(), 7);
    assert.equal(other.done(), false); // no suspension happened
  }, virtual);
});

test("get() waits while the queue is empty and gets the next item put", async () => {
  await run(function* () {
    const q = new Queue<string>();
    createTask(
      (function* () {
        yield* sleep(3);
        yield* q.put("late");
      })(),
    );
    assert.equal(yield* q.get(), "late");
    assert.equal(getEventLoop().time(), 3000);
  }, virtual);
});

test("put() waits while the queue is full and inserts once a slot frees", async () => {
  await run(function* () {
    const q = new Queue<number>(1);
    q.putNowait(1);
    createTask(
      (function* () {
        yield* sleep(2);
        assert.equal(q.getNowait(), 1);
      })(),
    );
    yield* q.put(2);
    assert.equal(getEventLoop().time(), 2000);
    assert.equal(q.getNowait(), 2);
  }, virtual);
});

// CPython 3.12 prints the same lines for the equivalent producer/consumer program.
test("a bounded producer/consumer interleaves as in CPython", async () => {
  const log: string[] = [];
  await run(function* () {
    const q = new Queue<number | null>(2);
    function* producer(): Coro<void> {
      for (let i = 0; i < 5; i++) {
        yield* q.put(i);
        log.push(`put ${i} qsize ${q.qsize()}`);
      }
      yield* q.put(null);
    }
    function* consumer(): Coro<void> {
      for (;;) {
        const item = yield* q.get();
        log.push(`get ${item === null ? "None" : item} qsize ${q.qsize()}`);
        if (item === null) return;
        yield* sleep(0.01);
      }
    }
    yield* gather(producer(), consumer());
  }, virtual);
  assert.deepEqual(log, [
    "put 0 qsize 1",
    "put 1 qsize 2",
    "get 0 qsize 1",
    "put 2 qsize 2",
    "get 1 qsize 1",
    "put 3 qsize 2",
    "get 2 qsize 1",
    "put 4 qsize 2",
    "get 3 qsize 1",
    "get 4 qsize 1",
    "get None qsize 0",
  ]);
});

// CPython 3.12: an item put for a waiting getter stays in the queue (qsize counts it) until the
// getter runs, and a getter that loops takes what is there before the others wake.
test("items put while getters wait stay counted in qsize, and getters are woken in FIFO order", async () => {
  const log: string[] = [];
  await run(function* () {
    const q = new Queue<number | "stop">();
    function* consumer(n: string): Coro<void> {
      for (;;) {
        const item = yield* q.get();
        log.push(`${n} got ${item}`);
        if (item === "stop") return;
      }
    }
    const cs = ["c1", "c2", "c3"].map((n) => createTask(consumer(n)));
    yield* sleep(0.01);
    for (let i = 0; i < 3; i++) q.putNowait(i);
    log.push(`qsize after puts ${q.qsize()}`);
    yield* sleep(0.01);
    for (let i = 0; i < 3; i++) q.putNowait("stop");
    for (const c of cs) yield* c;
  }, virtual);
  assert.deepEqual(log, ["qsize after puts 3", "c1 got 0", "c1 got 1", "c1 got 2", "c1 got stop", "c2 got stop", "c3 got stop"]);
});

// CPython 3.12: qsize 1 / A cancelled / B got x / qsize at end 0
test("a get() cancelled just as an item arrives does not lose it: the next getter gets it", async () => {
  const log: string[] = [];
  await run(function* () {
    const q = new Queue<string>();
    function* getter(n: string): Coro<void> {
      try {
        const item = yield* q.get();
        log.push(`${n} got ${item}`);
      } catch (e) {
        log.push(`${n} cancelled`);
        throw e;
      }
    }
    const a = createTask(getter("A"));
    createTask(getter("B"));
    yield* sleep(0.01);
    q.putNowait("x");
    a.cancel();
    log.push(`qsize ${q.qsize()}`);
    yield* sleep(0.01);
    log.push(`qsize at end ${q.qsize()}`);
  }, virtual);
  assert.deepEqual(log, ["qsize 1", "A cancelled", "B got x", "qsize at end 0"]);
});

test("a get() cancelled just as an item arrives, with no other getter, leaves the item in the queue", async () => {
  await run(function* () {
    const q = new Queue<string>();
    const a = createTask(
      (function* () {
        return yield* q.get();
      })(),
    );
    yield* sleep(1);
    q.putNowait("kept");
    a.cancel();
    yield* sleep(1);
    assert.equal(a.cancelled(), true);
    assert.equal(q.qsize(), 1);
    assert.equal(yield* q.get(), "kept");
  }, virtual);
});

test("a get() cancelled while waiting is removed: a later item goes to the next getter", async () => {
  await run(function* () {
    const q = new Queue<number>();
    const a = createTask(
      (function* () {
        return yield* q.get();
      })(),
    );
    const b = createTask(
      (function* () {
        return yield* q.get();
      })(),
    );
    yield* sleep(1);
    a.cancel();
    yield* sleep(1);
    q.putNowait(1);
    assert.equal(yield* b, 1);
    assert.equal(a.cancelled(), true);
    assert.equal(q.empty(), true);
  }, virtual);
});

// CPython 3.12: put cancelled b / got a / put c / got c empty True
test("a put() cancelled while waiting never inserts its item", async () => {
  const log: string[] = [];
  await run(function* () {
    const q = new Queue<string>(1);
    q.putNowait("a");
    function* putter(item: string): Coro<void> {
      try {
        yield* q.put(item);
        log.push(`put ${item}`);
      } catch (e) {
        log.push(`put cancelled ${item}`);
        throw e;
      }
    }
    const p = createTask(putter("b"));
    createTask(putter("c"));
    yield* sleep(0.01);
    p.cancel();
    yield* sleep(0.01);
    log.push(`got ${q.getNowait()}`);
    yield* sleep(0.01);
    log.push(`got ${q.getNowait()} empty ${q.empty()}`);
  }, virtual);
  assert.deepEqual(log, ["put cancelled b", "got a", "put c", "got c empty true"]);
});

// CPython 3.12: got 1 / put cancelled 2 / put 3 / qsize 1 item 3
test("a put() cancelled after a slot freed for it, before it ran, passes the slot to the next putter", async () => {
  const log: string[] = [];
  await run(function* () {
    const q = new Queue<number>(1);
    q.putNowait(1);
    function* putter(item: number): Coro<void> {
      try {
        yield* q.put(item);
        log.push(`put ${item}`);
      } catch (e) {
        log.push(`put cancelled ${item}`);
        throw e;
      }
    }
    const p = createTask(putter(2));
    createTask(putter(3));
    yield* sleep(0.01);
    log.push(`got ${q.getNowait()}`);
    p.cancel();
    yield* sleep(0.01);
    log.push(`qsize ${q.qsize()} item ${q.getNowait()}`);
  }, virtual);
  assert.deepEqual(log, ["got 1", "put cancelled 2", "put 3", "qsize 1 item 3"]);
});

// CPython 3.12: w2 done 1 / w1 done 3 / w2 done 2 / w1 done 1 / joined, unfinished 0
test("join() waits until taskDone() was called for every item put", async () => {
  const log: string[] = [];
  await run(function* () {
    const q = new Queue<number>();
    function* worker(n: string): Coro<void> {
      for (;;) {
        const item = yield* q.get();
        yield* sleep(item / 100);
        log.push(`${n} done ${item}`);
        q.taskDone();
      }
    }
    const ws = [createTask(worker("w1")), createTask(worker("w2"))];
    for (const i of [3, 1, 2, 1]) q.putNowait(i);
    yield* q.join();
    log.push("joined");
    for (const w of ws) w.cancel();
  }, virtual);
  assert.deepEqual(log, ["w2 done 1", "w1 done 3", "w2 done 2", "w1 done 1", "joined"]);
});

test("join() returns at once when no item is unfinished", async () => {
  await run(function* () {
    const q = new Queue<number>();
    yield* q.join();
    q.putNowait(1);
    q.getNowait();
    q.taskDone();
    yield* q.join();
    assert.equal(getEventLoop().time(), 0);
  }, virtual);
});

test("join() wakes every joiner once the count reaches zero", async () => {
  const log: string[] = [];
  await run(function* () {
    const q = new Queue<number>();
    q.putNowait(1);
    const joiners = ["j1", "j2"].map((n) =>
      createTask(
        (function* () {
          yield* q.join();
          log.push(n);
        })(),
      ),
    );
    yield* sleep(1);
    q.getNowait();
    q.taskDone();
    for (const j of joiners) yield* j;
  }, virtual);
  assert.deepEqual(log, ["j1", "j2"]);
});

test("a join() cancelled while waiting throws CancelledError and the other joiners still return", async () => {
  await run(function* () {
    const q = new Queue<number>();
    q.putNowait(1);
    const a = createTask(
      (function* () {
        yield* q.join();
      })(),
    );
    const b = createTask(
      (function* () {
        yield* q.join();
        return "b joined";
      })(),
    );
    yield* sleep(1);
    a.cancel();
    yield* sleep(1);
    assert.equal(a.cancelled(), true);
    q.getNowait();
    q.taskDone();
    assert.equal(yield* b, "b joined");
  }, virtual);
});

test("taskDone() called more times than items were put throws RuntimeError", () => {
  const q = new Queue<number>();
  assert.throws(
    () => q.taskDone(),
    (e: unknown) => e instanceof RuntimeError && /taskDone/.test(e.message),
  );
  q.putNowait(1);
  q.taskDone();
  assert.throws(() => q.taskDone(), RuntimeError);
});

test("new Queue with a fractional or non-number maxsize throws a RangeError or TypeError naming maxsize", () => {
  assert.throws(
    () => new Queue(1.5),
    (e: unknown) => e instanceof RangeError && /maxsize/.test(e.message),
  );
  assert.throws(() => new Queue(NaN), RangeError);
  assert.throws(
    () => new Queue("3" as unknown as number),
    (e: unknown) => e instanceof TypeError && /maxsize/.test(e.message),
  );
});

test('tasks waiting on a Queue are shown as "Queue.get", "Queue.put" and "Queue.join" in loop.tasks()', async () => {
  await run(function* () {
    const empty = new Queue<number>();
    const full = new Queue<number>(1);
    full.putNowait(0);
    const g = createTask(
      (function* () {
        yield* empty.get();
      })(),
      { name: "getter" },
    );
    const p = createTask(
      (function* () {
        yield* full.put(1);
      })(),
      { name: "putter" },
    );
    const j = createTask(
      (function* () {
        yield* full.join();
      })(),
      { name: "joiner" },
    );
    yield* sleep(0);
    const byId = new Map(
      getEventLoop()
        .tasks()
        .map((i) => [i.id, i]),
    );
    assert.deepEqual(
      [g, p, j].map((t) => [byId.get(t.id)!.name, byId.get(t.id)!.state, byId.get(t.id)!.waitingOn, byId.get(t.id)!.steps]),
      [
        ["getter", "waiting", "Queue.get", 1],
        ["putter", "waiting", "Queue.put", 1],
        ["joiner", "waiting", "Queue.join", 1],
      ],
    );
    for (const t of [g, p, j]) t.cancel();
  }, virtual);
});

test("a getter that lost its item to a task that took it first waits again", async () => {
  await run(function* () {
    const q = new Queue<number>();
    const g = createTask(
      (function* () {
        return yield* q.get();
      })(),
    );
    yield* sleep(1);
    q.putNowait(1);
    assert.equal(q.getNowait(), 1); // taken before the woken getter ran
    yield* sleep(1);
    assert.equal(g.done(), false);
    q.putNowait(2);
    assert.equal(yield* g, 2);
  }, virtual);
});

test("property: under random cancellation of getters and putters no item is lost or duplicated and FIFO order is kept", async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.integer({ min: 0, max: 3 }),
      fc.array(
        fc.record({
          kind: fc.constantFrom("put", "get"),
          at: fc.nat(30),
          cancelAfter: fc.option(fc.nat(10), { nil: undefined }),
        }),
        { minLength: 1, maxLength: 25 },
      ),
      async (maxsize, ops) => {
        const inserted: number[] = [];
        const got: number[] = [];
        let leftover: number[] = [];
        await run(function* () {
          const q = new Queue<number>(maxsize);
          let next = 0;
          const tasks = ops.map((op) => {
            const t = createTask(
              (function* () {
                yield* sleep(op.at / 10);
                if (op.kind === "put") {
                  const item = next++;
                  yield* q.put(item);
                  inserted.push(item);
                } else {
                  got.push(yield* q.get());
                }
              })(),
            );
            if (op.cancelAfter !== undefined) {
              createTask(
                (function* () {
                  yield* sleep((op.at + op.cancelAfter!) / 10);
                  t.cancel();
                })(),
              );
            }
            return t;
          });
          yield* sleep(10);
          for (const t of tasks) t.cancel();
          for (const t of tasks) {
            try {
              yield* t;
            } catch (e) {
              if (!(e instanceof CancelledError)) throw e;
            }
          }
          leftover = [];
          while (!q.empty()) leftover.push(q.getNowait());
        }, virtual);
        // Every item that was inserted was got exactly once or is still in the queue, in insertion order.
        assert.deepEqual([...got, ...leftover], inserted);
      },
    ),
    { numRuns: 200 },
  );
});

test("`await q.put(x)` and `await q.get()` in async code fail loudly, naming the call to `yield*`", async () => {
  const q = new Queue<number>(1);
  await assert.rejects(async () => {
    await q.put(1);
  }, /yield\* queue\.put\(\)/);
  await assert.rejects(async () => {
    await q.get();
  }, /yield\* queue\.get\(\)/);
  assert.equal(q.qsize(), 0, "the put did not happen");
});
