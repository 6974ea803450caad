import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { run, createTask, sleepMs, ManagedResource, ResourceHandle, CancelledError, type Awaitable, type Coro, type Task } from "taskloop";

const virtual = { clock: "virtual" } as const;

interface Bus {
  owner: string | null;
}

/** A bus whose hooks log `+name` / `-name` and check that nobody else holds it. */
function makeBus(log: string[]): ManagedResource<Bus, [string]> {
  const bus: Bus = { owner: null };
  return new ManagedResource<Bus, [string]>(bus, {
    onAcquire(name) {
      assert.equal(bus.owner, null, `${name} acquired while ${bus.owner} held the bus`);
      bus.owner = name;
      log.push(`+${name}`);
    },
    onRelease(name) {
      assert.equal(bus.owner, name);
      bus.owner = null;
      log.push(`-${name}`);
    },
  });
}

test("waiters get the resource in the order they asked for it", async () => {
  const log: string[] = [];
  await run(function* () {
    const spi = makeBus(log);
    const tasks = ["a", "b", "c", "d"].map((name) =>
      spawn(
        spi.handle(name).use(function* () {
          yield* sleepMs(10);
        }),
      ),
    );
    for (const t of tasks) yield* t;
    assert.equal(spi.locked(), false);
  }, virtual);
  assert.deepEqual(log, ["+a", "-a", "+b", "-b", "+c", "-c", "+d", "-d"]);
});

test("a task that releases and re-acquires in a loop cannot starve the others: release hands over directly", async () => {
  const log: string[] = [];
  await run(function* () {
    const spi = makeBus(log);
    const greedy = spi.handle("greedy");
    const hog = createTask(
      (function* () {
        for (let i = 0; i < 3; i++) {
          const lease = yield* greedy.acquire();
          yield* sleepMs(5);
          lease.release();
          // no yield between release and the next acquire
        }
      })(),
    );
    yield* sleepMs(1);
    const other = spawn(
      spi.handle("other").use(function* () {
        yield* sleepMs(1);
      }),
    );
    yield* hog;
    yield* other;
  }, virtual);
  assert.deepEqual(log, ["+greedy", "-greedy", "+other", "-other", "+greedy", "-greedy", "+greedy", "-greedy"]);
});

test("onAcquire and onRelease receive the handle's bound arguments, once per use", async () => {
  const calls: string[] = [];
  await run(function* () {
    const spi = new ManagedResource(
      { id: "spi" },
      {
        onAcquire: (cs: number, label: string) => void calls.push(`select ${cs} ${label}`),
        onRelease: (cs: number, label: string) => void calls.push(`deselect ${cs} ${label}`),
      },
    );
    const sd = spi.handle(5, "sd");
    const sensor = spi.handle(9, "sensor");
    const id = yield* sd.use(function* (bus) {
      return bus.id;
    });
    assert.equal(id, "spi");
    yield* sensor.use(function* () {});
    yield* sd.use(function* () {});
  }, virtual);
  assert.deepEqual(calls, ["select 5 sd", "deselect 5 sd", "select 9 sensor", "deselect 9 sensor", "select 5 sd", "deselect 5 sd"]);
});

test("a `using` lease releases the resource at the end of its block", async () => {
  const log: string[] = [];
  await run(function* () {
    const spi = makeBus(log);
    const handle = spi.handle("x");
    {
      using lease = yield* handle.acquire();
      assert.equal(lease.resource.owner, "x");
      log.push("body");
    }
    assert.equal(spi.locked(), false);
  }, virtual);
  assert.deepEqual(log, ["+x", "body", "-x"]);
});

test("releasing a lease twice calls onRelease once", async () => {
  const log: string[] = [];
  await run(function* () {
    const spi = makeBus(log);
    const lease = yield* spi.handle("x").acquire();
    lease.release();
    lease.release();
    lease[Symbol.dispose]();
  }, virtual);
  assert.deepEqual(log, ["+x", "-x"]);
});

test("use(body) releases the resource when the body throws, and rethrows", async () => {
  const log: string[] = [];
  await run(function* () {
    const spi = makeBus(log);
    yield* assertRejects(
      spi.handle("x").use(function* () {
        yield* sleepMs(1);
        throw new Error("bus fault");
      }),
      /bus fault/,
    );
    assert.equal(spi.locked(), false);
  }, virtual);
  assert.deepEqual(log, ["+x", "-x"]);
});

test("use(body) releases the resource when the task is cancelled inside the body", async () => {
  const log: string[] = [];
  await run(function* () {
    const spi = makeBus(log);
    const t = spawn(
      spi.handle("x").use(function* () {
        yield* sleepMs(100);
      }),
    );
    yield* sleepMs(10);
    t.cancel();
    yield* sleepMs(1);
    assert.equal(t.cancelled(), true);
    assert.equal(spi.locked(), false);
  }, virtual);
  assert.deepEqual(log, ["+x", "-x"]);
});

test("a task cancelled while queued leaves the queue and onAcquire is never called for it", async () => {
  const log: string[] = [];
  await run(function* () {
    const spi = makeBus(log);
    const a = spawn(
      spi.handle("a").use(function* () {
        yield* sleepMs(10);
      }),
    );
    const b = spawn(
      spi.handle("b").use(function* () {
        yield* sleepMs(10);
      }),
    );
    const c = spawn(
      spi.handle("c").use(function* () {
        yield* sleepMs(10);
      }),
    );
    yield* sleepMs(5);
    b.cancel();
    yield* a;
    yield* c;
    assert.equal(b.cancelled(), true);
  }, virtual);
  assert.deepEqual(log, ["+a", "-a", "+c", "-c"]);
});

test("a waiter cancelled after being handed the resource, before it ran, passes it on with the hooks balanced", async () => {
  const log: string[] = [];
  await run(function* () {
    const spi = makeBus(log);
    const lease = yield* spi.handle("main").acquire();
    const b = spawn(
      spi.handle("b").use(function* () {
        log.push("b body");
      }),
    );
    const c = spawn(
      spi.handle("c").use(function* () {
        log.push("c body");
      }),
    );
    yield* sleepMs(1); // both queued
    lease.release(); // hands the bus to b, which is now ready but has not run
    b.cancel();
    yield* c;
    assert.equal(b.cancelled(), true);
    assert.equal(spi.locked(), false);
  }, virtual);
  assert.deepEqual(log, ["+main", "-main", "+c", "c body", "-c"]);
});

test("an onAcquire that throws fails the acquisition and passes the resource on without onRelease", async () => {
  const log: string[] = [];
  await run(function* () {
    const spi = new ManagedResource(
      {},
      {
        onAcquire: (name: string) => {
          if (name === "bad") throw new Error("pin stuck");
          log.push(`+${name}`);
        },
        onRelease: (name: string) => void log.push(`-${name}`),
      },
    );
    const first = yield* spi.handle("first").acquire();
    const bad = spawn(
      spi.handle("bad").use(function* () {
        log.push("bad body");
      }),
    );
    const good = spawn(
      spi.handle("good").use(function* () {
        log.push("good body");
      }),
    );
    yield* sleepMs(1);
    first.release();
    yield* assertRejects(bad, /pin stuck/);
    yield* good;
    assert.equal(spi.locked(), false);
  }, virtual);
  assert.deepEqual(log, ["+first", "-first", "+good", "good body", "-good"]);
});

test("ManagedResource checks its options and use(body) checks its body", async () => {
  assert.throws(() => new ManagedResource({}, { onAcquire: 5 as unknown as () => void }), /onAcquire must be a function/);
  assert.throws(() => new ManagedResource({}, null as never), TypeError);
  const handle = new ManagedResource({}).handle();
  assert.throws(() => handle.use(5 as unknown as () => Coro<void>), TypeError);
  await run(function* () {
    yield* assertRejects(handle.use((() => 5) as unknown as () => Coro<void>), /must return a coroutine/);
  }, virtual);
});

test("property: under random acquire/cancel sequences there is never more than one owner, every onAcquire has one onRelease, and grants follow request order", async () => {
  const scenario = fc.record({
    workers: fc.array(
      fc.record({
        start: fc.integer({ min: 0, max: 5 }),
        rounds: fc.array(fc.record({ gap: fc.integer({ min: 0, max: 3 }), hold: fc.integer({ min: 0, max: 4 }), form: fc.constantFrom("use", "using") }), {
          minLength: 1,
          maxLength: 4,
        }),
      }),
      { minLength: 1, maxLength: 6 },
    ),
    cancels: fc.array(fc.record({ at: fc.integer({ min: 0, max: 25 }), who: fc.nat() }), { maxLength: 4 }),
  });
  await fc.assert(
    fc.asyncProperty(scenario, async ({ workers, cancels }) => {
      let owner: number | null = null;
      const acquires = workers.map(() => 0);
      const releases = workers.map(() => 0);
      // Requests outstanding (asked, neither granted nor withdrawn), oldest first.
      const pending: number[] = [];
      const withdraw = (id: number): void => {
        const i = pending.indexOf(id);
        if (i >= 0) pending.splice(i, 1);
      };
      await run(function* () {
        const spi = new ManagedResource(
          { bus: true },
          {
            onAcquire(id: number) {
              assert.equal(owner, null, `worker ${id} acquired while worker ${owner} held the bus`);
              assert.equal(pending[0], id, `worker ${id} was granted out of order (queue ${pending.join(",")})`);
              pending.shift();
              owner = id;
              acquires[id]!++;
            },
            onRelease(id: number) {
              assert.equal(owner, id);
              owner = null;
              releases[id]!++;
            },
          },
        );
        const tasks: Task<void>[] = workers.map((w, id) =>
          createTask(
            (function* (): Coro<void> {
              const handle = spi.handle(id);
              yield* sleepMs(w.start);
              for (const round of w.rounds) {
                if (round.gap > 0) yield* sleepMs(round.gap);
                pending.push(id);
                if (round.form === "use") {
                  yield* handle.use(function* () {
                    assert.equal(owner, id);
                    if (round.hold > 0) yield* sleepMs(round.hold);
                    assert.equal(owner, id);
                  });
                } else {
                  using lease = yield* handle.acquire();
                  assert.equal(owner, id);
                  if (round.hold > 0) yield* sleepMs(round.hold);
                  assert.equal(owner, id);
                  lease.release();
                  assert.notEqual(owner, id);
                }
              }
            })(),
          ),
        );
        let t = 0;
        for (const c of [...cancels].sort((x, y) => x.at - y.at)) {
          yield* sleepMs(c.at - t);
          t = c.at;
          const id = c.who % tasks.length;
          if (tasks[id]!.cancel()) withdraw(id);
        }
        for (const task of tasks) {
          try {
            yield* task;
          } catch (e) {
            if (!(e instanceof CancelledError)) throw e;
          }
        }
        assert.equal(spi.locked(), false);
      }, virtual);
      assert.equal(owner, null);
      assert.deepEqual(acquires, releases);
      assert.deepEqual(pending, []);
    }),
    { numRuns: 300 },
  );
});

/** Runs `aw` and checks that it throws an error matching `pattern`. */
function* assertRejects(aw: Awaitable<unknown>, pattern: RegExp): Coro<void> {
  try {
    yield* aw;
  } catch (e) {
    assert.match(String((e as Error).message), pattern);
    return;
  }
  assert.fail(`expected an error matching ${pattern}`);
}

/** Runs an awaitable as a new task. */
function spawn<T>(aw: Awaitable<T>): Task<T> {
  return createTask(
    (function* (): Coro<T> {
      return yield* aw;
    })(),
  );
}

test("ResourceHandle is made by resource.handle(), not with new", () => {
  assert.throws(() => new (ResourceHandle as unknown as new () => unknown)(), /made by resource.handle/);
});
